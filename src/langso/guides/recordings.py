"""Writes for guides in other languages: switching languages on, typed translations, recorded readings
and their review. Every write is audited; a recording is published only once province staff approve it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.guides.languages import step_text
from langso.guides.models import (
    Guide,
    GuideLanguage,
    GuideStep,
    GuideTranslation,
    RecordingStatus,
    StepRecording,
    StepTranslation,
)

# A step is read in 5 to 20 seconds; Opus at 32 kbit/s is 4 KB a second, AAC about twice that.
MAX_RECORDING_BYTES = 400 * 1024
MIN_RECORDING_BYTES = 1024
ALLOWED_TYPES = ("audio/webm", "audio/ogg", "audio/mp4")


def check_size(size: int) -> None:
    """Refuse a recording too small to hold a reading or too big for a step (before reading it)."""
    if size < MIN_RECORDING_BYTES:
        raise ValidationError(_("Bản ghi âm trống hoặc quá ngắn. Hãy ghi lại."))
    if size > MAX_RECORDING_BYTES:
        raise ValidationError(
            _("Bản ghi âm quá lớn (%(kb)s KB, tối đa %(max)s KB). Hãy đọc ngắn gọn hơn và ghi lại.")
            % {"kb": size // 1024, "max": MAX_RECORDING_BYTES // 1024}
        )


def sniff_audio(data: bytes, declared: str) -> str:
    """The recording's content type, read from its bytes (the declared type is only a hint and must
    agree). Accepts Opus in WebM or Ogg, and AAC in MP4 — what MediaRecorder makes on Android
    Chrome, Firefox and Safari. Raises ValidationError with a message for the member."""
    check_size(len(data))
    head = data[:4096]
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64] and b"A_OPUS" in head:
        found = "audio/webm"
    elif head.startswith(b"OggS") and b"OpusHead" in head[:128]:
        found = "audio/ogg"
    elif head[4:8] == b"ftyp" and b"mp4a" in data[:65536]:
        found = "audio/mp4"
    else:
        raise ValidationError(
            _("Tệp này không phải bản ghi âm hợp lệ (chỉ nhận Opus trong WebM/Ogg hoặc AAC trong MP4).")
        )
    base = (declared or "").split(";")[0].strip().lower()
    # "video/webm" is what some browsers call an audio-only WebM; the bytes decide.
    if base and base.split("/")[1:] != found.split("/")[1:] and base != "application/octet-stream":
        raise ValidationError(_("Loại tệp khai báo không khớp với nội dung bản ghi âm."))
    return found


@transaction.atomic
def language_set_active(*, acting_user: User, language: GuideLanguage, active: bool) -> GuideLanguage:
    """Switch a language on or off for the province's guides (Vietnamese is always on)."""
    if language.is_vietnamese and not active:
        raise ValidationError(_("Tiếng Việt luôn được dùng; không thể tắt."))
    if language.active == active:
        return language
    before = audit.snapshot(language, ["active"])
    language.active = active
    language.save(update_fields=["active"])
    audit.record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=language,
        changes=audit.diff(before, audit.snapshot(language, ["active"])),
    )
    return language


@transaction.atomic
def translation_save(
    *,
    acting_user: User,
    guide: Guide,
    language: GuideLanguage,
    title: str,
    summary: str,
    steps: dict[int, str],
) -> list[int]:
    """Save a guide's title, summary and step texts in `language`, as typed by a translator.

    `steps` maps step numbers to text; an empty text removes that step's translation. A recording
    that read an older text stops being shown (it no longer matches). Returns the numbers changed."""
    if language.is_vietnamese:
        raise ValidationError(_("Nội dung tiếng Việt được sửa ở trang sửa hướng dẫn."))
    if not language.active:
        raise ValidationError(_("Tiếng %(name)s chưa được bật.") % {"name": language.name})
    title, summary = title.strip(), summary.strip()
    if not title:
        raise ValidationError(
            {"title": [_("Hãy nhập tiêu đề bằng tiếng %(name)s.") % {"name": language.name}]}
        )
    if len(title) > 160 or len(summary) > 300:
        raise ValidationError(_("Tiêu đề tối đa 160 ký tự, tóm tắt tối đa 300 ký tự."))
    rows = {s.number: s for s in GuideStep.objects.filter(guide=guide)}
    unknown = set(steps) - set(rows)
    if unknown:
        raise ValidationError(_("Hướng dẫn không có bước %(n)s.") % {"n": min(unknown)})
    for number, text in steps.items():
        if len(text.strip()) > 400:
            raise ValidationError(_("Bước %(n)s dài quá 400 ký tự.") % {"n": number})
    head, created = GuideTranslation.objects.select_for_update().get_or_create(
        guide=guide,
        language=language,
        defaults={"title": title, "summary": summary, "updated_by": acting_user},
    )
    changes: dict[str, Any] = {}
    if not created and (head.title, head.summary) != (title, summary):
        changes = audit.diff(
            {"title": head.title, "summary": head.summary}, {"title": title, "summary": summary}
        )
        head.title, head.summary, head.updated_by = title, summary, acting_user
        head.save()
    elif created:
        changes = {"title": [None, title], "summary": [None, summary]}
    existing = {t.step_id: t for t in StepTranslation.objects.filter(step__guide=guide, language=language)}
    changed = []
    for number, text in sorted(steps.items()):
        step, text = rows[number], text.strip()
        row = existing.get(step.pk)
        if not text:
            if row is not None:
                row.delete()
                changed.append(number)
        elif row is None:
            StepTranslation.objects.create(step=step, language=language, text=text, updated_by=acting_user)
            changed.append(number)
        elif row.text != text:
            row.text, row.updated_by = text, acting_user
            row.save()
            changed.append(number)
    if changed:
        changes["steps_changed"] = changed
    if changes:
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=head,
            object_repr=f"{guide.skill_code} [{language.code}]",
            changes=changes,
        )
    return changed


