"""The smartphone programme's follow-ups recorded in the field app with no signal (issue 12, point 6)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.field_people import connect, retry_db, wait_for
from tests.browser.helpers import wait_until_offline_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def due() -> dict[str, Any]:
    """Xã Nghĩa Tá: a phone handed over 40 days ago; its 1-month check is due in a member's household."""
    from django.utils import timezone

    from langso.accounts.models import Role
    from langso.accounts.tests.factories import commune_officer, user_with_role
    from langso.devices import services
    from langso.devices.tests.conftest import handover, poor_household
    from langso.devices.tests.factories import DeviceFactory, ProgrammeFactory, QuotaFactory
    from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
    from langso.skills.catalogue import install_default_catalogue
    from langso.teams.models import HouseholdAssignment
    from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

    install_default_catalogue()
    home = commune(NGHIA_TA)
    village = VillageFactory(commune=home, name="Bản Cọ")
    programme = ProgrammeFactory()
    QuotaFactory(programme=programme, commune=home, quota=1)
    household = poor_household(village, full_name="LÒ VĂN PÁNH", birth_year=1956)
    DeviceFactory(programme=programme)
    officer = commune_officer(home)
    candidates = services.candidate_list_generate(acting_user=officer, programme=programme, commune=home)
    approved = services.candidate_list_approve(
        acting_user=officer, candidate_list=candidates, decision="Quyết định số 7/QĐ-UBND"
    )
    allocation = services.allocate(
        acting_user=officer,
        candidate=approved.candidates.first(),
        handover=handover(datetime.date.today() - datetime.timedelta(days=40)),
    )
    user = user_with_role(Role.TEAM_MEMBER, village=village, username="lothimai", full_name="Lò Thị Mai")
    member = TeamMemberFactory(team=TeamFactory(village=village), user=user)
    HouseholdAssignment.objects.create(household=household, member=member, assigned_on=timezone.localdate())
    return {"user": user, "household": household, "follow_up": allocation.follow_ups.get(months=1)}


def test_a_follow_up_recorded_offline_with_a_visit_is_sent_once_with_the_visit(
    page: Page, context: BrowserContext, due: dict[str, Any], sign_in_session: Any
) -> None:
    from langso.devices.models import FieldFollowUp, FollowUp
    from langso.teams.models import Visit

    connect(page, sign_in_session, due["user"])
    expect(page.locator("#worklist .card")).to_have_count(1, timeout=20_000)
    expect(page.locator("#worklist")).to_contain_text("1 lần hỏi thăm điện thoại được cấp")
    wait_until_offline_ready(page, ["/field/", "/static/field/app.js"])

    context.set_offline(True)
    page.locator(".card-link", has_text=due["household"].code).click()
    expect(page.get_by_text("Hỏi thăm điện thoại được cấp (sau 1 tháng")).to_be_visible()
    page.get_by_label("Kết quả hỏi thăm").select_option("in_use")
    page.get_by_label("SIM còn hoạt động").select_option("yes")
    page.locator("#visit-form button[type=submit]").evaluate("(b) => { b.click(); b.click(); }")
    expect(page.locator("#outbox-count")).to_have_text("2")

    context.set_offline(False)
    expect(page.locator("#sync-status")).to_contain_text("Đã gửi 2", timeout=20_000)
    follow_up = retry_db(lambda: FollowUp.objects.get(pk=due["follow_up"].pk))
    assert follow_up.outcome == "in_use" and follow_up.sim_active is True
    assert follow_up.recorded_by_id == due["user"].pk
    wait_for(page, lambda: Visit.objects.count() == 1 and FieldFollowUp.objects.count() == 1)
    # Once done, the check leaves the worklist.
    expect(page.locator("#worklist")).not_to_contain_text("lần hỏi thăm điện thoại", timeout=15_000)
