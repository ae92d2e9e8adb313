"""Numbers that tell the truth: every way a person was helped counts them once, a confirmed weak-signal
report is judged against its fix deadline, and a person's page shows how they were reached."""

import datetime
import uuid

import pytest
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.campaigns.facts import FactContext, adults_reached, signal_reports_overdue
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.teams.helpdesk import HelpDeskInput, helpdesk_record
from langso.teams.models import SignalReport, SignalStatus
from langso.teams.services import VisitInput, visit_record
from langso.teams.signal_reports import SignalReportInput, signal_report_create, signal_report_move
from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


def _today() -> datetime.date:
    return timezone.localdate()


def test_adults_reached_counts_the_help_desk_home_visits_and_group_sessions_and_each_adult_once(client):
    village = VillageFactory(commune=commune(NGHIA_TA), name="Bản Cọ")
    household = HouseholdFactory(village=village)
    at_desk = ResidentFactory(household=household, full_name="HOÀNG VĂN KHẢI", birth_year=1950)
    both = ResidentFactory(household=household, full_name="Ma Thị Sen", birth_year=1958)
    at_group = ResidentFactory(household=household, full_name="Nông Thị Hạnh", birth_year=1972)
    ResidentFactory(household=household, full_name="Ma Văn Chưa", birth_year=1990)  # never helped
    officer = commune_officer(village.commune)
    member_user = user_with_role(Role.TEAM_MEMBER, village=village)
    TeamMemberFactory(team=TeamFactory(village=village), user=member_user)
    for person, days_ago in ((at_desk, 3), (both, 2)):
        helpdesk_record(
            acting_user=officer,
            data=HelpDeskInput(
                id=uuid.uuid4(),
                commune_code=NGHIA_TA,
                helped_on=_today() - datetime.timedelta(days=days_ago),
                procedure="vneid_level2",
                outcome="not_done",
                minutes=20,
                resident_id=person.pk,
            ),
        )
    visit_record(
        acting_user=member_user,
        data=VisitInput(id=uuid.uuid4(), household_id=household.pk, visited_on=_today(), present=(both.pk,)),
    )

    from langso.groups.services import Attendee, SessionInput, session_record

    session_record(
        acting_user=member_user,
        data=SessionInput(
            id=uuid.uuid4(),
            commune_code=NGHIA_TA,
            held_on=_today() - datetime.timedelta(days=1),
            place_kind="cultural_house",
            organiser_kind="team",
            attendees=(Attendee(at_group.pk), Attendee(both.pk)),
        ),
    )

    reached = adults_reached(FactContext(day=_today(), commune_code=NGHIA_TA))
    assert sorted(reached.values_list("full_name", flat=True)) == [
        "HOÀNG VĂN KHẢI",
        "Ma Thị Sen",
        "Nông Thị Hạnh",
    ]
    client.force_login(officer)
    page = client.get(both.get_absolute_url()).content.decode()
    assert "Đã được hỗ trợ qua" in page
    assert "Buổi hướng dẫn tại nhà" in page and "Bộ phận một cửa" in page and "Buổi hướng dẫn nhóm" in page


def test_a_confirmed_report_is_judged_against_the_fix_deadline_not_the_response_deadline(client):
    village = VillageFactory(commune=commune(NGHIA_TA), name="Bản Piềng")
    officer = commune_officer(village.commune)
    report, _outcome = signal_report_create(
        acting_user=officer,
        data=SignalReportInput(
            id=uuid.uuid4(),
            village_id=village.pk,
            description="Đỉnh đồi sau trường, mất sóng khi mưa",
            operator="viettel",
            technology="4g",
            reported_on=_today() - datetime.timedelta(days=30),
        ),
    )
    ctx = FactContext(day=_today(), commune_code=NGHIA_TA)
    assert list(signal_reports_overdue(ctx)) == [report]  # reported 30 days ago, 14 to respond

    partner = user_with_role(
        Role.TELECOM_PARTNER, province=village.commune.province, telecom_operator="viettel"
    )
    signal_report_move(acting_user=partner, report=report, status=SignalStatus.CONFIRMED)
    report = SignalReport.objects.get(pk=report.pk)
    assert report.fix_by == _today() + datetime.timedelta(days=60)
    assert not signal_reports_overdue(ctx).exists()
    assert not report.is_overdue(_today())
    client.force_login(officer)
    from django.urls import reverse

    page = client.get(reverse("teams:signal", args=[report.pk])).content.decode()
    assert "quá hạn phản hồi" not in page and "Hạn khắc phục" in page

    SignalReport.objects.filter(pk=report.pk).update(fix_by=_today() - datetime.timedelta(days=1))
    assert list(signal_reports_overdue(ctx)) == [report]
    page = client.get(reverse("teams:signal", args=[report.pk])).content.decode()
    assert "quá hạn khắc phục" in page
