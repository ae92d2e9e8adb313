"""The same signed package as a file, for a hand-over to the national instance without a network
(`national_import FILE` there). The file holds counts only."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from langso.national import services


class Command(BaseCommand):
    help = "Xuất gói số liệu đã ký của một ngày ra tệp để chuyển tay lên cấp quốc gia."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, help="The file to write.")
        parser.add_argument("--day", help="The day (YYYY-MM-DD); yesterday by default.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = (
                datetime.date.fromisoformat(options["day"])
                if options["day"]
                else timezone.localdate() - datetime.timedelta(days=1)
            )
        except ValueError:
            raise CommandError("Ngày phải có dạng YYYY-MM-DD.") from None
        built = services.package_build(day=day)
        with open(options["output"], "w", encoding="utf-8") as out:
            out.write(built.envelope)
        self.stdout.write(
            f"Đã ghi gói số liệu ngày {day:%d/%m/%Y} (phiên bản {built.version}) vào {options['output']}"
        )
