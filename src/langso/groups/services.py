"""Recording a group session: on the website or sent from a phone, through one function.

`session_record` checks everything first (scope, date, place, organiser, skills, levels, who came),
then writes the session, who came and — for registry people — one skill record per skill taught,
through `skills.services.skill_record_add` (its rules, the current level, certificates), with
evidence "group session". Walk-ins are counted, but get no skill records: a skill record belongs to
a person of the registry (it carries their village, feeds their current level and certificates); a
walk-in who is later registered can be given them on their page. Stored once by the record's UUID
(`teams.synced.store_synced`), so a resend never doubles anything.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.access import Perm
from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.core.text import clean_text
from langso.groups.models import (
    Attendance,
    AttendanceSkill,
    GroupSession,
    GroupSessionSkill,
    OrganiserKind,
    PlaceKind,
    Sex,
)
from langso.groups.selectors import invitation_scope_q, session_communes
from langso.places.models import Village
from langso.registry.models import Resident
from langso.registry.selectors import resident_scope_q
from langso.skills import services as skill_services
from langso.skills.models import Evidence, Level
from langso.teams.models import DeviceToken, Team
from langso.teams.synced import Outcome, _field_date, store_synced

MAX_ATTENDEES = 500
MAX_WALK_INS = 200
MAX_SKILLS = 10


@dataclass(frozen=True)
class Attendee:
    """A registry person who came; `levels` corrects the session's level for them, skill by skill."""

    resident_id: uuid.UUID
    levels: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class WalkIn:
    name: str
    birth_year: int | None = None
    sex: str = ""
    village_id: uuid.UUID | None = None


@dataclass(frozen=True)
class SessionInput:
    id: uuid.UUID
    commune_code: int
    held_on: datetime.date | str
    place_kind: str
    organiser_kind: str
    place_name: str = ""
    organiser_name: str = ""
    village_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    invitation_id: uuid.UUID | None = None
    # (skill code, the level everyone present reached)
    skills: tuple[tuple[str, int], ...] = ()
    attendees: tuple[Attendee, ...] = ()
    walk_ins: tuple[WalkIn, ...] = ()
    notes: str = ""

    def payload(self) -> dict[str, Any]:
        return {
            "commune": self.commune_code,
            "held_on": str(self.held_on),
            "place": [self.place_kind, clean_text(self.place_name)],
            "organiser": [self.organiser_kind, clean_text(self.organiser_name)],
            "village": str(self.village_id or ""),
            "team": str(self.team_id or ""),
            "invitation": str(self.invitation_id or ""),
            "skills": sorted([code, level] for code, level in self.skills),
            "attendees": sorted([str(a.resident_id), sorted(a.levels.items())] for a in self.attendees),
            "walk_ins": sorted(
                [clean_text(w.name), w.birth_year or 0, w.sex, str(w.village_id or "")] for w in self.walk_ins
            ),
            "notes": self.notes.strip(),
        }


def _check_levels(levels: dict[str, int], codes: set[str], errors: dict[str, list[str]]) -> None:
    for code, level in levels.items():
        if code not in codes:
            errors["attendees"] = [_("Mức độ được sửa cho một kỹ năng không dạy ở buổi này.")]
        elif level not in Level.values:
            errors["attendees"] = [_("Mức độ phải từ 1 đến 4.")]


