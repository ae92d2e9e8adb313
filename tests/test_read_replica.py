"""The replica router against a real streaming replica: a primary made with initdb and a standby made
from it with `pg_basebackup -R`, both on loopback ports of this machine, thrown away at the end.

Every test that says a read went to the replica proves it on the connection the router chose
(`pg_is_in_recovery()` is true only on a standby), so a router that silently read the primary fails.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import Client, override_settings
from django.urls import path

from langso.core.database_url import forget_database, register_database
from langso.core.replicas import (
    STICKY_COOKIE,
    ReplicaRouter,
    forget_replica_health,
    reads_from_replica,
    replica_health,
)
from langso.places.models import Province
from tests.faults.harness import ThrowawayPostgres, postgres_bin_dir, wait_until

# One worker runs the whole module under xdist (`--dist loadgroup`): the pair of clusters is built once.
pytestmark = [pytest.mark.postgres_only, pytest.mark.xdist_group("read_replica")]

PRIMARY, REPLICA = "ha_primary", "ha_replica"
DATABASE = "langso_pair"
_codes = itertools.count(9001)


class Pair:
    def __init__(self, primary: ThrowawayPostgres, standby: ThrowawayPostgres) -> None:
        self.primary = primary
        self.standby = standby

    def on_standby(self, sql: str) -> Any:
        return self.standby.scalar(DATABASE, sql)

    def standby_has(self, code: int) -> bool:
        return bool(
            self.standby.scalar(DATABASE, "SELECT count(*) FROM places_province WHERE code = %s", [code])
        )


@pytest.fixture(scope="module")
def pair(django_db_blocker: Any) -> Iterator[Pair]:
    if connection.vendor != "postgresql":
        pytest.skip("the replica tests need PostgreSQL (they run in the PostgreSQL pass of make test)")
    try:
        postgres_bin_dir()
    except RuntimeError:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_basebackup) not found: apt-get install postgresql"
        )
    primary = ThrowawayPostgres()
    standby = ThrowawayPostgres()
    try:
        primary.init()
        with (primary.data / "postgresql.conf").open("a") as conf:
            # initdb's pg_hba.conf already trusts replication connections from 127.0.0.1.
            conf.write("wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n")
        primary.start()
        with primary.connect() as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        standby._run(
            "pg_basebackup",
            "-D",
            str(standby.data),
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-R",  # writes standby.signal and primary_conninfo: it starts as a streaming standby
            "-X",
            "stream",
            "--no-sync",
            "--checkpoint=fast",  # else it waits for the next scheduled checkpoint (minutes)
        )
        with (standby.data / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {standby.port}\nunix_socket_directories = '{standby.base}'\n")
        standby.start()
        wait_until(
            lambda: primary.scalar(
                "postgres", "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
            ),
            timeout=60,
            what="the standby to stream from the primary",
        )
        register_database(PRIMARY, primary.url(DATABASE))
        register_database(REPLICA, standby.url(DATABASE))
        with django_db_blocker.unblock():
            with connections[PRIMARY].schema_editor() as editor:
                editor.create_model(Province)
            wait_until(
                lambda: standby.scalar(DATABASE, "SELECT to_regclass('places_province') IS NOT NULL"),
                timeout=30,
                what="the standby to replay the new table",
            )
            yield Pair(primary, standby)
    finally:
        for alias in (PRIMARY, REPLICA, "ha_multi"):
            forget_database(alias)
        standby.destroy()
        primary.destroy()


def _on_replica(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return bool(cursor.fetchone()[0])


def _province(code: int) -> Province:
    return Province.objects.create(
        code=code,
        name=f"Tỉnh thử {code}",
        division_type="tỉnh",
        codename=f"tinh_thu_{code}",
        sort_key=str(code),
    )


def write_view(request: HttpRequest) -> HttpResponse:
    _province(int(request.POST["code"]))
    return HttpResponse("ok")


@reads_from_replica()
def read_view(request: HttpRequest) -> HttpResponse:
    queryset = Province.objects.order_by("code")
    return JsonResponse(
        {"codes": list(queryset.values_list("code", flat=True)), "replica": _on_replica(queryset.db)}
    )


urlpatterns = [path("write/", write_view), path("read/", read_view)]


@pytest.fixture
def routed(pair: Pair, django_db_blocker: Any) -> Iterator[Pair]:
    """The pair as the app's primary and replica, a lag limit of 1 s, lag measured on every read."""
    forget_replica_health()
    router = ReplicaRouter(primary=PRIMARY, replicas=(REPLICA,))
    with (
        django_db_blocker.unblock(),
        override_settings(
            DATABASE_ROUTERS=[router],
            REPLICA_MAX_LAG_SECONDS=1,
            REPLICA_CHECK_SECONDS=0,
            ROOT_URLCONF=__name__,
        ),
    ):
        try:
            yield pair
        finally:
            if pair.on_standby("SELECT pg_is_wal_replay_paused()"):
                pair.on_standby("SELECT pg_wal_replay_resume()::text")
            forget_replica_health()


