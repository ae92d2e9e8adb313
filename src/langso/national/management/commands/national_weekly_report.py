"""Make and store the country's weekly report (PDF) on the national instance: run on Monday mornings,
after the provinces' Sunday packages arrived (docs/deploy.md §15). A week's report is made once;
rerunning is safe (`--replace` makes it again)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from langso.campaigns.reports import week_start
from langso.national.reports import weekly_report_generate


class Command(BaseCommand):
    help = "Lập và lưu báo cáo tuần toàn quốc (PDF) từ số liệu các tỉnh gửi lên."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", help="any day of the week, YYYY-MM-DD; default: last week")
        parser.add_argument("--replace", action="store_true", help="make the week's report again")
        parser.add_argument(
            "--enqueue", action="store_true", help="hand the work to the background tasks instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["week"]:
            try:
                day = datetime.date.fromisoformat(options["week"])
            except ValueError:
                raise CommandError("Ngày phải có dạng YYYY-MM-DD.") from None
        else:
            day = timezone.localdate() - datetime.timedelta(days=7)
        start = week_start(day)
        if options["enqueue"]:
            from langso.national.tasks import national_weekly_report

            result = national_weekly_report.enqueue(start.isoformat())
            self.stdout.write(f"Tuần từ {start:%d/%m/%Y}: đã đưa vào hàng đợi ({result.id})")
            return
        report, made = weekly_report_generate(acting_user=None, week=start, replace=options["replace"])
        as_of = f"{report.as_of:%d/%m/%Y}" if report.as_of else "—"
        self.stdout.write(
            f"Tuần từ {start:%d/%m/%Y} (số liệu đến {as_of}): {'đã lập' if made else 'đã có sẵn'}"
        )
