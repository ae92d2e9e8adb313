"""The weekly report task (`weekly_report --enqueue`, campaigns/tasks.py) with its worker killed by
SIGKILL in the middle: some campaigns' reports made, the others not.

The moment: the task makes one report (PDF and Excel) per campaign, each in its own transaction; the
test kills the worker once the first report is committed and the task is still RUNNING.

Checked: django-tasks-db leaves the task RUNNING and a new worker does not pick it up (the gap);
`recover_tasks` leaves a task alone while its worker lives (the worker's lock is held), and re-queues it
once its worker is dead; the new worker then finishes it, and every campaign has exactly one report.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.faults.harness import driver, manage, wait_until

pytestmark = pytest.mark.faults

CAMPAIGNS = 4


def _task(site: Any, task_id: str) -> tuple[str, Any]:
    return site.query(
        "SELECT status, return_value FROM django_tasks_database_dbtaskresult WHERE id = %s", (task_id,)
    )[0]


def _reports(site: Any) -> int:
    return site.scalar("SELECT count(*) FROM campaigns_weeklyreport")


def test_a_report_task_whose_worker_died_is_picked_up_again_and_makes_each_report_once(installation):
    site = installation
    seed = driver(site.env, "seed-report", "--campaigns", str(CAMPAIGNS))
    worker = site.worker()
    worker.start()
    enqueued = manage(site.env, "weekly_report", "--province", str(seed["province"]), "--enqueue")
    task_id = enqueued.split("task ")[1].split()[0]

    wait_until(lambda: _reports(site) >= 1, timeout=90, what="the first report")
    worker.kill()
    site.wait_for_killed_sessions()
    made_before = _reports(site)
    print(f"[faults] weekly report: worker killed after {made_before} of {CAMPAIGNS} reports")
    assert 1 <= made_before < CAMPAIGNS
    assert _task(site, task_id)[0] == "RUNNING"

    # The gap: a new worker does not touch a task another worker claimed, so it would stay RUNNING.
    starts = worker.starts_logged()
    worker.start()
    wait_until(lambda: worker.starts_logged() > starts, timeout=60, what="the new worker")
    time.sleep(1)  # ten of its polls of the queue
    assert _task(site, task_id)[0] == "RUNNING" and _reports(site) == made_before

    recovered = manage(site.env, "recover_tasks", "--minutes", "0")
    assert "1 task(s) re-queued" in recovered, recovered
    # Picked up again; while the new worker runs it, its lock keeps a recoverer's hands off.
    wait_until(
        lambda: _task(site, task_id)[0] == "RUNNING", timeout=30, every=0.01, what="the task to run again"
    )
    alive = manage(site.env, "recover_tasks", "--minutes", "0")
    status, returned = wait_until(
        lambda: (t := _task(site, task_id))[0] in ("SUCCESSFUL", "FAILED") and t, timeout=120, what="the task"
    )
    assert status == "SUCCESSFUL", site.logs()
    if "1 still running with a live worker" not in alive:  # only if the rest of the task was quicker
        assert "0 task(s) re-queued" in alive, alive

    assert _reports(site) == CAMPAIGNS
    assert (
        site.scalar("SELECT count(DISTINCT (campaign_id, week_start)) FROM campaigns_weeklyreport")
        == CAMPAIGNS
    )
    assert site.scalar("SELECT count(*) FROM campaigns_weeklyreport WHERE length(pdf) > 1000") == CAMPAIGNS
    assert len(returned) == CAMPAIGNS  # the ids of all the reports, the ones made before the kill too
    worker_ids = site.scalar(
        "SELECT worker_ids FROM django_tasks_database_dbtaskresult WHERE id = %s", (task_id,)
    )
    assert len(worker_ids) == 2  # the dead worker and the one that finished it
    print(f"[faults] weekly report: recover_tasks during the re-run said: {alive.strip()}")
