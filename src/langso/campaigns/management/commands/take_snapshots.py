"""Keep every indicator's value for every unit for a day (run nightly: see docs/deploy.md)."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from langso.campaigns.indicators import take_snapshots


class Command(BaseCommand):
    help = "Store the value of every indicator for every unit at the end of a day (default: yesterday)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--day", help="YYYY-MM-DD; default yesterday")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["day"]:
            try:
                day = datetime.date.fromisoformat(options["day"])
            except ValueError as exc:
                raise CommandError("--day must be YYYY-MM-DD") from exc
        else:
            day = timezone.localdate() - datetime.timedelta(days=1)
        started = time.perf_counter()
        rows = take_snapshots(day)
        self.stdout.write(f"{day}: {rows} values stored in {time.perf_counter() - started:.1f} s")
