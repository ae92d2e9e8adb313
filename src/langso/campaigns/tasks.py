"""Background work for campaigns. Idempotent: a day's snapshot replaces itself."""

from __future__ import annotations

import datetime

from django_tasks import task

from langso.campaigns.indicators import take_snapshots
from langso.campaigns.reports import weekly_reports_for_province


@task()
def snapshot_day(day_iso: str) -> int:
    return take_snapshots(datetime.date.fromisoformat(day_iso))


@task()
def weekly_reports(province_code: int, week_iso: str) -> list[int]:
    """The reports of a province's campaigns for the week containing `week_iso`, made once (a rerun,
    or a retry after a worker died, finds them made and changes nothing)."""
    done = weekly_reports_for_province(province_code, datetime.date.fromisoformat(week_iso))
    return [report.pk for report, _made in done]
