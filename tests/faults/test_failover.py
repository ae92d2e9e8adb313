"""Failover drill: the province's database machine dies while phones are syncing, Patroni promotes the
replica, and the app carries on by itself (docs/deploy.md §13).

The set-up, all on loopback: one etcd, two PostgreSQL nodes under Patroni with `synchronous_mode`
(tests/faults/ha.py); the app's gunicorn and task worker with a DATABASE_URL that lists both nodes
with `target_session_attrs=read-write`; three phones, each with its own key, sending batches of visits
(each visit with an id the phone made) and resending a batch until the server answers 200, as the
phone's outbox does. Once every phone has had batches acknowledged, the primary's "machine" dies:
SIGKILL to its Patroni and to every process of its PostgreSQL, mid-traffic, no leader key released.

Checked: the replica is promoted; the same gunicorn (never restarted) and the worker (restarted if it
died, as systemd does) work against the new primary: phones' batches are acknowledged again and a
weekly-report task enqueued after the failover is done; every visit acknowledged before or after the
kill is stored exactly once, with one skill record, one service and one audit line each, and nothing
else was stored. Reported (printed, and written to test-artifacts/failover-drill.json): the time from
the kill to the promotion, and to the first batch sent after the kill that was stored.

Skipped, saying why, where Patroni, etcd or PostgreSQL is not installed; `.ci/run` installs them and
sets LANGSO_REQUIRE_FAILOVER, which turns that skip into a failure.
"""

# ruff: noqa: S310 - talks HTTP to 127.0.0.1 only
from __future__ import annotations

import datetime
import json
import os
import shutil
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.faults.conftest import _failed_key
from tests.faults.ha import TTL, HaCluster, missing_tools
from tests.faults.harness import (
    ROOT,
    app_env,
    driver,
    free_port,
    gunicorn,
    http_json,
    manage,
    wait_until,
    worker,
)

pytestmark = pytest.mark.faults

DATABASE = "langso_drill"
PHONES = 3
PER_BATCH = 6
BATCHES_BEFORE = 3  # acknowledged batches per phone before the kill
BATCHES_AFTER = 3  # ... and after it
PAUSE = 1.0  # between a phone's batches: under the server's 60 requests a minute per key
RETRY_EVERY = 0.5
IN_FLIGHT = 0.03  # the kill comes this long after a batch was sent, while it is being written
GIVE_UP_AFTER = (
    150  # a phone stops resending after this long: the drill ends even when the app does not recover
)


@pytest.fixture
def ha(request: pytest.FixtureRequest) -> Iterator[HaCluster]:
    missing = missing_tools()
    if missing:
        message = (
            f"failover drill skipped: {', '.join(missing)} not installed here "
            "(apt-get install patroni etcd-server postgresql; .ci/run installs them)"
        )
        if os.environ.get("LANGSO_REQUIRE_FAILOVER"):
            pytest.fail(message + ", but LANGSO_REQUIRE_FAILOVER is set")
        pytest.skip(message)
    cluster = HaCluster(Path(tempfile.mkdtemp(prefix="langso-drill-")))
    try:
        try:
            cluster.start_leader()
        except BaseException:
            print(cluster.logs())
            raise
        yield cluster
        if request.node.stash.get(_failed_key, False):
            print(cluster.logs())
    finally:
        cluster.destroy()


