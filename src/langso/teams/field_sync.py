"""Records that phones send: one place decides, record by record, what becomes of each.

A record carries who recorded it. It is stored under that person only when it comes with that
person's own live device key; a record of someone else is refused with a reason (the phone keeps it
for its recorder), and a record that comes with a revoked key is held for a commune officer
(`HeldRecord`) instead of being stored. Each kind of record has a handler; apps above teams (the
smartphone programme's follow-ups) add their own kinds with `register_kind`.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema

from langso.accounts.access import Perm, get_in_scope_or_404, has_perm, scope_for
from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.teams import services
from langso.teams.models import DeviceToken, FactConflict, HeldRecord, HeldStatus, TeamMember

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
# services.SyncConflict to refuse it); `commune_of` says which commune a held record belongs to.
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


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def recorder_mismatch_message() -> str:
    return _(
        "Bản ghi này do người khác ghi trên máy này. Chỉ gửi được bằng khóa của chính người đã ghi, "
        "khi người đó kết nối lại máy; máy vẫn giữ bản ghi cho họ."
    )


def store_record(
    *, user: User, device: DeviceToken | None, record_id: uuid.UUID, kind: str, data: dict[str, Any]
) -> Result:
    """Store one record for `user` (who must be its recorder), or refuse it with reasons."""
    handler = _KINDS.get(kind)
    if handler is None:
        return Result("rejected", {"kind": [_("Loại bản ghi không hợp lệ.")]})
    if _has_nul(data):  # refused here, record by record, before PostgreSQL refuses it as a 500
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
    except services.SyncConflict as conflict:
        return Result("rejected", {"id": [conflict.message]})
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        return Result("rejected", pydantic_errors(error))
    return Result(outcome, notes=notes)  # type: ignore[arg-type]  # a handler's outcome is a Status


def receive(
    *, device: DeviceToken, record_id: uuid.UUID, kind: str, data: dict[str, Any], recorded_by: str | None
) -> Result:
    """A record as it arrives from a phone with `device`'s key: checked for its recorder, then stored,
    or held for an officer when the key was revoked."""
    if recorded_by is not None and recorded_by != str(device.user_id):
        return Result("rejected", {"recorded_by": [recorder_mismatch_message()]})
    if not device.is_live:
        return hold(device=device, record_id=record_id, kind=kind, data=data)
    return store_record(user=device.user, device=device, record_id=record_id, kind=kind, data=data)


@dataclass(frozen=True)
class Incoming:
    """One record of a phone's batch, as the API read it."""

    id: uuid.UUID
    kind: str
    data: dict[str, Any]
    recorded_by: str | None = None


def receive_batch(*, device: DeviceToken, records: list[Incoming]) -> list[Result]:
    """A phone's batch, one result per record in order. Runs of plain visits (the bulk of a day's
    work) are checked and written together (teams.visit_batch: a fixed number of queries whatever the
    run's length); everything else, and every visit that corrects a fact, goes through `receive`
    one by one, in its place, so what one record does is seen by the records after it."""
    from langso.teams import visit_batch

    results: list[Result | None] = [None] * len(records)
    bulk = device.is_live and has_perm(device.user, Perm.VISIT_RECORD)
    run: list[tuple[int, services.VisitInput]] = []
    in_run: set[uuid.UUID] = set()

    def flush() -> None:
        outcomes = visit_batch.store_visits(user=device.user, device=device, visits=[v for _i, v in run])
        for (index, _visit), (status, errors, notes) in zip(run, outcomes, strict=True):
            results[index] = Result(status, errors, notes)  # type: ignore[arg-type]  # a Status
        run.clear()
        in_run.clear()

    for index, record in enumerate(records):
        visit = _plain_visit(device, record) if bulk else None
        if visit is not None and visit.id in in_run:
            flush()  # the same UUID twice: the second sees the first as stored
        if visit is None:
            if run:
                flush()
            results[index] = receive(
                device=device,
                record_id=record.id,
                kind=record.kind,
                data=record.data,
                recorded_by=record.recorded_by,
            )
        else:
            run.append((index, visit))
            in_run.add(visit.id)
    if run:
        flush()
    return [r for r in results if r is not None]


def _plain_visit(device: DeviceToken, record: Incoming) -> services.VisitInput | None:
    """The record as a visit the batch path can take, or None for the path of one record at a time
    (other kinds, someone else's record, unreadable data, and the rare visit that corrects a fact or
    finds the household without a smartphone: those lock and compare what they change)."""
    if record.kind != "visit" or _has_nul(record.data):
        return None
    if record.recorded_by is not None and record.recorded_by != str(device.user_id):
        return None
    try:
        visit = visit_input(record.id, record.data)
    except (ValueError, ValidationError):  # pydantic's ValidationError is a ValueError
        return None
    return None if visit.updates or visit.no_phone else visit


