"""Each part's health for the operations page: the databases (primary, replicas and their lag), the
background worker and its queue, the last backup and restore drill, the last national send.

Read fresh on every view (no cache: the page is for the person fixing things now). Nothing here reads
personal data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from langso.core.replicas import ReplicaHealth, max_lag_seconds, replica_health, replica_router
from langso.operations.heartbeat import interval_seconds
from langso.operations.models import MaintenanceKind, MaintenanceRun, WorkerHeartbeat

# Older than this, the page flags the part.
BACKUP_STALE = datetime.timedelta(hours=26)  # nightly, with an hour's slack
DRILL_STALE = datetime.timedelta(days=35)  # monthly (docs/deploy.md section 10)
FAILED_WINDOW = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class Standby:
    """A standby as the primary sees it (pg_stat_replication), whether or not the app reads from it."""

    name: str
    address: str
    state: str
    lag_bytes: int | None
    replay_lag_seconds: float | None


@dataclass
class DatabaseHealth:
    vendor: str
    reachable: bool
    version: str = ""
    server: str = ""
    in_recovery: bool | None = None
    error: str = ""
    standbys: list[Standby] = field(default_factory=list)
    replicas: list[ReplicaHealth] = field(default_factory=list)
    max_lag_seconds: float = 0.0


def _primary(alias: str) -> DatabaseHealth:
    connection = connections[alias]
    health = DatabaseHealth(vendor=connection.vendor, reachable=False, max_lag_seconds=max_lag_seconds())
    try:
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.execute("SELECT sqlite_version()")
                health.version = f"SQLite {cursor.fetchone()[0]}"
                health.server = _("tệp trên máy này")
                health.reachable = True
                return health
            cursor.execute(
                "SELECT current_setting('server_version'), pg_is_in_recovery(), "
                "coalesce(host(inet_server_addr()), 'socket') || ':' || coalesce(inet_server_port()::text, '')"
            )
            version, in_recovery, server = cursor.fetchone()
            health.version, health.in_recovery, health.server = f"PostgreSQL {version}", in_recovery, server
            health.reachable = True
            # Every standby streaming from this server (Patroni's too). Without pg_monitor the app's role
            # sees the rows with empty positions: they are shown as unknown.
            cursor.execute(
                """
                SELECT application_name, coalesce(host(client_addr), 'socket'), state,
                       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint,
                       EXTRACT(EPOCH FROM replay_lag)
                FROM pg_stat_replication ORDER BY application_name, client_addr
                """
                if not in_recovery
                else "SELECT NULL, NULL, NULL, NULL, NULL WHERE false"
            )
            health.standbys = [
                Standby(
                    name=name or "",
                    address=address or "",
                    state=state or "",
                    lag_bytes=None if behind is None else max(0, int(behind)),
                    replay_lag_seconds=None if lag is None else float(lag),
                )
                for name, address, state, behind, lag in cursor.fetchall()
            ]
    except DatabaseError as error:
        connection.close()
        health.error = str(error).strip()
    return health


def database_health() -> DatabaseHealth:
    """The primary and the replicas the router reads from (core/replicas.py), measured now."""
    routing = replica_router()
    primary = routing.primary if routing else DEFAULT_DB_ALIAS
    health = _primary(primary)
    if health.reachable and health.vendor == "postgresql" and routing:
        health.replicas = [replica_health(alias, primary=primary) for alias in routing.replicas]
    return health


@dataclass(frozen=True)
class WorkerBeat:
    hostname: str
    pid: int
    queues: str
    started_at: datetime.datetime
    last_seen_at: datetime.datetime
    alive: bool


@dataclass
class QueueHealth:
    workers: list[WorkerBeat]
    ready: int
    running: int
    failed_recently: int
    oldest_ready_at: datetime.datetime | None
    last_finished_at: datetime.datetime | None

    @property
    def any_alive(self) -> bool:
        return any(w.alive for w in self.workers)


def queue_health(now: datetime.datetime | None = None) -> QueueHealth:
    now = now or timezone.now()
    # Three beats missed: the worker is gone (a beat may wait behind a busy database).
    silent = now - datetime.timedelta(seconds=3 * interval_seconds() + 5)
    workers = [
        WorkerBeat(
            hostname=b.hostname,
            pid=b.pid,
            queues=b.queues,
            started_at=b.started_at,
            last_seen_at=b.last_seen_at,
            alive=b.last_seen_at >= silent,
        )
        for b in WorkerHeartbeat.objects.order_by("-last_seen_at")[:20]
    ]
    tasks = DBTaskResult.objects.all()
    ready = tasks.filter(status=TaskResultStatus.READY)
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    last_finished = tasks.filter(finished_at__isnull=False).order_by("-finished_at")
    return QueueHealth(
        workers=workers,
        ready=ready.count(),
        running=tasks.filter(status=TaskResultStatus.RUNNING).count(),
        failed_recently=tasks.filter(
            status=TaskResultStatus.FAILED, finished_at__gte=now - FAILED_WINDOW
        ).count(),
        oldest_ready_at=oldest,
        last_finished_at=last_finished.values_list("finished_at", flat=True).first(),
    )


@dataclass(frozen=True)
class RunHealth:
    last: MaintenanceRun | None
    last_ok: MaintenanceRun | None
    stale: bool


def _runs(kind: MaintenanceKind, stale_after: datetime.timedelta | None, now: datetime.datetime) -> RunHealth:
    runs = MaintenanceRun.objects.filter(kind=kind).order_by("-finished_at")
    last = runs.first()
    last_ok = last if last is not None and last.ok else runs.filter(ok=True).first()
    stale = last_ok is None or (stale_after is not None and last_ok.finished_at < now - stale_after)
    return RunHealth(last=last, last_ok=last_ok, stale=stale)


def operations_health(now: datetime.datetime | None = None) -> dict[str, Any]:
    """Everything the operations page shows."""
    now = now or timezone.now()
    national_configured = bool(getattr(settings, "NATIONAL_URL", ""))
    return {
        "database": database_health(),
        "queue": queue_health(now),
        "backup": _runs(MaintenanceKind.BACKUP, BACKUP_STALE, now),
        "drill": _runs(MaintenanceKind.RESTORE_DRILL, DRILL_STALE, now),
        "national_configured": national_configured,
        "national": _runs(MaintenanceKind.NATIONAL_SEND, None, now) if national_configured else None,
        "now": now,
    }
