"""A person's requests about their own data: a copy of everything stored about them, and erasure.

What belongs to a person is found from the models themselves (every relation that points at a resident,
through Django's `_meta`), so a table added later is exported and erased without touching this file;
`tests/test_personal_data.py` fails when a new relation appears that nobody decided about.
"""

from __future__ import annotations

import datetime
import decimal
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction, AuditEntry
from langso.core.text import clean_text
from langso.registry.models import Household, Resident

# Stored in place of a name that was erased or anonymised (data, not a message: never translated).
ERASED_LABEL = "[đã xóa theo yêu cầu]"
# Keys and hashes that identify nothing for the person and must not leave the server.
SECRET_FIELDS = frozenset({"code_hash", "token_hash", "content_hash", "name_folded", "sort_key"})
# Rows under a person's rows that are about them too: the follow-ups of a device they received.
CHILDREN: dict[str, tuple[str, ...]] = {"devices.allocation": ("follow_ups",)}
# How each relation pointing at a resident is handled on erasure. "cascade": the rows go with the
# person; the others are handled before the person is deleted (see person_erase).
ERASURE_RULES: dict[str, str] = {
    "registry.consent.resident": "cascade",
    "registry.household.head": "unset",
    "skills.skillrecord.resident": "cascade",
    "skills.currentskilllevel.resident": "cascade",
    "skills.citizenaccesscode.resident": "cascade",
    "skills.certificate.resident": "cascade",
    "teams.visit.present": "cascade",
    "teams.visitskill.resident": "cascade",
    "teams.visitservice.resident": "cascade",
    "teams.factconflict.resident": "cascade",
    "teams.helpdesksession.resident": "anonymise",
    "devices.candidate.resident": "delete",
    "devices.allocation.resident": "refuse",
    # A group session keeps its head count: the person's row becomes an anonymous walk-in.
    "groups.attendance.resident": "anonymise",
    "groups.invitedperson.resident": "cascade",
    "groups.invitation.people": "cascade",
    "outside_lists.outsideevidence.resident": "cascade",
    # The row of the national platform's or the police's list that was this person: its personal
    # values go, its identity key stays, so the same list imported again does not bring them back.
    "outside_lists.listentry.resident": "anonymise",
}


def person_relations() -> list[Any]:
    """Every relation that points at a resident, hidden ones (related_name="+") included."""
    return [
        f
        for f in Resident._meta.get_fields(include_hidden=True)
        if f.auto_created
        and not f.concrete
        and (f.one_to_many or f.one_to_one or f.many_to_many)
        # The table behind a many-to-many field is reached through that field (teams.visit.present).
        and not f.related_model._meta.auto_created  # type: ignore[union-attr]  # a relation's model, resolved
    ]


def relation_key(relation: Any) -> str:
    return f"{relation.related_model._meta.label_lower}.{relation.field.name}"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    return value


