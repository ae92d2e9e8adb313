"""Shared test set-up: the real administrative units are loaded once into the test database."""

from __future__ import annotations

import os

import pytest

# The fault-injection suite kills servers and a throwaway PostgreSQL; it runs on its own (`make faults`).
collect_ignore = [] if os.environ.get("LANGSO_FAULTS") else ["tests/faults"]


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


# CI sets LANGSO_REQUIRE_BROWSER: a run where no browser test passed, or one was skipped, fails.
_browser_outcomes: dict[str, int] = {"passed": 0, "skipped": 0}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "browser" in report.keywords:
        if report.when == "call" and report.passed:
            _browser_outcomes["passed"] += 1
        elif report.skipped:
            _browser_outcomes["skipped"] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
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
    settings.MEDIA_ROOT = os.environ.get("LANGSO_TEST_MEDIA", "/tmp/langso-test-media")  # noqa: S108
