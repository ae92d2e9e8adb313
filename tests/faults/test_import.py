"""The registry's Excel import (8,000 residents, 2,000 households) cut off by a SIGKILL to the worker
or an immediate stop of PostgreSQL, then recovered the way an installation does it: the worker
restarts (systemd `Restart=always`), cron runs `import_recover` and `recover_tasks`.

The moment is read from the database, not from a hook in the app: the check's progress (every 5,000
rows), a committed chunk of the valid-rows write (5,000 rows each), or, for the all-or-nothing write
(one transaction, nothing visible until the end), the worker's session seen in pg_stat_activity in
the middle of an INSERT into the residents table.

Checked: before recovery, the registry holds what the import mode promises (all-or-nothing: nothing;
valid rows only: exactly the chunks its progress names); after recovery the job is done with every
valid row stored once (one resident per CCCD, one household per code, counts that match), and no
task is left RUNNING.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.faults.harness import driver, wait_until

pytestmark = pytest.mark.faults

ROWS = 8_000
HOUSEHOLDS = ROWS // 4
BAD_ROWS = 3


@pytest.fixture(scope="session")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("import-files")


def _job(site: Any, job_id: str) -> dict[str, Any]:
    columns = ("status", "mode", "processed_rows", "valid_rows", "created_count", "attempts", "error_message")
    sql = f"SELECT {', '.join(columns)} FROM registry_importjob WHERE id = %s"  # noqa: S608 - fixed names
    row = site.query(sql, (job_id,))[0]
    return dict(zip(columns, row, strict=True))


def _wait_status(
    site: Any, job_id: str, status: str, timeout: float = 90, every: float = 0.1
) -> dict[str, Any]:
    def reached() -> dict[str, Any] | None:
        site.supervise()
        job = _job(site, job_id)
        if job["status"] == "failed" and status != "failed":
            raise AssertionError(f"the import failed: {job}\n{site.logs()}")
        return job if job["status"] == status else None

    return wait_until(reached, timeout=timeout, every=every, what=f"import {job_id} to be {status}")


def _registry(site: Any) -> dict[str, int]:
    return {
        "residents": site.scalar("SELECT count(*) FROM registry_resident"),
        "distinct_cccd": site.scalar("SELECT count(DISTINCT cccd) FROM registry_resident"),
        "households": site.scalar("SELECT count(*) FROM registry_household"),
        "distinct_household_codes": site.scalar("SELECT count(DISTINCT code) FROM registry_household"),
    }


def _tasks(site: Any) -> dict[str, int]:
    rows = site.query("SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status")
    return dict(rows)


def _writing_residents(site: Any, job_id: str) -> bool:
    """The worker's session is inside its write transaction, copying residents in."""
    if _job(site, job_id)["status"] in ("done", "failed"):
        raise AssertionError("the write finished before the test could catch it in the middle")
    return bool(
        site.scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_xid IS NOT NULL AND query ILIKE '%%registry_resident%%'"
        )
    )


def _recover_like_cron(site: Any) -> str:
    return driver(site.env, "cron")["output"]


def _assert_complete(site: Any, job_id: str, valid: int) -> None:
    job = _wait_status(site, job_id, "done")
    registry = _registry(site)
    assert registry == {
        "residents": valid,
        "distinct_cccd": valid,
        "households": HOUSEHOLDS,
        "distinct_household_codes": HOUSEHOLDS,
    }, registry
    assert job["created_count"] == valid and job["processed_rows"] == valid, job
    audit = site.scalar(
        "SELECT count(*) FROM core_auditentry WHERE action = 'import' AND object_id = %s", (job_id,)
    )
    assert audit == 1  # the import's audit line, once
    wait_until(lambda: "RUNNING" not in _tasks(site), timeout=30, what="no task left RUNNING")


