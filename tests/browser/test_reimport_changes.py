"""A re-import on a 360 px phone: the officer brings back a list she keeps in Excel over people already
in the registry, sees field by field what it will change (and that a name in capitals does not replace
the one the registry holds), confirms, and finds the people updated."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Her own list: capitals, a village without its kind word, a note in brackets, a year where the date goes.
HEADERS = ["Mã hộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số điện thoại", "Là chủ hộ", "Thôn",
           "Phân loại hộ", "Năm rà soát"]  # fmt: skip
ROWS = [
    ["01-001", "NÔNG MINH QUÝ", "02/04/1958", "Nam", "019058001234", "0987 654 321", "Có", "Bản Cáu",
     "Hộ cận nghèo", "2025"],
    ["01-001", "nông thị hoa (vợ chủ hộ)", "1962", "Nữ", "", "", "", "Bản Cáu", "", ""],
    ["01-001", "NÔNG VĂN ÚT", "1999", "Nam", "", "", "", "bản cáu", "", ""],
]  # fmt: skip


@pytest.fixture
def registered() -> Any:
    from langso.accounts.tests.factories import commune_officer
    from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
    from langso.registry.models import Household
    from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

    nghia_ta = commune(NGHIA_TA)
    village = VillageFactory(commune=nghia_ta, name="Thôn Bản Cáu")
    household = HouseholdFactory(village=village, code="01-001", poverty="none")
    quy = ResidentFactory(
        household=household,
        full_name="Nông Minh Quý",
        cccd="019058001234",
        birth_year=1958,
        birth_date=datetime.date(1958, 4, 2),
        phone="0912345678",
        is_head=True,
    )
    Household.objects.filter(pk=household.pk).update(head=quy)
    ResidentFactory(
        household=household, full_name="Nông Thị Hoa", sex="female", birth_year=1962, birth_date=None
    )
    return commune_officer(nghia_ta, username="canbo.nghiata", full_name="Đặng Thị Lan")


def _workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


def test_an_officer_reimports_her_list_sees_each_change_confirms_and_finds_the_people_updated(
    page: Page, registered: Any, sign_in_session: Any, tmp_path: Path
) -> None:
    from langso.registry.models import Household, Resident

    sign_in_session(registered)
    page.goto(reverse("registry:import_start"))
    page.get_by_label("Người dân", exact=True).check()
    page.set_input_files("input[name=file]", str(_workbook(tmp_path / "danh-sach-ban-cau.xlsx")))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()

    # The dry run: every row good, and what changes in the registry, field by field.
    expect(page.locator("main")).to_contain_text("Tệp có 3 dòng: 3 dòng hợp lệ, 0 dòng có lỗi.")
    changes = page.locator("#import-changes")
    expect(changes).to_contain_text("3 người hoặc hộ đã có trong sổ sẽ thay đổi")
    quy = changes.locator("li.change", has_text="Nông Minh Quý")
    expect(quy.locator("dt")).to_have_text(["Số điện thoại"])  # the capitals do not count as a change
    expect(quy.locator(".old")).to_have_text("0912345678")
    expect(quy.locator(".new")).to_have_text("0987654321")
    hoa = changes.locator("li.change", has_text="Nông Thị Hoa")
    expect(hoa).to_contain_text("Ghi chú")
    expect(hoa.locator(".new")).to_have_text("vợ chủ hộ")
    household = changes.locator("li.change", has_text="Hộ 01-001")
    expect(household).to_contain_text("Không thuộc diện")
    expect(household).to_contain_text("Hộ cận nghèo")
    # The new person's name in capitals is put right, and the dry run says so.
    expect(page.locator("table.problems")).to_contain_text("“NÔNG MINH QUÝ” thành “Nông Minh Quý”")
    assert Resident.objects.get(cccd="019058001234").phone == "0912345678"  # nothing written yet
    assert_no_horizontal_scroll(page)

    # Confirm: the changes are written and the result page keeps the list of them.
    page.get_by_role("button", name="Ghi vào sổ").click()
    expect(page.locator("#job-result")).to_contain_text("1 mới", timeout=20_000)
    expect(page.locator("#import-changes")).to_contain_text("Đã thay đổi dữ liệu có sẵn trong sổ")
    assert_no_horizontal_scroll(page)

    # The people, as the registry now holds them.
    quy_now = Resident.objects.get(cccd="019058001234")
    assert (quy_now.full_name, quy_now.phone) == ("Nông Minh Quý", "0987654321")
    page.goto(quy_now.get_absolute_url())
    expect(page.locator("h1")).to_have_text("Nông Minh Quý")
    expect(page.locator("main")).to_contain_text("0987654321")
    hoa_now = Resident.objects.get(full_name="Nông Thị Hoa")
    page.goto(hoa_now.get_absolute_url())
    expect(page.locator("main")).to_contain_text("vợ chủ hộ")
    assert_no_horizontal_scroll(page)
    assert Resident.objects.get(full_name="Nông Văn Út").birth_year == 1999
    assert Household.objects.get(code="01-001").poverty == "near_poor"
