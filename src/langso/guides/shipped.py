"""The guides and guide languages as shipped: TOML files under `guides/content/`, read and checked.

One file per guide (`guides/content/guides/<skill_code>.toml`), written for an elderly person holding a
smartphone for the first time: short sentences, one action per step, the exact thing to press. Each
step has an English translation and a picture description (drawn by langso.guides.illustrations);
each guide has 3 to 5 check questions with one right answer. The texts on the pictures stay in
Vietnamese in both languages: they imitate the real screens. Facts that matter (kept deliberately
conservative):
- VNeID level 2 is activated with the police (công an xã/phường, or where the chip ID card is made),
  with the chip CCCD; the app alone gives at most level 1.
- Nobody (police, bank, VNeID, the team) ever needs a person's OTP, password or passcode.
- The national public-service portal is dichvucong.gov.vn; it is signed into with the VNeID account.
- The e-health book and the health-insurance card are in VNeID.
- Since 1 July 2024 a bank transfer above 10 million đồng (or above 20 million in a day) needs face
  authentication (Quyết định 2345/QĐ-NHNN).

`install_default_guides` (guides/services.py) puts them into the database after `migrate`, never over
a guide province staff edited. The file format is described in docs/content.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from langso.core.content import Table, content_hash, read_toml
from langso.guides.illustrations import validate_spec
from langso.guides.models import Guide, GuideLanguage, GuideStep, QuizQuestion
from langso.guides.rules import MAX_CHOICES, MAX_QUESTIONS, MAX_STEPS, MIN_CHOICES, MIN_QUESTIONS, MIN_STEPS

CONTENT_DIR = Path(__file__).parent / "content"
GUIDES_DIR = CONTENT_DIR / "guides"
LANGUAGES_FILE = CONTENT_DIR / "languages.toml"


@dataclass(frozen=True)
class StepContent:
    text: str
    text_en: str
    illustration: dict[str, Any]


@dataclass(frozen=True)
class QuestionContent:
    prompt: str
    prompt_en: str
    choices: tuple[tuple[str, str], ...]  # (Vietnamese, English)
    correct: int  # the right choice, counted from 0
    explanation: str
    explanation_en: str

    def choices_json(self) -> list[dict[str, str]]:
        return [{"vi": vi, "en": en} for vi, en in self.choices]


@dataclass(frozen=True)
class GuideContent:
    skill_code: str
    title: str
    title_en: str
    summary: str
    summary_en: str
    steps: tuple[StepContent, ...]
    questions: tuple[QuestionContent, ...]
    # The fingerprint of the parsed file (layout and comments aside): a guide row records the one it
    # was installed from, so the install step knows when the shipped guide changed.
    hash: str


def _length(model: Any, field: str) -> int | None:
    return model._meta.get_field(field).max_length


def _step(table: Table) -> StepContent:
    table.only("text", "text_en", "illustration")
    picture = table.mapping("illustration", default={})
    try:
        picture = validate_spec(picture)
    except ValidationError as error:
        raise table.error("illustration", " ".join(error.messages)) from None
    return StepContent(
        text=table.text("text", max_length=_length(GuideStep, "text")),
        text_en=table.text("text_en", default="", max_length=_length(GuideStep, "text_en")),
        illustration=picture,
    )


def _question(table: Table) -> QuestionContent:
    table.only("prompt", "prompt_en", "choices", "correct", "explanation", "explanation_en")
    choices = []
    for choice in table.tables("choices", low=MIN_CHOICES, high=MAX_CHOICES):
        choice.only("vi", "en")
        choices.append((choice.text("vi"), choice.text("en", default="")))
    if len({vi for vi, _en in choices}) != len(choices):
        raise table.error("choices", "two choices have the same Vietnamese text")
    return QuestionContent(
        prompt=table.text("prompt", max_length=_length(QuizQuestion, "prompt")),
        prompt_en=table.text("prompt_en", default="", max_length=_length(QuizQuestion, "prompt_en")),
        choices=tuple(choices),
        correct=table.integer("correct", low=0, high=len(choices) - 1),
        explanation=table.text("explanation", default="", max_length=_length(QuizQuestion, "explanation")),
        explanation_en=table.text(
            "explanation_en", default="", max_length=_length(QuizQuestion, "explanation_en")
        ),
    )


def load_guide(path: Path) -> GuideContent:
    """Read and check one guide file; a ContentError names the file and key of the first problem."""
    root = read_toml(path)
    root.only("skill_code", "title", "title_en", "summary", "summary_en", "steps", "questions")
    skill_code = root.text("skill_code", max_length=_length(Guide, "skill_code"))
    if skill_code != path.stem:
        raise root.error("skill_code", f"is “{skill_code}” but the file is named {path.name}")
    guide = GuideContent(
        skill_code=skill_code,
        title=root.text("title", max_length=_length(Guide, "title")),
        title_en=root.text("title_en", default="", max_length=_length(Guide, "title_en")),
        summary=root.text("summary", default="", max_length=_length(Guide, "summary")),
        summary_en=root.text("summary_en", default="", max_length=_length(Guide, "summary_en")),
        steps=tuple(_step(t) for t in root.tables("steps", low=MIN_STEPS, high=MAX_STEPS)),
        questions=tuple(
            _question(t) for t in root.tables("questions", low=MIN_QUESTIONS, high=MAX_QUESTIONS)
        ),
        hash="",
    )
    fields = {k: v for k, v in guide.__dict__.items() if k != "hash"}
    return GuideContent(**{**fields, "hash": content_hash(_plain(fields))})


def _plain(value: Any) -> Any:
    """Dataclasses and tuples as plain JSON values, for the fingerprint."""
    if isinstance(value, StepContent | QuestionContent):
        return _plain(value.__dict__)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def load_guides(directory: Path = GUIDES_DIR) -> tuple[GuideContent, ...]:
    """Every guide file of `directory`, in file-name order."""
    return tuple(load_guide(path) for path in sorted(directory.glob("*.toml")))


@cache
def shipped_guides() -> tuple[GuideContent, ...]:
    return load_guides(GUIDES_DIR)


@dataclass(frozen=True)
class LanguageContent:
    code: str
    name: str
    tag: str


def load_languages(path: Path = LANGUAGES_FILE) -> tuple[LanguageContent, ...]:
    """The languages guides may be offered in. Codes appear in addresses (?lang=tay): short ASCII
    slugs, never "en" (the interface's own other language)."""
    root = read_toml(path)
    root.only("languages")
    languages: list[LanguageContent] = []
    for table in root.tables("languages", low=1):
        table.only("code", "name", "tag")
        code = table.text("code", max_length=_length(GuideLanguage, "code"))
        if not (code.isascii() and code.isalnum() and code.islower()) or code == "en":
            raise table.error("code", f"“{code}” must be lower-case ASCII letters and digits, and not “en”")
        if code in {language.code for language in languages}:
            raise table.error("code", f"“{code}” appears twice")
        languages.append(
            LanguageContent(
                code=code,
                name=table.text("name", max_length=_length(GuideLanguage, "name")),
                tag=table.text("tag", default="", max_length=_length(GuideLanguage, "tag")),
            )
        )
    if GuideLanguage.VIETNAMESE not in {language.code for language in languages}:
        raise root.error("languages", f"must include Vietnamese (code “{GuideLanguage.VIETNAMESE}”)")
    return tuple(languages)