def session_record(
    *, acting_user: User, data: SessionInput, device: DeviceToken | None = None
) -> tuple[GroupSession, Outcome]:
    """Record a group session. Registry people must be within the recorder's own units; walk-ins
    need a name; each registry person gets one skill record per skill taught."""
    from langso.places.models import Commune

    errors: dict[str, list[str]] = {}
    commune = Commune.objects.filter(
        session_communes(acting_user, Perm.VISIT_RECORD), code=data.commune_code
    ).first()
    if commune is None:
        raise ValidationError({"commune": [_("Không tìm thấy xã/phường này trong phạm vi của bạn.")]})
    held_on = _field_date(data.held_on, "held_on", errors)
    if data.place_kind not in PlaceKind.values:
        errors["place_kind"] = [_("Nơi tổ chức không hợp lệ.")]
    elif data.place_kind == PlaceKind.OTHER and not clean_text(data.place_name):
        errors["place_name"] = [_("Ghi tên nơi tổ chức.")]
    if data.organiser_kind not in OrganiserKind.values:
        errors["organiser_kind"] = [_("Đơn vị tổ chức không hợp lệ.")]
    if len(clean_text(data.place_name)) > 150 or len(clean_text(data.organiser_name)) > 150:
        errors["place_name"] = [_("Tên quá dài (tối đa 150 ký tự).")]
    if len(data.notes.strip()) > 500:
        errors["notes"] = [_("Ghi chú quá dài (tối đa 500 ký tự).")]
    village = None
    if data.village_id:
        village = Village.objects.filter(pk=data.village_id, commune_id=commune.code).first()
        if village is None:
            errors["village"] = [_("Thôn/bản không thuộc xã/phường này.")]
    team = None
    if data.team_id:
        team = Team.objects.filter(pk=data.team_id, commune_id=commune.code).first()
        if team is None:
            errors["team"] = [_("Tổ không thuộc xã/phường này.")]
    invitation = None
    if data.invitation_id:
        from langso.groups.models import Invitation

        invitation = (
            Invitation.objects.filter(invitation_scope_q(acting_user, Perm.TEAMS_VIEW))
            .filter(pk=data.invitation_id, commune_id=commune.code)
            .first()
        )
        if invitation is None:
            errors["invitation"] = [_("Không tìm thấy danh sách mời này.")]

    codes = skill_services.published_skill_codes()
    taught = dict(data.skills)
    if len(taught) != len(data.skills):
        errors["skills"] = [_("Một kỹ năng được ghi hai lần.")]
    if len(taught) > MAX_SKILLS:
        errors["skills"] = [_("Tối đa %(n)s kỹ năng một buổi.") % {"n": MAX_SKILLS}]
    for code, level in taught.items():
        if code not in codes:
            errors["skills"] = [_("Kỹ năng không có trong danh mục: %(code)s") % {"code": code}]
        elif level not in Level.values:
            errors["skills"] = [_("Mức độ phải từ 1 đến 4.")]

    ids = [a.resident_id for a in data.attendees]
    if len(set(ids)) != len(ids):
        errors["attendees"] = [_("Một người được đánh dấu hai lần.")]
    if len(ids) > MAX_ATTENDEES or len(data.walk_ins) > MAX_WALK_INS:
        errors["attendees"] = [_("Quá nhiều người cho một buổi.")]
    # People ticked from the registry: only people the recorder may record for, of this commune.
    residents = {
        r.pk: r
        for r in Resident.objects.filter(resident_scope_q(acting_user, Perm.VISIT_RECORD)).filter(
            pk__in=ids, commune_id=commune.code
        )
    }
    if len(residents) != len(set(ids)):
        errors["attendees"] = [_("Có người không tìm thấy trong sổ của xã/phường trong phạm vi của bạn.")]
    for attendee in data.attendees:
        _check_levels(attendee.levels, set(taught), errors)
    walk_in_villages = {w.village_id for w in data.walk_ins if w.village_id}
    known_villages = set(
        Village.objects.filter(pk__in=walk_in_villages, commune_id=commune.code).values_list("pk", flat=True)
    )
    this_year = timezone.localdate().year
    for walk_in in data.walk_ins:
        if not clean_text(walk_in.name) or len(clean_text(walk_in.name)) > 100:
            errors["walk_ins"] = [_("Mỗi người ngoài sổ cần có tên (tối đa 100 ký tự).")]
        elif walk_in.birth_year is not None and not 1900 <= walk_in.birth_year <= this_year:
            errors["walk_ins"] = [_("Năm sinh không hợp lệ.")]
        elif walk_in.sex not in Sex.values:
            errors["walk_ins"] = [_("Giới tính không hợp lệ.")]
        elif walk_in.village_id and walk_in.village_id not in known_villages:
            errors["walk_ins"] = [_("Thôn/bản của người ngoài sổ không thuộc xã/phường này.")]
    if not ids and not data.walk_ins:
        errors["attendees"] = [_("Đánh dấu ít nhất một người đã đến.")]
    if errors:
        raise ValidationError(errors)
    if held_on is None:  # _field_date put the missing date in `errors` above; never reached
        raise ValidationError({"held_on": [_("Cần ghi ngày.")]})

    def create(digest: str) -> GroupSession:
        session = GroupSession.objects.create(
            id=data.id,
            content_hash=digest,
            device=device,
            recorded_by=acting_user,
            province_id=commune.province_id,
            commune=commune,
            village=village,
            held_on=held_on,
            place_kind=data.place_kind,
            place_name=clean_text(data.place_name),
            organiser_kind=data.organiser_kind,
            organiser_name=clean_text(data.organiser_name),
            team=team,
            invitation=invitation,
            notes=data.notes.strip(),
        )
        GroupSessionSkill.objects.bulk_create(
            [GroupSessionSkill(session=session, skill_code=c, level=lv) for c, lv in taught.items()]
        )
        recorded_on = min(held_on, timezone.localdate())
        note = _("Buổi học cộng đồng")
        for attendee in data.attendees:
            resident = residents[attendee.resident_id]
            row = Attendance.objects.create(
                session=session, resident=resident, village_id=resident.village_id
            )
            for code, level in taught.items():
                reached = attendee.levels.get(code, level)
                record = skill_services.skill_record_add(
                    acting_user=acting_user,
                    resident=resident,
                    skill_code=code,
                    level=reached,
                    evidence=Evidence.GROUP,
                    recorded_on=recorded_on,
                    note=note,
                )
                AttendanceSkill.objects.create(
                    attendance=row, skill_code=code, level=reached, skill_record=record
                )
        Attendance.objects.bulk_create(
            [
                Attendance(
                    session=session,
                    walk_in_name=clean_text(w.name),
                    walk_in_birth_year=w.birth_year,
                    walk_in_sex=w.sex,
                    village_id=w.village_id,
                )
                for w in data.walk_ins
            ]
        )
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=session,
            changes={
                "held_on": str(held_on),
                "place": data.place_kind,
                "organiser": data.organiser_kind,
                "registry_people": len(residents),
                "walk_ins": len(data.walk_ins),
                "skills": sorted(taught),
            },
        )
        return session

    session, outcome = store_synced(GroupSession, data.id, data.payload(), create)
    return session, outcome
