"""The field app's sync API: a phone downloads its worklist and sends what it recorded offline.

Phones authenticate with a per-device token (Authorization: Bearer ls_...), issued to a signed-in
user and revocable at any time. A batch is processed record by record: a bad record is refused with
its reasons while the others are stored; every record's UUID makes a resend harmless.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import uuid
from typing import Any, Literal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from langso.accounts.access import Perm, has_perm
from langso.registry import changes
from langso.skills.models import CurrentSkillLevel, Skill
from langso.skills.services import published_version
from langso.teams import selectors, services
from langso.teams.models import DeviceToken, HelpDeskOutcome, Operator, Service, Technology

router = Router(tags=["field sync"])

MAX_BATCH = 100
# Requests per device per minute; a phone reconnecting after days offline sends a few batches.
RATE_LIMIT_PER_MINUTE = 60
# Reasons that would reveal sensitive data (poverty status) are not sent to the phone.
PHONE_HIDDEN_REASONS = frozenset({"poor"})


class DeviceAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> DeviceToken | None:
        device = services.device_for_token(token)
        if device is None:
            return None
        _rate_limit(device)
        request.user = device.user
        request.device = device  # type: ignore[attr-defined]
        return device


def _rate_limit(device: DeviceToken) -> None:
    key = f"sync-rate:{device.pk}:{int(timezone.now().timestamp() // 60)}"
    count = cache.get_or_set(key, 0, timeout=120)
    if count >= RATE_LIMIT_PER_MINUTE:
        raise HttpError(429, _("Quá nhiều yêu cầu từ thiết bị này; hãy thử lại sau một phút."))
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=120)


# --- Devices (signed-in web session) ------------------------------------------------------------


# Text the database stores: PostgreSQL text cannot hold a NUL character (it was a 500).
NO_NUL = r"^[^\x00]*$"


class DeviceIn(Schema):
    name: str = Field(max_length=80, pattern=NO_NUL)


class DeviceIssued(Schema):
    id: uuid.UUID
    name: str
    token: str


class DeviceOut(Schema):
    id: uuid.UUID
    name: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


@router.post(
    "/devices", response=DeviceIssued, auth=django_auth, summary="Cấp khóa đồng bộ cho một điện thoại"
)
def device_issue(request: HttpRequest, payload: DeviceIn) -> DeviceIssued:
    if not has_perm(request.user, Perm.VISIT_RECORD):
        raise HttpError(403, _("Bạn không có quyền dùng ứng dụng thực địa."))
    device, token = services.device_token_issue(acting_user=request.user, name=payload.name)
    return DeviceIssued(id=device.pk, name=device.name, token=token)


@router.get("/devices", response=list[DeviceOut], auth=django_auth, summary="Các điện thoại của tôi")
def device_list(request: HttpRequest) -> list[DeviceToken]:
    return list(DeviceToken.objects.filter(user=request.user))


@router.post("/devices/{device_id}/revoke", response=DeviceOut, auth=django_auth, summary="Thu hồi khóa")
def device_revoke(request: HttpRequest, device_id: uuid.UUID) -> DeviceToken:
    device = DeviceToken.objects.filter(user=request.user, pk=device_id).first()
    if device is None:
        raise HttpError(404, _("Không tìm thấy."))
    return services.device_token_revoke(acting_user=request.user, device=device)


# --- Download -----------------------------------------------------------------------------------


class WorklistPersonOut(Schema):
    id: uuid.UUID
    name: str
    birth_year: int | None
    sex: str
    owns_smartphone: bool
    skills: dict[str, int]


class WorklistHouseholdOut(Schema):
    id: uuid.UUID
    code: str
    village: str
    address: str
    head_name: str
    reasons: list[str]
    reason_labels: list[str]
    last_visit: datetime.date | None
    follow_up_on: datetime.date | None
    people: list[WorklistPersonOut]


class Choice(Schema):
    code: str
    label: str


class WorklistOut(Schema):
    # Opaque: the phone sends it back as ?since= and gets {"unchanged": true} when nothing changed.
    cursor: str
    unchanged: bool = False
    generated_at: datetime.datetime
    user_name: str = ""
    households: list[WorklistHouseholdOut] = []
    villages: list[dict[str, str]] = []
    skills: list[Choice] = []
    services: list[Choice] = []
    operators: list[Choice] = []
    technologies: list[Choice] = []
    helpdesk_outcomes: list[Choice] = []
    communes: list[dict[str, Any]] = []


def _choices(choices: Any) -> list[Choice]:
    return [Choice(code=value, label=str(label)) for value, label in choices]


@router.get("/worklist", response=WorklistOut, auth=DeviceAuth(), summary="Danh sách hộ cần đến của tôi")
def worklist(request: HttpRequest, since: str = "") -> WorklistOut:
    """Only what a visit needs: names, birth years, smartphone, current skill levels. No CCCD,
    ethnicity, poverty status or phone numbers leave the server for the phone.

    `since` is the cursor of the phone's last download: the communes' change sequence numbers, read
    before the worklist, so a change committed meanwhile is seen at the next download at the latest."""
    user = request.user
    communes = set(selectors.memberships_of(user).values_list("team__commune_id", flat=True))
    cursor_values = changes.current_values(communes)
    cursor = changes.format_cursor(cursor_values)
    previous = changes.parse_cursor(since[:2000])
    if since and communes and all(previous.get(c, -1) >= v for c, v in cursor_values.items()):
        return WorklistOut(cursor=cursor, unchanged=True, generated_at=timezone.now())
    entries = selectors.worklist(user=user)
    resident_ids = []
    from langso.registry.models import Resident

    people_by_household: dict[uuid.UUID, list[Resident]] = {}
    for person in Resident.objects.filter(household_id__in=[e.household.pk for e in entries]).order_by(
        "sort_key"
    ):
        people_by_household.setdefault(person.household_id, []).append(person)
        resident_ids.append(person.pk)
    levels: dict[uuid.UUID, dict[str, int]] = {}
    for row in CurrentSkillLevel.objects.filter(resident_id__in=resident_ids).values(
        "resident_id", "skill_code", "level"
    ):
        levels.setdefault(row["resident_id"], {})[row["skill_code"]] = row["level"]
    labels = selectors.reason_labels()
    households = []
    for entry in entries:
        reasons = [r for r in entry.reasons if r not in PHONE_HIDDEN_REASONS]
        households.append(
            WorklistHouseholdOut(
                id=entry.household.pk,
                code=entry.household.code,
                village=entry.village_name,
                address=entry.household.address,
                head_name=entry.head_name,
                reasons=reasons,
                reason_labels=[labels[r] for r in reasons],
                last_visit=entry.last_visit,
                follow_up_on=entry.follow_up_on,
                people=[
                    WorklistPersonOut(
                        id=p.pk,
                        name=p.full_name,
                        birth_year=p.birth_year,
                        sex=p.sex,
                        owns_smartphone=p.owns_smartphone,
                        skills=levels.get(p.pk, {}),
                    )
                    for p in people_by_household.get(entry.household.pk, [])
                ],
            )
        )
    language = getattr(request, "LANGUAGE_CODE", "vi")
    memberships = list(selectors.memberships_of(user).select_related("team__village", "team__commune"))
    villages = {str(m.team.village_id): m.team.village.name for m in memberships}
    for entry in entries:
        villages.setdefault(str(entry.household.village_id), entry.village_name)
    communes = {m.team.commune_id: m.team.commune.name for m in memberships}
    return WorklistOut(
        cursor=cursor,
        generated_at=timezone.now(),
        user_name=str(user),
        households=households,
        villages=[{"id": k, "name": v} for k, v in sorted(villages.items(), key=lambda kv: kv[1])],
        skills=[
            Choice(code=s.code, label=s.display_name(language))
            for s in Skill.objects.filter(version=published_version()).order_by("position")
        ],
        services=_choices(Service.choices),
        operators=_choices(Operator.choices),
        technologies=_choices(Technology.choices),
        helpdesk_outcomes=_choices(HelpDeskOutcome.choices),
        communes=[{"code": k, "name": v} for k, v in communes.items()],
    )


# --- Upload -------------------------------------------------------------------------------------


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


class RecordIn(Schema):
    id: uuid.UUID
    kind: Literal["visit", "helpdesk", "signal"]
    data: dict[str, Any]


class BatchIn(Schema):
    records: list[RecordIn] = Field(max_length=MAX_BATCH)


class RecordResult(Schema):
    id: uuid.UUID
    kind: str
    status: Literal["stored", "duplicate", "rejected"]
    errors: dict[str, list[str]] = {}


class BatchOut(Schema):
    results: list[RecordResult]
    stored: int
    duplicates: int
    rejected: int


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _store_one(request: HttpRequest, record: RecordIn) -> tuple[str, dict[str, list[str]]]:
    user, device = request.user, getattr(request, "device", None)
    if _has_nul(record.data):  # refused here, record by record, before PostgreSQL refuses it as a 500
        return "rejected", {
            "__all__": [
                _("Bản ghi có ký tự lạ (không đọc được) nên không lưu được. Hãy nhập lại bản ghi này.")
            ]
        }
    try:
        if record.kind == "visit":
            if not has_perm(user, Perm.VISIT_RECORD):
                return "rejected", {"__all__": [_("Bạn không có quyền ghi buổi hướng dẫn.")]}
            v = VisitData.model_validate(record.data)
            photo = None
            if v.photo:
                try:
                    photo = base64.b64decode(v.photo, validate=True)
                except (binascii.Error, ValueError):
                    return "rejected", {"photo": [_("Ảnh không đọc được.")]}
            _obj, outcome = services.visit_record(
                acting_user=user,
                device=device,
                data=services.VisitInput(
                    id=record.id,
                    household_id=v.household_id,
                    visited_on=v.visited_on,
                    present=tuple(v.present),
                    skills=tuple(
                        services.SkillTaught(s.resident_id, s.skill_code, s.level) for s in v.skills
                    ),
                    services=tuple(services.ServiceDone(s.service, s.resident_id) for s in v.services),
                    no_signal=v.no_signal,
                    broken_phone=v.broken_phone,
                    no_phone=v.no_phone,
                    scam=v.scam,
                    notes=v.notes,
                    follow_up_on=v.follow_up_on,
                    updates=tuple(
                        services.FactUpdate(u.target, u.id, u.field, u.before, u.after) for u in v.updates
                    ),
                    photo=photo,
                ),
            )
        elif record.kind == "helpdesk":
            if not has_perm(user, Perm.HELPDESK_RECORD):
                return "rejected", {"__all__": [_("Bạn không có quyền ghi lượt hỗ trợ.")]}
            h = HelpDeskData.model_validate(record.data)
            _obj, outcome = services.helpdesk_record(
                acting_user=user, device=device, data=services.HelpDeskInput(id=record.id, **h.model_dump())
            )
        else:
            if not has_perm(user, Perm.SIGNAL_REPORT):
                return "rejected", {"__all__": [_("Bạn không có quyền báo vùng lõm sóng.")]}
            s = SignalData.model_validate(record.data)
            _obj, outcome = services.signal_report_create(
                acting_user=user,
                device=device,
                data=services.SignalReportInput(id=record.id, **s.model_dump()),
            )
    except ValidationError as error:
        return "rejected", error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    except services.SyncConflict as conflict:
        return "rejected", {"id": [conflict.message]}
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        return "rejected", _pydantic_errors(error)
    return outcome, {}


def _pydantic_errors(error: ValueError) -> dict[str, list[str]]:
    from pydantic import ValidationError as PydanticError

    if not isinstance(error, PydanticError):
        return {"__all__": [_("Dữ liệu không hợp lệ.")]}
    errors: dict[str, list[str]] = {}
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"][:1]) or "__all__"
        errors.setdefault(field, []).append(_("Thiếu hoặc sai kiểu dữ liệu."))
    return errors


@router.post("/batch", response=BatchOut, auth=DeviceAuth(), summary="Gửi các bản ghi làm ngoại tuyến")
def batch(request: HttpRequest, payload: BatchIn) -> BatchOut:
    results = []
    for record in payload.records:
        status, errors = _store_one(request, record)
        results.append(RecordResult(id=record.id, kind=record.kind, status=status, errors=errors))
    return BatchOut(
        results=results,
        stored=sum(r.status == "stored" for r in results),
        duplicates=sum(r.status == "duplicate" for r in results),
        rejected=sum(r.status == "rejected" for r in results),
    )
