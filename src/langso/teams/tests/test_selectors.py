from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.places.tests.factories import CUOR_DANG, VillageFactory, commune
from langso.registry.models import Poverty
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.teams import selectors, services
from langso.teams.models import HouseholdAssignment, Visit
from langso.teams.services import SignalReportInput
from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def assign(member, household):
    HouseholdAssignment.objects.create(household=household, member=member, assigned_on=TODAY)


def visit(household, member, days_ago, follow_up_in=None):
    visited = TODAY - datetime.timedelta(days=days_ago)
    return Visit.objects.create(
        id=uuid.uuid4(),
        content_hash="x",
        household=household,
        village=household.village,
        commune=household.commune,
        province=household.province,
        team=member.team,
        member=member,
        visited_on=visited,
        follow_up_on=visited + datetime.timedelta(days=follow_up_in) if follow_up_in is not None else None,
    )


@pytest.fixture
def member():
    village = VillageFactory()
    user = user_with_role(Role.TEAM_MEMBER, village=village)
    return TeamMemberFactory(team=TeamFactory(village=village), user=user)


def test_the_worklist_puts_the_greatest_need_first_and_says_why(member):
    village = member.team.village
    # Visited last week, owns a phone, young: nothing to do.
    settled = HouseholdFactory(village=village, code="A-settled")
    ResidentFactory(household=settled, birth_year=1990, owns_smartphone=True)
    visit(settled, member, days_ago=7)
    # Poor, no smartphone, never visited, an elderly member.
    poor = HouseholdFactory(village=village, code="B-poor", poverty=Poverty.POOR)
    ResidentFactory(household=poor, birth_year=1950, owns_smartphone=False)
    # Follow-up due today, has a phone.
    due = HouseholdFactory(village=village, code="C-due")
    ResidentFactory(household=due, birth_year=1985, owns_smartphone=True)
    visit(due, member, days_ago=10, follow_up_in=10)
    # Not visited for two months.
    stale = HouseholdFactory(village=village, code="D-stale")
    ResidentFactory(household=stale, birth_year=1985, owns_smartphone=True)
    visit(stale, member, days_ago=60)
    for household in (settled, poor, due, stale):
        assign(member, household)
    # Not assigned to this member: never on the list.
    HouseholdFactory(village=village, code="E-other")

    entries = selectors.worklist(user=member.user, today=TODAY)

    assert [e.household.code for e in entries] == ["B-poor", "C-due", "D-stale", "A-settled"]
    assert entries[0].reasons == ["no_smartphone", "never_visited", "poor", "vneid_missing", "elderly"]
    assert "follow_up_due" in entries[1].reasons
    assert entries[2].reasons == ["not_visited_recently", "vneid_missing"]
    assert "Chưa có điện thoại thông minh" in entries[0].reason_labels


def test_the_worklist_filters_by_reason_and_finds_by_name_without_diacritics(member):
    village = member.team.village
    one = HouseholdFactory(village=village, code="H1")
    ResidentFactory(household=one, full_name="Y Điêng Niê", name_folded="y dieng nie", owns_smartphone=True)
    two = HouseholdFactory(village=village, code="H2")
    ResidentFactory(
        household=two, full_name="Hoàng Thị Mai", name_folded="hoang thi mai", owns_smartphone=False
    )
    assign(member, one)
    assign(member, two)

    by_reason = selectors.worklist(
        user=member.user, filters=selectors.WorklistFilters(reason="no_smartphone"), today=TODAY
    )
    by_name = selectors.worklist(user=member.user, filters=selectors.WorklistFilters(q="dieng"), today=TODAY)

    assert [e.household.code for e in by_reason] == ["H2"]
    assert [e.household.code for e in by_name] == ["H1"]


def test_the_commune_overview_flags_villages_without_team_idle_teams_and_members():
    place = commune()
    officer = commune_officer(place)
    with_active_team, with_idle_team, without_team = (VillageFactory(commune=place) for _ in range(3))
    active = TeamFactory(village=with_active_team)
    idle = TeamFactory(village=with_idle_team)
    busy_member = TeamMemberFactory(team=active)
    idle_member = TeamMemberFactory(team=idle)
    household = HouseholdFactory(village=with_active_team)
    assign(busy_member, household)
    visit(household, busy_member, days_ago=3)
    old = HouseholdFactory(village=with_idle_team)
    visit(old, idle_member, days_ago=40)

    overview = selectors.commune_overview(user=officer, commune_code=place.code, today=TODAY)

    assert overview.villages == 3 and overview.villages_with_team == 2
    assert overview.villages_without_team == [without_team]
    assert [team for team, _last in overview.inactive_teams] == [idle]
    assert overview.members_without_assignments == [idle_member]
    assert not overview.every_village_has_a_team
    assert overview.villages_with_team_percent == pytest.approx(66.7)


def test_every_village_with_a_team_is_checkable():
    place = commune()
    officer = commune_officer(place)
    for _ in range(2):
        TeamFactory(village=VillageFactory(commune=place))
    overview = selectors.commune_overview(user=officer, commune_code=place.code, today=TODAY)
    assert overview.every_village_has_a_team and overview.villages_with_team_percent == 100.0


def test_a_telecom_partner_sees_only_their_operators_reports_in_their_area():
    here = VillageFactory()
    there = VillageFactory(commune=commune(CUOR_DANG))
    reporters = {v.pk: user_with_role(Role.COMMUNE_OFFICER, commune=v.commune) for v in (here, there)}

    def report(village, operator):
        return services.signal_report_create(
            acting_user=reporters[village.pk],
            data=SignalReportInput(
                id=uuid.uuid4(),
                village_id=village.pk,
                description="Khu ruộng cuối thôn",
                operator=operator,
                technology="4g",
                reported_on=timezone.localdate(),
            ),
        )[0]

    mine = report(here, "viettel")
    report(here, "vnpt")
    report(there, "viettel")
    partner = user_with_role(Role.TELECOM_PARTNER, province=here.commune.province, telecom_operator="viettel")
    no_operator = user_with_role(Role.TELECOM_PARTNER, province=here.commune.province)

    assert list(selectors.signal_report_list(user=partner)) == [mine]
    assert list(selectors.signal_report_list(user=no_operator)) == []
    assert selectors.signal_report_list(user=reporters[here.pk]).count() == 2
