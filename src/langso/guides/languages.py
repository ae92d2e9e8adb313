"""The languages guides are offered in, as data, and the reads that say which guide exists in which.

A guide exists in a language other than Vietnamese when the language is switched on and every step
of the guide has its text in that language (a half-translated guide would leave a reader stranded
at the first untranslated step). Audio is per step and optional: a step without an approved
recording in the language shows its text only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from langso.accounts.access import Perm, scope_for
from langso.accounts.models import User
from langso.accounts.selectors import users_in_scope
from langso.guides.models import (
    Guide,
    GuideLanguage,
    GuideStep,
    GuideTranslation,
    RecordingStatus,
    StepRecording,
    StepTranslation,
)
from langso.guides.shipped import load_languages


def install_default_languages() -> int:
    """Add the shipped languages (guides/content/languages.toml) that are missing; never changes a row
    the province set. Vietnamese starts switched on, the others off. Returns how many were added."""
    added = 0
    for position, language in enumerate(load_languages()):
        _, created = GuideLanguage.objects.get_or_create(
            code=language.code,
            defaults={
                "name": language.name,
                "tag": language.tag,
                "position": position,
                "active": language.code == GuideLanguage.VIETNAMESE,
            },
        )
        added += int(created)
    return added


def active_languages(*, with_vietnamese: bool = True) -> list[GuideLanguage]:
    rows = GuideLanguage.objects.filter(active=True)
    if not with_vietnamese:
        rows = rows.exclude(code=GuideLanguage.VIETNAMESE)
    return list(rows)


def language_get(code: str, *, active_only: bool = True) -> GuideLanguage | None:
    rows = GuideLanguage.objects.filter(code=code)
    if active_only:
        rows = rows.filter(active=True)
    return rows.first()


def _complete_guides(language: GuideLanguage) -> Any:
    """Guides with at least one step, every one of which has its text in `language`."""
    return Guide.objects.annotate(
        n_steps=Count("steps", distinct=True),
        n_done=Count("steps__translations", filter=Q(steps__translations__language=language), distinct=True),
    ).filter(n_steps__gt=0, n_done=F("n_steps"))


def guide_languages(guide: Guide) -> list[GuideLanguage]:
    """The active languages `guide` can be read in: Vietnamese, then each fully translated one."""
    n_steps = guide.steps.count()
    done = dict(
        StepTranslation.objects.filter(step__guide=guide, language__active=True)
        .order_by()
        .values_list("language")
        .annotate(n=Count("pk"))
    )
    return [
        lang
        for lang in active_languages()
        if lang.is_vietnamese or (n_steps and done.get(lang.code, 0) >= n_steps)
    ]


def guide_codes_in(language: GuideLanguage) -> list[str]:
    if language.is_vietnamese:
        return list(Guide.objects.order_by("skill_code").values_list("skill_code", flat=True))
    return list(_complete_guides(language).order_by("skill_code").values_list("skill_code", flat=True))


@dataclass(frozen=True)
class LanguageFigure:
    language: GuideLanguage
    guides: int  # guides that can be read in the language
    recorded: int  # of those, guides whose every step has an approved recording that reads its text
    pending: int  # recordings waiting for review


def guides_per_language(*, active_only: bool = True) -> list[LanguageFigure]:
    """ "Guides available per language": for each language, how many guides can be read and how many
    can be heard from start to end in a recorded voice (not eSpeak), and how many recordings wait."""
    languages = GuideLanguage.objects.all()
    if active_only:
        languages = languages.filter(active=True)
    total = Guide.objects.filter(steps__isnull=False).distinct().count()
    pending = dict(
        StepRecording.objects.filter(status=RecordingStatus.PENDING)
        .order_by()
        .values_list("language")
        .annotate(n=Count("pk"))
    )
    per_guide = dict(GuideStep.objects.order_by().values_list("guide__skill_code").annotate(n=Count("pk")))
    figures = []
    for language in languages:
        codes = set(guide_codes_in(language)) if not language.is_vietnamese else None
        readable = total if codes is None else len(codes)
        recorded_steps = current_recorded_steps(language)
        heard = dict(
            GuideStep.objects.filter(pk__in=recorded_steps)
            .order_by()
            .values_list("guide__skill_code")
            .annotate(n=Count("pk"))
        )
        recorded = sum(
            1
            for code, n in per_guide.items()
            if n and heard.get(code, 0) == n and (codes is None or code in codes)
        )
        figures.append(LanguageFigure(language, readable, recorded, pending.get(language.code, 0)))
    return figures


def step_text(step: GuideStep, language: GuideLanguage, translations: dict[int, str] | None = None) -> str:
    """What a recording of `step` in `language` reads: the step's own text in Vietnamese, else its
    translation ("" when none is typed yet)."""
    if language.is_vietnamese:
        return step.text
    if translations is not None:
        return translations.get(step.pk, "")
    row = StepTranslation.objects.filter(step=step, language=language).values_list("text", flat=True).first()
    return row or ""


def step_translations(guide: Guide, language: GuideLanguage) -> dict[int, str]:
    return dict(
        StepTranslation.objects.filter(step__guide=guide, language=language).values_list("step_id", "text")
    )


def guide_translation(guide: Guide, language: GuideLanguage) -> GuideTranslation | None:
    return GuideTranslation.objects.filter(guide=guide, language=language).first()


def current_recorded_steps(language: GuideLanguage, guide: Guide | None = None) -> set[int]:
    """Ids of steps whose approved recording in `language` still reads the step's present text."""
    rows = StepRecording.objects.filter(language=language, status=RecordingStatus.APPROVED)
    if guide is not None:
        rows = rows.filter(step__guide=guide)
    rows = rows.values_list("step_id", "text", "step__text")
    if language.is_vietnamese:
        return {step_id for step_id, text, current in rows if text == current}
    texts = dict(
        StepTranslation.objects.filter(language=language, step_id__in=[r[0] for r in rows]).values_list(
            "step_id", "text"
        )
    )
    return {step_id for step_id, text, _ in rows if texts.get(step_id) == text}


def current_recordings(guide: Guide, language: GuideLanguage) -> dict[int, StepRecording]:
    """The approved, current recording of each step of `guide` in `language` (without the bytes)."""
    current = current_recorded_steps(language, guide)
    rows = StepRecording.objects.filter(
        language=language, status=RecordingStatus.APPROVED, step_id__in=current
    ).defer("audio")
    return {row.step_id: row for row in rows}


def recorded_vietnamese_step_ids() -> set[int]:
    """Steps whose Vietnamese reading is a recorded voice: the eSpeak build leaves them alone."""
    vietnamese = GuideLanguage.objects.filter(code=GuideLanguage.VIETNAMESE).first()
    return current_recorded_steps(vietnamese) if vietnamese else set()


def reviewable_recordings(user: User) -> QuerySet[StepRecording]:
    """The recordings this reviewer may hear and decide on: those made by members working in their
    units (a member's voice is personal data; a province reviews its own people's recordings)."""
    scope = scope_for(user, Perm.GUIDE_REVIEW)
    recordings = StepRecording.objects.all()
    if scope.everything:
        return recordings
    if scope.is_empty:
        return recordings.none()
    return recordings.filter(recorded_by_id__in=users_in_scope(scope))
