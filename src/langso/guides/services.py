"""Writes to guides: installing the default content, staff edits, and turning a check into evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.guides.illustrations import validate_spec
from langso.guides.models import Guide, GuideStep, QuizQuestion
from langso.guides.quiz import QuizResult, quiz_level
from langso.guides.rules import MAX_CHOICES, MAX_QUESTIONS, MAX_STEPS, MIN_CHOICES, MIN_QUESTIONS, MIN_STEPS
from langso.guides.shipped import GuideContent, shipped_guides

GUIDE_FIELDS = ["title", "title_en", "summary", "summary_en", "pass_mark"]


def _sync_rows(manager: Any, model: Any, guide: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Make the guide's steps (or questions) numbered 1..n equal `rows`, changing rows in place so a
    step whose text did not change keeps its audio. Returns the numbers that changed."""
    existing = {row.number: row for row in manager.filter(guide=guide)}
    changed = []
    for number, values in enumerate(rows, start=1):
        row = existing.pop(number, None)
        if row is None:
            model.objects.create(guide=guide, number=number, **values)
            changed.append(number)
        elif any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.save(update_fields=list(values))
            changed.append(number)
    if existing:
        manager.filter(guide=guide, number__in=list(existing)).delete()
        changed.extend(sorted(existing))
    return changed


def _content_rows(content: GuideContent) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    head = {
        "title": content.title,
        "title_en": content.title_en,
        "summary": content.summary,
        "summary_en": content.summary_en,
    }
    steps = [{"text": s.text, "text_en": s.text_en, "illustration": s.illustration} for s in content.steps]
    questions = [
        {
            "prompt": q.prompt,
            "prompt_en": q.prompt_en,
            "choices": q.choices_json(),
            "correct": q.correct,
            "explanation": q.explanation,
            "explanation_en": q.explanation_en,
        }
        for q in content.questions
    ]
    return head, steps, questions


def _install(guide: Guide | None, content: GuideContent) -> bool:
    """Make one guide equal its shipped content; True when anything changed."""
    head, steps, questions = _content_rows(content)
    changed = False
    if guide is None:
        guide = Guide.objects.create(skill_code=content.skill_code, shipped_hash=content.hash, **head)
        changed = True
    elif any(getattr(guide, key) != value for key, value in head.items()):
        Guide.objects.filter(pk=guide.pk).update(**head)
        changed = True
    changed |= bool(_sync_rows(GuideStep.objects, GuideStep, guide, steps))
    changed |= bool(_sync_rows(QuizQuestion.objects, QuizQuestion, guide, questions))
    if guide.shipped_hash != content.hash:
        Guide.objects.filter(pk=guide.pk).update(shipped_hash=content.hash)
    return changed


def install_default_guides() -> list[str]:
    """Put the shipped guides (guides/content/guides/*.toml) into the database; idempotent, run after
    every `migrate`. Returns the skill codes created or refreshed.

    A guide staff never saved follows its file: created, or refreshed in place (steps are updated in
    place, so the audio of a step whose text is unchanged stays valid). A guide staff saved
    (`edited`) is never touched: when its file changed since the version it came from
    (`shipped_hash`), `guides_to_review` lists it and its edit page says so, and staff either take
    the shipped version or keep theirs (`guide_review_shipped`).
    """
    touched = []
    with transaction.atomic():
        existing = {g.skill_code: g for g in Guide.objects.select_for_update()}
        for content in shipped_guides():
            guide = existing.get(content.skill_code)
            if guide is not None and guide.edited:
                continue
            if _install(guide, content):
                touched.append(content.skill_code)
    return touched


def shipped_content(guide: Guide) -> GuideContent | None:
    """The shipped file's version of this guide, if the guide has one."""
    return {g.skill_code: g for g in shipped_guides()}.get(guide.skill_code)


def shipped_version_changed(guide: Guide) -> bool:
    """True when staff edited the guide and its shipped file is not the version it was installed
    from (a guide edited before versions were recorded counts as changed: nobody knows)."""
    shipped = shipped_content(guide)
    return bool(guide.edited and shipped is not None and guide.shipped_hash != shipped.hash)


@transaction.atomic
def guide_review_shipped(*, acting_user: User, guide: Guide, take_shipped: bool) -> Guide:
    """Settle "the shipped version changed" on an edited guide: take the shipped version (the guide
    follows its file again) or keep the province's text (marked as reviewed against this version)."""
    content = shipped_content(guide)
    guide = Guide.objects.select_for_update().get(pk=guide.pk)
    if content is None:
        raise ValidationError(_("Hướng dẫn này không có bản gốc đi kèm phần mềm."))
    before = audit.snapshot(guide, GUIDE_FIELDS)
    if take_shipped:
        Guide.objects.filter(pk=guide.pk).update(edited=False, pass_mark=0, updated_by=acting_user)
        guide.refresh_from_db()
        _install(guide, content)
        note = "took the shipped version"
    else:
        Guide.objects.filter(pk=guide.pk).update(shipped_hash=content.hash, updated_by=acting_user)
        note = "kept the province's version"
    guide.refresh_from_db()
    audit.record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=guide,
        changes=audit.diff(before, audit.snapshot(guide, GUIDE_FIELDS)),
        note=note,
    )
    return guide


@dataclass
class StepInput:
    text: str
    text_en: str = ""
    illustration: dict[str, Any] = field(default_factory=dict)


