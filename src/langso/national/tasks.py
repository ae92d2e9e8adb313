"""The national send as a background task, for a deployment that schedules through the worker rather
than cron. Idempotent (see `services.national_run`): a rerun after a worker died builds nothing twice
and sends only what is still unacknowledged."""

from __future__ import annotations

import datetime

from django_tasks import task

from langso.national.services import national_run


@task()
def send_to_national() -> dict[str, object]:
    result = national_run()
    return {
        "sent": [f"{p.day.isoformat()} v{p.version}" for p in result.sent],
        "failed": result.failed.day.isoformat() if result.failed else None,
        "error": result.error,
    }


@task()
def national_weekly_report(week_iso: str) -> int:
    """The country's report of the week containing `week_iso`, made once (a rerun, or a retry after
    a worker died, finds it made and changes nothing)."""
    from langso.national.reports import weekly_report_generate

    report, _made = weekly_report_generate(
        acting_user=None, week=datetime.date.fromisoformat(week_iso), replace=False
    )
    return report.pk
