"""Home visits and the conflicts their corrections raise: the shape of a visit, checking and storing one.

The shape of a visit is written once, here (`VisitData`): the phone sends it as JSON (the field app's
screens.js; field/tests/test_visit_shape.py checks the two agree), the web form fills the same fields
(`forms.VisitForm.visit`), and `VisitInput` is that shape with the record's UUID and the photo's bytes,
which the per-record path (`visit_record`) and the phones' batch path (field.visit_batch) both store.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import uuid
from collections.abc import Iterable
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field

from langso.accounts.access import Perm, units_q
from langso.core import audit
from langso.core.models import AuditAction
from langso.core.text import clean_text
from langso.registry.models import Household, Resident, SmartphoneSource
from langso.registry.services import resident_smartphone_set
from langso.skills import services as skill_services
from langso.skills.models import Evidence, Level
from langso.skills.selectors import published_skill_codes
from langso.teams.models import (
    PHONE_EDITABLE_FIELDS,
    ConflictStatus,
    DeviceToken,
    FactConflict,
    HouseholdAssignment,
    Service,
    TeamMember,
    Visit,
    VisitService,
    VisitSkill,
)
from langso.teams.synced import Outcome, _field_date, _parse_date, store_synced

# Visit photos are optional and small: the phone shrinks them before they are stored.
MAX_PHOTO_BYTES = 300 * 1024


# --- The shape of a visit -------------------------------------------------------------------------
# Plain pydantic models, not ninja's Schema: they are validated from the phone's JSON (a dict), never
# from a model instance, and Schema's wrapping validator (there to read model instances) cost more
# than the validation itself, 100 visits at a time.


class _Part(BaseModel):
    """A part of a visit. Frozen (a visit's services are a set); also built positionally in Python,
    as in `SkillTaught(person_id, "video_call", 2)`. Validating the phone's JSON does not go through
    `__init__`."""

    model_config = ConfigDict(frozen=True)

    def __init__(self, *args: Any, **data: Any) -> None:
        # pydantic validates a visit's parts through this too (one call each): keywords go straight on.
        if args:
            names = [f.validation_alias or name for name, f in type(self).model_fields.items()]
            data = {**dict(zip(names, args, strict=False)), **data}  # type: ignore[arg-type]  # the names are str
        super().__init__(**data)


class SkillTaught(_Part):
    resident_id: uuid.UUID
    skill_code: str = Field(max_length=50)
    level: int


class ServiceDone(_Part):
    service: str = Field(max_length=30)
    resident_id: uuid.UUID | None = None


class FactUpdate(_Part):
    """A fact the member corrected on the phone: what the phone showed, and what it is now."""

    target: Literal["resident", "household"]
    id: uuid.UUID
    field: str = Field(max_length=40)
    before: bool | str
    after: bool | str


class VisitData(BaseModel):
    """A home visit: who was there, the skills taught and how far, what was done, problems, notes."""

    household_id: uuid.UUID
    visited_on: str = Field(max_length=10)
    present: list[uuid.UUID] = []
    skills: list[SkillTaught] = []
    services: list[ServiceDone] = []
    no_signal: bool = False
    broken_phone: bool = False
    no_phone: bool = False
    scam: bool = False
    notes: str = Field(default="", max_length=4000)
    follow_up_on: str | None = Field(default=None, max_length=10)
    # Facts the phone showed and the member corrected (the phone only).
    updates: list[FactUpdate] = []
    # A small JPEG, base64-encoded (the app shrinks it to about 800 px first; the phone only).
    photo: str | None = Field(default=None, max_length=420_000)


class VisitInput(VisitData):
    """A visit to store: the shape above under the record's UUID, with the dates as the web form
    gives them (or the phone's text) and the photo as the JPEG's bytes."""

    model_config = ConfigDict(frozen=True)

    id: uuid.UUID
    # Wider than the phone's fields (a subclass may not widen a field for mypy; pydantic allows it).
    visited_on: datetime.date | str  # type: ignore[assignment]
    follow_up_on: datetime.date | str | None = None  # type: ignore[assignment]
    photo: bytes | None = None  # type: ignore[assignment]

    def payload(self) -> dict[str, Any]:
        """What the content hash covers (a resend under the same UUID must match it). Its form is
        frozen: visits stored since the first release are compared against it."""
        return {
            "photo": hashlib.sha256(self.photo).hexdigest() if self.photo else "",
            "updates": sorted([u.target, str(u.id), u.field, u.before, u.after] for u in self.updates),
            "household_id": str(self.household_id),
            "visited_on": str(self.visited_on),
            "present": sorted(str(p) for p in self.present),
            "skills": sorted([str(s.resident_id), s.skill_code, s.level] for s in self.skills),
            "services": sorted([s.service, str(s.resident_id or "")] for s in self.services),
            "problems": [self.no_signal, self.broken_phone, self.no_phone, self.scam],
            "notes": self.notes.strip(),
            "follow_up_on": str(self.follow_up_on or ""),
        }


def visit_input(record_id: uuid.UUID, data: dict[str, Any]) -> VisitInput:
    """A visit as the phone sent it (raises pydantic's error or ValidationError for what cannot be read)."""
    v = VisitData.model_validate(data)
    photo = None
    if v.photo:
        try:
            photo = base64.b64decode(v.photo, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({"photo": [_("Ảnh không đọc được.")]}) from None
    fields = {name: getattr(v, name) for name in VisitData.model_fields if name != "photo"}
    # Checked just above by the same shape: validating again cost more than reading (a batch has 100).
    return VisitInput.model_construct(id=record_id, photo=photo, **fields)


# --- Checking and storing -------------------------------------------------------------------------


def visit_errors(
    data: VisitInput,
    household: Household,
    members: dict[uuid.UUID, Resident],
    skill_codes: set[str] | Iterable[str],
) -> tuple[dict[str, list[str]], datetime.date | None, datetime.date | None, list[uuid.UUID]]:
    """Everything wrong with one visit, given its household, the household's members and the skill
    codes in force; also the dates and the people present as they will be stored. Pure: the batch
    path (field.visit_batch) checks a hundred visits with the same rules and no query per visit."""
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
        elif (update.target == "resident" and update.id not in members) or (
            update.target == "household" and update.id != household.pk
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
    user: Any,
    household: Household,
    team_id: int | None,
    member: Any,
    visited_on: datetime.date,
    follow_up_on: datetime.date | None,
) -> dict[str, Any]:
    """A visit row's columns from the phone's (or the web form's) data: one shape for the per-record
    path and the batch path (field/visit_batch.py)."""
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
    *, acting_user: Any, data: VisitInput, device: DeviceToken | None = None
) -> tuple[Visit, Outcome]:
    """Record a home visit made by the acting user. Skills taught become the person's skill records
    with evidence "observed"; services and problems stay with the visit for the indicators."""
    scope_q = units_q(acting_user, Perm.VISIT_RECORD)
    household = (
        Household.objects.filter(scope_q).filter(pk=data.household_id).select_related("village").first()
    )
    if household is None:
        raise ValidationError({"household": [_("Không tìm thấy hộ này trong phạm vi của bạn.")]})
    members = {r.pk: r for r in Resident.objects.filter(household=household)}
    errors, visited_on, follow_up_on, present = visit_errors(
        data, household, members, published_skill_codes()
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
    acting_user: Any, visit: Visit, members: Iterable[Resident], updates: Iterable[FactUpdate]
) -> None:
    """A visit found the household without a smartphone: the registry says so for its members (with the
    visit as the source), so the open programme's next candidate list sees the household as eligible
    and the worklist shows "no smartphone". A member the same visit recorded with a phone keeps it."""
    said = {u.id for u in updates if u.target == "resident" and u.field == "owns_smartphone"}
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


def _apply_fact_updates(acting_user: Any, visit: Visit, updates: Iterable[FactUpdate]) -> None:
    """The rule for a fact edited on a phone while the server may have changed it too (a three-way
    comparison of values, no clocks): the server still holds what the phone saw → the phone's value
    is applied; the server already holds the phone's value → nothing to do; the server holds
    something else → nothing is applied and a commune officer resolves the conflict, seeing all three
    values. Nothing is silently lost."""
    for update in updates:
        model = Resident if update.target == "resident" else Household
        obj = model.objects.select_for_update().get(pk=update.id)
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


# --- What the member is told about a correction the commune did not take ----------------------------


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