# --- Held records (from revoked phones) ---------------------------------------------------------------


def _commune_for_held(device: DeviceToken, kind: str, data: dict[str, Any]) -> int | None:
    handler = _KINDS.get(kind)
    commune_id = None
    if handler is not None and not _has_nul(data):
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
    if commune_id is None or kind not in _KINDS or _has_nul(data):
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
    return scope_for(user, Perm.TEAMS_MANAGE).q(province="province_id", commune="commune_id", village=None)


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


class SkillTaughtIn(Schema):
    resident_id: uuid.UUID
    skill_code: str = Field(max_length=50)
    level: int


class ServiceDoneIn(Schema):
    service: str = Field(max_length=30)
    resident_id: uuid.UUID | None = None


class FactUpdateIn(Schema):
    target: Literal["resident", "household"]
    id: uuid.UUID
    field: str = Field(max_length=40)
    before: bool | str
    after: bool | str


class VisitData(Schema):
    household_id: uuid.UUID
    visited_on: str = Field(max_length=10)
    present: list[uuid.UUID] = []
    skills: list[SkillTaughtIn] = []
    services: list[ServiceDoneIn] = []
    no_signal: bool = False
    broken_phone: bool = False
    no_phone: bool = False
    scam: bool = False
    notes: str = Field("", max_length=4000)
    follow_up_on: str | None = Field(None, max_length=10)
    updates: list[FactUpdateIn] = []
    # A small JPEG, base64-encoded (the app shrinks it to about 800 px first).
    photo: str | None = Field(None, max_length=420_000)


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


def _fact_label(value: Any) -> str:
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    return str(value) if value not in (None, "") else "—"


def conflict_note(conflict: FactConflict) -> str:
    """What the commune kept when a correction made on the phone met a different change on the server."""
    if conflict.resident is not None:
        what = _("“có điện thoại thông minh” của %(name)s") % {"name": conflict.resident.full_name}
    else:
        what = _("địa chỉ của hộ")
    return _(
        "Chưa cập nhật %(what)s: trên máy chủ đang ghi “%(server)s”, bạn ghi “%(phone)s”. "
        "Xã giữ giá trị trên máy chủ cho đến khi cán bộ xã xem lại."
    ) % {
        "what": what,
        "server": _fact_label(conflict.server_value),
        "phone": _fact_label(conflict.phone_after),
    }


def conflict_notes(visit_id: uuid.UUID) -> list[str]:
    return [
        conflict_note(c) for c in FactConflict.objects.filter(visit_id=visit_id).select_related("resident")
    ]


def visit_input(record_id: uuid.UUID, data: dict[str, Any]) -> services.VisitInput:
    """A visit as the phone sent it (raises pydantic's error or ValidationError for what cannot be read)."""
    v = VisitData.model_validate(data)
    photo = None
    if v.photo:
        try:
            photo = base64.b64decode(v.photo, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({"photo": [_("Ảnh không đọc được.")]}) from None
    return services.VisitInput(
        id=record_id,
        household_id=v.household_id,
        visited_on=v.visited_on,
        present=tuple(v.present),
        skills=tuple(services.SkillTaught(s.resident_id, s.skill_code, s.level) for s in v.skills),
        services=tuple(services.ServiceDone(s.service, s.resident_id) for s in v.services),
        no_signal=v.no_signal,
        broken_phone=v.broken_phone,
        no_phone=v.no_phone,
        scam=v.scam,
        notes=v.notes,
        follow_up_on=v.follow_up_on,
        updates=tuple(services.FactUpdate(u.target, u.id, u.field, u.before, u.after) for u in v.updates),
        photo=photo,
    )


def _store_visit(
    user: User, device: DeviceToken | None, record_id: uuid.UUID, data: dict[str, Any]
) -> tuple[str, list[str]]:
    _obj, outcome = services.visit_record(acting_user=user, device=device, data=visit_input(record_id, data))
    return outcome, conflict_notes(record_id)


def _store_helpdesk(
    user: User, device: DeviceToken | None, record_id: uuid.UUID, data: dict[str, Any]
) -> tuple[str, list[str]]:
    h = HelpDeskData.model_validate(data)
    _obj, outcome = services.helpdesk_record(
        acting_user=user, device=device, data=services.HelpDeskInput(id=record_id, **h.model_dump())
    )
    return outcome, []


def _store_signal(
    user: User, device: DeviceToken | None, record_id: uuid.UUID, data: dict[str, Any]
) -> tuple[str, list[str]]:
    s = SignalData.model_validate(data)
    _obj, outcome = services.signal_report_create(
        acting_user=user, device=device, data=services.SignalReportInput(id=record_id, **s.model_dump())
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
