"""The audio reading of each guide step, kept in the database next to the text it reads.

A reading is derived data, like a cache: it is made from the step's text by langso.guides.speech and
remade whenever the text (or the way we synthesise) changes. That is why these writes carry no acting
user and no audit row: nobody decides anything here, and the same text always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import Length

from langso.guides.models import GuideStep
from langso.guides.speech import SpeechError, speech_fingerprint, synthesize

logger = logging.getLogger(__name__)

VOICE = "vi"


@dataclass
class BuildStats:
    steps: int = 0
    recorded: int = 0  # steps read by a person's approved recording: left alone, never synthesised
    generated: int = 0
    kept: int = 0
    failed: list[int] = field(default_factory=list)  # ids of steps whose text cannot be read
    total_bytes: int = 0
    total_seconds: float = 0.0
    elapsed_seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "steps": self.steps,
            "recorded": self.recorded,
            "generated": self.generated,
            "kept": self.kept,
            "failed": self.failed,
            "total_bytes": self.total_bytes,
            "total_seconds": self.total_seconds,
            "elapsed_seconds": self.elapsed_seconds,
        }


def text_hash(step: GuideStep) -> str:
    """SHA-256 of the step's text and of the speech settings: the reading's identity (and ETag)."""
    source = f"{speech_fingerprint(VOICE)}\n{step.text}"
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def step_audio_is_current(step: GuideStep) -> bool:
    """True when the stored reading was made from the step's present text with the present settings."""
    return bool(step.audio_text_hash) and step.audio_text_hash == text_hash(step) and step.audio is not None


def ensure_step_audio(step: GuideStep) -> bytes:
    """The step's MP3 reading, made and stored first if it is missing or stale.

    Two requests may make the same reading at once: both write the same bytes, the last write wins and
    neither fails. The write is skipped if the text changed meanwhile, so a reading is never stored
    under a text it does not read. Raises SpeechError if the text has nothing to read.
    """
    if step_audio_is_current(step):
        return bytes(step.audio)  # type: ignore[arg-type]  # current: the audio is stored
    current = text_hash(step)
    audio = synthesize(step.text, voice=VOICE)
    seconds = Decimal(str(audio.seconds))
    GuideStep.objects.filter(pk=step.pk, text=step.text).update(
        audio=audio.mp3, audio_text_hash=current, audio_seconds=seconds
    )
    step.audio, step.audio_text_hash, step.audio_seconds = audio.mp3, current, seconds
    return audio.mp3


def build_all(*, force: bool = False) -> BuildStats:
    """Make every missing or stale reading (all of them with `force`); report counts, size and length.

    Steps whose Vietnamese reading is an approved recording of their present text are skipped, even
    with `force`: recordings live in their own table (StepRecording) and the page plays them instead
    of eSpeak's, so a build never spends time on them nor touches them."""
    from langso.guides.languages import recorded_vietnamese_step_ids

    started = time.perf_counter()
    stats = BuildStats()
    recorded = recorded_vietnamese_step_ids()
    # Only the length of each stored reading is read, not its bytes: a current one needs nothing more.
    rows = GuideStep.objects.defer("audio").annotate(audio_bytes=Length("audio")).order_by("pk")
    for step in rows.iterator(chunk_size=200):
        stats.steps += 1
        if step.pk in recorded:
            stats.recorded += 1
            continue
        if not force and step.audio_bytes and step.audio_text_hash == text_hash(step):
            stats.kept += 1
            continue
        try:
            audio = synthesize(step.text, voice=VOICE)
        except SpeechError as error:
            logger.warning("Guide step %s has no readable text: %s", step.pk, error)
            stats.failed.append(step.pk)
            continue
        GuideStep.objects.filter(pk=step.pk, text=step.text).update(
            audio=audio.mp3, audio_text_hash=text_hash(step), audio_seconds=Decimal(str(audio.seconds))
        )
        stats.generated += 1
    totals = GuideStep.objects.filter(audio__isnull=False).aggregate(
        size=Sum(Length("audio")), seconds=Sum("audio_seconds")
    )
    stats.total_bytes = int(totals["size"] or 0)
    stats.total_seconds = float(totals["seconds"] or 0)
    stats.elapsed_seconds = round(time.perf_counter() - started, 2)
    return stats