def _caught_up(pair: Pair, code: int) -> None:
    wait_until(lambda: pair.standby_has(code), timeout=30, what="the standby to replay the write")


def test_a_heavy_read_goes_to_the_replica_and_ordinary_reads_to_the_primary(routed: Pair) -> None:
    code = next(_codes)
    _province(code)
    _caught_up(routed, code)
    wait_until(lambda: replica_health(REPLICA, primary=PRIMARY).usable, timeout=30, what="the replica in use")

    with reads_from_replica():
        heavy = Province.objects.filter(code=code)
        assert heavy.db == REPLICA
        assert [p.code for p in heavy] == [code]
        assert _on_replica(heavy.db)
        with transaction.atomic(using=PRIMARY):
            inside = Province.objects.filter(code=code)
            assert inside.db == PRIMARY, "inside a transaction on the primary, reads stay there"

    ordinary = Province.objects.filter(code=code)
    assert ordinary.db == PRIMARY
    assert not _on_replica(ordinary.db)


def test_a_browser_that_wrote_reads_its_write_while_the_replica_has_not_replayed_it(routed: Pair) -> None:
    with override_settings(REPLICA_MAX_LAG_SECONDS=3600):  # the stale replica stays in use for others
        routed.on_standby("SELECT pg_wal_replay_pause()::text")
        wait_until(lambda: routed.on_standby("SELECT pg_is_wal_replay_paused()"), timeout=10)
        code = next(_codes)

        writer = Client()
        assert writer.post("/write/", {"code": code}).status_code == 200
        assert writer.cookies[STICKY_COOKIE].value

        own = json.loads(writer.get("/read/").content)
        assert code in own["codes"]
        assert own["replica"] is False

        other = json.loads(Client().get("/read/").content)
        assert other["replica"] is True
        assert code not in other["codes"], "the paused replica lacks the write: the writer was kept off it"


def test_a_replica_that_lags_beyond_the_limit_is_skipped(routed: Pair) -> None:
    routed.on_standby("SELECT pg_wal_replay_pause()::text")
    wait_until(lambda: routed.on_standby("SELECT pg_is_wal_replay_paused()"), timeout=10)
    code = next(_codes)
    _province(code)
    lagging = wait_until(
        lambda: (h := replica_health(REPLICA, primary=PRIMARY)).lag_seconds > 1 and h,
        timeout=10,
        what="the paused replica's lag to pass the 1 s limit",
    )
    assert lagging.in_recovery and lagging.replay_paused and lagging.lag_bytes > 0
    assert not lagging.usable

    with reads_from_replica():
        queryset = Province.objects.filter(code=code)
        assert queryset.db == PRIMARY
        assert not _on_replica(queryset.db)
        assert queryset.exists()

    routed.on_standby("SELECT pg_wal_replay_resume()::text")
    _caught_up(routed, code)
    wait_until(
        lambda: replica_health(REPLICA, primary=PRIMARY).usable, timeout=30, what="the replica to catch up"
    )
    with reads_from_replica():
        assert Province.objects.filter(code=code).db == REPLICA


def test_a_multi_host_url_connects_to_whichever_host_is_the_primary(
    pair: Pair, django_db_blocker: Any
) -> None:
    standby, primary = pair.standby.port, pair.primary.port
    # The standby is listed first, as after a failover the old primary would be: libpq skips it.
    register_database(
        "ha_multi",
        f"postgres://postgres@127.0.0.1:{standby},127.0.0.1:{primary}/{DATABASE}?target_session_attrs=read-write",
    )
    try:
        with django_db_blocker.unblock(), connections["ha_multi"].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
            assert cursor.fetchone() == (False, primary)
    finally:
        forget_database("ha_multi")


def test_the_operations_page_sees_the_standby_streaming_and_the_replica_in_use(routed: Pair) -> None:
    from langso.operations.health import database_health

    code = next(_codes)
    _province(code)
    _caught_up(routed, code)
    wait_until(lambda: replica_health(REPLICA, primary=PRIMARY).usable, timeout=30, what="the replica in use")
    health = database_health()
    assert health.reachable and health.in_recovery is False
    assert [s.state for s in health.standbys] == ["streaming"]
    [replica] = health.replicas
    assert replica.alias == REPLICA and replica.in_recovery and replica.lag_known
