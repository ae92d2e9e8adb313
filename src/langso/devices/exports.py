"""The programme report as an Excel file, safe against formula injection (commune names come from data)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, cast

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from langso.devices.selectors import ProgrammeReport
from langso.registry.exports import safe_cell

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


def report_headers() -> list[str]:
    return [
        _("Xã/phường"),
        _("Chỉ tiêu"),
        _("Đã bàn giao"),
        _("% chỉ tiêu"),
        _("Bằng máy"),
        _("Bằng tiền"),
        _("Đã trả lại"),
        _("Số ngày từ phê duyệt đến bàn giao (trung vị)"),
        _("Đã kiểm tra ở tháng thứ 3"),
        _("Đang dùng ở tháng thứ 3"),
        _("% đang dùng ở tháng thứ 3"),
        _("Người nhận"),
        _("Đạt công dân số"),
        _("% đạt công dân số"),
    ]


def report_rows(report: ProgrammeReport) -> list[list[object]]:
    lines = list(report.lines)
    total = report.total()
    if total is not None:
        lines.append(total)
    return [
        [
            line.commune.name,
            line.quota,
            line.handed_over,
            line.percent_distributed,
            line.devices,
            line.cash,
            line.returned,
            line.median_days_to_handover,
            line.checked_at_3_months,
            line.in_use_at_3_months,
            line.percent_in_use_3m,
            line.recipients_with_person,
            line.digital_citizens,
            line.percent_digital_citizens,
        ]
        for line in lines
    ]


def report_xlsx(report: ProgrammeReport) -> bytes:
    book = Workbook()
    sheet = cast("Worksheet", book.active)  # a new workbook's one sheet
    sheet.title = _("Báo cáo")[:31]
    sheet.append([safe_cell(report.programme.name)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([safe_cell(_("Đơn vị tài trợ")), safe_cell(report.programme.funder)])
    sheet.append([])
    sheet.append(report_headers())
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in report_rows(report):
        sheet.append([safe_cell(v) for v in row])
    sheet.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
