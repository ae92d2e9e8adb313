"""django-tasks-db's `db_worker`, unchanged, plus a heartbeat (operations/heartbeat.py).

It replaces the package's command because langso.operations comes before django_tasks_db in
INSTALLED_APPS (the first app with a command of a name wins), so systemd units, `run_with_worker` and
the fault suite keep running `db_worker` as before.
"""

from __future__ import annotations

import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from langso.operations.heartbeat import start_heartbeat


class Command(DbWorkerCommand):
    help = DbWorkerCommand.help + " (with a heartbeat shown on the operations page)"

    def handle(self, *args: Any, **options: Any) -> None:
        # With --reload the command runs twice: a watching parent and the worker child. Only the
        # child works, so only it beats.
        heartbeat = None
        if not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            heartbeat = start_heartbeat(worker_id=options["worker_id"], queues=options["queue_name"])
        try:
            super().handle(*args, **options)
        finally:
            # A worker run in-process (--batch, --max-tasks) returns: its beat stops with it.
            if heartbeat is not None:
                heartbeat.stop.set()  # type: ignore[attr-defined]  # set by heartbeat.start
                heartbeat.join(timeout=5)