def _row(instance: models.Model, files: dict[str, bytes], folder: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        value = getattr(instance, field.attname)
        if isinstance(field, models.BinaryField):
            if value:
                name = f"{folder}/{instance.pk}-{field.name}.bin"
                if bytes(value[:3]) == b"\xff\xd8\xff":
                    name = name[:-4] + ".jpg"
                elif bytes(value[:4]) == b"%PDF":
                    name = name[:-4] + ".pdf"
                files[name] = bytes(value)
                data[field.name] = name
            else:
                data[field.name] = None
            continue
        if isinstance(field, models.FileField):
            data[field.name] = value.name if value else ""
            continue
        if field.choices and value not in (None, ""):
            data[f"{field.name}_label"] = str(dict(field.flatchoices).get(value, value))
        data[field.attname] = _plain(value)
    return data


def _rows_of(relation: Any, resident: Resident) -> models.QuerySet[Any]:
    model: type[models.Model] = relation.related_model
    if relation.many_to_many:
        return model._base_manager.filter(**{relation.field.name: resident}).distinct()
    return model._base_manager.filter(**{relation.field.name: resident})


def person_data(resident: Resident) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Everything stored about one person, as JSON-ready data and the files (photos, scans) it names."""
    files: dict[str, bytes] = {}
    data: dict[str, Any] = {
        "resident": _row(resident, files, "resident"),
        "household": _row(resident.household, files, "household"),
        "village": str(resident.village),
        "commune": str(resident.commune),
        "province": str(resident.province),
    }
    for relation in sorted(person_relations(), key=relation_key):
        label = relation.related_model._meta.label_lower
        key = relation_key(relation)
        rows = []
        for instance in _rows_of(relation, resident).order_by("pk"):
            row = _row(instance, files, label.replace(".", "-"))
            for child in CHILDREN.get(label, ()):
                row[child] = [
                    _row(c, files, f"{label}-{child}") for c in getattr(instance, child).order_by("pk")
                ]
            rows.append(row)
        data[key] = rows
    data["audit_trail"] = [
        {
            "at": entry.at.isoformat(),
            "action": entry.action,
            "action_label": entry.get_action_display(),
            "object_type": entry.object_type,
            "by": entry.actor_username,
            "changes": entry.changes,
        }
        for entry in AuditEntry.objects.filter(_audit_q(resident)).order_by("at", "id")
    ]
    return data, files


def _audit_q(resident: Resident) -> Q:
    return Q(resident_id=resident.pk) | Q(object_id=str(resident.pk))


@transaction.atomic
def person_export(*, acting_user: User, resident: Resident) -> bytes:
    """A ZIP of everything stored about the person: data.json, the photos and scans, and a short note."""
    data, files = person_data(resident)
    exported_at = timezone.now()
    document = {
        "exported_at": exported_at.isoformat(),
        "exported_by": acting_user.get_username(),
        "note": "Dữ liệu cá nhân lưu trong hệ thống Làng Số về người này (xem docs/data-map.md).",
        **data,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True))
        for name, content in sorted(files.items()):
            archive.writestr(name, content)
    audit.record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        obj=resident,
        resident_id=resident.pk,
        note="personal data export",
        changes={"files": len(files), "sections": sorted(k for k, v in data.items() if v)},
    )
    return buffer.getvalue()


@dataclass(frozen=True)
class ErasureResult:
    resident_id: uuid.UUID
    removed: dict[str, int]
    anonymised: dict[str, int]


@transaction.atomic
def person_erase(*, acting_user: User, resident: Resident, reason: str) -> ErasureResult:
    """Delete the person and everything about them; keep counts that others rely on, without them.

    Help-desk sessions stay as anonymous sessions (the commune's "procedures done" stay right), and
    so does the person's place in a group session's head count; their
    entries in the audit trail lose every personal value, but the trail keeps that an erasure happened,
    who did it, when and why. A handover record of a programme device is an accounting document the
    programme must keep, so a person who received one cannot be erased (the officer is told).
    """
    reason = clean_text(reason or "")
    if not reason:
        raise ValidationError({"reason": [_("Ghi lý do xóa (ví dụ: người dân yêu cầu ngày ...).")]})
    if len(reason) > 300:
        raise ValidationError({"reason": [_("Lý do dài tối đa 300 ký tự.")]})
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    relations = {relation_key(r): r for r in person_relations()}
    unknown = sorted(set(relations) - set(ERASURE_RULES))
    if unknown:  # a table added later that nobody decided about: refuse rather than guess
        raise ValidationError(
            _("Chưa xác định cách xóa dữ liệu ở: %(names)s.") % {"names": ", ".join(unknown)}
        )
    for key, rule in ERASURE_RULES.items():
        if rule == "refuse" and key in relations and _rows_of(relations[key], resident).exists():
            raise ValidationError(
                _(
                    "Người này đã nhận điện thoại/hỗ trợ của chương trình: biên bản bàn giao là chứng từ "
                    "phải lưu giữ, nên không xóa được. Có thể xuất dữ liệu và sửa các thông tin sai."
                )
            )
    removed: dict[str, int] = {}
    anonymised: dict[str, int] = {}
    for key, relation in relations.items():
        rows = _rows_of(relation, resident)
        if ERASURE_RULES[key] == "cascade":
            removed[key] = rows.count()
    from langso.teams.models import HelpDeskSession

    anonymised["teams.helpdesksession.resident"] = HelpDeskSession.objects.filter(resident=resident).update(
        resident=None, walk_in_name=ERASED_LABEL, walk_in_birth_year=None, notes=""
    )
    from langso.groups.models import Attendance

    anonymised["groups.attendance.resident"] = Attendance.objects.filter(resident=resident).update(
        resident=None, walk_in_name=ERASED_LABEL, walk_in_birth_year=None, walk_in_sex=""
    )
    from langso.outside_lists.models import ListEntry

    anonymised["outside_lists.listentry.resident"] = ListEntry.objects.filter(resident=resident).update(
        resident=None,
        full_name=ERASED_LABEL,
        name_folded="",
        cccd="",
        birth_date=None,
        birth_year=None,
        village_name="",
        candidates=[],
    )
    from langso.devices.models import Candidate

    removed["devices.candidate.resident"] = Candidate.objects.filter(resident=resident).delete()[0]
    anonymised["registry.household.head"] = Household.objects.filter(head=resident).update(head=None)
    # The audit trail refuses changes through the ORM on purpose; erasure is the one case where the
    # law asks for personal values to go. Only the values go: who did what and when stays.
    entries = AuditEntry.objects.filter(_audit_q(resident))
    anonymised["core.auditentry"] = models.QuerySet.update(
        entries, object_repr=ERASED_LABEL, changes={}, note=""
    )
    resident_id = resident.pk
    resident.delete()
    audit.record(
        actor=acting_user,
        action=AuditAction.ERASE,
        object_type="registry.resident",
        object_id=str(resident_id),
        object_repr=ERASED_LABEL,
        resident_id=resident_id,
        changes={"erasure": True, "removed": removed, "anonymised": anonymised},
        note=reason,
    )
    return ErasureResult(resident_id=resident_id, removed=removed, anonymised=anonymised)
