"""A team member's phone at 360×740, with no signal, says what to teach each person today (the same next
skills as the person's page) and one tap puts that step in the visit's "skills taught" (issue 14,
point 4)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.field_people import connect, wait_for
from tests.browser.helpers import assert_no_horizontal_scroll, wait_until_offline_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def household() -> dict[str, Any]:
    """Xã Nghĩa Tá: Lường Thị Hà has VNeID at level 2 (with help); her household is on Mai's worklist."""
    from django.utils import timezone

    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role
    from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune, ensure_units
    from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
    from langso.skills.catalogue import install_default_catalogue
    from langso.skills.services import skill_record_add
    from langso.teams.models import HouseholdAssignment
    from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

    ensure_units()
    install_default_catalogue()  # transactional tests flush what the data migrations filled
    village = VillageFactory(commune=commune(NGHIA_TA), name="Nà Mò")
    home = HouseholdFactory(village=village, code="NM-07")
    ha = ResidentFactory(household=home, full_name="Lường Thị Hà", birth_year=1968, owns_smartphone=True)
    skill_record_add(acting_user=None, resident=ha, skill_code="vneid_level2", level=2)
    user = user_with_role(Role.TEAM_MEMBER, village=village, username="lothimai", full_name="Lò Thị Mai")
    member = TeamMemberFactory(team=TeamFactory(village=village), user=user)
    HouseholdAssignment.objects.create(household=home, member=member, assigned_on=timezone.localdate())
    return {"user": user, "household": home, "ha": ha}


def test_the_phone_suggests_what_to_teach_today_and_one_tap_records_it_offline(
    page: Page, context: BrowserContext, household: dict[str, Any], sign_in_session: Any
) -> None:
    from langso.skills.models import CurrentSkillLevel, SkillRecord

    connect(page, sign_in_session, household["user"])
    expect(page.locator("#worklist .card")).to_have_count(1, timeout=20_000)
    wait_until_offline_ready(page, ["/field/", "/static/field/app.js"])

    context.set_offline(True)
    page.locator(".card-link", has_text="NM-07").click()
    teach = page.locator("#teach-today li").first
    expect(teach).to_contain_text("Lường Thị Hà")
    expect(teach).to_contain_text("Kích hoạt định danh điện tử mức 2 (lên mức 3)")
    expect(teach).to_contain_text("Công dân số")
    assert_no_horizontal_scroll(page)

    teach.get_by_role("button", name="Ghi nhận kỹ năng này").click()
    rows = page.locator("#visit-form .lines .line")
    expect(rows).to_have_count(1)  # the blank row the form starts with is the one filled
    row = rows.first
    expect(row.locator("select[name=person]")).to_have_value(str(household["ha"].pk))
    expect(row.locator(".picker")).to_have_attribute("data-code", "vneid_level2")
    expect(row.locator(".picker input[value=vneid_level2]")).to_be_checked()
    expect(row.locator("select[name=level]")).to_have_value("3")
    page.locator("#visit-form button[type=submit]").click()
    expect(page.locator("#outbox-count")).to_have_text("1")

    context.set_offline(False)
    expect(page.locator("#sync-status")).to_contain_text("Đã gửi 1", timeout=20_000)
    wait_for(
        page,
        lambda: SkillRecord.objects.filter(
            resident=household["ha"], skill_code="vneid_level2", level=3
        ).exists(),
        what="the skill recorded from the suggestion",
    )
    assert CurrentSkillLevel.objects.get(resident=household["ha"], skill_code="vneid_level2").level == 3
