"""Recompute the current indicator values of every commune that changed (run every minute, or
with --every to keep running), so dashboards rarely have to compute while someone waits."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from langso.campaigns.rollups import refresh_stale
from langso.places.models import Commune


class Command(BaseCommand):
    help = "Refresh the dashboards' numbers of the communes that changed since they were computed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--province", type=int, help="only this province's communes")
        parser.add_argument("--every", type=int, default=0, help="keep running, every N seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        communes = Commune.objects.all()
        if options["province"]:
            communes = communes.filter(province_id=options["province"])
        codes = list(communes.values_list("code", flat=True))
        while True:
            started = time.perf_counter()
            refreshed = refresh_stale(codes)
            self.stdout.write(f"{len(refreshed)} communes refreshed in {time.perf_counter() - started:.1f} s")
            if not options["every"]:
                return
            time.sleep(options["every"])
