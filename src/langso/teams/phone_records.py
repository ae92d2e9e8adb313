"""Records that phones send, by kind: storing one under its recorder, holding one from a revoked phone.

Each kind of record has a handler; teams knows visits, help-desk sessions and weak-signal reports, and
apps above teams (the smartphone programme's follow-ups, group sessions) add their own kinds with
`register_kind`. A record that came with a revoked key is held for a commune officer (`HeldRecord`),
who stores or drops it later (`held_decide`, on the conflicts page). How a phone's batch reaches
these (the recorder check, the runs of visits written together) is the field app's (field.sync).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema

from langso.accounts.access import Perm, commune_units_q, get_in_scope_or_404, has_perm
from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.teams.helpdesk import HelpDeskInput, helpdesk_record
from langso.teams.models import DeviceToken, HeldRecord, HeldStatus, TeamMember
from langso.teams.signal_reports import SignalReportInput, signal_report_create
from langso.teams.synced import SyncConflict
from langso.teams.visits import conflict_notes, visit_input, visit_record

# How many records one revoked phone may leave for the officers (a stolen phone is no spam cannon).
MAX_HELD_PER_DEVICE = 500

Status = Literal["stored", "duplicate", "rejected", "held"]


@dataclass
class Result:
    status: Status
    errors: dict[str, list[str]] = field(default_factory=dict)
    # What the member should know about a stored record (a correction the commune did not take).
    notes: list[str] = field(default_factory=list)


# A handler stores one record for `user` (it raises ValidationError, PermissionDenied or
# synced.SyncConflict to refuse it); `commune_of` says which commune a held record belongs to.
Handler = Callable[[User, DeviceToken | None, uuid.UUID, dict[str, Any]], tuple[str, list[str]]]
CommuneOf = Callable[[dict[str, Any]], int | None]


@dataclass(frozen=True)
class Kind:
    handler: Handler
    commune_of: CommuneOf
    perm: str


_KINDS: dict[str, Kind] = {}


def register_kind(name: str, *, handler: Handler, commune_of: CommuneOf, perm: str) -> None:
    _KINDS[name] = Kind(handler=handler, commune_of=commune_of, perm=perm)


def kinds() -> tuple[str, ...]:
    return tuple(_KINDS)


def has_nul(value: Any) -> bool:
    """A NUL character anywhere in the record: PostgreSQL text cannot hold one."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


def store_record(
    *, user: User, device: DeviceToken | None, record_id: uuid.UUID, kind: str, data: dict[str, Any]
) -> Result:
    """Store one record for `user` (who must be its recorder), or refuse it with reasons."""
    handler = _KINDS.get(kind)
    if handler is None:
        return Result("rejected", {"kind": [_("Loại bản ghi không hợp lệ.")]})
    if has_nul(data):  # refused here, record by record, before PostgreSQL refuses it as a 500
        return Result(
            "rejected",
            {
                "__all__": [
                    _("Bản ghi có ký tự lạ (không đọc được) nên không lưu được. Hãy nhập lại bản ghi này.")
                ]
            },
        )
    if not has_perm(user, handler.perm):
        return Result("rejected", {"__all__": [_("Bạn không có quyền ghi loại bản ghi này.")]})
    try:
        outcome, notes = handler.handler(user, device, record_id, data)
    except ValidationError as error:
        return Result(
            "rejected", error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        )
    except PermissionDenied:
        return Result("rejected", {"__all__": [_("Bản ghi này nằm ngoài phạm vi của bạn.")]})
    except SyncConflict as conflict:
        return Result("rejected", {"id": [conflict.message]})
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        return Result("rejected", pydantic_errors(error))
    return Result(outcome, notes=notes)  # type: ignore[arg-type]  # a handler's outcome is a Status


# --- Held records (from revoked phones) ---------------------------------------------------------------


def _commune_for_held(device: DeviceToken, kind: str, data: dict[str, Any]) -> int | None:
    handler = _KINDS.get(kind)
    commune_id = None
    if handler is not None and not has_nul(data):
        try:
            commune_id = handler.commune_of(data)
        except (ValueError, TypeError, ValidationError):
            commune_id = None
    if commune_id is None:  # unreadable data: the recorder's own commune decides who looks at it
        membership = TeamMember.objects.filter(user_id=device.user_id).select_related("team").first()
        commune_id = membership.team.commune_id if membership else None
    return commune_id


def hold(*, device: DeviceToken, record_id: uuid.UUID, kind: str, data: dict[str, Any]) -> Result:
    """Keep a record from a revoked phone for the commune's officers; the phone is told it was held."""
    existing = HeldRecord.objects.filter(pk=record_id).first()
    if existing is not None:
        return (
            Result("held")
            if existing.device_id == device.pk
            else Result("rejected", {"id": [_("Mã bản ghi đã được dùng.")]})
        )
    if HeldRecord.objects.filter(device=device).count() >= MAX_HELD_PER_DEVICE:
        return Result("rejected", {"__all__": [_("Máy đã bị thu hồi; không nhận thêm bản ghi từ máy này.")]})
    commune_id = _commune_for_held(device, kind, data)
    if commune_id is None or kind not in _KINDS or has_nul(data):
        return Result("rejected", {"__all__": [_("Máy đã bị thu hồi và bản ghi này không đọc được.")]})
    from langso.places.models import Commune

    commune = Commune.objects.filter(pk=commune_id).first()
    if commune is None:
        return Result("rejected", {"__all__": [_("Máy đã bị thu hồi và bản ghi này không đọc được.")]})
    try:
        with transaction.atomic():
            held = HeldRecord.objects.create(
                id=record_id,
                kind=kind,
                data=data,
                recorded_by_id=device.user_id,
                device=device,
                commune=commune,
                province_id=commune.province_id,
            )
            audit.record(
                actor=None,
                username=device.user.get_username(),
                action=AuditAction.CREATE,
                obj=held,
                changes={"kind": kind, "device": str(device.pk)},
                note="held: revoked device",
            )
    except IntegrityError:  # the same record arriving twice at once
        return Result("held")
    return Result("held")


