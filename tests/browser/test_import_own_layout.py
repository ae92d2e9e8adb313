"""A commune's own list on a 360 px phone: her headers, two columns mapped by hand, the dry run with the
changes to people already in the registry, the refused rows downloaded, one fixed, and the file imported
again (the mapping remembered)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Her list: her own headers ("Hộ số" and "Tên người" are not ones the import knows), a title above.
# Nông Thị Hoa is in the registry already (typed in by hand): her row changes her, it does not add her.
HEADERS = ["STT", "Hộ số", "Tên người", "Năm sinh", "Giới tính", "Tổ/xóm", "Số CMND/CCCD", "Ghi chú"]
ROWS = [
    [1, "BC-01", "Hoàng Văn Tuấn", "1960", "Nam", "Bản Cáu", "019060001234", ""],
    [2, "BC-01", "NÔNG THỊ HOA (vợ chủ hộ)", "1962", "Nữ", "Bản Cáu", "", "Đi làm xa"],
    [3, "BC-02", "Ma Văn Sơn", "1975", "Đực", "Thôn Bản Cáu", "", ""],
    [4, "BC-02", "Ma Thị Lan", "1980", "Nữ", "Thôn Bản Cáu", "019180001234", ""],
    [5, "BC-03", "Lò Văn 2", "1990", "Nam", "Thôn Bản Cáu", "", ""],
]

# True when some word in the error table is split over two lines.
_BROKEN_WORDS_JS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('table.problems td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


@pytest.fixture
def officer() -> Any:
    from langso.accounts.tests.factories import commune_officer
    from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
    from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

    nghia_ta = commune(NGHIA_TA)
    ban_cau = VillageFactory(commune=nghia_ta, name="Thôn Bản Cáu")
    household = HouseholdFactory(village=ban_cau, code="BC-01")
    ResidentFactory(household=household, full_name="Nông Thị Hoa", sex="female", birth_year=1962, cccd=None)
    return commune_officer(nghia_ta, username="canbo.nghiata", full_name="Đặng Thị Lan")


def _her_file(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH NHÂN KHẨU THÔN BẢN CÁU NĂM 2026"])
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


def test_an_officer_maps_her_own_columns_fixes_a_refused_row_and_imports_it_again(
    page: Page, officer: Any, sign_in_session: Any, tmp_path: Path
) -> None:
    from langso.registry.models import Resident

    sign_in_session(officer)
    page.goto(reverse("registry:import_start"))
    page.get_by_label("Người dân", exact=True).check()
    page.set_input_files("input[name=file]", str(_her_file(tmp_path / "ds-ban-cau.xlsx")))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()

    # Her two unknown columns are asked about, with values from her file; the known ones are proposed.
    expect(page.locator("h2")).to_contain_text(["Ghép cột"])
    expect(page.locator("main")).to_contain_text("Mã hộ, Họ và tên")
    expect(page.get_by_label("Năm sinh")).to_have_value("birth_year")
    expect(page.get_by_label("Tổ/xóm")).to_have_value("village")
    expect(page.locator("#column-map")).to_contain_text("BC-01")
    assert_no_horizontal_scroll(page)
    page.get_by_label("Hộ số").select_option(label="Mã hộ")
    page.get_by_label("Tên người").select_option(label="Họ và tên")
    page.get_by_role("button", name="Ghép cột và kiểm tra").click()

    # The dry run: three good rows, two refused with their reasons; nothing written yet.
    expect(page.locator("main")).to_contain_text("Tệp có 5 dòng: 3 dòng hợp lệ, 2 dòng có lỗi.")
    errors = page.locator("table.problems tbody tr:not(.note)")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("Giới tính")
    expect(errors.nth(1)).to_contain_text("Tên người")
    # The person already in the registry, and how she changes: her name keeps its case, the notes
    # from her Ghi chú column and from the brackets in her name are added.
    changes = page.locator("#import-changes")
    expect(changes).to_contain_text("1 người hoặc hộ đã có trong sổ sẽ thay đổi")
    hoa = changes.locator("li.change", has_text="Nông Thị Hoa")
    expect(hoa.locator("dt")).to_have_text(["Ghi chú"])
    expect(hoa.locator(".old")).to_have_text("—")
    expect(hoa.locator(".new")).to_have_text("Đi làm xa; vợ chủ hộ")
    assert Resident.objects.count() == 1
    assert page.evaluate(_BROKEN_WORDS_JS) == [], "words broken mid-word in the error table at 360 px"
    assert_no_horizontal_scroll(page)

    page.get_by_label("Chỉ ghi 3 dòng hợp lệ", exact=False).check()
    page.get_by_role("button", name="Ghi vào sổ").click()
    expect(page.locator("#job-result")).to_contain_text("2 mới, 1 cập nhật", timeout=20_000)
    assert Resident.objects.count() == 3
    hoa_stored = Resident.objects.get(household__code="BC-01", birth_year=1962)
    assert (hoa_stored.full_name, hoa_stored.notes) == ("Nông Thị Hoa", "Đi làm xa; vợ chủ hộ")

    # The refused rows come back as her rows, with the reasons, to fix.
    with page.expect_download() as download:
        page.locator("#refused-file").click()
    refused = tmp_path / download.value.suggested_filename
    assert refused.name == "dong-bi-tu-choi-ds-ban-cau.xlsx"
    download.value.save_as(refused)
    book = openpyxl.load_workbook(refused)
    sheet = book.worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][: len(HEADERS)] == HEADERS and rows[0][-1].startswith("Lý do bị từ chối")
    assert [r[:-1] for r in rows[1:]] == [
        [3, "BC-02", "Ma Văn Sơn", "1975", "Đực", "Thôn Bản Cáu", None, None],
        [5, "BC-03", "Lò Văn 2", "1990", "Nam", "Thôn Bản Cáu", None, None],
    ]
    assert "Giới tính" in rows[1][-1]
    sheet["E2"] = "Nam"  # she fixes Ma Văn Sơn's row; Lò Văn 2 is left for later
    book.save(refused)

    # Imported again: her mapping is remembered, the reasons column ignored.
    page.goto(reverse("registry:import_start"))
    page.get_by_label("Người dân", exact=True).check()
    page.set_input_files("input[name=file]", str(refused))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.locator("main")).to_contain_text("Tệp có 2 dòng: 1 dòng hợp lệ, 1 dòng có lỗi.")
    expect(page.locator("main")).to_contain_text("cách ghép cột đã lưu")
    page.get_by_label("Chỉ ghi 1 dòng hợp lệ", exact=False).check()
    page.get_by_role("button", name="Ghi vào sổ").click()
    expect(page.locator("#job-result")).to_contain_text("1 mới", timeout=20_000)
    assert Resident.objects.filter(full_name="Ma Văn Sơn", sex="male", birth_year=1975).exists()
    assert_no_horizontal_scroll(page)
