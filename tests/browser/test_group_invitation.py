"""A team leader, on her phone (360×740), makes an invitation list of the adults of her village not yet
on VNeID level 2, gets the message with the guide's link and QR and copies it for the village's Zalo
group (Chromium here has no share sheet, so the copy button does it), opens the printable list for
the village head; after the session, its page says who of the invited did not come."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.helpers import assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leader() -> Any:
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role
    from langso.guides.services import install_default_guides
    from langso.places.tests.factories import CUOR_DANG, VillageFactory, commune
    from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
    from langso.skills.catalogue import install_default_catalogue
    from langso.skills.services import skill_record_add
    from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

    install_default_catalogue()
    install_default_guides()
    village = VillageFactory(commune=commune(CUOR_DANG), name="Ea Kmar")
    user = user_with_role(Role.TEAM_LEADER, village=village, username="ytuyet", full_name="H'Tuyết Niê")
    TeamMemberFactory(team=TeamFactory(village=village, name="Tổ buôn Ea Kmar"), user=user)
    people = []
    for number, name in enumerate(["Y BLÔ ÊBAN", "H'Lan Niê", "Y Khu Mlô", "NGUYỄN VĂN ĐỨC"]):
        household = HouseholdFactory(village=village, code=f"EK-0{number + 1}")
        people.append(
            ResidentFactory(household=household, full_name=name, birth_year=1950 + number, cccd=None)
        )
    # One already has VNeID level 2: not invited.
    skill_record_add(acting_user=user, resident=people[3], skill_code="vneid_level2", level=3)
    return user


def test_a_leader_invites_by_rule_copies_the_message_prints_the_list_and_sees_who_did_not_come(
    page: Page, context: BrowserContext, leader: Any, sign_in_session: Any
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in_session(leader)
    page.goto("/groups/")
    page.get_by_role("link", name="Lập danh sách mời").click()
    page.get_by_label("Thôn/bản").select_option(label="Ea Kmar")
    page.get_by_role("button", name="Chọn thôn").click()
    page.get_by_label("Tên buổi").fill("Học cài VNeID mức 2")
    page.get_by_label("Mời ai").select_option("not_vneid2")
    page.get_by_label("Ngày dự kiến").fill((datetime.date.today() + datetime.timedelta(days=3)).isoformat())
    page.get_by_label("Địa điểm").fill("Nhà văn hóa buôn Ea Kmar")
    page.get_by_label("Hướng dẫn gửi kèm").select_option("vneid_level2")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Lập danh sách").click()

    expect(page.get_by_role("heading", name="3 người được mời")).to_be_visible()
    expect(page.locator("#invited")).not_to_contain_text("NGUYỄN VĂN ĐỨC")
    expect(page.locator("figure.qr svg")).to_be_visible()
    message = page.locator("#share-message").input_value()
    assert "Nhà văn hóa buôn Ea Kmar" in message and "/guides/vneid_level2/" in message
    page.get_by_role("button", name="Chép tin nhắn").click()
    expect(page.locator("#share-status")).to_contain_text("Đã chép")
    assert page.evaluate("() => navigator.clipboard.readText()") == message
    assert_no_horizontal_scroll(page)

    page.get_by_role("link", name="Bản in cho trưởng thôn và loa truyền thanh").click()
    expect(page.locator("#invited-print tbody tr")).to_have_count(3)
    assert_no_horizontal_scroll(page)

    # The session on the web: two of the three came, with one walk-in.
    page.goto("/groups/new/")
    page.get_by_label("Thôn/bản của buổi học").select_option(label="Ea Kmar")
    page.get_by_role("button", name="Chọn thôn").click()
    page.locator("#gs-invitation").get_by_label("Học cài VNeID mức 2").check()
    page.locator("#session-form input[name=skill][value=vneid_level2]").check()
    page.get_by_label("Tìm theo tên").fill("y blo eban")
    page.get_by_role("button", name="Tìm / cập nhật").click()
    page.get_by_label("Y BLÔ ÊBAN").check()
    page.get_by_label("Tìm theo tên").fill("")
    page.get_by_role("button", name="Tìm / cập nhật").click()
    page.get_by_label("H'Lan Niê").check()
    page.locator("#id_wi0_name").fill("Ma Thị Sinh")
    page.locator("#id_wi0_year").fill("1958")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Lưu buổi học").click()
    expect(page.get_by_role("heading", name="Có mặt: 2 người trong sổ, 1 người ngoài sổ")).to_be_visible()
    expect(page.locator("#invited-absent")).to_contain_text("Y Khu Mlô")
    expect(page.locator("#invited-absent li")).to_have_count(1)
    assert_no_horizontal_scroll(page)
