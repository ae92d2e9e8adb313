"""Writes of outside lists besides the import itself: a person's evidence, and an officer's decision on
a row that waits for review."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.outside_lists.models import EntryStatus, ListEntry, ListSource, OutsideEvidence
from langso.outside_lists.selectors import entries_in_scope
from langso.registry.models import Resident
from langso.skills.models import CurrentSkillLevel, Evidence
from langso.skills.services import skill_record_add
from langso.skills.shipped import PROFICIENT_LEVEL

VNEID_SKILL = "vneid_level2"


def default_done_on(entry: ListEntry) -> datetime.date:
    """The day a row's evidence is dated: its own date, else the day its list was imported."""
    return entry.done_on or timezone.localdate(entry.outside_list.created_at)


def evidence_write(*, acting_user: User, entry: ListEntry, resident: Resident) -> OutsideEvidence | None:
    """The person's evidence for the row (once per source and row identity: a second call writes
    nothing). A police activation also records the VNeID level-2 skill, through the skills service,
    when the person's current level is below "can do alone"."""
    done_on = default_done_on(entry)
    evidence, created = OutsideEvidence.objects.get_or_create(
        resident=resident,
        source=entry.source,
        key=entry.key,
        defaults={
            "done_on": done_on,
            "detail": entry.detail,
            "entry": entry,
            "province_id": resident.province_id,
            "commune_id": resident.commune_id,
            "village_id": resident.village_id,
        },
    )
    if not created:
        return None
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=evidence,
        resident_id=resident.pk,
        changes={"source": entry.source, "done_on": done_on.isoformat(), "list": str(entry.outside_list_id)},
    )
    if entry.source == ListSource.POLICE:
        current = (
            CurrentSkillLevel.objects.filter(resident=resident, skill_code=VNEID_SKILL)
            .values_list("level", flat=True)
            .first()
        )
        if current is None or current < PROFICIENT_LEVEL:
            skill_record_add(
                acting_user=acting_user,
                resident=resident,
                skill_code=VNEID_SKILL,
                level=PROFICIENT_LEVEL,
                evidence=Evidence.POLICE,
                recorded_on=min(done_on, timezone.localdate()),
                note=_("Danh sách kích hoạt mức 2 của công an xã: %(file)s")
                % {"file": entry.outside_list.original_name},
            )
    return evidence


@transaction.atomic
def entry_resolve(
    *, acting_user: User, entry: ListEntry, resident_id: Any = None, reject: bool = False
) -> ListEntry:
    """An officer's decision on a row waiting for review: it is this person (one of those it could be),
    or no one in the registry. Only a row of the officer's own units; decided once."""
    locked = entries_in_scope(acting_user).select_for_update().filter(pk=entry.pk).first()
    if locked is None:
        raise Http404
    entry = locked
    if entry.status != EntryStatus.REVIEW:
        raise ValidationError(_("Dòng này đã được xử lý."))
    if reject:
        entry.status = EntryStatus.REJECTED
        entry.resident = None
    else:
        if str(resident_id or "") not in entry.candidates:
            raise ValidationError(_("Hãy chọn một người trong danh sách gợi ý."))
        resident = Resident.objects.filter(pk=resident_id).first()
        if resident is None:
            raise ValidationError(_("Người này không còn trong sổ."))
        entry.status = EntryStatus.CONFIRMED
        entry.resident = resident
        entry.match_how = "officer"
        entry.commune_id = entry.commune_id or resident.commune_id
    entry.resolved_by = acting_user
    entry.resolved_at = timezone.now()
    entry.save()
    audit.record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=entry,
        resident_id=entry.resident_id,
        changes={"status": [EntryStatus.REVIEW.value, entry.status]},
        note=entry.outside_list.original_name[:300],
    )
    if entry.resident is not None:
        evidence_write(acting_user=acting_user, entry=entry, resident=entry.resident)
    return entry
