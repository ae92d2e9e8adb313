"""Make the weekly steering-committee reports of a province (run on Monday mornings, after the night's
snapshots: see docs/deploy.md). Each campaign's report of a week is made once; rerunning is safe."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from langso.campaigns.reports import week_start, weekly_reports_for_province
from langso.campaigns.tasks import weekly_reports
from langso.places.models import Province


class Command(BaseCommand):
    help = "Make and store the weekly steering-committee reports (PDF and Excel) of a province."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--province", type=int, required=True, help="province code, e.g. 19")
        parser.add_argument("--week", help="any day of the week, YYYY-MM-DD; default: last week")
        parser.add_argument(
            "--enqueue", action="store_true", help="hand the work to the background tasks instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Province.objects.filter(code=options["province"]).exists():
            raise CommandError(f"no province with code {options['province']}")
        if options["week"]:
            try:
                day = datetime.date.fromisoformat(options["week"])
            except ValueError as exc:
                raise CommandError("--week must be YYYY-MM-DD") from exc
        else:
            day = timezone.localdate() - datetime.timedelta(days=7)
        start = week_start(day)
        if options["enqueue"]:
            result = weekly_reports.enqueue(options["province"], start.isoformat())
            self.stdout.write(f"week of {start}: task {result.id} enqueued")
            return
        done = weekly_reports_for_province(options["province"], start)
        made = sum(1 for _report, fresh in done if fresh)
        self.stdout.write(
            f"week of {start}: {made} reports made, {len(done) - made} already there (province {options['province']})"
        )
