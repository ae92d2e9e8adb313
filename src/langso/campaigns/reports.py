"""The steering committee's weekly report of a campaign: a PDF in Vietnamese (tables of every target
with the province's and each commune's values, the ranking, a bar chart, the committee's comment)
and the same numbers in Excel.

Made on demand from the dashboard (with the comment an officer writes) and on a schedule (the
`weekly_report` command or task), and kept as a WeeklyReport so it can be downloaded later. A week
runs Monday to Sunday; its report shows the numbers as of its Sunday, or today for the current
week. The schedule makes a week's report once: running it again changes nothing.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from langso.accounts.models import User
from langso.campaigns.dashboards import Board, build_boards
from langso.campaigns.models import Campaign, Display, WeeklyReport
from langso.campaigns.services import may_manage_province
from langso.campaigns.targets import Status
from langso.core import audit
from langso.core.models import AuditAction
from langso.core.pdf import render_pdf
from langso.core.text import clean_text
from langso.registry.exports import safe_cell

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

REPORT_LANGUAGE = "vi"


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def as_of_day(week: datetime.date) -> datetime.date:
    return min(week + datetime.timedelta(days=6), timezone.localdate())


@dataclass
class ReportData:
    campaign: Campaign
    week_start: datetime.date
    as_of: datetime.date
    comment: str
    boards: list[Board]

    @property
    def week_end(self) -> datetime.date:
        return self.week_start + datetime.timedelta(days=6)


def report_data(campaign: Campaign, *, week: datetime.date, comment: str = "") -> ReportData:
    """The numbers of the week containing `week`."""
    start = week_start(week)
    as_of = as_of_day(start)
    return ReportData(campaign, start, as_of, comment, build_boards(campaign, day=as_of))


CHART_ENDS = 15  # a province of 100 communes: the chart shows the 15 best and the 15 last


def _chart_rows(board: Board) -> tuple[list[tuple[str, float | None]], int]:
    """The bars to draw (ranked, units with a value only) and how many were left out to fit a page."""
    ranked: list[tuple[str, float | None]] = [
        (row.name, row.ratio) for row in board.rows if row.ratio is not None
    ]
    if len(ranked) <= 2 * CHART_ENDS:
        return ranked, 0
    return [*ranked[:CHART_ENDS], ("…", None), *ranked[-CHART_ENDS:]], len(ranked) - 2 * CHART_ENDS


def render_report_pdf(data: ReportData) -> bytes:
    with translation.override(REPORT_LANGUAGE):
        charts = [
            {
                "board": board,
                "rows": _chart_rows(board)[0],
                "left_out": _chart_rows(board)[1],
                "target": float(board.target.value),
                "maximum": 100.0 if board.indicator.display == Display.PERCENT else None,
                "suffix": "%" if board.indicator.display == Display.PERCENT else "",
                # As the tables write it (dashboards.Row.text): an average keeps its decimal.
                "decimals": 0 if board.indicator.display == Display.COUNT else 1,
            }
            for board in data.boards
        ]
        return render_pdf(
            "campaigns/report_pdf.html",
            {"data": data, "charts": charts, "generated_at": timezone.localtime()},
        )


def _number(row_ratio: float | None, display: str) -> float | int | None:
    if row_ratio is None:
        return None
    return round(row_ratio, 1) if display in (Display.PERCENT, Display.AVERAGE) else int(row_ratio)


def render_report_xlsx(data: ReportData) -> bytes:
    """Two sheets: one line per target, and every commune's line per target. Text cells are made
    safe against formula injection (a commune or campaign name starting with "=" stays text)."""
    with translation.override(REPORT_LANGUAGE):
        book = Workbook()
        summary = cast("Worksheet", book.active)  # a new workbook's one sheet
        summary.title = _("Tổng hợp")
        bold = Font(bold=True)
        head = [
            (_("Báo cáo tuần của ban chỉ đạo"), data.campaign.name),
            (_("Tỉnh/thành phố"), data.campaign.province.name),
            (
                _("Tuần"),
                f"{date_format(data.week_start, 'SHORT_DATE_FORMAT')} – {date_format(data.week_end, 'SHORT_DATE_FORMAT')}",
            ),
            (_("Số liệu đến ngày"), date_format(data.as_of, "SHORT_DATE_FORMAT")),
            (_("Ý kiến của ban chỉ đạo"), data.comment),
        ]
        for label, value in head:
            summary.append([safe_cell(label), safe_cell(value)])
            summary.cell(row=summary.max_row, column=1).font = bold
        summary.cell(row=5, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        summary.append([])
        columns = [
            _("Chỉ số"),
            _("Chỉ tiêu"),
            _("Hạn"),
            _("Giá trị toàn tỉnh"),
            _("Tử số"),
            _("Mẫu số"),
            _("Tình trạng"),
            str(Status.DONE.label),
            str(Status.ON_TRACK.label),
            str(Status.BEHIND.label),
            str(Status.NO_DATA.label),
        ]
        summary.append(columns)
        for cell in summary[summary.max_row]:
            cell.font = bold
        for board in data.boards:
            total, counts = board.total, board.counts
            summary.append(
                [
                    safe_cell(board.indicator.name),
                    float(board.target.value),
                    board.target.deadline,
                    _number(total.ratio, board.indicator.display),
                    total.value.numerator if total.value else None,
                    total.value.denominator if total.value else None,
                    str(total.status.label),
                    *(counts[s.value] for s in Status),
                ]
            )
            summary.cell(row=summary.max_row, column=3).number_format = "DD/MM/YYYY"
        summary.column_dimensions["A"].width = 55
        for letter in "BCDEFGHIJK":
            summary.column_dimensions[letter].width = 16

        ranking = book.create_sheet(_("Xếp hạng"))
        ranking.append(
            [
                _("Chỉ số"),
                _("Hạng"),
                _("Xã/phường"),
                _("Giá trị"),
                _("Tử số"),
                _("Mẫu số"),
                _("Chỉ tiêu"),
                _("Hạn"),
                _("Tình trạng"),
            ]
        )
        for cell in ranking[1]:
            cell.font = bold
        for board in data.boards:
            for row in board.rows:
                ranking.append(
                    [
                        safe_cell(board.indicator.name),
                        row.rank,
                        safe_cell(row.name),
                        _number(row.ratio, board.indicator.display),
                        row.value.numerator if row.value else None,
                        row.value.denominator if row.value else None,
                        float(row.target.value) if row.target else None,
                        row.target.deadline if row.target else None,
                        str(row.status.label),
                    ]
                )
                ranking.cell(row=ranking.max_row, column=8).number_format = "DD/MM/YYYY"
        ranking.column_dimensions["A"].width = 55
        ranking.column_dimensions["C"].width = 28
        handle = io.BytesIO()
        book.save(handle)
        return handle.getvalue()


def weekly_report_generate(
    *,
    acting_user: User | None,
    campaign: Campaign,
    week: datetime.date | None = None,
    comment: str | None = None,
    replace: bool = True,
) -> tuple[WeeklyReport, bool]:
    """Make (or, with `replace`, make again) the campaign's report of the week containing `week`.
    Without `replace` an existing report is kept as it is: the schedule's runs are idempotent.
    `comment=None` keeps the stored comment. Returns the report and whether files were made."""
    if acting_user is not None and not may_manage_province(acting_user, campaign.province_id):
        raise Http404
    start = week_start(week or timezone.localdate())
    existing = WeeklyReport.objects.filter(campaign=campaign, week_start=start).first()
    if existing is not None and not replace:
        return existing, False
    text = clean_text(comment) if comment is not None else (existing.comment if existing else "")
    data = report_data(campaign, week=start, comment=text)
    pdf, xlsx = render_report_pdf(data), render_report_xlsx(data)
    with transaction.atomic():
        report, created = WeeklyReport.objects.update_or_create(
            campaign=campaign,
            week_start=start,
            defaults={
                "province_id": campaign.province_id,
                "as_of": data.as_of,
                "comment": text,
                "pdf": pdf,
                "xlsx": xlsx,
                "generated_by": acting_user if getattr(acting_user, "is_authenticated", False) else None,
            },
        )
        audit.record(
            actor=acting_user,
            username="" if acting_user else "system",
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=report,
            changes={"week_start": start.isoformat(), "as_of": data.as_of.isoformat(), "comment": text},
        )
    return report, True


def campaigns_of_week(province_code: int, week: datetime.date) -> QuerySet[Campaign]:
    start = week_start(week)
    return Campaign.objects.filter(
        province_id=province_code, starts_on__lte=start + datetime.timedelta(days=6), ends_on__gte=start
    ).select_related("province")


def weekly_reports_for_province(
    province_code: int, week: datetime.date | None = None
) -> list[tuple[WeeklyReport, bool]]:
    """The schedule's work: the report of every campaign the province runs that week, made once."""
    week = week or timezone.localdate()
    return [
        weekly_report_generate(acting_user=None, campaign=campaign, week=week, replace=False)
        for campaign in campaigns_of_week(province_code, week)
    ]
