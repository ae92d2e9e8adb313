"""Writes for teams: set-up, household assignments, home visits and the conflicts their corrections raise.

Help-desk sessions (helpdesk.py), weak-signal reports (signal_reports.py) and devices' keys
(device_keys.py) have modules of their own, re-exported here. Records that come from phones are
stored by `synced.store_synced`: the phone's UUID is the primary key, so a resend can never create a
second row.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.access import Perm, get_in_scope_or_404, scope_for
from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.core.text import clean_text
from langso.core.validators import normalize_phone
from langso.places.models import Village
from langso.registry.models import Household, Resident, SmartphoneSource
from langso.registry.services import resident_smartphone_set
from langso.skills import services as skill_services
from langso.skills.models import Evidence, Level
from langso.teams.models import (
    PHONE_EDITABLE_FIELDS,
    Affiliation,
    ConflictStatus,
    DeviceToken,
    FactConflict,
    HouseholdAssignment,
    MemberRole,
    Service,
    Team,
    TeamMember,
    Visit,
    VisitService,
    VisitSkill,
)
from langso.teams.synced import (  # noqa: F401 - part of this module's interface
    EARLIEST_FIELD_DATE,
    Outcome,
    SyncConflict,
    _field_date,
    _parse_date,
    content_hash,
    store_synced,
)

# Visit photos are optional and small: the phone shrinks them before they are stored.
MAX_PHOTO_BYTES = 300 * 1024


def _units_q(user: User, perm: str) -> Any:
    return scope_for(user, perm).q(province="province_id", commune="commune_id", village="village_id")


def _village_in_scope(user: User, perm: str, village_id: Any) -> Village:
    scope = scope_for(user, perm)
    return get_in_scope_or_404(
        Village.objects.select_related("commune"),
        scope.q(province="commune__province_id", commune="commune_id", village="id"),
        pk=village_id,
    )


# --- Teams, members, assignments ---------------------------------------------------------------


@transaction.atomic
def team_create(
    *, acting_user: User, village: Village, name: str, established_on: datetime.date | None = None
) -> Team:
    _village_in_scope(acting_user, Perm.TEAMS_MANAGE, village.pk)
    team = Team(village=village, name=clean_text(name), established_on=established_on)
    team.copy_units_from_village()
    team.full_clean()
    team.save()
    audit.record(actor=acting_user, action=AuditAction.CREATE, obj=team, changes=audit.snapshot(team))
    return team


@transaction.atomic
def team_update(*, acting_user: User, team: Team, **fields: Any) -> Team:
    before = audit.snapshot(team)
    for name in ("name", "established_on", "is_active"):
        if name in fields:
            setattr(team, name, clean_text(fields[name]) if name == "name" else fields[name])
    team.full_clean()
    team.save()
    changes = audit.diff(before, audit.snapshot(team))
    if changes:
        audit.record(actor=acting_user, action=AuditAction.UPDATE, obj=team, changes=changes)
    return team


@transaction.atomic
def member_add(
    *,
    acting_user: User,
    team: Team,
    full_name: str,
    phone: str = "",
    role: str = MemberRole.MEMBER,
    affiliation: str = Affiliation.OTHER,
    user: User | None = None,
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
def member_set_active(*, acting_user: User, member: TeamMember, active: bool) -> TeamMember:
    if member.is_active != active:
        member.is_active = active
        member.save(update_fields=["is_active", "updated_at"])
        if not active:
            # Their households go back to the pool so none is forgotten.
            HouseholdAssignment.objects.filter(member=member).delete()
        audit.record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=member,
            changes={"is_active": [not active, active]},
        )
    return member


@transaction.atomic
def households_assign(*, acting_user: User, member: TeamMember, households: Iterable[Household]) -> int:
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
        audit.record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=member,
            changes={"assigned_households": [h.code for h in households]},
        )
    return len(households)


@transaction.atomic
def households_unassign(*, acting_user: User, households: Iterable[Household]) -> int:
    households = list(households)
    ids = [h.pk for h in households]
    deleted, _details = HouseholdAssignment.objects.filter(household_id__in=ids).delete()
    if deleted:
        audit.record(
            actor=acting_user,
            action=AuditAction.DELETE,
            object_type="teams.householdassignment",
            changes={"households": [str(i) for i in ids]},
        )
    return deleted


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


def visit_errors(
    data: VisitInput,
    household: Household,
    members: dict[uuid.UUID, Resident],
    skill_codes: set[str] | Iterable[str],
) -> tuple[dict[str, list[str]], datetime.date | None, datetime.date | None, list[uuid.UUID]]:
    """Everything wrong with one visit, given its household, the household's members and the skill
    codes in force; also the dates and the people present as they will be stored. Pure: the batch
    path (teams.visit_batch) checks a hundred visits with the same rules and no query per visit."""
    errors: dict[str, list[str]] = {}
    visited_on = _field_date(data.visited_on, "visited_on", errors)
    follow_up_on = _parse_date(data.follow_up_on, "follow_up_on", errors)
    if follow_up_on and visited_on and follow_up_on < visited_on:
        errors["follow_up_on"] = [_("Ngày hẹn lần sau phải từ ngày đến thăm trở đi.")]
    present = [pid for pid in data.present if pid in members]
    if len(present) != len(set(data.present)):
        errors["present"] = [_("Có người không thuộc hộ này.")]
    for taught in data.skills:
        if taught.resident_id not in members:
            errors["skills"] = [_("Kỹ năng được ghi cho người không thuộc hộ này.")]
        elif taught.skill_code not in skill_codes:
            errors["skills"] = [_("Kỹ năng không có trong danh mục: %(code)s") % {"code": taught.skill_code}]
        elif taught.level not in Level.values:
            errors["skills"] = [_("Mức độ phải từ 1 đến 4.")]
    taught_pairs = [(t.resident_id, t.skill_code) for t in data.skills]
    if "skills" not in errors and len(set(taught_pairs)) != len(taught_pairs):
        # One level per person and skill in a visit (the database allows no second one).
        errors["skills"] = [_("Một kỹ năng được ghi hai lần cho cùng một người trong buổi này.")]
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
        elif kind is str and len(update.after) > 200:  # type: ignore[arg-type]  # a str: checked above
            errors["updates"] = [_("Địa chỉ dài quá 200 ký tự.")]
    if len(data.notes) > 2000:
        errors["notes"] = [_("Ghi chú quá dài (tối đa 2.000 ký tự).")]
    if data.photo is not None:
        if len(data.photo) > MAX_PHOTO_BYTES:
            errors["photo"] = [_("Ảnh quá lớn (tối đa 300 KB); ứng dụng sẽ thu nhỏ ảnh trước khi gửi.")]
        elif not data.photo.startswith(b"\xff\xd8\xff"):
            errors["photo"] = [_("Ảnh phải là tệp JPEG.")]
    return errors, visited_on, follow_up_on, present


def visit_values(
    data: Any,
    *,
    digest: str,
    device: Any,
    user: User,
    household: Household,
    team_id: int | None,
    member: Any,
    visited_on: datetime.date,
    follow_up_on: datetime.date | None,
) -> dict[str, Any]:
    """A visit row's columns from the phone's (or the web form's) data: one shape for the per-record
    path and the batch path (teams/visit_batch.py)."""
    return {
        "id": data.id,
        "content_hash": digest,
        "device": device,
        "recorded_by": user,
        "household": household,
        "village_id": household.village_id,
        "commune_id": household.commune_id,
        "province_id": household.province_id,
        "team_id": team_id,
        "member": member,
        "visited_on": visited_on,
        "no_signal": data.no_signal,
        "broken_phone": data.broken_phone,
        "no_phone": data.no_phone,
        "scam": data.scam,
        "notes": data.notes.strip(),
        "follow_up_on": follow_up_on,
        "photo": data.photo,
    }


def visit_member(
    memberships: Iterable[TeamMember], household: Household, assigned_team_id: Any
) -> tuple[Any, TeamMember | None]:
    """Who made the visit, among the acting user's active memberships (in the model's order): their
    membership in the team the household is assigned to, else one in the household's commune."""
    memberships = list(memberships)
    if assigned_team_id:
        member = next((m for m in memberships if m.team_id == assigned_team_id), None)
        if member is not None:
            return assigned_team_id, member
    member = next((m for m in memberships if m.team.commune_id == household.commune_id), None)
    return (member.team_id if member else assigned_team_id), member


