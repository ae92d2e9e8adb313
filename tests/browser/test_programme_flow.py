"""A smartphone programme on a 360 px phone, as a commune officer lives it: open the programme, make the
commune's candidate list from the rules, record the committee's approval (the list locks), hand a device
to the first household, and download the handover record to print — a one-page PDF in Vietnamese.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.helpers import assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def programme_world() -> dict[str, Any]:
    from langso.accounts.tests.factories import commune_officer
    from langso.devices.tests.factories import DeviceFactory, ProgrammeFactory, QuotaFactory
    from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
    from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

    nghia_ta = commune(NGHIA_TA)
    village = VillageFactory(commune=nghia_ta, name="Thôn Bản Cáu")
    year = datetime.date.today().year - 1
    for code, name, born in (("NT-01", "Hoàng Thị Lành", 1948), ("NT-02", "Ma Văn Quyết", 1972)):
        household = HouseholdFactory(village=village, code=code, poverty="poor", poverty_year=year)
        head = ResidentFactory(
            household=household, full_name=name, birth_year=born, is_head=True, ethnic_group="02"
        )
        household.head = head
        household.save(update_fields=["head"])
    programme = ProgrammeFactory(
        name="Điện thoại cho hộ nghèo Thái Nguyên 2026", package_notes="Gói Viettel ST70K"
    )
    QuotaFactory(programme=programme, commune=nghia_ta, quota=5)
    device = DeviceFactory(
        programme=programme, commune=nghia_ta, model_name="Itel A50", sim_number="0868123456"
    )
    officer = commune_officer(nghia_ta, username="canbo.nghiata", full_name="Đặng Thị Lan")
    return {"programme": programme, "device": device, "officer": officer}


def test_an_officer_goes_from_the_programme_to_a_printed_handover_record(
    page: Page, programme_world: dict[str, Any], sign_in_session: Any
) -> None:
    from langso.devices.models import Allocation

    sign_in_session(programme_world["officer"])
    programme = programme_world["programme"]

    page.goto(reverse("devices:programmes"))
    assert_no_horizontal_scroll(page)
    page.get_by_role("link", name=programme.name).click()
    expect(page.locator("h1")).to_have_text(programme.name)
    assert_no_horizontal_scroll(page)

    page.get_by_role("link", name="Xã Nghĩa Tá").click()
    expect(page.locator("h1")).to_contain_text("Danh sách đề xuất")
    page.get_by_role("button", name="Lập danh sách theo tiêu chí").click()
    candidates = page.locator("#candidates > li")
    expect(candidates).to_have_count(2)
    # The oldest, an elderly woman of an ethnic minority, comes first, with her reasons.
    expect(candidates.first).to_contain_text("Hoàng Thị Lành")
    expect(candidates.first).to_contain_text("Người cao tuổi (+15)")
    assert_no_horizontal_scroll(page)

    page.get_by_label("Quyết định phê duyệt của UBND xã").fill("Quyết định số 12/QĐ-UBND ngày 05/11/2026")
    page.get_by_role("button", name="Ghi nhận phê duyệt").click()
    expect(page.locator("#list-status")).to_contain_text("Đã phê duyệt")
    expect(page.get_by_role("button", name="Loại")).to_have_count(0)
    assert_no_horizontal_scroll(page)

    candidates.first.get_by_role("link", name="Bàn giao").click()
    expect(page.locator("h1")).to_have_text("Bàn giao")
    page.get_by_label("Người giao (họ tên)").fill("Đặng Thị Lan")
    page.get_by_label("Chức vụ người giao").fill("Công chức Văn hóa - Xã hội")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Ghi nhận bàn giao").click()
    expect(page.locator("h1")).to_have_text("Biên bản bàn giao")
    assert_no_horizontal_scroll(page)

    with page.expect_download() as download:
        page.locator("#handover-pdf").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    for expected in (
        "BIÊN BẢN BÀN GIAO ĐIỆN THOẠI THÔNG MINH",
        "Hoàng Thị Lành",
        "Đặng Thị Lan",
        programme_world["device"].imei,
        "Itel A50",
        "0868123456",
        "Gói Viettel ST70K",
    ):
        assert expected in text, expected
    assert Allocation.objects.get().device == programme_world["device"]