def held_scope_q(user: User) -> Any:
    return commune_units_q(user, Perm.TEAMS_MANAGE)


# Conflicts and held records are the commune's to decide: the same scope.
conflict_scope_q = held_scope_q


def held_get(*, user: User, held_id: Any) -> HeldRecord:
    return get_in_scope_or_404(
        HeldRecord.objects.select_related("recorded_by", "device"), held_scope_q(user), pk=held_id
    )


@transaction.atomic
def held_decide(*, acting_user: User, held: HeldRecord, accept: bool) -> Result:
    """An officer accepts a held record (stored under its recorder, as if their phone had sent it) or
    drops it. A record the checks refuse stays held, with the reasons, for the officer to drop."""
    held = HeldRecord.objects.select_for_update().get(pk=held.pk)
    if held.status != HeldStatus.HELD:
        raise ValidationError(_("Bản ghi này đã được xử lý."))
    result = Result("rejected")
    if accept:
        recorder = held.recorded_by
        if recorder is None or not recorder.is_active:
            raise ValidationError(_("Người ghi bản ghi này không còn tài khoản hoạt động; chỉ có thể bỏ."))
        result = store_record(
            user=recorder, device=held.device, record_id=held.id, kind=held.kind, data=held.data
        )
        if result.status == "rejected":
            return result
    held.status = HeldStatus.ACCEPTED if accept else HeldStatus.DROPPED
    held.decided_by = acting_user
    held.decided_at = timezone.now()
    held.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=held,
        changes={"status": [HeldStatus.HELD, held.status], "result": result.status if accept else ""},
        note=_("Xử lý bản ghi từ máy đã thu hồi"),
    )
    return result


# --- The kinds teams knows: visits, help-desk sessions, weak-signal reports ---------------------------


class HelpDeskData(Schema):
    commune_code: int
    helped_on: str = Field(max_length=10)
    procedure: str = Field(max_length=30)
    outcome: str = Field(max_length=10)
    minutes: int
    resident_id: uuid.UUID | None = None
    walk_in_name: str = Field("", max_length=100)
    walk_in_birth_year: int | None = None
    notes: str = Field("", max_length=300)


class SignalData(Schema):
    village_id: uuid.UUID
    description: str = Field(max_length=600)
    operator: str = Field(max_length=15)
    technology: str = Field(max_length=10)
    reported_on: str = Field(max_length=10)
    households_affected: int = 0
    latitude: float | None = None
    longitude: float | None = None


def _store_visit(
    user: User, device: DeviceToken | None, record_id: uuid.UUID, data: dict[str, Any]
) -> tuple[str, list[str]]:
    _obj, outcome = visit_record(acting_user=user, device=device, data=visit_input(record_id, data))
    return outcome, conflict_notes(record_id)


def _store_helpdesk(
    user: User, device: DeviceToken | None, record_id: uuid.UUID, data: dict[str, Any]
) -> tuple[str, list[str]]:
    h = HelpDeskData.model_validate(data)
    _obj, outcome = helpdesk_record(
        acting_user=user, device=device, data=HelpDeskInput(id=record_id, **h.model_dump())
    )
    return outcome, []


def _store_signal(
    user: User, device: DeviceToken | None, record_id: uuid.UUID, data: dict[str, Any]
) -> tuple[str, list[str]]:
    s = SignalData.model_validate(data)
    _obj, outcome = signal_report_create(
        acting_user=user, device=device, data=SignalReportInput(id=record_id, **s.model_dump())
    )
    return outcome, []


def _visit_commune(data: dict[str, Any]) -> int | None:
    from langso.registry.models import Household

    household_id = uuid.UUID(str(data.get("household_id")))
    return Household.objects.filter(pk=household_id).values_list("commune_id", flat=True).first()


def _signal_commune(data: dict[str, Any]) -> int | None:
    from langso.places.models import Village

    village_id = uuid.UUID(str(data.get("village_id")))
    return Village.objects.filter(pk=village_id).values_list("commune_id", flat=True).first()


def _helpdesk_commune(data: dict[str, Any]) -> int | None:
    return int(data.get("commune_code"))  # type: ignore[arg-type]  # None raises: a bad record


register_kind("visit", handler=_store_visit, commune_of=_visit_commune, perm=Perm.VISIT_RECORD)
register_kind("helpdesk", handler=_store_helpdesk, commune_of=_helpdesk_commune, perm=Perm.HELPDESK_RECORD)
register_kind("signal", handler=_store_signal, commune_of=_signal_commune, perm=Perm.SIGNAL_REPORT)


def pydantic_errors(error: ValueError) -> dict[str, list[str]]:
    from pydantic import ValidationError as PydanticError

    if not isinstance(error, PydanticError):
        return {"__all__": [_("Dữ liệu không hợp lệ.")]}
    errors: dict[str, list[str]] = {}
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"][:1]) or "__all__"
        errors.setdefault(name, []).append(_("Thiếu hoặc sai kiểu dữ liệu."))
    return errors
