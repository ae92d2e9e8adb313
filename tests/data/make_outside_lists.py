"""Writes the two sample outside lists the tests read (synthetic people; run again after editing):

- binh-dan-hoc-vu-so-thai-nguyen.xlsx: the national "Bình dân học vụ số" platform's export of learners
  and certificates for a province, as a province receives it: a title above the header, a merged
  title row, the platform's own headers, dates as text and as Excel dates, a CCCD typed as a number
  (its leading zero lost), names in capitals, an address instead of a village.
- cong-an-xa-nghia-ta-muc-2.csv: a commune police list of VNeID level-2 activations, exported from a
  spreadsheet as CSV with semicolons and a byte-order mark, a year of birth only for some people.

`python tests/data/make_outside_lists.py`
"""

from __future__ import annotations

import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

PLATFORM_HEADER = [
    "STT",
    "Họ và tên học viên",
    "Ngày tháng năm sinh",
    "Số định danh cá nhân",
    "Địa chỉ thường trú",
    "Xã/Phường",
    "Tên khóa học",
    "Mã chứng nhận",
    "Ngày cấp chứng nhận",
    "Số điện thoại",
]
PLATFORM_ROWS = [
    # CCCD typed as a number: Excel dropped the leading zero (19058001234 is 019058001234).
    ["HOÀNG VĂN PÁO", "12/03/1958", 19058001234, "Thôn Bản Cáu, xã Nghĩa Tá", "Xã Nghĩa Tá",
     "Kỹ năng số cơ bản", "BDHVS-19-000101", datetime.date(2026, 11, 20), "0912000101"],
    # No CCCD: name, birth date and village ("Bản Cáu" without "Thôn", lower case).
    ["lò thị mai", datetime.date(1965, 7, 5), "", "bản cáu", "Nghĩa Tá",
     "Kỹ năng số cơ bản", "BDHVS-19-000102", "21/11/2026", ""],
    # Two people in the registry have this name, birth date and village: an officer chooses.
    ["Nông Thị Hoa", "20/10/1972", "", "Thôn Khau Vai", "Xã Nghĩa Tá",
     "An toàn trên không gian mạng", "BDHVS-19-000103", "22/11/2026", ""],
    # Only a year of birth: the same name and year is not enough to be sure.
    ["TRIỆU VĂN SÌNH", "1980", "", "Khau Vai", "Xã Nghĩa Tá",
     "Kỹ năng số cơ bản", "BDHVS-19-000104", "22/11/2026", ""],
    # Nobody of this name in the registry.
    ["Đặng Thị Nguyệt", "01/01/1990", "", "Thôn Bản Cáu", "Xã Nghĩa Tá",
     "Kỹ năng số cơ bản", "BDHVS-19-000105", "23/11/2026", ""],
    # The CCCD is a registry person's, the name is not theirs.
    ["Ma Văn Sinh", "14/02/1985", "019085004321", "Thôn Bản Cáu", "Xã Nghĩa Tá",
     "Kỹ năng số cơ bản", "BDHVS-19-000106", "23/11/2026", ""],
    # A CCCD cut short: the row is refused with a reason.
    ["Hà Thị Lụa", "03/03/1977", "12345", "Thôn Bản Cáu", "Xã Nghĩa Tá",
     "Kỹ năng số cơ bản", "BDHVS-19-000107", "24/11/2026", ""],
    # Another commune of the province, nobody found: reported for that commune only.
    ["Phùng Văn Khải", "09/09/1969", "", "Tổ dân phố 2", "Phường Bắc Kạn",
     "Kỹ năng số cơ bản", "BDHVS-19-000108", "24/11/2026", ""],
]  # fmt: skip

POLICE_HEADER = [
    "TT",
    "Họ tên công dân",
    "Năm sinh",
    "Số CCCD",
    "Thôn/xóm",
    "Thời gian kích hoạt",
    "Trạng thái tài khoản",
]
POLICE_ROWS = [
    ["1", "Hoàng Văn Páo", "12/03/1958", "019058001234", "Bản Cáu", "18/11/2026", "Đã kích hoạt mức 2"],
    ["2", "LÒ THỊ MAI", "05/07/1965", "", "Thôn Bản Cáu", "18/11/2026", "Đã kích hoạt mức 2"],
    ["3", "Hà Văn Tuấn", "1975", "019075009876", "Bản Cáu", "19/11/2026", "Mức 2"],
    ["4", "Lý Thị Sao", "1982", "", "Khau Vai", "19/11/2026", "Mức 1 - chưa kích hoạt mức 2"],
    ["5", "Vi Văn Đức", "1988", "019088001111", "Khau Vai", "20/11/2026", "Đã kích hoạt mức 2"],
]  # fmt: skip


def write_platform(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Hoc vien"
    sheet.append(["DANH SÁCH HỌC VIÊN HOÀN THÀNH KHÓA HỌC - NỀN TẢNG BÌNH DÂN HỌC VỤ SỐ"])
    sheet.merge_cells("A1:J1")
    sheet.append(["Tỉnh Thái Nguyên - xuất ngày 25/11/2026"])
    sheet.append([])
    sheet.append(PLATFORM_HEADER)
    for number, row in enumerate(PLATFORM_ROWS, start=1):
        sheet.append([number, *row])
    for row in sheet.iter_rows(min_row=5):
        for cell in row:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "dd/mm/yyyy"
    book.save(path)


def write_police(path: Path) -> None:
    lines = [";".join(POLICE_HEADER)] + [";".join(row) for row in POLICE_ROWS]
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


if __name__ == "__main__":
    write_platform(HERE / "binh-dan-hoc-vu-so-thai-nguyen.xlsx")
    write_police(HERE / "cong-an-xa-nghia-ta-muc-2.csv")