@dataclass
class QuestionInput:
    prompt: str
    choices: list[dict[str, str]]
    correct: int
    prompt_en: str = ""
    explanation: str = ""
    explanation_en: str = ""


def _clean_question(number: int, q: QuestionInput) -> dict[str, Any]:
    choices = [
        {"vi": str(c.get("vi", "")).strip(), "en": str(c.get("en", "")).strip()}
        for c in q.choices
        if str(c.get("vi", "")).strip()
    ]
    if not q.prompt.strip():
        raise ValidationError(_("Câu %(n)s chưa có nội dung câu hỏi.") % {"n": number})
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        raise ValidationError(_("Câu %(n)s cần từ 2 đến 4 lựa chọn.") % {"n": number})
    if not 0 <= q.correct < len(choices):
        raise ValidationError(
            _("Câu %(n)s: đáp án đúng phải là một trong các lựa chọn đã nhập.") % {"n": number}
        )
    return {
        "prompt": q.prompt.strip(),
        "prompt_en": q.prompt_en.strip(),
        "choices": choices,
        "correct": q.correct,
        "explanation": q.explanation.strip(),
        "explanation_en": q.explanation_en.strip(),
    }


@transaction.atomic
def guide_save(
    *,
    acting_user: User,
    skill_code: str,
    title: str,
    title_en: str = "",
    summary: str = "",
    summary_en: str = "",
    pass_mark: int = 0,
    steps: list[StepInput],
    questions: list[QuestionInput],
) -> Guide:
    """Create or change a guide, its steps and its questions, as province staff.

    A new guide needs a skill of the catalogue in force. Steps keep their audio when their text is
    unchanged; a step whose text changed is read again by the speech work, which compares a hash of the
    text (GuideStep.audio_text_hash), so saving the new text is all this needs to do.
    """
    from langso.skills.models import Skill
    from langso.skills.services import published_version

    guide = Guide.objects.select_for_update().filter(skill_code=skill_code).first()
    if guide is None and not Skill.objects.filter(version=published_version(), code=skill_code).exists():
        raise ValidationError(
            _("Kỹ năng “%(code)s” không có trong danh mục đang dùng.") % {"code": skill_code}
        )
    step_rows = []
    for number, step in enumerate(steps, start=1):
        if not step.text.strip():
            raise ValidationError(_("Bước %(n)s chưa có nội dung.") % {"n": number})
        step_rows.append(
            {
                "text": step.text.strip(),
                "text_en": step.text_en.strip(),
                "illustration": validate_spec(step.illustration),
            }
        )
    if not MIN_STEPS <= len(step_rows) <= MAX_STEPS:
        raise ValidationError(_("Hướng dẫn cần từ 1 đến 10 bước."))
    question_rows = [_clean_question(n, q) for n, q in enumerate(questions, start=1)]
    if not MIN_QUESTIONS <= len(question_rows) <= MAX_QUESTIONS:
        raise ValidationError(_("Bài kiểm tra cần từ 3 đến 5 câu hỏi."))
    if pass_mark > len(question_rows):
        raise ValidationError(
            {
                "pass_mark": [
                    _("Số câu đúng để đạt không được lớn hơn số câu hỏi (%(n)s).") % {"n": len(question_rows)}
                ]
            }
        )

    created = guide is None
    guide = guide or Guide(skill_code=skill_code)
    before = {} if created else audit.snapshot(guide, GUIDE_FIELDS)
    guide.title, guide.title_en = title.strip(), title_en.strip()
    guide.summary, guide.summary_en = summary.strip(), summary_en.strip()
    guide.pass_mark = pass_mark
    guide.edited = True
    guide.updated_by = acting_user
    guide.full_clean()
    guide.save()
    changed_steps = _sync_rows(GuideStep.objects, GuideStep, guide, step_rows)
    changed_questions = _sync_rows(QuizQuestion.objects, QuizQuestion, guide, question_rows)
    changes: dict[str, Any] = audit.diff(before, audit.snapshot(guide, GUIDE_FIELDS))
    if changed_steps:
        changes["steps_changed"] = changed_steps
    if changed_questions:
        changes["questions_changed"] = changed_questions
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=guide,
        changes=changes,
    )
    return guide


@transaction.atomic
def quiz_evidence_record(*, acting_user: User, resident: Any, guide: Guide, result: QuizResult) -> Any:
    """Turn a scored check into quiz evidence for `resident` (see langso.guides.quiz.quiz_level for the
    level). `acting_user` is the team member, or None when the person took the check in their own
    citizen session. Returns the new SkillRecord, or None when nothing is recorded."""
    from langso.skills.models import CurrentSkillLevel, Evidence
    from langso.skills.services import skill_record_add

    current = (
        CurrentSkillLevel.objects.select_for_update()
        .filter(resident=resident, skill_code=guide.skill_code)
        .values_list("level", flat=True)
        .first()
    )
    level = quiz_level(result, current)
    if level is None:
        return None
    return skill_record_add(
        acting_user=acting_user,
        resident=resident,
        skill_code=guide.skill_code,
        level=level,
        evidence=Evidence.QUIZ,
        # Data, not interface: always in Vietnamese, like the rest of the record.
        note=f"Bài kiểm tra: đúng {result.correct_count}/{result.total} câu.",
    )
