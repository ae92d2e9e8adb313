"""A commune officer on a 360 px phone imports the national platform's list of learners (the sample in
tests/data/), sees what matched, and decides the uncertain rows: one of two namesakes confirmed, one
row said to be nobody in the registry."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from langso.outside_lists.tests.conftest import PLATFORM_FILE, world  # noqa: F401 - the fixture
from tests.browser.helpers import assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_uploads_the_platform_list_and_resolves_the_review(
    page: Page,
    world: Any,  # noqa: F811 - the fixture imported above
    sign_in_session: Any,
) -> None:
    from langso.outside_lists.models import EntryStatus, ListEntry, OutsideEvidence

    sign_in_session(world["officer"])
    page.goto(reverse("outside_lists:lists"))
    assert_no_horizontal_scroll(page)
    page.get_by_label("Học viên, chứng nhận của nền tảng", exact=False).check()
    page.set_input_files("input[name=file]", str(PLATFORM_FILE))
    page.get_by_role("button", name="Nhập và đối chiếu với sổ").click()

    # The result: Páo (CCCD) and Mai (name, birth date, village) for certain; three to review.
    expect(page.locator("#matched")).to_have_text("2")
    expect(page.locator("#review")).to_contain_text("3")
    expect(page.locator("table.problems")).to_contain_text("12 chữ số")
    assert_no_horizontal_scroll(page)

    page.locator("#review").get_by_role("link", name="Xem lại").click()
    hoa = ListEntry.objects.get(full_name="Nông Thị Hoa")
    card = page.locator(f"#entry-{hoa.pk}")
    expect(card).to_contain_text("2 người cùng họ tên, ngày sinh và thôn")
    expect(card.locator("input[name=resident]")).to_have_count(2)
    assert_no_horizontal_scroll(page)
    hoa_2 = world["people"]["hoa_2"]
    card.locator(f"input[value='{hoa_2.pk}']").check()
    card.get_by_role("button", name="Xác nhận người này").click()
    expect(page.locator("main")).to_contain_text("Đã ghi quyết định cho Nông Thị Hoa")
    expect(page.locator(f"#entry-{hoa.pk}")).to_have_count(0)

    sinh = ListEntry.objects.get(full_name="Triệu Văn Sình")
    page.locator(f"#entry-{sinh.pk}").get_by_role("button", name="Không có trong sổ").click()
    expect(page.locator(f"#entry-{sinh.pk}")).to_have_count(0)

    assert OutsideEvidence.objects.filter(resident=hoa_2).count() == 1
    assert not OutsideEvidence.objects.filter(resident=world["people"]["hoa_1"]).exists()
    assert ListEntry.objects.get(pk=sinh.pk).status == EntryStatus.REJECTED

    # The rejected row is now among the commune's people not found.
    page.goto(reverse("outside_lists:unmatched") + f"?commune={world['commune'].code}")
    expect(page.locator("#unmatched-rows")).to_contain_text("Triệu Văn Sình")
    assert_no_horizontal_scroll(page)