@transaction.atomic
def recording_upload(
    *, acting_user: User, step: GuideStep, language: GuideLanguage, data: bytes, content_type: str
) -> StepRecording:
    """Store a member's recording of `step` in `language`, waiting for review.

    Re-recording replaces the member's own recording still waiting for review (never an approved one,
    which stays published until a new one is approved)."""
    if not language.active:
        raise ValidationError(_("Tiếng %(name)s chưa được bật.") % {"name": language.name})
    text = step_text(step, language)
    if not text:
        raise ValidationError(
            _("Bước %(n)s chưa có nội dung tiếng %(name)s để đọc.")
            % {"n": step.number, "name": language.name}
        )
    found = sniff_audio(data, content_type)
    replaced = list(
        StepRecording.objects.select_for_update()
        .filter(step=step, language=language, recorded_by=acting_user, status=RecordingStatus.PENDING)
        .values_list("pk", flat=True)
    )
    StepRecording.objects.filter(pk__in=replaced).delete()
    recording = StepRecording.objects.create(
        step=step,
        language=language,
        text=text,
        audio=data,
        content_type=found,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        recorded_by=acting_user,
    )
    changes: dict[str, Any] = {"size": [None, len(data)], "content_type": [None, found]}
    if replaced:
        changes["replaced_pending"] = [str(pk) for pk in replaced]
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=recording,
        object_repr=f"{step.guide.skill_code} #{step.number} [{language.code}]",
        changes=changes,
    )
    return recording


@transaction.atomic
def recording_review(
    *, acting_user: User, recording: StepRecording, approve: bool, reason: str = ""
) -> StepRecording:
    """Approve a waiting recording (it replaces the step's approved one in that language, if any) or
    reject it with a reason the member reads."""
    recording = StepRecording.objects.select_for_update().defer("audio").get(pk=recording.pk)
    if recording.status != RecordingStatus.PENDING:
        raise ValidationError(_("Bản ghi âm này đã được duyệt hoặc từ chối rồi."))
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": [_("Hãy ghi lý do từ chối để người ghi âm biết cần sửa gì.")]})
    if len(reason) > 300:
        raise ValidationError({"reason": [_("Lý do tối đa 300 ký tự.")]})
    changes: dict[str, Any] = {}
    if approve:
        previous = list(
            StepRecording.objects.select_for_update()
            .filter(
                step_id=recording.step_id, language_id=recording.language_id, status=RecordingStatus.APPROVED
            )
            .values_list("pk", flat=True)
        )
        StepRecording.objects.filter(pk__in=previous).update(status=RecordingStatus.REPLACED)
        if previous:
            changes["replaced"] = [str(pk) for pk in previous]
    recording.status = RecordingStatus.APPROVED if approve else RecordingStatus.REJECTED
    recording.reason = "" if approve else reason
    recording.reviewed_by, recording.reviewed_at = acting_user, timezone.now()
    recording.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at"])
    changes["status"] = [RecordingStatus.PENDING.value, recording.status]
    if reason and not approve:
        changes["reason"] = [None, reason]
    audit.record(
        actor=acting_user,
        action=AuditAction.APPROVE if approve else AuditAction.UPDATE,
        obj=recording,
        object_repr=f"{recording.step_id} [{recording.language_id}]",
        changes=changes,
    )
    return recording