def visit_record(
    *, acting_user: User, data: VisitInput, device: DeviceToken | None = None
) -> tuple[Visit, Outcome]:
    """Record a home visit made by the acting user. Skills taught become the person's skill records
    with evidence "observed"; services and problems stay with the visit for the indicators."""
    scope_q = _units_q(acting_user, Perm.VISIT_RECORD)
    household = (
        Household.objects.filter(scope_q).filter(pk=data.household_id).select_related("village").first()
    )
    if household is None:
        raise ValidationError({"household": [_("Không tìm thấy hộ này trong phạm vi của bạn.")]})
    members = {r.pk: r for r in Resident.objects.filter(household=household)}
    errors, visited_on, follow_up_on, present = visit_errors(
        data, household, members, skill_services.published_skill_codes()
    )
    if errors or visited_on is None:  # no date is one of the errors
        raise ValidationError(errors)

    assignment = HouseholdAssignment.objects.filter(household=household).select_related("member").first()
    team_id, member = visit_member(
        TeamMember.objects.filter(user=acting_user, is_active=True).select_related("team"),
        household,
        assignment.member.team_id if assignment else None,
    )

    def create(digest: str) -> Visit:
        visit = Visit.objects.create(
            **visit_values(
                data,
                digest=digest,
                device=device,
                user=acting_user,
                household=household,
                team_id=team_id,
                member=member,
                visited_on=visited_on,
                follow_up_on=follow_up_on,
            )
        )
        visit.present.set(present)  # type: ignore[arg-type]  # the residents' keys (UUIDs)
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
        if data.no_phone:
            _household_has_no_phone(acting_user, visit, members.values(), data.updates)
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=visit,
            changes={"household": household.code, "visited_on": str(visited_on), "skills": len(data.skills)},
        )
        return visit

    visit, outcome = store_synced(Visit, data.id, data.payload(), create)
    return visit, outcome