def test_worker_killed_mid_check_and_mid_write_valid_rows_only(installation, files):
    site = installation
    worker = site.worker()
    worker.start()
    job_id = driver(
        site.env,
        "start-import",
        "--rows",
        str(ROWS),
        "--bad-rows",
        str(BAD_ROWS),
        "--path",
        str(files / "bad3.xlsx"),
    )["job"]

    # 1. Killed while checking the file: the job stays "checking" and its task RUNNING, until cron's
    # import_recover re-queues the job and recover_tasks closes the dead task.
    wait_until(
        lambda: (j := _job(site, job_id))["status"] == "checking" and j["processed_rows"] >= 5_000,
        timeout=90,
        what="the check to be under way",
    )
    worker.kill()
    site.wait_for_killed_sessions()
    assert _tasks(site).get("RUNNING") == 1
    assert _registry(site)["residents"] == 0  # a check writes nothing
    recovered = _recover_like_cron(site)
    assert "1 import(s) re-queued" in recovered and "1 marked failed" in recovered, recovered
    worker.start()
    checked = _wait_status(site, job_id, "checked")
    valid = ROWS - BAD_ROWS
    assert checked["valid_rows"] == valid

    # 2. Killed while writing, after at least one committed chunk.
    driver(site.env, "confirm-import", "--job", job_id, "--mode", "valid_only")
    wait_until(
        lambda: (j := _job(site, job_id))["status"] == "writing" and j["processed_rows"] >= 5_000,
        timeout=90,
        what="the write to be under way",
    )
    worker.kill()
    site.wait_for_killed_sessions()
    cut = _job(site, job_id)
    registry = _registry(site)
    print(f"[faults] import valid_only, worker killed: {cut['processed_rows']} rows written of {valid}")
    # The promise of valid-rows-only: each chunk commits with the progress that names it.
    assert cut["status"] == "writing" and cut["processed_rows"] < valid, cut
    assert registry["residents"] == cut["processed_rows"] == cut["created_count"], (registry, cut)
    assert registry["residents"] == registry["distinct_cccd"]

    recovered = _recover_like_cron(site)
    assert "1 import(s) re-queued" in recovered, recovered
    worker.start()
    _assert_complete(site, job_id, valid)
    assert _job(site, job_id)["attempts"] == 2  # re-queued once while checking, once while writing
    assert _tasks(site) == {"FAILED": 2, "SUCCESSFUL": 2}, _tasks(site)  # the 2 killed, their 2 re-runs


@pytest.mark.parametrize("mode", ["all", "valid_only"])
def test_postgres_stopped_mid_write(installation, files, mode):
    site = installation
    worker = site.worker()
    worker.start()
    job_id = driver(site.env, "start-import", "--rows", str(ROWS), "--path", str(files / "clean.xlsx"))["job"]
    _wait_status(site, job_id, "checked")
    driver(site.env, "confirm-import", "--job", job_id, "--mode", mode)

    if mode == "all":  # one transaction: caught inside it, inserting residents
        wait_until(
            lambda: _writing_residents(site, job_id), timeout=90, every=0.005, what="the write transaction"
        )
    else:  # a chunk committed, more to come
        wait_until(
            lambda: (j := _job(site, job_id))["status"] == "writing" and j["processed_rows"] >= 5_000,
            timeout=90,
            what="the write to be under way",
        )
    before = _job(site, job_id)
    site.cluster.crash()
    time.sleep(0.5)  # the worker meets the dead database
    site.cluster.start()
    assert site.cluster.recovered_from_crash()

    after = _job(site, job_id)
    registry = _registry(site)
    print(
        f"[faults] import {mode}, PostgreSQL stopped: progress {before['processed_rows']} before, "
        f"{after['processed_rows']} after the restart ({after['status']}); residents {registry['residents']}; "
        f"worker {'alive' if worker.alive() else 'exited'} after the restart"
    )
    if mode == "all":
        assert registry["residents"] == registry["households"] == 0  # all or nothing: nothing
        assert after["processed_rows"] == 0
    else:
        # Chunks commit without waiting for the disk (_quick_commits): a crash may take back the last
        # ones, always together with the progress that names them.
        assert registry["residents"] == after["processed_rows"] == after["created_count"], (registry, after)
    assert after["status"] == "writing", after  # nobody could record the failure: the database was gone

    recovered = _recover_like_cron(site)
    assert "1 import(s) re-queued" in recovered, recovered

    # The officer sees "done": that must hold even if PostgreSQL dies the next instant.
    _wait_status(site, job_id, "done", every=0.002)
    site.cluster.crash()
    site.cluster.start()
    done = _job(site, job_id)
    print(
        f"[faults] import {mode}: PostgreSQL stopped again the instant the job showed done: now {done['status']}"
    )
    assert done["status"] == "done", done
    recovered = _recover_like_cron(site)
    assert "0 import(s) re-queued" in recovered, recovered
    _assert_complete(site, job_id, ROWS)
    print(f"[faults] import {mode}: the worker was restarted {worker.restarts} time(s)")