@dataclass
class Phone:
    """One phone's outbox: batches go one after another; a batch is resent until answered 200."""

    url: str
    token: str
    households: list[dict[str, Any]]
    sent: list[str] = field(default_factory=list)
    acknowledged: list[tuple[float, list[str]]] = field(default_factory=list)  # (when, ids)
    attempts: list[tuple[float, float, Any]] = field(default_factory=list)  # (started, ended, status)
    duplicates: int = 0
    in_flight_since: float = 0.0  # when the request being answered now was sent (0: none)
    rejected: list[Any] = field(default_factory=list)
    n: int = 0

    def batch(self) -> list[dict[str, Any]]:
        records = []
        for _ in range(PER_BATCH):
            household = self.households[self.n % len(self.households)]
            person = household["people"][0]
            records.append(
                {
                    "id": str(uuid.uuid4()),
                    "kind": "visit",
                    "data": {
                        "household_id": household["id"],
                        "visited_on": str(datetime.date.today() - datetime.timedelta(days=self.n % 20)),
                        "present": household["people"],
                        "skills": [{"resident_id": person, "skill_code": "video_call", "level": 2}],
                        "services": [{"service": "vneid_installed", "resident_id": person}],
                        "notes": f"Lần {self.n}: hướng dẫn gọi video.",
                    },
                }
            )
            self.n += 1
        return records

    def run(self, stop: threading.Event) -> None:
        give_up_at = time.monotonic() + GIVE_UP_AFTER
        while not stop.is_set():
            records = self.batch()
            ids = [r["id"] for r in records]
            self.sent.extend(ids)
            while True:  # a batch once put in the outbox is sent until acknowledged, even when stopping
                started = time.monotonic()
                self.in_flight_since = started
                try:
                    status, answer = http_json(
                        "POST", self.url, {"records": records}, token=self.token, timeout=20
                    )
                except OSError as error:
                    status, answer = repr(error)[:80], None
                self.in_flight_since = 0.0
                self.attempts.append((started, time.monotonic(), status))
                if status == 200:
                    break
                if time.monotonic() > give_up_at:
                    return
                time.sleep(RETRY_EVERY)
            statuses = {r["id"]: r["status"] for r in answer["results"]}
            self.duplicates += sum(1 for s in statuses.values() if s == "duplicate")
            self.rejected += [r for r in answer["results"] if r["status"] not in ("stored", "duplicate")]
            self.acknowledged.append(
                (time.monotonic(), [i for i in ids if statuses.get(i) in ("stored", "duplicate")])
            )
            stop.wait(PAUSE)

    def acked_since(self, moment: float) -> int:
        return sum(1 for when, _ids in self.acknowledged if when > moment)


def _first_write_after(phones: list[Phone], moment: float) -> float:
    """When the first request *sent* after `moment` was answered 200 (one in flight at the kill does
    not count: it may have been committed before)."""
    return min(
        ended
        for phone in phones
        for started, ended, status in phone.attempts
        if started > moment and status == 200
    )


def _healthz(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=2):
            return True
    except OSError as error:
        return getattr(error, "code", 0) in (200, 404)


