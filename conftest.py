"""Shared test set-up: the real administrative units are loaded once into the test database.

The suite runs in parallel with pytest-xdist (`make test`: `-n 2`): each worker is a process with its
own test database (pytest-django adds `_gw0`, `_gw1`… to the name; SQLite's is in memory), its own
locmem cache and its own media directory (below). The checks that fail a whole run (no browser test
ran, the PostgreSQL run is not on PostgreSQL) are made where they see the whole run: in the process that
runs the tests when there are no workers, in the controller when there are.
"""

from __future__ import annotations

import os

import pytest

# "gw0", "gw1"… in an xdist worker, "" in a run without workers.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

# The fault-injection suite kills servers and a throwaway PostgreSQL; it runs on its own (`make faults`).
collect_ignore = [] if os.environ.get("LANGSO_FAULTS") else ["tests/faults"]


def _require_postgres_failure() -> str | None:
    """Why LANGSO_REQUIRE_POSTGRES fails this run, if it does: read from the settings, so the controller
    of a parallel run (which opens no database) stops before any worker starts."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("LANGSO_REQUIRE_POSTGRES") and "postgresql" not in engine:
        return f"LANGSO_REQUIRE_POSTGRES is set but the tests are not running on PostgreSQL ({engine})"
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    if WORKER:
        return
    failure = _require_postgres_failure()
    if failure:
        pytest.exit(failure, returncode=3)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from django.db import connection

    if os.environ.get("LANGSO_REQUIRE_POSTGRES") and connection.vendor != "postgresql":
        pytest.exit(
            "LANGSO_REQUIRE_POSTGRES is set but the tests are not running on PostgreSQL", returncode=3
        )
    from langso.places.loaders import load_administrative_units

    with django_db_blocker.unblock():
        load_administrative_units()
    return


def _database_kind(item: pytest.Item) -> int:
    """pytest-django's order of a test: 0 runs in a transaction that is rolled back, 1 is transactional
    (live server, browser: the database is flushed when it ends, the administrative units with it),
    2 uses no database."""
    from pytest_django.plugin import validate_django_db

    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transaction, reset_sequences, *_ = validate_django_db(marker) if marker is not None else (False, False)
    if transaction or reset_sequences or {"live_server", "transactional_db"} & set(names):
        return 1
    if marker is not None or "db" in names:
        return 0
    return 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the slow tests (marked `slow`) first, a few tests apart, so that under xdist they spread over
    the workers instead of ending the run on one of them while the others wait.

    pytest-django has already put the tests in its order (kind 0, then 1, then 2 above); a worker must
    keep that order, since a transactional test flushes what the later ones would need. So a slow test
    moves only to the head of its own kind, and a slow test that uses no database to the very front."""
    if not any(item.get_closest_marker("slow") for item in items):
        return
    blocks: dict[int, tuple[list[pytest.Item], list[pytest.Item]]] = {0: ([], []), 1: ([], []), 2: ([], [])}
    for item in items:
        kind = _database_kind(item)
        slow = item.get_closest_marker("slow") is not None
        # A slow test without a database may run at any point: with the first block it starts early.
        blocks[0 if slow and kind == 2 else kind][0 if slow else 1].append(item)
    ordered: list[pytest.Item] = []
    for slow, others in blocks.values():
        for item in slow:
            ordered.append(item)
            ordered += others[:3]
            del others[:3]
        ordered += others
    items[:] = ordered


# CI sets LANGSO_REQUIRE_BROWSER: a run where no browser test passed, or one was skipped, fails.
_browser_outcomes: dict[str, int] = {"passed": 0, "skipped": 0}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "browser" in report.keywords:
        if report.when == "call" and report.passed:
            _browser_outcomes["passed"] += 1
        elif report.skipped:
            _browser_outcomes["skipped"] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # A worker sees only its share of the tests; the controller gets every worker's reports through
    # pytest_runtest_logreport above and judges the whole run.
    if WORKER:
        return
    ran_all = _browser_outcomes["passed"] > 0 and not _browser_outcomes["skipped"]
    if os.environ.get("LANGSO_REQUIRE_BROWSER") and exitstatus == 0 and not ran_all:
        print(f"\nLANGSO_REQUIRE_BROWSER is set but the browser tests did not all run: {_browser_outcomes}")
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    """Each test starts with an empty cache (throttles, cached boards and PDFs)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _vietnamese_by_default(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "vi"
    settings.DEMO_MODE = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # One directory per xdist worker: a test that lists or clears a media folder sees only its own files.
    media = os.environ.get("LANGSO_TEST_MEDIA", "/tmp/langso-test-media")  # noqa: S108
    settings.MEDIA_ROOT = f"{media}-{WORKER}" if WORKER else media
