"""Build the days' packages not built yet and send every day the national instance has not
acknowledged, oldest first. Run daily after midnight from cron (docs/deploy.md); after days offline
the next run catches up."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from langso.national import services


class Command(BaseCommand):
    help = "Gửi số liệu tổng hợp hằng ngày của tỉnh lên máy chủ quốc gia."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="Build (or rebuild) this day's package too (YYYY-MM-DD).")
        parser.add_argument(
            "--url", help="The national instance's receiving address (else LANGSO_NATIONAL_URL)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        also = []
        if options["day"]:
            try:
                also.append(datetime.date.fromisoformat(options["day"]))
            except ValueError:
                raise CommandError("Ngày phải có dạng YYYY-MM-DD.") from None
        if options["url"]:
            settings.NATIONAL_URL = options["url"]
        result = services.national_run(also=also)
        for built in result.built:
            self.stdout.write(f"{built.day:%d/%m/%Y}: phiên bản {built.version}")
        for sent in result.sent:
            self.stdout.write(
                f"Đã gửi {sent.day:%d/%m/%Y} (phiên bản {sent.version}): {sent.acknowledgement}"
            )
        if result.failed is not None:
            raise CommandError(f"Chưa gửi được ngày {result.failed.day:%d/%m/%Y}: {result.error}")