def test_the_app_carries_on_when_the_primary_dies_and_loses_no_acknowledged_visit(ha: HaCluster):
    started = time.monotonic()
    primary, replica = ha.nodes
    with primary.connect() as conn:
        conn.execute(f"CREATE DATABASE {DATABASE}")
    workdir = Path(tempfile.mkdtemp(prefix="langso-drill-app-"))
    env = app_env(primary, DATABASE, workdir)  # type: ignore[arg-type]  # app_env reads .url() only
    env["DATABASE_URL"] = ha.multi_host_url(DATABASE)
    services = []
    stop = threading.Event()
    threads: list[threading.Thread] = []
    try:
        driver(env, "base")
        seed = driver(env, "seed-field", "--households", "30", "--phones", str(PHONES))
        report_seed = driver(env, "seed-report", "--campaigns", "1")
        # The replica joins once the schema is there (cloning it is quicker than replaying it), and from
        # then on every commit waits for it.
        ha.start_replica()
        port = free_port()
        server = gunicorn(env, workdir, port)
        task_worker = worker(env, workdir)
        services += [server, task_worker]
        server.start()
        task_worker.start()
        base_url = f"http://127.0.0.1:{port}"
        wait_until(lambda: _healthz(base_url), timeout=30, every=0.1, what="gunicorn to answer")
        set_up = time.monotonic() - started

        households = seed["households"]
        phones = [
            Phone(f"{base_url}/api/v1/field/batch", token, households[n::PHONES])
            for n, token in enumerate(seed["tokens"])
        ]
        threads = [threading.Thread(target=phone.run, args=(stop,), daemon=True) for phone in phones]
        for thread in threads:
            thread.start()
        wait_until(
            lambda: all(len(p.acknowledged) >= BATCHES_BEFORE for p in phones),
            timeout=60,
            every=0.1,
            what="the phones' first batches",
        )
        assert ha.replica_in_sync()

        # The machine dies while a phone's batch is being written (the server takes a while over one).
        wait_until(
            lambda: any(
                p.in_flight_since and time.monotonic() - p.in_flight_since > IN_FLIGHT for p in phones
            ),
            timeout=30,
            every=0.005,
            what="a batch in flight",
        )
        in_flight_at_kill = sum(1 for p in phones if p.in_flight_since)
        acked_before = {i for p in phones for _when, ids in list(p.acknowledged) for i in ids}
        killed_at = time.monotonic()
        primary.kill()
        wait_until(lambda: ha.leader() is replica, timeout=90, every=0.05, what="the promotion")
        promoted_at = time.monotonic()
        # The worker is a service under systemd (Restart=always): restart it if the failover killed it.
        wait_until(
            lambda: (
                task_worker.restart_if_dead(),
                all(p.acked_since(promoted_at) >= BATCHES_AFTER for p in phones),
            )[1],
            timeout=90,
            every=0.2,
            what="the phones to sync again",
        )
        first_write_at = _first_write_after(phones, killed_at)

        # The worker carries on too: a task enqueued now is done against the new primary.
        enqueued = manage(env, "weekly_report", "--province", str(report_seed["province"]), "--enqueue")
        task_id = enqueued.split("task ")[1].split()[0]

        def task_done() -> bool:
            task_worker.restart_if_dead()
            with replica.connect(DATABASE) as conn:
                row = conn.execute(
                    "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s", (task_id,)
                ).fetchone()
            assert row is None or row[0] != "FAILED", task_worker.log_tail()
            return row is not None and row[0] == "SUCCESSFUL"

        wait_until(task_done, timeout=90, every=0.2, what=f"the weekly report task\n{task_worker.log_tail()}")

        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads), (
            "a phone never got its last batch acknowledged"
        )
        assert server.alive() and server.restarts == 0, "gunicorn itself carried on"

        sent = [i for p in phones for i in p.sent]
        acked = {i for p in phones for _when, ids in p.acknowledged for i in ids}
        with replica.connect(DATABASE) as conn:

            def count(sql: str) -> int:
                return conn.execute(sql, (sent,)).fetchone()[0]

            stored = {
                row[0]
                for row in conn.execute(
                    "SELECT id::text FROM teams_visit WHERE id = ANY(%s::uuid[])", (sent,)
                )
            }
            visits = conn.execute("SELECT count(*) FROM teams_visit").fetchone()[0]
            visit_skills = count("SELECT count(*) FROM teams_visitskill WHERE visit_id = ANY(%s::uuid[])")
            skill_records = count(
                "SELECT count(DISTINCT skill_record_id) FROM teams_visitskill WHERE visit_id = ANY(%s::uuid[])"
            )
            visit_services = count("SELECT count(*) FROM teams_visitservice WHERE visit_id = ANY(%s::uuid[])")
            audit_lines = count("SELECT count(*) FROM core_auditentry WHERE object_id = ANY(%s)")
            skill_records_all = conn.execute("SELECT count(*) FROM skills_skillrecord").fetchone()[0]
            reports = conn.execute("SELECT count(*) FROM campaigns_weeklyreport").fetchone()[0]

        result = {
            "nodes": "1 etcd, 2 PostgreSQL 15 under Patroni 3.0 (synchronous_mode), loopback",
            "patroni_ttl_s": TTL,
            "set_up_s": round(set_up, 1),
            "kill_to_promotion_s": round(promoted_at - killed_at, 2),
            "kill_to_first_write_s": round(first_write_at - killed_at, 2),
            "phones": PHONES,
            "visits_sent": len(sent),
            "acknowledged_before_kill": len(acked_before),
            "acknowledged": len(acked),
            "answered_duplicate": sum(p.duplicates for p in phones),
            "batches_in_flight_at_kill": in_flight_at_kill,
            "failed_attempts": dict(
                Counter(str(status) for p in phones for *_t, status in p.attempts if status != 200)
            ),
            "worker_restarts": task_worker.restarts,
            "drill_s": round(time.monotonic() - started, 1),
        }
        print(f"[faults] failover drill: {json.dumps(result)}")
        artifacts = ROOT / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        (artifacts / "failover-drill.json").write_text(json.dumps(result, indent=2) + "\n")

        assert not any(p.rejected for p in phones), [p.rejected for p in phones]
        assert acked == set(sent)  # every batch was in the end acknowledged, every visit in it
        assert acked_before <= stored, f"lost in the failover: {len(acked_before - stored)}"
        assert stored == set(sent) and len(sent) == len(set(sent))
        assert visits == len(sent), "no visit stored twice, nothing stored that was not sent"
        assert visit_skills == skill_records == skill_records_all == len(sent)
        assert visit_services == len(sent)
        assert audit_lines == len(sent)
        assert reports == 1
    except BaseException:
        for service in services:
            print(f"--- {service.name}\n{service.log_tail()}")
        raise
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        for service in services:
            service.kill()
        shutil.rmtree(workdir, ignore_errors=True)
