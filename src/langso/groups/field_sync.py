"""Group sessions recorded offline in the field app: kind "group" of the same batch as visits.

The phone sends the session with its UUID and recorder; `teams.field_sync` checks the recorder and
the key, and this handler hands the record to `services.session_record`, the function the website
uses, so the rules (units, registry people, walk-ins, skill records) are written once.
"""

from __future__ import annotations

import uuid
from typing import Any

from ninja import Field, Schema

from langso.accounts.access import Perm
from langso.accounts.models import User
from langso.groups import services
from langso.teams.field_sync import register_kind
from langso.teams.models import DeviceToken


class AttendeeIn(Schema):
    resident_id: uuid.UUID
    # Corrections of the session's level for this person: skill code -> level.
    levels: dict[str, int] = {}


class WalkInIn(Schema):
    name: str = Field(max_length=100)
    birth_year: int | None = None
    sex: str = Field("", max_length=1)
    village_id: uuid.UUID | None = None


class SkillIn(Schema):
    skill_code: str = Field(max_length=50)
    level: int


class GroupSessionData(Schema):
    commune_code: int
    held_on: str = Field(max_length=10)
    place_kind: str = Field(max_length=20)
    place_name: str = Field("", max_length=150)
    organiser_kind: str = Field(max_length=20)
    organiser_name: str = Field("", max_length=150)
    village_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    invitation_id: uuid.UUID | None = None
    skills: list[SkillIn] = Field(default_factory=list, max_length=services.MAX_SKILLS)
    attendees: list[AttendeeIn] = Field(default_factory=list, max_length=services.MAX_ATTENDEES)
    walk_ins: list[WalkInIn] = Field(default_factory=list, max_length=services.MAX_WALK_INS)
    notes: str = Field("", max_length=500)


def _store(
    user: User, device: DeviceToken | None, record_id: uuid.UUID, data: dict[str, Any]
) -> tuple[str, list[str]]:
    g = GroupSessionData.model_validate(data)
    _session, outcome = services.session_record(
        acting_user=user,
        device=device,
        data=services.SessionInput(
            id=record_id,
            commune_code=g.commune_code,
            held_on=g.held_on,
            place_kind=g.place_kind,
            place_name=g.place_name,
            organiser_kind=g.organiser_kind,
            organiser_name=g.organiser_name,
            village_id=g.village_id,
            team_id=g.team_id,
            invitation_id=g.invitation_id,
            skills=tuple((s.skill_code, s.level) for s in g.skills),
            attendees=tuple(services.Attendee(a.resident_id, dict(a.levels)) for a in g.attendees),
            walk_ins=tuple(services.WalkIn(w.name, w.birth_year, w.sex, w.village_id) for w in g.walk_ins),
            notes=g.notes,
        ),
    )
    return outcome, []


def _commune(data: dict[str, Any]) -> int | None:
    return int(data.get("commune_code"))  # type: ignore[arg-type]  # None raises: a bad record


def register() -> None:
    register_kind("group", handler=_store, commune_of=_commune, perm=Perm.VISIT_RECORD)
