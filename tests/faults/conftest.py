"""Fixtures of the fault-injection suite (`make faults`): one throwaway PostgreSQL cluster for the
session, a migrated template database, and per test a fresh database copied from it plus the app's
processes pointed at it. Everything started here is killed and removed at the end."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from tests.faults.harness import ThrowawayPostgres, app_env, driver, free_port, gunicorn, wait_until, worker

TEMPLATE = "langso_faults_template"


@pytest.fixture(scope="session")
def cluster() -> Iterator[ThrowawayPostgres]:
    pg = ThrowawayPostgres()
    try:
        pg.init()
        pg.start()
        with pg.connect() as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        workdir = Path(tempfile.mkdtemp(prefix="langso-faults-template-"))
        driver(app_env(pg, TEMPLATE, workdir), "base")
        shutil.rmtree(workdir, ignore_errors=True)
        yield pg
    finally:
        pg.destroy()


@dataclass
class Installation:
    """One installation of the app for one test: its database, its files, its processes."""

    cluster: ThrowawayPostgres
    database: str
    workdir: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    services: list = field(default_factory=list)
    _reader: psycopg.Connection | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app_server(self):  # type: ignore[no-untyped-def]
        server = gunicorn(self.env, self.workdir, self.port)
        self.services.append(server)
        return server

    def start_app_server(self):  # type: ignore[no-untyped-def]
        server = self.app_server()
        server.start()
        self.wait_for_app()
        return server

    def wait_for_app(self) -> None:
        import urllib.request

        def up() -> bool:
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2):  # noqa: S310
                    return True
            except OSError as error:
                return getattr(error, "code", 0) in (200, 404)  # the server answers: it is up

        wait_until(up, timeout=30, every=0.1, what="gunicorn to answer")

    def worker(self):  # type: ignore[no-untyped-def]
        process = worker(self.env, self.workdir)
        self.services.append(process)
        return process

    def supervise(self) -> None:
        """Restart a dead worker, as systemd does (the app server is restarted by the tests themselves)."""
        for service in self.services:
            if service.name == "worker" and service.process is not None and not service.alive():
                service.restart_if_dead()

    def query(self, sql: str, params: object = None) -> list[tuple]:
        """Read with plain SQL on one kept connection (a new session per poll would cost a fork of
        the server each time and slow down what is being watched); reconnects after a crash."""
        try:
            if self._reader is None or self._reader.closed:
                self._reader = self.cluster.connect(self.database)
            return self._reader.execute(sql, params).fetchall()
        except psycopg.OperationalError:
            if self._reader is not None:
                self._reader.close()
            self._reader = self.cluster.connect(self.database)
            return self._reader.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: object = None) -> object:
        return self.query(sql, params)[0][0]

    def wait_for_killed_sessions(self) -> None:
        """After a SIGKILL, the server ends the dead process's sessions (rolling back what they had not
        committed) a moment later: wait for that, so what is read next is what the crash left."""
        wait_until(
            lambda: (
                not self.scalar(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                )
            ),
            timeout=30,
            what="the killed processes' database sessions to end",
        )

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()

    def logs(self) -> str:
        return "\n".join(f"--- {s.name}\n{s.log_tail()}" for s in self.services)


@pytest.fixture
def installation(cluster: ThrowawayPostgres, request: pytest.FixtureRequest) -> Iterator[Installation]:
    database = f"langso_faults_{uuid.uuid4().hex[:8]}"
    with cluster.connect() as conn:
        conn.execute(f"CREATE DATABASE {database} TEMPLATE {TEMPLATE}")
    workdir = Path(tempfile.mkdtemp(prefix="langso-faults-"))
    site = Installation(cluster, database, workdir, app_env(cluster, database, workdir))
    yield site
    for service in site.services:
        service.kill()
    site.close()
    report = request.node.stash.get(_failed_key, False)
    if report:
        print(site.logs())
    shutil.rmtree(workdir, ignore_errors=True)


_failed_key = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call" and report.failed:
        item.stash[_failed_key] = True
    return report
