from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from langso.registry.imports import MAX_RECOVERIES, RUNNING, STALE_MINUTES, job_recover, purge_files
from langso.registry.models import ImportJob


class Command(BaseCommand):
    help = (
        "Re-queue imports whose worker died (no heartbeat for --minutes), or mark them failed after "
        "--attempts tries; delete the uploaded files of imports finished more than --purge-days ago. "
        "Run it from cron every few minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--minutes", type=int, default=STALE_MINUTES)
        parser.add_argument("--attempts", type=int, default=MAX_RECOVERIES)
        parser.add_argument(
            "--purge-days",
            type=int,
            default=getattr(settings, "IMPORT_KEEP_DAYS", 30),
            help="0 keeps every file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        outcomes = {"requeued": 0, "failed": 0, "fresh": 0, "waiting": 0}
        for job in ImportJob.objects.filter(status__in=RUNNING).select_related("commune"):
            outcomes[job_recover(job, minutes=options["minutes"], max_attempts=options["attempts"])] += 1
        purged = purge_files(days=options["purge_days"]) if options["purge_days"] > 0 else 0
        self.stdout.write(
            f"{outcomes['requeued']} import(s) re-queued, {outcomes['failed']} marked failed, "
            f"{outcomes['waiting']} still waiting for a worker, "
            f"{purged} old upload(s) deleted."
        )
