"""The foundation's flow on a 360 px phone, as a commune officer lives it: sign in, import a small
Excel file (checked first, written only when confirmed), find a person by a name typed without
diacritics, and open their page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The rows a commune officer types into the downloaded template; the last one has an impossible date.
ROWS = [
    {"Mã hộ": "NT-01", "Họ và tên": "Nguyễn Thị Phương Thảo", "Ngày sinh": "12/08/1988", "Giới tính": "Nữ",
     "Dân tộc": "Tày", "Số CCCD": "019188004321", "Số điện thoại": "0987 654 321", "Là chủ hộ": "Có",
     "Có điện thoại thông minh": "Có", "Thôn": "Thôn Bản Cáu", "Phân loại hộ": "Hộ nghèo", "Năm rà soát": "2025"},
    {"Mã hộ": "NT-01", "Họ và tên": "Hoàng Văn Tuấn", "Ngày sinh": "05/03/1960", "Giới tính": "Nam",
     "Dân tộc": "Tày", "Số CCCD": "019060001234", "Thôn": "Thôn Bản Cáu"},
    {"Mã hộ": "NT-02", "Họ và tên": "Lò Thị Mai", "Năm sinh": "1975", "Giới tính": "Nữ", "Dân tộc": "Thái",
     "Số điện thoại": "+84 912 345 678", "Là chủ hộ": "Có", "Thôn": "Thôn Bản Cáu"},
    {"Mã hộ": "NT-02", "Họ và tên": "Ma Văn Quyết", "Ngày sinh": "25/13/2001", "Giới tính": "Nam",
     "Thôn": "Thôn Bản Cáu"},
]  # fmt: skip


@pytest.fixture
def officer() -> Any:
    from langso.accounts.tests.factories import commune_officer
    from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune

    nghia_ta = commune(NGHIA_TA)
    VillageFactory(commune=nghia_ta, name="Thôn Bản Cáu")
    return commune_officer(nghia_ta, username="canbo.nghiata", full_name="Đặng Thị Lan")


def _fill_template(template: Path, out: Path) -> Path:
    """The downloaded template, its example row replaced by ROWS, matched to its own headers."""
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for name in {key for row in ROWS for key in row}:
        assert name in headers, f"the template has no column {name!r}: {headers}"
    sheet.delete_rows(2, sheet.max_row)
    for row in ROWS:
        sheet.append([row.get(header, "") for header in headers])
    book.save(out)
    return out


def test_a_commune_officer_signs_in_imports_a_file_finds_a_person_without_diacritics_and_opens_them(
    page: Page, officer: Any, tmp_path: Path
) -> None:
    from langso.accounts.tests.factories import PASSWORD
    from langso.registry.models import Resident

    # Sign in: the home page sends a stranger to the sign-in page, which brings them back.
    page.goto(reverse("home"))
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login")) + r"\?next=/$"))
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_text("Danh mục").click()  # on a phone the main navigation is a menu
    expect(page.get_by_role("link", name="Nhập Excel")).to_be_visible()
    assert_no_horizontal_scroll(page)

    # Import: download the template, fill it in as the officer would, upload it.
    page.get_by_role("link", name="Nhập Excel").click()
    expect(page.locator("h1")).to_have_text("Nhập dữ liệu từ Excel")
    assert_no_horizontal_scroll(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tệp mẫu: người dân").click()
    template = tmp_path / download.value.suggested_filename
    assert template.suffix == ".xlsx"
    download.value.save_as(template)
    workbook = _fill_template(template, tmp_path / "nguoi-dan-ban-cau.xlsx")
    page.get_by_label("Người dân", exact=True).check()
    page.set_input_files("input[name=file]", str(workbook))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()

    # The dry run: three good rows, one bad row shown with its row, column, value and reason; nothing written.
    expect(page.locator("main")).to_contain_text("Tệp có 4 dòng: 3 dòng hợp lệ, 1 dòng có lỗi.")
    problems = page.locator("table.problems tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text("Ngày sinh")
    expect(problems.first).to_contain_text("25/13/2001")
    assert Resident.objects.count() == 0
    assert_no_horizontal_scroll(page)

    # Confirm: only the valid rows, as the page says.
    page.get_by_label("Chỉ ghi 3 dòng hợp lệ", exact=False).check()
    page.get_by_role("button", name="Ghi vào sổ").click()
    expect(page.locator("#job-result")).to_contain_text("3 mới", timeout=20_000)
    assert Resident.objects.count() == 3

    # Find a person by her name typed without diacritics, the way people type on a phone.
    page.get_by_role("link", name="Xem danh sách người dân").click()
    page.fill("input[name=q]", "nguyen thi phuong thao")
    page.locator("form[role=search] button[type=submit]").click()
    results = page.locator("#results a.row")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Nguyễn Thị Phương Thảo")
    assert_no_horizontal_scroll(page)

    # Open her page: the facts from the file, the CCCD masked.
    results.first.click()
    expect(page.locator("h1")).to_have_text("Nguyễn Thị Phương Thảo")
    main = page.locator("main")
    expect(main).to_contain_text("12/08/1988")
    expect(main).to_contain_text("0987654321")
    expect(main).to_contain_text("••••••••4321")
    expect(main).not_to_contain_text("019188004321")
    assert_no_horizontal_scroll(page)
