"""The template workbooks to download."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, cast

from django.utils.translation import gettext as _

from langso.registry.imports.columns import COLUMNS
from langso.registry.imports.reading import _column_letter
from langso.registry.models import (
    ImportKind,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# The file names the templates download as (Vietnamese, without diacritics).
TEMPLATE_NAMES: dict[str, str] = {
    ImportKind.VILLAGES: "mau-nhap-thon-ban.xlsx",
    ImportKind.HOUSEHOLDS: "mau-nhap-ho-gia-dinh.xlsx",
    ImportKind.RESIDENTS: "mau-nhap-nguoi-dan.xlsx",
}
EXAMPLE_PREFIX = "Ví dụ: "  # marks the example row: the import skips it (mapping._is_example)


def template_name(kind: str) -> str:
    return TEMPLATE_NAMES.get(kind, f"mau-nhap-{kind}.xlsx")


def template_xlsx(kind: str) -> bytes:
    """The template to download: headers and an example row, and a sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = cast("Worksheet", book.active)  # a new workbook's one sheet
    sheet.title = str(ImportKind(kind).label).replace("/", "-")[:31]
    spec = COLUMNS[kind]
    sheet.append([str(c.header) for c in spec])
    sheet.append([EXAMPLE_PREFIX + c.example if i == 0 else c.example for i, c in enumerate(spec)])
    # The example row cannot be taken for data: marked "Ví dụ:", grey and italic, with a comment.
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="666666")
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
    sheet.cell(2, 1).comment = Comment(
        _("Dòng ví dụ: khi nhập, dòng này luôn được bỏ qua. Ghi danh sách của xã từ dòng 3."), "Làng Số"
    )
    sheet.freeze_panes = "A2"
    text_columns = {"code", "household_code", "cccd", "phone", "birth_date", "coverage_checked_on"}
    choices = {
        "sex": '"Nam,Nữ"',
        "has_disability": '"Có,Không"',
        "owns_smartphone": '"Có,Không"',
        "is_head": '"Có,Không"',
        "broadband": '"Có,Một phần,Không"',
        "mobile_4g": '"Có,Một phần,Không"',
        "mobile_5g": '"Có,Một phần,Không"',
        "poverty": '"Hộ nghèo,Hộ cận nghèo,Hộ khó khăn khác,Không"',
    }
    for index, column in enumerate(spec, start=1):
        letter = _column_letter(index)
        header = sheet.cell(1, index)
        header.font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(12, len(str(column.header)) + 4)
        if column.key in text_columns:
            # Text: Excel keeps the leading zeros of CCCD and phone numbers, and dates as typed.
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(2, index).number_format = "@"
        if column.key in choices:
            validation = DataValidation(type="list", formula1=choices[column.key], allow_blank=True)
            validation.error = _("Hãy chọn một giá trị trong danh sách.")
            validation.showErrorMessage = False  # other spellings are accepted by the import too
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}5000")
    help_sheet = book.create_sheet(_("Hướng dẫn"))
    help_sheet.append([_("Cột"), _("Bắt buộc"), _("Cách ghi"), _("Ví dụ")])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in spec:
        help_sheet.append(
            [str(column.header), _("Có") if column.required else _("Không"), str(column.help), column.example]
        )
    help_sheet.append([])
    for line in (
        _("Dòng 1 là tên cột: giữ nguyên. Các cột có thể đổi thứ tự; cột không dùng đến được bỏ qua."),
        _("Dòng 2 (bắt đầu bằng “Ví dụ:”) là dòng ví dụ: khi nhập luôn được bỏ qua, có thể giữ hoặc xóa."),
        _("Mỗi người (hoặc hộ, thôn) một dòng; không gộp ô."),
        _("Ngày ghi dạng ngày/tháng/năm, ví dụ 05/03/1960. Không dùng công thức: hãy dán dạng giá trị."),
        _("Nhập lại cùng một tệp không tạo bản ghi trùng: bản ghi đã có được cập nhật."),
        _("Ô để trống không xóa dữ liệu đã có trong sổ."),
    ):
        help_sheet.append([line])
    help_sheet.column_dimensions["A"].width = 26
    help_sheet.column_dimensions["B"].width = 10
    help_sheet.column_dimensions["C"].width = 70
    help_sheet.column_dimensions["D"].width = 18
    for row in help_sheet.iter_rows(min_row=2, max_col=3):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
