"""Background tasks whose worker died: found, then re-queued (idempotent tasks) or marked failed.

django-tasks-db claims a task by setting it RUNNING and keeps no heartbeat, so a task whose worker was
killed (SIGKILL, out of memory, a power cut, a host reboot) stays RUNNING for ever and nobody runs it
again. `recover_tasks` (cron, every few minutes: docs/deploy.md) closes that gap.

How a dead worker is recognised:

- PostgreSQL: while a worker runs a task it holds a session advisory lock named after the task (taken
  on the `task_started` signal, released on `task_finished`). The lock belongs to the worker's database
  session, so it vanishes the moment the worker process dies (the kernel closes its socket and the
  server ends the session) or the database restarts. A RUNNING task whose lock anyone can take has no
  worker left. A live worker keeps its task however long it runs.
- SQLite (a commune laptop) has no such lock: a task RUNNING for longer than `max_minutes` counts as
  dead.

A dead task is put back in the queue (READY, same id, so whoever waits on its result still finds it)
when it is known to be idempotent and has not used up its attempts; otherwise it is marked FAILED with
`WorkerLost`, so it no longer looks alive. Import tasks are only closed: their job has a recovery of its
own (`import_recover`: heartbeat, attempts, a message for the officer) that enqueues a new task. Every update is conditional on the row still being the
RUNNING claim that was examined, so two recoverers, or a recoverer and a worker, cannot both act.
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, connections, router
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus, task_backends
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Tasks that are safe to run again after a partial run (each says why in its docstring): they act only
# on work in the expected state, or replace/skip what is already made.
IDEMPOTENT_TASKS = frozenset(
    {
        "langso.registry.tasks.check_import",
        "langso.registry.tasks.write_import",
        "langso.campaigns.tasks.snapshot_day",
        "langso.campaigns.tasks.weekly_reports",
        "langso.guides.tasks.build_guide_audio",
        "langso.national.tasks.send_to_national",
        "langso.national.tasks.national_weekly_report",
    }
)
# Tasks whose work has a recovery of its own, with its own liveness and attempts: an import job records a
# heartbeat and `import_recover` re-queues the job (a new task). Their dead task rows are only closed
# here, so the job is re-run once, not twice.
RECOVERED_BY_THEIR_JOB = {
    "langso.registry.tasks.check_import": "import_recover",
    "langso.registry.tasks.write_import": "import_recover",
}
STALE_MINUTES = 5
SQLITE_MAX_MINUTES = 120
MAX_ATTEMPTS = 3
# How long a starting task waits for its lock (a recoverer holds it only for the instant it examines the task).
LOCK_WAIT_SECONDS = 10.0


class WorkerLost(Exception):  # noqa: N818 - the name says what happened, as the task result shows it
    """The worker running this task died before finishing it."""


@dataclass
class RecoveryOutcome:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    alive: list[str] = field(default_factory=list)


def _connection() -> Any:
    return connections[router.db_for_write(DBTaskResult)]


def _lock_key(task_id: str | uuid.UUID) -> int:
    """The task id's first 64 bits as a signed bigint, the key pg_advisory_lock(bigint) takes. The app
    uses advisory locks for nothing else, and two running tasks sharing a key is a 1 in 2**64 chance."""
    high = uuid.UUID(str(task_id)).int >> 64
    return high - (1 << 64) if high >= 1 << 63 else high


def liveness_available() -> bool:
    return _connection().vendor == "postgresql"


# --- the worker side: hold the lock while the task runs ------------------------------------------


def _is_database_task(task_result: Any) -> bool:
    from django_tasks_db.backend import DatabaseBackend

    try:
        return isinstance(task_backends[task_result.backend], DatabaseBackend)
    except Exception:  # an unknown backend alias: not ours to track
        return False


def hold_task_lock(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """`task_started` receiver (runs in the worker): take the task's lock for as long as it runs.
    Never raises: an exception here would be recorded as the task's own failure. If the lock cannot be
    had (or the session is replaced while the task runs), the task may later be taken for dead and, if
    idempotent, run a second time: harmless by definition."""
    if not _is_database_task(task_result) or not liveness_available():
        return
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    try:
        with _connection().cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_key(task_result.id)])
                if cursor.fetchone()[0]:
                    return
                if time.monotonic() > deadline:
                    logger.warning(
                        "task %s: its liveness lock is held elsewhere; running without", task_result.id
                    )
                    return
                time.sleep(0.05)
    except Exception:
        logger.warning("task %s: could not take its liveness lock", task_result.id, exc_info=True)


def release_task_lock(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """`task_finished` receiver: let the lock go (it also goes with the session if this fails)."""
    if not _is_database_task(task_result) or not liveness_available():
        return
    try:
        with _connection().cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(task_result.id)])
    except Exception:  # the session is gone (database restarted): so is the lock
        logger.info("task %s: liveness lock not released (session gone)", task_result.id)


# --- the recoverer side --------------------------------------------------------------------------


@contextmanager
def _unless_worker_alive(task_id: str) -> Iterator[bool]:
    """Yields True when no session holds the task's lock (its worker is gone), keeping the lock
    for the duration so the task cannot be re-claimed and re-locked while it is being updated."""
    key = _lock_key(task_id)
    with _connection().cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        free = bool(cursor.fetchone()[0])
    try:
        yield free
    finally:
        if free:
            with _connection().cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def _act_on_dead(result: DBTaskResult, *, max_attempts: int, now: datetime.datetime) -> str:
    same_claim = DBTaskResult.objects.filter(
        pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
    )
    attempts = len(result.worker_ids or [])
    elsewhere = RECOVERED_BY_THEIR_JOB.get(result.task_path)
    if result.task_path in IDEMPOTENT_TASKS and not elsewhere and attempts < max_attempts:
        changed = same_claim.update(status=TaskResultStatus.READY, started_at=None)
        return "requeued" if changed else "alive"
    if elsewhere:
        reason = f"its job is re-queued by {elsewhere}"
    elif result.task_path not in IDEMPOTENT_TASKS:
        reason = "not known to be safe to run twice"
    else:
        reason = f"{attempts} attempts used"
    changed = same_claim.update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        return_value=None,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=(
            f"WorkerLost: the worker ({', '.join(result.worker_ids or []) or '?'}) died while running "
            f"this task, started {result.started_at:%Y-%m-%d %H:%M:%S %Z}; not re-queued: {reason}.\n"
        ),
    )
    return "failed" if changed else "alive"


def recover_tasks(
    *,
    minutes: int = STALE_MINUTES,
    max_minutes: int = SQLITE_MAX_MINUTES,
    max_attempts: int = MAX_ATTEMPTS,
) -> RecoveryOutcome:
    """Find RUNNING tasks started more than `minutes` ago whose worker is gone, and re-queue or fail
    them. Without a liveness lock (SQLite), a task is taken for dead after `max_minutes`."""
    now = timezone.now()
    outcome = RecoveryOutcome()
    by_lock = liveness_available()
    limit = now - datetime.timedelta(minutes=minutes if by_lock else max(minutes, max_minutes))
    candidates = list(DBTaskResult.objects.running().filter(started_at__lte=limit).order_by("started_at"))
    for result in candidates:
        task_id = str(result.pk)
        if by_lock:
            try:
                with _unless_worker_alive(task_id) as dead:
                    action = _act_on_dead(result, max_attempts=max_attempts, now=now) if dead else "alive"
            except DatabaseError:
                logger.exception("task %s: could not examine it", task_id)
                continue
        else:
            action = _act_on_dead(result, max_attempts=max_attempts, now=now)
        getattr(outcome, action).append(task_id)
        if action != "alive":
            logger.warning("task %s (%s): worker gone, %s", task_id, result.task_path, action)
    return outcome
