"""A team leader records a group session at the cultural house with no signal: 12 people came
(10 ticked from the registry, household by household, found by a name typed without diacritics, and
2 walk-ins with only a name, a birth year, sex and village), 2 skills were taught. The phone syncs;
the server holds the session once, with 12 attendance rows and 20 skill records (10 people × 2
skills; walk-ins are counted but get no skill records), even when the same batch is sent again."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.helpers import assert_no_horizontal_scroll, wait_until_offline_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leader() -> Any:
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role
    from langso.places.tests.factories import CUOR_DANG, VillageFactory, commune
    from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
    from langso.skills.catalogue import install_default_catalogue
    from langso.teams.models import HouseholdAssignment
    from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

    install_default_catalogue()  # transactional tests flush what the data migrations filled
    village = VillageFactory(commune=commune(CUOR_DANG), name="Ea Kmar")  # no "Buôn" prefix
    VillageFactory(commune=village.commune, name="Buôn Cuôr Đăng")
    user = user_with_role(Role.TEAM_LEADER, village=village, username="ytuyet", full_name="H'Tuyết Niê")
    member = TeamMemberFactory(team=TeamFactory(village=village, name="Tổ buôn Ea Kmar"), user=user)
    names = [
        ("Y BLÔ ÊBAN", "H'Lan Niê"),
        ("Y Khu Mlô", "H'Dơk Mlô"),
        ("NGUYỄN VĂN ĐỨC", "Trần Thị Hoa"),
        ("Y Mơ Êban", "H'Yam Êban"),
        ("Ama Thuột", "Amí Thuột"),
    ]
    for number, (head, spouse) in enumerate(names):
        household = HouseholdFactory(village=village, code=f"EK-0{number + 1}")
        resident = ResidentFactory(
            household=household, full_name=head, birth_year=1950 + number, is_head=True, cccd=None
        )
        ResidentFactory(household=household, full_name=spouse, birth_year=1960 + number, cccd=None)
        household.head = resident
        household.save()
        HouseholdAssignment.objects.create(
            household=household, member=member, assigned_on=datetime.date.today()
        )
    return user


def _retry(read: Any) -> Any:
    """Reads while the live server writes: SQLite's shared cache says "locked" instead of waiting."""
    from django.db import OperationalError

    for _attempt in range(40):
        try:
            return read()
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.05)
    return read()


def _stored() -> tuple[int, int, int]:
    from langso.groups.models import Attendance, GroupSession
    from langso.skills.models import SkillRecord

    return _retry(
        lambda: (
            GroupSession.objects.count(),
            Attendance.objects.count(),
            SkillRecord.objects.filter(evidence="group").count(),
        )
    )


def test_a_leader_records_a_group_session_offline_and_the_server_holds_it_once_with_20_skill_records(
    page: Page, context: BrowserContext, leader: Any, sign_in_session: Any
) -> None:
    sign_in_session(leader)
    page.goto("/field/connect/")
    page.get_by_role("button", name="Kết nối máy này").click()
    page.wait_for_url("**/field/")
    expect(page.locator("#worklist .card")).to_have_count(5, timeout=20_000)
    wait_until_offline_ready(page, ["/field/", "/static/field/app.js"])

    context.set_offline(True)
    expect(page.locator("#net")).to_contain_text("Không có mạng")
    page.get_by_role("link", name="Buổi học").click()
    expect(page.get_by_role("heading", name="Buổi học cộng đồng")).to_be_visible()
    page.get_by_label("Nơi tổ chức").select_option("cultural_house")
    page.get_by_label("Tên địa điểm").fill("Nhà văn hóa buôn Ea Kmar")
    page.get_by_label("Đơn vị tổ chức", exact=True).select_option("telecom")
    page.get_by_label("Tên đơn vị tổ chức").fill("Viettel Đắk Lắk")
    form = page.locator("#group-form")
    form.locator("input[name=skill][value=vneid_level2]").check()
    form.locator("select[name='level-vneid_level2']").select_option("2")
    form.locator("input[name=skill][value=qr_payment]").check()
    form.locator("select[name='level-qr_payment']").select_option("1")

    # Search without diacritics: "nguyen van duc" finds NGUYỄN VĂN ĐỨC's household only.
    page.locator("#group-search").fill("nguyen van duc")
    expect(page.locator("#group-people fieldset.household:visible")).to_have_count(1)
    page.locator("#group-search").fill("")
    boxes = page.locator("#group-people input[name=present]")
    expect(boxes).to_have_count(10)
    for i in range(10):
        boxes.nth(i).check()
    # One person went further in VNeID than the class: corrected for her alone.
    first = page.locator("#group-people .person").first
    first.locator("summary").click()
    first.locator("select[name$='-vneid_level2']").select_option("3")

    for name, year, sex in (("Ma Thị Sinh", "1958", "F"), ("SÙNG A PAO", "1949", "M")):
        page.locator("#add-walk-in").click()
        row = page.locator("#walk-ins fieldset").last
        row.locator("[name=wi_name]").fill(name)
        row.locator("[name=wi_year]").fill(year)
        row.locator("[name=wi_sex]").select_option(sex)
        row.locator("[name=wi_village]").select_option(label="Ea Kmar")
    expect(page.locator("#group-count")).to_contain_text("10 người trong sổ, 2 người ngoài sổ")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#outbox-count")).to_have_text("1")
    assert _stored() == (0, 0, 0)

    batches: list[str] = []
    context.route(
        "**/api/v1/field/batch",
        lambda route: (batches.append(route.request.post_data or ""), route.continue_()),
    )
    context.set_offline(False)
    page.wait_for_function("() => navigator.onLine")
    page.get_by_role("link", name="Chờ gửi").click()
    expect(page.get_by_text("Không có gì chờ gửi.")).to_be_visible(timeout=20_000)
    assert _stored() == (1, 12, 20)

    # The same batch sent again (a lost answer): acknowledged, nothing doubled.
    token = page.evaluate("() => self.LangSoField.store.readSession().token")
    again = page.request.post(
        "/api/v1/field/batch",
        data=batches[0],
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert again.json()["results"][0]["status"] == "duplicate"
    assert _stored() == (1, 12, 20)

    from langso.groups.models import GroupSession
    from langso.skills.models import SkillRecord

    session = _retry(lambda: GroupSession.objects.get())
    assert (session.place_kind, session.organiser_kind, session.recorded_by_id) == (
        "cultural_house",
        "telecom",
        leader.pk,
    )
    corrected = _retry(lambda: SkillRecord.objects.filter(skill_code="vneid_level2", level=3).count())
    assert corrected == 1
