"""recover_tasks: a task whose worker died does not stay RUNNING for ever.

The end-to-end version (a real `db_worker` killed with SIGKILL mid-report, then recovered and finished
by a new worker) is in tests/faults/ (`make faults`)."""

from __future__ import annotations

import datetime
import time

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus, task_finished, task_started
from django_tasks_db.models import DBTaskResult

from langso.campaigns.tasks import snapshot_day
from langso.operations.task_recovery import WorkerLost, _lock_key, recover_tasks

pytestmark = pytest.mark.django_db


@task()
def sends_a_text_message(number: str) -> None:
    """Not idempotent: running it twice would send two messages."""


@pytest.fixture(autouse=True)
def _database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _claimed(task_obj, *args, minutes_ago: float, worker: str = "worker-that-died") -> DBTaskResult:
    """A task as the worker leaves it when it is killed: claimed (RUNNING), never finished."""
    result = task_obj.enqueue(*args)
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(worker)  # the library's own claim
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    row.refresh_from_db()
    return row


def _other_session() -> psycopg.Connection:
    """A second database session, standing in for a live worker process."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def _wait_for_session_end(backend_pid: int) -> None:
    """The server ends a closed session a moment later; its locks go then."""
    for _ in range(200):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # the view is a snapshot per transaction
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend_pid])
            if not cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    raise AssertionError("the closed session is still there")


@pytest.mark.skipif("connection.vendor == 'postgresql'")
def test_sqlite_an_idempotent_task_running_past_the_limit_goes_back_to_the_queue_once():
    stuck = _claimed(snapshot_day, "2026-11-30", minutes_ago=180)
    recent = _claimed(snapshot_day, "2026-12-01", minutes_ago=30)

    outcome = recover_tasks(minutes=5, max_minutes=120)

    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert outcome.requeued == [str(stuck.pk)]
    assert stuck.status == TaskResultStatus.READY and stuck.started_at is None
    assert stuck.worker_ids == ["worker-that-died"]  # the history of attempts stays
    # Without a liveness lock a task running for 30 minutes may be alive: left alone.
    assert recent.status == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.ready().filter(pk=stuck.pk).exists()  # a worker will pick it up
    assert recover_tasks(minutes=5, max_minutes=120).requeued == []  # READY now: not touched again


@pytest.mark.postgres_only
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_a_task_whose_worker_session_is_gone_is_requeued_a_live_one_is_kept():
    dead = _claimed(snapshot_day, "2026-11-30", minutes_ago=6)
    live = _claimed(snapshot_day, "2026-12-01", minutes_ago=600, worker="slow-but-alive")
    worker_session = _other_session()
    try:
        worker_session.execute("SELECT pg_advisory_lock(%s)", [_lock_key(live.pk)])

        outcome = recover_tasks(minutes=5)

        dead.refresh_from_db()
        live.refresh_from_db()
        assert outcome.requeued == [str(dead.pk)] and outcome.alive == [str(live.pk)]
        assert dead.status == TaskResultStatus.READY
        assert live.status == TaskResultStatus.RUNNING  # ten hours, but its worker still holds it
    finally:
        backend_pid = worker_session.info.backend_pid
        worker_session.close()  # the worker dies: its session, and the lock, go with it
    _wait_for_session_end(backend_pid)

    outcome = recover_tasks(minutes=5)

    live.refresh_from_db()
    assert outcome.requeued == [str(live.pk)] and live.status == TaskResultStatus.READY


@pytest.mark.postgres_only
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_the_worker_holds_the_task_lock_from_start_to_finish():
    result = snapshot_day.enqueue("2026-11-30")
    other = _other_session()
    try:

        def lock_is_free() -> bool:
            free = other.execute("SELECT pg_try_advisory_lock(%s)", [_lock_key(result.id)]).fetchone()[0]
            if free:
                other.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(result.id)])
            return free

        assert lock_is_free()
        task_started.send(sender=type(result.task.get_backend()), task_result=result)
        assert not lock_is_free()
        task_finished.send(sender=type(result.task.get_backend()), task_result=result)
        assert lock_is_free()
    finally:
        other.close()


def test_a_task_not_known_to_be_idempotent_is_marked_failed_not_run_twice():
    stuck = _claimed(sends_a_text_message, "0912345678", minutes_ago=24 * 60)

    outcome = recover_tasks(minutes=5, max_minutes=120)

    stuck.refresh_from_db()
    assert outcome.failed == [str(stuck.pk)]
    assert stuck.status == TaskResultStatus.FAILED and stuck.finished_at is not None
    error = sends_a_text_message.get_result(str(stuck.pk)).errors[0]
    assert error.exception_class is WorkerLost
    assert "worker-that-died" in error.traceback and "not known to be safe" in error.traceback


def test_an_idempotent_task_that_keeps_killing_its_worker_fails_after_its_attempts():
    stuck = _claimed(snapshot_day, "2026-11-30", minutes_ago=24 * 60)
    DBTaskResult.objects.filter(pk=stuck.pk).update(worker_ids=["w1", "w2", "w3"])

    outcome = recover_tasks(minutes=5, max_minutes=120, max_attempts=3)

    stuck.refresh_from_db()
    assert outcome.failed == [str(stuck.pk)] and stuck.status == TaskResultStatus.FAILED
    assert "3 attempts used" in stuck.traceback


def test_finished_and_queued_tasks_are_never_touched():
    done = _claimed(snapshot_day, "2026-11-29", minutes_ago=24 * 60)
    done.set_successful(3)
    waiting = snapshot_day.enqueue("2026-11-30")

    outcome = recover_tasks(minutes=0, max_minutes=0)

    assert outcome.requeued == outcome.failed == []
    assert DBTaskResult.objects.get(pk=done.pk).status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(pk=waiting.id).status == TaskResultStatus.READY


def test_the_command_reports_what_it_did():
    _claimed(snapshot_day, "2026-11-30", minutes_ago=24 * 60)
    _claimed(sends_a_text_message, "0912345678", minutes_ago=24 * 60)
    from io import StringIO

    out = StringIO()
    call_command("recover_tasks", "--minutes", "5", "--max-minutes", "120", stdout=out)

    assert out.getvalue().startswith("1 task(s) re-queued, 1 marked failed")
    assert not DBTaskResult.objects.running().exists()


def test_a_dead_import_task_is_closed_and_left_to_import_recover_which_requeues_its_job():
    from langso.registry.tasks import write_import

    stuck = _claimed(write_import, "00000000-0000-0000-0000-000000000001", minutes_ago=24 * 60)

    outcome = recover_tasks(minutes=5, max_minutes=120)

    stuck.refresh_from_db()
    assert outcome.failed == [str(stuck.pk)] and outcome.requeued == []
    assert stuck.status == TaskResultStatus.FAILED  # not run twice: import_recover enqueues a new task
    assert "re-queued by import_recover" in stuck.traceback
