"""A heartbeat for the background worker, which django-tasks-db's `db_worker` does not keep.

Our `db_worker` command (operations/management/commands/db_worker.py, the same command with the same
options) starts a daemon thread that writes `WorkerHeartbeat` every `WORKER_HEARTBEAT_SECONDS`; the
thread dies with the process, so a row that stops moving is a worker that is gone (killed, out of
memory, the machine off). The operations page shows each worker's last beat and the queue.

A thread rather than the worker's loop: the loop has no hook, and a long task (an import of 100,000
rows) would silence a loop-driven beat although the worker is alive and working.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from langso.operations.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Rows of workers silent for this long are deleted by the next beat of any worker.
FORGET_AFTER = datetime.timedelta(days=2)


def interval_seconds() -> float:
    return float(getattr(settings, "WORKER_HEARTBEAT_SECONDS", 30))


def beat(*, worker_id: str, queues: str, started_at: datetime.datetime) -> None:
    """Record that this worker is alive now (one upsert), and forget long-silent workers."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "queues": queues[:200],
            "started_at": started_at,
            "last_seen_at": now,
        },
    )
    WorkerHeartbeat.objects.filter(last_seen_at__lt=now - FORGET_AFTER).delete()


def start_heartbeat(*, worker_id: str, queues: str) -> threading.Thread:
    """Beat now (in the caller's thread), then every interval from a daemon thread (with its own
    database connection) until the process ends or the returned thread's `stop` is set."""
    started_at = timezone.now()
    stop = threading.Event()

    def beat_once() -> None:
        try:
            beat(worker_id=worker_id, queues=queues, started_at=started_at)
        except DatabaseError:
            # The database restarting or failing over: the next beat reconnects.
            logger.warning("worker heartbeat not recorded", exc_info=True)
            connection.close()

    def run() -> None:
        while not stop.wait(interval_seconds()):
            close_old_connections()
            beat_once()
        connection.close()

    beat_once()  # before the first task: even a worker that only runs one batch is seen

    thread = threading.Thread(target=run, name="langso-worker-heartbeat", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]  # the worker stops the beat with it
    thread.start()
    return thread
