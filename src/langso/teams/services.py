"""Writes for teams: set-up, household assignments, visits, help-desk sessions, signal reports, devices.

Records that come from phones (visits, help-desk sessions, signal reports) are stored by
`store_synced`: the phone's UUID is the primary key, so a resend can never create a second row; a
resend with the same content is acknowledged as already stored, one with different content is refused.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.access import Perm, get_in_scope_or_404, scope_for
from langso.core import audit
from langso.core.models import AuditAction
from langso.core.text import clean_text
from langso.core.validators import normalize_phone
from langso.places.models import Coverage, Village
from langso.registry.changes import commune_changed
from langso.registry.models import Household, Resident
from langso.skills import services as skill_services
from langso.skills.models import Evidence, Level
from langso.teams.models import (
    PHONE_EDITABLE_FIELDS,
    Affiliation,
    ConflictStatus,
    DeviceToken,
    FactConflict,
    HelpDeskOutcome,
    HelpDeskSession,
    HouseholdAssignment,
    MemberRole,
    Operator,
    Service,
    SignalReport,
    SignalReportEvent,
    SignalStatus,
    SyncedRecord,
    Team,
    TeamMember,
    Technology,
    Visit,
    VisitService,
    VisitSkill,
)

# Days a telecom operator has to answer a weak-signal report.
SIGNAL_RESPONSE_DAYS = 14
# Visit photos are optional and small: the phone shrinks them before they are stored.
MAX_PHOTO_BYTES = 300 * 1024
# The oldest date a phone may send (guards against a phone whose clock was never set).
EARLIEST_FIELD_DATE = datetime.date(2020, 1, 1)


def _units_q(user: Any, perm: str) -> Any:
    return scope_for(user, perm).q(province="province_id", commune="commune_id", village="village_id")


def _village_in_scope(user: Any, perm: str, village_id: Any) -> Village:
    scope = scope_for(user, perm)
    return get_in_scope_or_404(
        Village.objects.select_related("commune"),
        scope.q(province="commune__province_id", commune="commune_id", village="id"),
        pk=village_id,
    )


# --- Teams, members, assignments ---------------------------------------------------------------


@transaction.atomic
def team_create(
    *, acting_user: Any, village: Village, name: str, established_on: datetime.date | None = None
) -> Team:
    _village_in_scope(acting_user, Perm.TEAMS_MANAGE, village.pk)
    team = Team(village=village, name=clean_text(name), established_on=established_on)
    team.copy_units_from_village()
    team.full_clean()
    team.save()
    commune_changed(team.commune_id)
    audit.record(actor=acting_user, action=AuditAction.CREATE, obj=team, changes=audit.snapshot(team))
    return team


@transaction.atomic
def team_update(*, acting_user: Any, team: Team, **fields: Any) -> Team:
    before = audit.snapshot(team)
    for name in ("name", "established_on", "is_active"):
        if name in fields:
            setattr(team, name, clean_text(fields[name]) if name == "name" else fields[name])
    team.full_clean()
    team.save()
    changes = audit.diff(before, audit.snapshot(team))
    if changes:
        commune_changed(team.commune_id)
        audit.record(actor=acting_user, action=AuditAction.UPDATE, obj=team, changes=changes)
    return team


@transaction.atomic
def member_add(
    *,
    acting_user: Any,
    team: Team,
    full_name: str,
    phone: str = "",
    role: str = MemberRole.MEMBER,
    affiliation: str = Affiliation.OTHER,
    user: Any = None,
) -> TeamMember:
    errors: dict[str, list[str]] = {}
    normalised_phone = ""
    if phone:
        try:
            normalised_phone = normalize_phone(phone)
        except ValidationError as error:
            errors["phone"] = error.messages
    if user is not None and TeamMember.objects.filter(team=team, user=user).exists():
        errors["user"] = [_("Tài khoản này đã là thành viên của tổ.")]
    if errors:
        raise ValidationError(errors)
    member = TeamMember(
        team=team,
        full_name=clean_text(full_name),
        phone=normalised_phone,
        role=role,
        affiliation=affiliation,
        user=user,
    )
    member.full_clean()
    member.save()
    audit.record(actor=acting_user, action=AuditAction.CREATE, obj=member, changes=audit.snapshot(member))
    return member


@transaction.atomic
def member_set_active(*, acting_user: Any, member: TeamMember, active: bool) -> TeamMember:
    if member.is_active != active:
        member.is_active = active
        member.save(update_fields=["is_active", "updated_at"])
        if not active:
            # Their households go back to the pool so none is forgotten.
            HouseholdAssignment.objects.filter(member=member).delete()
        commune_changed(member.team.commune_id)
        audit.record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=member,
            changes={"is_active": [not active, active]},
        )
    return member


@transaction.atomic
def households_assign(*, acting_user: Any, member: TeamMember, households: Iterable[Household]) -> int:
    """Give the households to the member (taking them from whoever had them). Returns how many."""
    if not member.is_active:
        raise ValidationError(_("Thành viên này đã ngừng tham gia tổ."))
    households = list(households)
    outside = [h.code for h in households if h.commune_id != member.team.commune_id]
    if outside:
        raise ValidationError(
            _("Các hộ sau không thuộc xã/phường của tổ: %(codes)s") % {"codes": ", ".join(outside[:10])}
        )
    today = timezone.localdate()
    for household in households:
        HouseholdAssignment.objects.update_or_create(
            household=household,
            defaults={"member": member, "assigned_on": today, "assigned_by": acting_user},
        )
    if households:
        commune_changed(member.team.commune_id)
        audit.record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=member,
            changes={"assigned_households": [h.code for h in households]},
        )
    return len(households)


@transaction.atomic
def households_unassign(*, acting_user: Any, households: Iterable[Household]) -> int:
    households = list(households)
    ids = [h.pk for h in households]
    deleted, _details = HouseholdAssignment.objects.filter(household_id__in=ids).delete()
    if deleted:
        for commune_id in sorted({h.commune_id for h in households}):
            commune_changed(commune_id)
        audit.record(
            actor=acting_user,
            action=AuditAction.DELETE,
            object_type="teams.householdassignment",
            changes={"households": [str(i) for i in ids]},
        )
    return deleted


# --- Records from the field: one way to store them ---------------------------------------------

Outcome = Literal["stored", "duplicate"]


class SyncConflict(Exception):
    """The same UUID was sent before with different content."""

    def __init__(self, record_id: uuid.UUID) -> None:
        super().__init__(str(record_id))
        self.record_id = record_id
        self.message = _(
            "Bản ghi này đã được gửi trước đó với nội dung khác. Máy chủ giữ bản đã gửi; "
            "hãy tạo bản ghi mới nếu cần sửa."
        )


def content_hash(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def store_synced(
    model: type[SyncedRecord],
    record_id: uuid.UUID,
    payload: dict[str, Any],
    create: Callable[[str], SyncedRecord],
) -> tuple[SyncedRecord, Outcome]:
    """Insert once, keyed by the client's UUID. The primary key does the deduplication, so two
    concurrent resends cannot both insert; a resend is recognised by the content hash."""
    digest = content_hash(payload)
    try:
        with transaction.atomic():
            return create(digest), "stored"
    except IntegrityError:
        existing = model.objects.filter(pk=record_id).first()
        if existing is None:
            raise
        if existing.content_hash != digest:
            raise SyncConflict(record_id) from None
        return existing, "duplicate"


def _parse_date(value: Any, field: str, errors: dict[str, list[str]]) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = [_("Ngày không hợp lệ.")]
        return None


def _field_date(value: Any, field: str, errors: dict[str, list[str]]) -> datetime.date | None:
    """A date something happened in the field: required, not in the future, not absurdly old."""
    parsed = _parse_date(value, field, errors)
    if parsed is None:
        errors.setdefault(field, [_("Cần ghi ngày.")])
        return None
    # One day of grace: a phone near midnight, or set to another time zone.
    if parsed > timezone.localdate() + datetime.timedelta(days=1):
        errors[field] = [_("Ngày không được sau hôm nay.")]
    elif parsed < EARLIEST_FIELD_DATE:
        errors[field] = [_("Ngày quá xa trong quá khứ; hãy kiểm tra ngày trên điện thoại.")]
    return parsed


@dataclass(frozen=True)
class SkillTaught:
    resident_id: uuid.UUID
    skill_code: str
    level: int


@dataclass(frozen=True)
class ServiceDone:
    service: str
    resident_id: uuid.UUID | None = None


@dataclass(frozen=True)
class FactUpdate:
    """A fact the member corrected on the phone: what the phone showed, and what it is now."""

    target: str  # "resident" or "household"
    object_id: uuid.UUID
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class VisitInput:
    id: uuid.UUID
    household_id: uuid.UUID
    visited_on: datetime.date | str
    present: tuple[uuid.UUID, ...] = ()
    skills: tuple[SkillTaught, ...] = ()
    services: tuple[ServiceDone, ...] = ()
    no_signal: bool = False
    broken_phone: bool = False
    no_phone: bool = False
    scam: bool = False
    notes: str = ""
    follow_up_on: datetime.date | str | None = None
    updates: tuple[FactUpdate, ...] = ()
    photo: bytes | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "photo": hashlib.sha256(self.photo).hexdigest() if self.photo else "",
            "updates": sorted([u.target, str(u.object_id), u.field, u.before, u.after] for u in self.updates),
            "household_id": str(self.household_id),
            "visited_on": str(self.visited_on),
            "present": sorted(str(p) for p in self.present),
            "skills": sorted([str(s.resident_id), s.skill_code, s.level] for s in self.skills),
            "services": sorted([s.service, str(s.resident_id or "")] for s in self.services),
            "problems": [self.no_signal, self.broken_phone, self.no_phone, self.scam],
            "notes": self.notes.strip(),
            "follow_up_on": str(self.follow_up_on or ""),
        }


def _member_for(user: Any, team_id: Any) -> TeamMember | None:
    return TeamMember.objects.filter(user=user, team_id=team_id, is_active=True).first()


def visit_record(
    *, acting_user: Any, data: VisitInput, device: DeviceToken | None = None
) -> tuple[Visit, Outcome]:
    """Record a home visit made by the acting user. Skills taught become the person's skill records
    with evidence "observed"; services and problems stay with the visit for the indicators."""
    errors: dict[str, list[str]] = {}
    scope_q = _units_q(acting_user, Perm.VISIT_RECORD)
    household = (
        Household.objects.filter(scope_q).filter(pk=data.household_id).select_related("village").first()
    )
    if household is None:
        raise ValidationError({"household": [_("Không tìm thấy hộ này trong phạm vi của bạn.")]})
    visited_on = _field_date(data.visited_on, "visited_on", errors)
    follow_up_on = _parse_date(data.follow_up_on, "follow_up_on", errors)
    if follow_up_on and visited_on and follow_up_on < visited_on:
        errors["follow_up_on"] = [_("Ngày hẹn lần sau phải từ ngày đến thăm trở đi.")]
    members = {r.pk: r for r in Resident.objects.filter(household=household)}
    present = [pid for pid in data.present if pid in members]
    if len(present) != len(set(data.present)):
        errors["present"] = [_("Có người không thuộc hộ này.")]
    skill_codes = skill_services.published_skill_codes()
    for taught in data.skills:
        if taught.resident_id not in members:
            errors["skills"] = [_("Kỹ năng được ghi cho người không thuộc hộ này.")]
        elif taught.skill_code not in skill_codes:
            errors["skills"] = [_("Kỹ năng không có trong danh mục: %(code)s") % {"code": taught.skill_code}]
        elif taught.level not in Level.values:
            errors["skills"] = [_("Mức độ phải từ 1 đến 4.")]
    for done in data.services:
        if done.service not in Service.values:
            errors["services"] = [_("Việc đã làm không hợp lệ: %(code)s") % {"code": done.service}]
        elif done.resident_id is not None and done.resident_id not in members:
            errors["services"] = [_("Việc đã làm được ghi cho người không thuộc hộ này.")]
    for update in data.updates:
        kind = PHONE_EDITABLE_FIELDS.get(update.target, {}).get(update.field)
        if kind is None:
            errors["updates"] = [
                _("Không được sửa mục này từ điện thoại: %(field)s") % {"field": update.field}
            ]
        elif (update.target == "resident" and update.object_id not in members) or (
            update.target == "household" and update.object_id != household.pk
        ):
            errors["updates"] = [_("Thông tin được sửa không thuộc hộ này.")]
        elif not isinstance(update.before, kind) or not isinstance(update.after, kind):
            errors["updates"] = [_("Giá trị không hợp lệ.")]
        elif kind is str and len(update.after) > 200:
            errors["updates"] = [_("Địa chỉ dài quá 200 ký tự.")]
    if len(data.notes) > 2000:
        errors["notes"] = [_("Ghi chú quá dài (tối đa 2.000 ký tự).")]
    if data.photo is not None:
        if len(data.photo) > MAX_PHOTO_BYTES:
            errors["photo"] = [_("Ảnh quá lớn (tối đa 300 KB); ứng dụng sẽ thu nhỏ ảnh trước khi gửi.")]
        elif not data.photo.startswith(b"\xff\xd8\xff"):
            errors["photo"] = [_("Ảnh phải là tệp JPEG.")]
    if errors:
        raise ValidationError(errors)

    assignment = HouseholdAssignment.objects.filter(household=household).select_related("member").first()
    team_id = assignment.member.team_id if assignment else None
    member = _member_for(acting_user, team_id) if team_id else None
    if member is None:
        member = (
            TeamMember.objects.filter(user=acting_user, is_active=True, team__commune_id=household.commune_id)
            .select_related("team")
            .first()
        )
        team_id = member.team_id if member else team_id

    def create(digest: str) -> Visit:
        visit = Visit.objects.create(
            id=data.id,
            content_hash=digest,
            device=device,
            recorded_by=acting_user,
            household=household,
            village_id=household.village_id,
            commune_id=household.commune_id,
            province_id=household.province_id,
            team_id=team_id,
            member=member,
            visited_on=visited_on,
            no_signal=data.no_signal,
            broken_phone=data.broken_phone,
            no_phone=data.no_phone,
            scam=data.scam,
            notes=data.notes.strip(),
            follow_up_on=follow_up_on,
            photo=data.photo,
        )
        visit.present.set(present)
        for taught in data.skills:
            record = skill_services.skill_record_add(
                acting_user=acting_user,
                resident=members[taught.resident_id],
                skill_code=taught.skill_code,
                level=taught.level,
                evidence=Evidence.OBSERVED,
                recorded_on=min(visited_on, timezone.localdate()),
                note=_("Buổi hướng dẫn tại nhà"),
            )
            VisitSkill.objects.create(
                visit=visit,
                resident_id=taught.resident_id,
                skill_code=taught.skill_code,
                level=taught.level,
                skill_record=record,
            )
        VisitService.objects.bulk_create(
            [
                VisitService(visit=visit, resident_id=s.resident_id, service=s.service)
                for s in set(data.services)
            ]
        )
        _apply_fact_updates(acting_user, visit, data.updates)
        commune_changed(household.commune_id)
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=visit,
            changes={"household": household.code, "visited_on": str(visited_on), "skills": len(data.skills)},
        )
        return visit

    visit, outcome = store_synced(Visit, data.id, data.payload(), create)
    return visit, outcome  # type: ignore[return-value]


def _clean_fact(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


def _apply_fact_updates(acting_user: Any, visit: Visit, updates: tuple[FactUpdate, ...]) -> None:
    """The rule for a fact edited on a phone while the server may have changed it too (a three-way
    comparison of values, no clocks): the server still holds what the phone saw → the phone's value
    is applied; the server already holds the phone's value → nothing to do; the server holds
    something else → nothing is applied and a commune officer resolves the conflict, seeing all three
    values. Nothing is silently lost."""
    for update in updates:
        model = Resident if update.target == "resident" else Household
        obj = model.objects.select_for_update().get(pk=update.object_id)
        current = getattr(obj, update.field)
        before, after = _clean_fact(update.before), _clean_fact(update.after)
        if current == after:
            continue
        if current == before:
            setattr(obj, update.field, after)
            obj.save(update_fields=[update.field, "updated_at"])
            audit.record(
                actor=acting_user,
                action=AuditAction.UPDATE,
                obj=obj,
                resident_id=obj.pk if update.target == "resident" else None,
                changes={update.field: [current, after]},
                note=_("Sửa từ điện thoại trong buổi hướng dẫn"),
            )
        else:
            FactConflict.objects.create(
                visit=visit,
                household_id=visit.household_id,
                resident=obj if update.target == "resident" else None,
                field=update.field,
                phone_before=before,
                phone_after=after,
                server_value=current,
                commune_id=visit.commune_id,
                province_id=visit.province_id,
            )


@transaction.atomic
def conflict_resolve(*, acting_user: Any, conflict: FactConflict, use_phone_value: bool) -> FactConflict:
    conflict = FactConflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.status != ConflictStatus.OPEN:
        raise ValidationError(_("Xung đột này đã được xử lý."))
    target = (
        Resident.objects.select_for_update().get(pk=conflict.resident_id)
        if conflict.resident_id
        else Household.objects.select_for_update().get(pk=conflict.household_id)
    )
    before = getattr(target, conflict.field)
    if use_phone_value:
        setattr(target, conflict.field, conflict.phone_after)
        target.save(update_fields=[conflict.field, "updated_at"])
        commune_changed(conflict.commune_id)
    conflict.status = ConflictStatus.APPLIED_PHONE if use_phone_value else ConflictStatus.KEPT_SERVER
    conflict.resolved_by = acting_user
    conflict.resolved_at = timezone.now()
    conflict.save(update_fields=["status", "resolved_by", "resolved_at"])
    audit.record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=target,
        resident_id=conflict.resident_id,
        changes={conflict.field: [before, getattr(target, conflict.field)], "conflict": conflict.status},
        note=_("Xử lý xung đột dữ liệu từ điện thoại"),
    )
    return conflict


@dataclass(frozen=True)
class HelpDeskInput:
    id: uuid.UUID
    commune_code: int
    helped_on: datetime.date | str
    procedure: str
    outcome: str
    minutes: int
    resident_id: uuid.UUID | None = None
    walk_in_name: str = ""
    walk_in_birth_year: int | None = None
    notes: str = ""

    def payload(self) -> dict[str, Any]:
        return {
            "commune": self.commune_code,
            "helped_on": str(self.helped_on),
            "procedure": self.procedure,
            "outcome": self.outcome,
            "minutes": self.minutes,
            "resident": str(self.resident_id or ""),
            "walk_in": [clean_text(self.walk_in_name), self.walk_in_birth_year],
            "notes": self.notes.strip(),
        }


def helpdesk_record(
    *, acting_user: Any, data: HelpDeskInput, device: DeviceToken | None = None
) -> tuple[HelpDeskSession, Outcome]:
    from langso.places.models import Commune

    errors: dict[str, list[str]] = {}
    from langso.teams.selectors import helpdesk_commune_q

    commune = Commune.objects.filter(helpdesk_commune_q(acting_user), code=data.commune_code).first()
    if commune is None:
        raise ValidationError({"commune": [_("Không tìm thấy xã/phường này trong phạm vi của bạn.")]})
    helped_on = _field_date(data.helped_on, "helped_on", errors)
    if data.procedure not in Service.values:
        errors["procedure"] = [_("Thủ tục không hợp lệ.")]
    if data.outcome not in HelpDeskOutcome.values:
        errors["outcome"] = [_("Kết quả không hợp lệ.")]
    if not 1 <= int(data.minutes or 0) <= 480:
        errors["minutes"] = [_("Số phút phải từ 1 đến 480.")]
    resident = None
    if data.resident_id:
        resident = Resident.objects.filter(pk=data.resident_id, commune_id=commune.code).first()
        if resident is None:
            errors["resident"] = [_("Không tìm thấy người này trong xã/phường.")]
    elif not clean_text(data.walk_in_name):
        errors["walk_in_name"] = [_("Chọn người trong sổ hoặc ghi tên người đến.")]
    year = data.walk_in_birth_year
    if year is not None and not 1900 <= year <= timezone.localdate().year:
        errors["walk_in_birth_year"] = [_("Năm sinh không hợp lệ.")]
    if errors:
        raise ValidationError(errors)
    helper = TeamMember.objects.filter(
        user=acting_user, is_active=True, team__commune_id=commune.code
    ).first()

    def create(digest: str) -> HelpDeskSession:
        session = HelpDeskSession.objects.create(
            id=data.id,
            content_hash=digest,
            device=device,
            recorded_by=acting_user,
            commune=commune,
            province_id=commune.province_id,
            resident=resident,
            walk_in_name="" if resident else clean_text(data.walk_in_name),
            walk_in_birth_year=None if resident else year,
            helped_by=helper,
            helped_on=helped_on,
            procedure=data.procedure,
            outcome=data.outcome,
            minutes=data.minutes,
            notes=data.notes.strip()[:300],
        )
        commune_changed(commune.code)
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=session,
            resident_id=resident.pk if resident else None,
            changes={"procedure": data.procedure, "outcome": data.outcome},
        )
        return session

    session, outcome = store_synced(HelpDeskSession, data.id, data.payload(), create)
    return session, outcome  # type: ignore[return-value]


@dataclass(frozen=True)
class SignalReportInput:
    id: uuid.UUID
    village_id: uuid.UUID
    description: str
    operator: str
    technology: str
    reported_on: datetime.date | str
    households_affected: int = 0
    latitude: float | None = None
    longitude: float | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "village": str(self.village_id),
            "description": clean_text(self.description),
            "operator": self.operator,
            "technology": self.technology,
            "reported_on": str(self.reported_on),
            "households": self.households_affected,
            "gps": [
                None if self.latitude is None else round(float(self.latitude), 5),
                None if self.longitude is None else round(float(self.longitude), 5),
            ],
        }


def signal_report_create(
    *, acting_user: Any, data: SignalReportInput, device: DeviceToken | None = None
) -> tuple[SignalReport, Outcome]:
    errors: dict[str, list[str]] = {}
    scope = scope_for(acting_user, Perm.SIGNAL_REPORT)
    village = (
        Village.objects.select_related("commune")
        .filter(
            scope.q(province="commune__province_id", commune="commune_id", village="id"), pk=data.village_id
        )
        .first()
    )
    if village is None:
        raise ValidationError({"village": [_("Không tìm thấy thôn/bản này trong phạm vi của bạn.")]})
    reported_on = _field_date(data.reported_on, "reported_on", errors)
    description = clean_text(data.description)
    if len(description) < 3:
        errors["description"] = [_("Hãy mô tả vị trí (ví dụ: cuối xóm, gần nhà văn hóa).")]
    elif len(description) > 300:
        errors["description"] = [_("Mô tả quá dài (tối đa 300 ký tự).")]
    if data.operator not in Operator.values:
        errors["operator"] = [_("Nhà mạng không hợp lệ.")]
    if data.technology not in Technology.values:
        errors["technology"] = [_("Công nghệ không hợp lệ.")]
    if not 0 <= int(data.households_affected or 0) <= 10000:
        errors["households_affected"] = [_("Số hộ bị ảnh hưởng không hợp lệ.")]
    if (data.latitude is None) != (data.longitude is None):
        errors["latitude"] = [_("Tọa độ GPS phải có cả vĩ độ và kinh độ.")]
    elif data.latitude is not None and not (
        8.0 <= float(data.latitude) <= 23.5 and 102.0 <= float(data.longitude) <= 110.0  # type: ignore[arg-type]
    ):
        errors["latitude"] = [_("Tọa độ GPS nằm ngoài Việt Nam.")]
    if errors:
        raise ValidationError(errors)

    def create(digest: str) -> SignalReport:
        report = SignalReport.objects.create(
            id=data.id,
            content_hash=digest,
            device=device,
            recorded_by=acting_user,
            village=village,
            commune_id=village.commune_id,
            province_id=village.commune.province_id,
            description=description,
            latitude=None if data.latitude is None else round(float(data.latitude), 5),
            longitude=None if data.longitude is None else round(float(data.longitude), 5),
            operator=data.operator,
            technology=data.technology,
            households_affected=data.households_affected or 0,
            reported_on=reported_on,
            respond_by=reported_on + datetime.timedelta(days=SIGNAL_RESPONSE_DAYS),
        )
        SignalReportEvent.objects.create(report=report, status=SignalStatus.REPORTED, by=acting_user)
        commune_changed(village.commune_id)
        audit.record(actor=acting_user, action=AuditAction.CREATE, obj=report, changes=data.payload())
        return report

    report, outcome = store_synced(SignalReport, data.id, data.payload(), create)
    return report, outcome  # type: ignore[return-value]


SIGNAL_MOVES: dict[str, frozenset[str]] = {
    SignalStatus.REPORTED: frozenset({SignalStatus.CONFIRMED, SignalStatus.REJECTED, SignalStatus.FIXED}),
    SignalStatus.CONFIRMED: frozenset({SignalStatus.FIXED, SignalStatus.REJECTED}),
    SignalStatus.FIXED: frozenset(),
    SignalStatus.REJECTED: frozenset(),
}

_TECHNOLOGY_COVERAGE_FIELD = {
    Technology.MOBILE_4G: "mobile_4g",
    Technology.MOBILE_5G: "mobile_5g",
    Technology.BROADBAND: "broadband",
}


@transaction.atomic
def signal_report_move(
    *, acting_user: Any, report: SignalReport, status: str, note: str = ""
) -> SignalReport:
    """A telecom partner confirms, fixes or rejects a report. Fixing updates the village's coverage."""
    report = SignalReport.objects.select_for_update().get(pk=report.pk)
    if status not in SIGNAL_MOVES.get(report.status, frozenset()):
        raise ValidationError(
            {
                "status": [
                    _("Không thể chuyển từ “%(from)s” sang trạng thái này.")
                    % {"from": report.get_status_display()}
                ]
            }
        )
    note = clean_text(note)
    if status == SignalStatus.REJECTED and not note:
        raise ValidationError({"note": [_("Hãy ghi lý do không xác nhận.")]})
    before = report.status
    report.status = status
    if status in (SignalStatus.FIXED, SignalStatus.REJECTED):
        report.closed_on = timezone.localdate()
    report.save(update_fields=["status", "closed_on"])
    SignalReportEvent.objects.create(report=report, status=status, note=note[:300], by=acting_user)
    commune_changed(report.commune_id)
    field = _TECHNOLOGY_COVERAGE_FIELD.get(report.technology)
    if status == SignalStatus.FIXED and field:
        village = Village.objects.select_for_update().get(pk=report.village_id)
        still_open = SignalReport.objects.filter(
            village=village,
            technology=report.technology,
            status__in=[SignalStatus.REPORTED, SignalStatus.CONFIRMED],
        ).exists()
        setattr(village, field, Coverage.PARTIAL if still_open else Coverage.YES)
        village.coverage_checked_on = timezone.localdate()
        village.save(update_fields=[field, "coverage_checked_on", "updated_at"])
    audit.record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=report,
        changes={"status": [before, status]},
        note=note,
    )
    return report


# Devices and their keys live in device_keys; these names stay importable from here.
from langso.teams.device_keys import (  # noqa: E402, F401
    device_for_token,
    device_token_issue,
    device_token_revoke,
)
