"""The one statement of "VNeID level 2" (`teams.rules.vneid_level2_q`): activated at a visit or at the
help desk, or the skill reached. The worklist's "vneid_missing" reason and the invitation rule "adults
not yet on VNeID level 2" both apply it; the worklist used to leave out the help desk."""

from __future__ import annotations

import datetime
import uuid

import pytest

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.places.tests.factories import VillageFactory
from langso.registry.models import Resident
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.skills.services import skill_record_add
from langso.teams import selectors
from langso.teams.models import (
    HelpDeskOutcome,
    HelpDeskSession,
    HouseholdAssignment,
    Service,
    Visit,
    VisitService,
)
from langso.teams.rules import vneid_level2_q
from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def _desk(person: Resident, outcome: str) -> None:
    HelpDeskSession.objects.create(
        commune=person.commune,
        province_id=person.province_id,
        resident=person,
        helped_on=TODAY,
        procedure=Service.VNEID_LEVEL2,
        outcome=outcome,
        minutes=20,
    )


def test_vneid_level_2_done_anywhere_takes_an_adult_off_the_worklist_and_only_then() -> None:
    village = VillageFactory()
    member = TeamMemberFactory(
        team=TeamFactory(village=village), user=user_with_role(Role.TEAM_MEMBER, village=village)
    )
    officer = commune_officer(village.commune)
    people = {}
    for name in ("nothing", "desk_done", "desk_submitted", "visit", "skill_alone", "skill_with_help"):
        household = HouseholdFactory(village=village, code=name)
        people[name] = ResidentFactory(household=household, birth_year=1980, owns_smartphone=True)
        HouseholdAssignment.objects.create(household=household, member=member, assigned_on=TODAY)
    _desk(people["desk_done"], HelpDeskOutcome.DONE)
    _desk(people["desk_submitted"], HelpDeskOutcome.SUBMITTED)  # filed, not yet activated
    household = people["visit"].household
    visit = Visit.objects.create(
        id=uuid.uuid4(),
        content_hash="x",
        household=household,
        village=village,
        commune=household.commune,
        province=household.province,
        team=member.team,
        member=member,
        visited_on=TODAY,
    )
    VisitService.objects.create(visit=visit, resident=people["visit"], service=Service.VNEID_LEVEL2)
    # A service noted for the household as a whole names nobody: it must not hide everyone (NOT IN NULL).
    VisitService.objects.create(visit=visit, resident=None, service=Service.VNEID_LEVEL2)
    for name, level in (("skill_alone", 3), ("skill_with_help", 2)):
        skill_record_add(acting_user=officer, resident=people[name], skill_code="vneid_level2", level=level)

    with_vneid = {people[n].pk for n in ("desk_done", "visit", "skill_alone")}
    assert set(Resident.objects.filter(vneid_level2_q()).values_list("pk", flat=True)) == with_vneid
    assert (
        set(Resident.objects.exclude(vneid_level2_q()).values_list("pk", flat=True))
        == {p.pk for p in people.values()} - with_vneid
    )

    missing = {
        e.household.code
        for e in selectors.worklist(user=member.user, today=TODAY)
        if "vneid_missing" in e.reasons
    }
    assert missing == {"nothing", "desk_submitted", "skill_with_help"}
