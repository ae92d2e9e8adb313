"""Re-queue or fail background tasks whose worker died (django-tasks-db leaves them RUNNING for ever).
Run it from cron every few minutes, beside import_recover: see docs/deploy.md."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from langso.operations.task_recovery import MAX_ATTEMPTS, SQLITE_MAX_MINUTES, STALE_MINUTES, recover_tasks


class Command(BaseCommand):
    help = (
        "Find tasks RUNNING whose worker is gone (PostgreSQL: the worker's lock on the task is free; "
        "SQLite: running for more than --max-minutes); re-queue the idempotent ones, mark the others failed."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--minutes",
            type=int,
            default=STALE_MINUTES,
            help="only look at tasks started at least this long ago (default %(default)s)",
        )
        parser.add_argument(
            "--max-minutes",
            type=int,
            default=SQLITE_MAX_MINUTES,
            help="SQLite only: a task running longer than this is taken for dead (default %(default)s)",
        )
        parser.add_argument(
            "--attempts",
            type=int,
            default=MAX_ATTEMPTS,
            help="runs a task may have had before it is marked failed instead (default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = recover_tasks(
            minutes=options["minutes"], max_minutes=options["max_minutes"], max_attempts=options["attempts"]
        )
        self.stdout.write(
            f"{len(outcome.requeued)} task(s) re-queued, {len(outcome.failed)} marked failed, "
            f"{len(outcome.alive)} still running with a live worker."
        )
