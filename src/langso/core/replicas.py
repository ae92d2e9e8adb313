"""Heavy reads on a streaming replica, without ever showing a user an older state than they wrote.

Only reads that ask for it go to a replica: the dashboards, drill-downs, exports, the weekly report
and search are wrapped in `reads_from_replica()` (a context manager and a decorator). Every other read,
and every write, goes to the primary: a page that reads, checks and writes must see one database.

Three rules keep a replica's reads correct:

- **Read your own writes.** `ReadYourWritesMiddleware` pins a request to the primary once it has
  written (any INSERT/UPDATE/DELETE on the primary) and after any POST/PUT/PATCH/DELETE, and sets a
  cookie that keeps that browser on the primary for `sticky_seconds()`: the lag limit plus the time a
  lag measurement is trusted. A replica whose lag is under the limit has replayed every transaction
  committed more than that long ago, so once the cookie expires the replica has the user's writes.
- **A lagging replica is skipped.** Its lag is measured (`replica_health`) at most every
  `LANGSO_REPLICA_CHECK_SECONDS` per process; beyond `LANGSO_REPLICA_MAX_LAG_SECONDS` it is not used,
  nor when it cannot be reached or is not in recovery (a promoted ex-replica is no replica).
- **Inside a transaction on the primary, reads stay on the primary.**

Without `DATABASE_REPLICA_URL` there is no replica alias and the router sends everything to the
primary, as before.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router
from django.http import HttpRequest, HttpResponse

# Apps whose tables must always be read where they are written: sessions, the shared cache (sign-in
# counters), the task queue and second factors change on every request that uses them, and users and
# their roles decide access (a revoked role must stop working at once, not after the replica's lag).
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "django_cache", "django_tasks_db", "otp_totp", "otp_static", "auth", "accounts"}
)
STICKY_COOKIE = "langso_primary_until"
_WRITE_WORDS = ("INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "CREATE", "ALTER", "DROP")

_wants_replica: ContextVar[bool] = ContextVar("langso_wants_replica", default=False)
_pinned_to_primary: ContextVar[bool] = ContextVar("langso_pinned_to_primary", default=False)


@contextlib.contextmanager
def reads_from_replica() -> Iterator[None]:
    """Reads inside may go to a replica (when one is configured and fresh enough). Also a decorator."""
    token = _wants_replica.set(True)
    try:
        yield
    finally:
        _wants_replica.reset(token)


@contextlib.contextmanager
def primary_only() -> Iterator[None]:
    """Reads inside go to the primary, even within `reads_from_replica()`."""
    token = _pinned_to_primary.set(True)
    try:
        yield
    finally:
        _pinned_to_primary.reset(token)


# --- replica health ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplicaHealth:
    alias: str
    reachable: bool
    in_recovery: bool | None = None
    # Seconds behind: 0 when it has replayed everything the primary wrote, else the age of the last
    # transaction it replayed (infinite when it never replayed one).
    lag_seconds: float | None = None
    lag_bytes: int | None = None
    replay_paused: bool | None = None
    error: str = ""

    @property
    def lag_known(self) -> bool:
        return self.lag_seconds is not None and math.isfinite(self.lag_seconds)

    @property
    def usable(self) -> bool:
        return (
            self.reachable
            and bool(self.in_recovery)
            and self.lag_seconds is not None
            and self.lag_seconds <= max_lag_seconds()
        )


def max_lag_seconds() -> float:
    return float(getattr(settings, "REPLICA_MAX_LAG_SECONDS", 10))


def check_seconds() -> float:
    return float(getattr(settings, "REPLICA_CHECK_SECONDS", 5))


def sticky_seconds() -> float:
    return max_lag_seconds() + check_seconds() + 1


def replica_health(alias: str, *, primary: str = DEFAULT_DB_ALIAS) -> ReplicaHealth:
    """Measure now (no cache): is `alias` a replica in recovery, and how far behind `primary`?"""
    if connections[primary].vendor != "postgresql" or connections[alias].vendor != "postgresql":
        return ReplicaHealth(alias, reachable=False, error="PostgreSQL only")
    try:
        with connections[primary].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), pg_current_wal_lsn()::text")
            primary_in_recovery, primary_lsn = cursor.fetchone()
            if primary_in_recovery:  # pg_current_wal_lsn() is refused there anyway
                return ReplicaHealth(alias, reachable=False, error="the primary is in recovery")
    except DatabaseError as error:
        connections[primary].close()
        return ReplicaHealth(alias, reachable=False, error=f"primary: {error}".strip())
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                """
                SELECT pg_is_in_recovery(),
                       CASE WHEN pg_is_in_recovery() THEN pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()) END,
                       CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END,
                       EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())
                """,
                [primary_lsn],
            )
            in_recovery, behind, paused, age = cursor.fetchone()
    except DatabaseError as error:
        connections[alias].close()
        return ReplicaHealth(alias, reachable=False, error=str(error).strip())
    if not in_recovery:
        return ReplicaHealth(alias, reachable=True, in_recovery=False)
    behind_bytes = max(0, int(behind or 0))
    lag = math.inf if age is None else max(0.0, float(age))
    if behind_bytes == 0:
        lag = 0.0  # replayed everything the primary wrote, however long ago its last transaction was
    return ReplicaHealth(
        alias,
        reachable=True,
        in_recovery=True,
        lag_seconds=lag,
        lag_bytes=behind_bytes,
        replay_paused=bool(paused),
    )


_health_cache: dict[tuple[str, str], tuple[float, ReplicaHealth]] = {}
_health_lock = threading.Lock()


def cached_replica_health(alias: str, *, primary: str = DEFAULT_DB_ALIAS) -> ReplicaHealth:
    """`replica_health`, measured at most every `check_seconds()` in this process."""
    key = (alias, primary)
    now = time.monotonic()
    with _health_lock:
        cached = _health_cache.get(key)
    if cached and cached[0] > now:
        return cached[1]
    health = replica_health(alias, primary=primary)
    with _health_lock:
        _health_cache[key] = (time.monotonic() + check_seconds(), health)
    return health


def forget_replica_health() -> None:
    """Drop the measured lags, so the next read measures again (tests, and after a configuration change)."""
    with _health_lock:
        _health_cache.clear()


# --- the router --------------------------------------------------------------------------------------


class ReplicaRouter:
    """Writes and ordinary reads to `primary`; reads inside `reads_from_replica()` to the first usable
    replica. Replicas are `settings.READ_REPLICAS` (aliases of DATABASES) unless given."""

    def __init__(self, primary: str = DEFAULT_DB_ALIAS, replicas: tuple[str, ...] | None = None) -> None:
        self.primary = primary
        self._replicas = replicas

    @property
    def replicas(self) -> tuple[str, ...]:
        if self._replicas is not None:
            return self._replicas
        return tuple(getattr(settings, "READ_REPLICAS", ()))

    def db_for_read(self, model: Any, **hints: Any) -> str:
        if not _wants_replica.get() or _pinned_to_primary.get() or not self.replicas:
            return self.primary
        if model._meta.app_label in PRIMARY_ONLY_APPS or connections[self.primary].in_atomic_block:
            return self.primary
        for alias in self.replicas:
            if cached_replica_health(alias, primary=self.primary).usable:
                return alias
        return self.primary

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return self.primary

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replicas hold the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db not in self.replicas


def replica_router() -> ReplicaRouter | None:
    """The installed ReplicaRouter, if any (settings.DATABASE_ROUTERS)."""
    return next((r for r in router.routers if isinstance(r, ReplicaRouter)), None)


# --- read your own writes ----------------------------------------------------------------------------


def _bookkeeping_tables() -> tuple[str, ...]:
    """Tables whose writes are no user's data: a page that only filled the cache or saved its session
    must not send the next dashboards to the primary."""
    tables = ['"django_session"']
    for cache in settings.CACHES.values():
        if str(cache.get("BACKEND", "")).endswith("DatabaseCache"):
            tables.append(f'"{cache["LOCATION"]}"')
    return tuple(tables)


def _is_write(sql: str) -> bool:
    if not sql.lstrip(" \n\t(").upper().startswith(_WRITE_WORDS):
        return False
    head = sql[:200]
    return not any(table in head for table in _bookkeeping_tables())


class ReadYourWritesMiddleware:
    """Keeps a browser that has just written on the primary (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        routing = replica_router()
        if routing is None or not routing.replicas:
            return self.get_response(request)
        wrote = request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
        pinned = wrote or self._cookie_pins(request)
        token = _pinned_to_primary.set(pinned)

        def note_writes(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal wrote
            if not wrote and _is_write(sql):
                wrote = True
                _pinned_to_primary.set(True)  # later reads of this request see this write
            return execute(sql, params, many, context)

        try:
            with connections[routing.primary].execute_wrapper(note_writes):
                response = self.get_response(request)
        finally:
            _pinned_to_primary.reset(token)
        if wrote:
            seconds = sticky_seconds()
            response.set_cookie(
                STICKY_COOKIE,
                str(int(time.time() + seconds) + 1),
                max_age=int(seconds) + 1,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    @staticmethod
    def _cookie_pins(request: HttpRequest) -> bool:
        value = request.COOKIES.get(STICKY_COOKIE, "")
        return value.isdigit() and int(value) > time.time()
