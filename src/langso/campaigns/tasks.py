"""Background work for campaigns. Idempotent: a day's snapshot replaces itself."""

from __future__ import annotations

import datetime

from django_tasks import task

from langso.campaigns.indicators import take_snapshots


@task()
def snapshot_day(day_iso: str) -> int:
    return take_snapshots(datetime.date.fromisoformat(day_iso))
