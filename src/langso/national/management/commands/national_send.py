"""Build the days' packages not built yet and send every day the national instance has not
acknowledged, oldest first. Run daily after midnight from cron (docs/deploy.md); after days offline
the next run catches up."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from langso.national import services


class Command(BaseCommand):
    help = "Gửi số liệu tổng hợp hằng ngày của tỉnh lên máy chủ quốc gia."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="Build (or rebuild) this day's package too (YYYY-MM-DD).")
        parser.add_argument(
            "--url", help="The national instance's receiving address (else LANGSO_NATIONAL_URL)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        province, secret = services._province_settings()
        days = services.days_to_build(timezone.localdate(), province)
        if options["day"]:
            try:
                days.append(datetime.date.fromisoformat(options["day"]))
            except ValueError:
                raise CommandError("Ngày phải có dạng YYYY-MM-DD.") from None
        for day in sorted(set(days)):
            built = services.package_build(day=day, province_code=province, secret=secret)
            self.stdout.write(f"{built.day:%d/%m/%Y}: phiên bản {built.version}")
        result = services.packages_send(url=options["url"])
        for sent in result.sent:
            self.stdout.write(
                f"Đã gửi {sent.day:%d/%m/%Y} (phiên bản {sent.version}): {sent.acknowledgement}"
            )
        if result.failed is not None:
            raise CommandError(f"Chưa gửi được ngày {result.failed.day:%d/%m/%Y}: {result.error}")