def _household_has_no_phone(
    acting_user: User, visit: Visit, members: Iterable[Resident], updates: tuple[FactUpdate, ...]
) -> None:
    """A visit found the household without a smartphone: the registry says so for its members (with the
    visit as the source), so the open programme's next candidate list sees the household as eligible
    and the worklist shows "no smartphone". A member the same visit recorded with a phone keeps it."""
    said = {u.object_id for u in updates if u.target == "resident" and u.field == "owns_smartphone"}
    for member in members:
        if member.pk in said or not (member.owns_smartphone or member.smartphone_to_check):
            continue
        resident_smartphone_set(
            acting_user=acting_user,
            resident=member,
            owns=False,
            source=SmartphoneSource.VISIT,
            on=visit.visited_on,
            note=_("Buổi hướng dẫn ghi nhận hộ chưa có điện thoại thông minh"),
        )


def _clean_fact(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


def _apply_fact_updates(acting_user: User, visit: Visit, updates: tuple[FactUpdate, ...]) -> None:
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
        smartphone = update.target == "resident" and update.field == "owns_smartphone"
        if current == after:
            if smartphone and isinstance(obj, Resident) and obj.smartphone_to_check:
                # The visit checked what a returned or lost device left open: the answer stands as is.
                resident_smartphone_set(
                    acting_user=acting_user,
                    resident=obj,
                    owns=after,
                    source=SmartphoneSource.VISIT,
                    on=visit.visited_on,
                )
            continue
        if current == before and smartphone and isinstance(obj, Resident):
            resident_smartphone_set(
                acting_user=acting_user,
                resident=obj,
                owns=after,
                source=SmartphoneSource.VISIT,
                on=visit.visited_on,
                note=_("Sửa từ điện thoại trong buổi hướng dẫn"),
            )
        elif current == before:
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
                resident=obj if isinstance(obj, Resident) else None,
                field=update.field,
                phone_before=before,
                phone_after=after,
                server_value=current,
                commune_id=visit.commune_id,
                province_id=visit.province_id,
            )


@transaction.atomic
def conflict_resolve(*, acting_user: User, conflict: FactConflict, use_phone_value: bool) -> FactConflict:
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
        fields = [conflict.field, "updated_at"]
        if isinstance(target, Resident) and conflict.field == "owns_smartphone":
            target.smartphone_source, target.smartphone_on = SmartphoneSource.VISIT, conflict.visit.visited_on
            target.smartphone_to_check = False
            fields += ["smartphone_source", "smartphone_on", "smartphone_to_check"]
        target.save(update_fields=fields)
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


# Help-desk sessions, weak-signal reports, devices and the way phone records are stored live in their
# own modules; these names stay importable from here.
from langso.teams.device_keys import (  # noqa: E402, F401
    device_for_token,
    device_token_issue,
    device_token_revoke,
)
from langso.teams.helpdesk import HelpDeskInput, helpdesk_record  # noqa: E402, F401
from langso.teams.signal_reports import (  # noqa: E402, F401
    SIGNAL_MOVES,
    SIGNAL_RESPONSE_DAYS,
    SignalReportInput,
    signal_report_create,
    signal_report_move,
)
