"""The country's weekly report: the shape of a province's steering-committee report
(`campaigns.reports`) one level up. For each indicator: the country and each province this week
against last week, the target and each province's status; then the provinces behind on a target and
those that sent nothing for the week's day.

Made only from the received daily counts. A week runs Monday to Sunday; "this week" is the last day
of the week some province sent (the Sunday, or the latest day so far for the current week), "last
week" the last such day of the week before. Kept as a `NationalWeeklyReport` (PDF), made once per week
by the schedule (`national_weekly_report`) and again when national staff ask for it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.formats import number_format

from langso.accounts.access import Perm, Scope, scope_for
from langso.accounts.models import User
from langso.campaigns.dashboards import Row
from langso.campaigns.models import Display, Indicator, UnitLevel
from langso.campaigns.reports import week_start
from langso.campaigns.targets import Status, UnitTarget
from langso.core import audit
from langso.core.models import AuditAction
from langso.core.pdf import render_pdf
from langso.national import selectors
from langso.national.models import NationalWeeklyReport, ReceivedPackage

REPORT_LANGUAGE = "vi"
EVERYTHING = Scope(everything=True)


def may_read(user: User) -> bool:
    """The report covers every province: for those who see the whole country."""
    return scope_for(user, Perm.NATIONAL_VIEW).everything


def last_received_day(start: datetime.date, end: datetime.date) -> datetime.date | None:
    return (
        ReceivedPackage.objects.filter(day__range=(start, end))
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )


def change_text(this: Row | None, last: Row | None) -> str:
    """This week's value minus last week's, as the tables write values: "+2,5" (percentage points
    for a rate), "−3" for a count, "" when either is missing."""
    if this is None or last is None or this.ratio is None or last.ratio is None:
        return ""
    delta = this.ratio - last.ratio
    places = 0 if this.display == Display.COUNT else 1
    shown = number_format(round(abs(delta), places), places, use_l10n=True, force_grouping=True)
    if round(delta, places) == 0:
        return "0"
    return ("+" if delta > 0 else "−") + shown


@dataclass
class ProvinceLine:
    unit: str
    name: str
    this: Row
    last: Row | None

    @property
    def change(self) -> str:
        return change_text(self.this, self.last)


@dataclass
class IndicatorLines:
    indicator: Indicator
    target: UnitTarget | None
    this: Row
    last: Row | None
    provinces: list[ProvinceLine]

    @property
    def change(self) -> str:
        return change_text(self.this, self.last)

    @property
    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Status}
        for line in self.provinces:
            out[line.this.status] += 1
        return out

    @property
    def chart_rows(self) -> list[tuple[str, float | None]]:
        ranked = sorted(
            (line for line in self.provinces if line.this.ratio is not None),
            key=lambda line: (-1 if self.indicator.higher_is_better else 1) * (line.this.ratio or 0),
        )
        return [(line.name, line.this.ratio) for line in ranked]


@dataclass
class Lagging:
    name: str
    behind: list[str] = field(default_factory=list)  # the indicators the province is behind on


@dataclass
class ReportData:
    week_start: datetime.date
    as_of: datetime.date | None
    previous_as_of: datetime.date | None
    lines: list[IndicatorLines]
    missing: list[str]
    lagging: list[Lagging]

    @property
    def week_end(self) -> datetime.date:
        return self.week_start + datetime.timedelta(days=6)

    @property
    def with_targets(self) -> list[IndicatorLines]:
        return [line for line in self.lines if line.target is not None]


def report_data(week: datetime.date) -> ReportData:
    """The numbers of the week containing `week`, for the whole country."""
    start = week_start(week)
    end = min(start + datetime.timedelta(days=6), timezone.localdate())
    as_of = last_received_day(start, end)
    previous = last_received_day(start - datetime.timedelta(days=7), start - datetime.timedelta(days=1))
    if as_of is None:
        return ReportData(start, None, previous, [], [], [])
    this = selectors.boards(scope=EVERYTHING, day=as_of, level=UnitLevel.COUNTRY)
    last = (
        {b.indicator.pk: b for b in selectors.boards(scope=EVERYTHING, day=previous, level=UnitLevel.COUNTRY)}
        if previous
        else {}
    )
    lines = []
    lagging: dict[str, Lagging] = {}
    for board in this:
        before = last.get(board.indicator.pk)
        last_rows = {row.unit: row for row in before.units} if before else {}
        provinces = [
            ProvinceLine(row.unit, row.name, row, last_rows.get(row.unit))
            for row in sorted(board.units, key=lambda r: r.name)
        ]
        lines.append(
            IndicatorLines(
                board.indicator, board.target, board.total, before.total if before else None, provinces
            )
        )
        for line in provinces:
            if line.this.status == Status.BEHIND:
                lagging.setdefault(line.unit, Lagging(line.name)).behind.append(board.indicator.name)
    return ReportData(
        start,
        as_of,
        previous,
        lines,
        selectors.provinces_missing(EVERYTHING, as_of),
        sorted(lagging.values(), key=lambda lag: (-len(lag.behind), lag.name)),
    )


def render_report_pdf(data: ReportData) -> bytes:
    with translation.override(REPORT_LANGUAGE):
        charts = [
            {
                "line": line,
                "target": float(line.target.value) if line.target else None,
                "maximum": 100.0 if line.indicator.display == Display.PERCENT else None,
                "suffix": "%" if line.indicator.display == Display.PERCENT else "",
                "decimals": 0 if line.indicator.display == Display.COUNT else 1,
            }
            for line in data.with_targets
        ]
        return render_pdf(
            "national/report_pdf.html",
            {"data": data, "charts": charts, "generated_at": timezone.localtime()},
        )


def weekly_report_generate(
    *, acting_user: User | None, week: datetime.date | None = None, replace: bool = True
) -> tuple[NationalWeeklyReport, bool]:
    """Make (or, with `replace`, make again) the country's report of the week containing `week`.
    Without `replace` a stored report is kept: the schedule's runs are idempotent. Returns the
    report and whether it was made now."""
    if acting_user is not None and not may_read(acting_user):
        raise Http404
    start = week_start(week or timezone.localdate())
    existing = NationalWeeklyReport.objects.filter(week_start=start).first()
    if existing is not None and not replace:
        return existing, False
    data = report_data(start)
    pdf = render_report_pdf(data)
    with transaction.atomic():
        report, created = NationalWeeklyReport.objects.update_or_create(
            week_start=start,
            defaults={"as_of": data.as_of, "previous_as_of": data.previous_as_of, "pdf": pdf},
        )
        audit.record(
            actor=acting_user,
            username="" if acting_user else "system",
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=report,
            changes={
                "week_start": start.isoformat(),
                "as_of": data.as_of.isoformat() if data.as_of else None,
                "previous_as_of": data.previous_as_of.isoformat() if data.previous_as_of else None,
            },
        )
    return report, True


def file_name(report: NationalWeeklyReport) -> str:
    return f"bao-cao-tuan-toan-quoc-{report.week_start:%Y-%m-%d}.pdf"
