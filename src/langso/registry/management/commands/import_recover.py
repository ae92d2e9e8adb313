from django.core.management.base import BaseCommand

from langso.registry.imports import job_is_stale
from langso.registry.models import ImportJob, ImportStatus
from langso.registry.tasks import check_import, write_import


class Command(BaseCommand):
    help = (
        "Re-queue imports whose worker died (no heartbeat for --minutes). Run it from cron every few minutes."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--minutes", type=int, default=10)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        requeued = 0
        for job in ImportJob.objects.filter(
            status__in=[ImportStatus.CHECKING, ImportStatus.QUEUED, ImportStatus.WRITING]
        ):
            if not job_is_stale(job, minutes=options["minutes"]):
                continue
            if job.status == ImportStatus.CHECKING:
                check_import.enqueue(str(job.pk))
            else:
                # Writing is idempotent (matching keys), and an all-or-nothing write never half-commits.
                ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
                write_import.enqueue(str(job.pk))
            requeued += 1
        self.stdout.write(f"{requeued} import(s) re-queued.")
