"""The operations page: each part's health as the commands and the worker recorded it, for the
administrator only. (Replicas and their lag against a real standby: tests/test_read_replica.py.)"""

from __future__ import annotations

import datetime
import threading
import time
import uuid

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.accounts.tests.helpers import sign_in_with_two_factor
from langso.operations.heartbeat import beat, start_heartbeat
from langso.operations.models import MaintenanceKind, MaintenanceRun, WorkerHeartbeat
from langso.places.tests.factories import NGHIA_TA, commune


def _administrator_client() -> Client:
    client = Client()
    sign_in_with_two_factor(client, user_with_role(Role.ADMINISTRATOR))
    return client


def _page(client: Client) -> str:
    response = client.get(reverse("operations:health"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_fresh_installation_shows_what_is_missing_in_plain_vietnamese():
    page = _page(_administrator_client())
    assert "Vận hành hệ thống" in page
    assert "hoạt động" in page  # the primary answered
    assert "Chưa có bản sao lưu nào" in page
    assert "Chưa diễn tập khôi phục lần nào" in page
    assert "Chưa tiến trình nền nào báo đang chạy" in page
    assert "chưa cấu hình" in page and "LANGSO_NATIONAL_URL" in page
    if connection.vendor == "postgresql":
        assert "DATABASE_REPLICA_URL" in page  # no replica configured: said so, not hidden


@pytest.mark.django_db
def test_only_the_administrator_opens_the_page():
    officer = user_with_role(Role.COMMUNE_OFFICER, commune=commune(NGHIA_TA))
    client = Client()
    client.force_login(officer)
    assert client.get(reverse("operations:health")).status_code in (403, 404)
    assert "Vận hành" not in client.get(reverse("home")).content.decode()
    admin = _administrator_client()
    assert reverse("operations:health") in admin.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_a_live_worker_and_a_silent_one_are_told_apart():
    beat(worker_id="alive-worker", queues="*", started_at=timezone.now())
    beat(worker_id="dead-worker", queues="*", started_at=timezone.now())
    WorkerHeartbeat.objects.filter(worker_id="dead-worker").update(
        hostname="may-cu", last_seen_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    page = _page(_administrator_client())
    assert page.count("còn chạy") == 1
    assert page.count("đã dừng") == 1
    assert "may-cu" in page


@pytest.mark.django_db(transaction=True)
def test_the_worker_heartbeat_thread_beats_until_stopped():
    worker_id = f"test-{uuid.uuid4().hex[:8]}"
    with override_settings(WORKER_HEARTBEAT_SECONDS=0.05):
        thread = start_heartbeat(worker_id=worker_id, queues="default")
        try:
            deadline = time.monotonic() + 20
            seen: set[datetime.datetime] = set()
            while len(seen) < 2 and time.monotonic() < deadline:
                seen |= set(
                    WorkerHeartbeat.objects.filter(worker_id=worker_id).values_list("last_seen_at", flat=True)
                )
                time.sleep(0.05)
        finally:
            thread.stop.set()  # type: ignore[attr-defined]
            thread.join(timeout=10)
    assert len(seen) >= 2, "the beat moved on at least once"


@pytest.mark.django_db(transaction=True)
def test_the_db_worker_command_beats_and_its_beat_stops_when_it_returns(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # the worker's queue
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--worker-id",
        "batch-worker",
        verbosity=0,
    )
    row = WorkerHeartbeat.objects.get(worker_id="batch-worker")
    assert row.queues == "default" and row.pid > 0
    assert not [t for t in threading.enumerate() if t.name == "langso-worker-heartbeat" and t.is_alive()]


@pytest.mark.django_db(transaction=True)
def test_a_backup_and_a_restore_drill_are_recorded_and_shown(tmp_path):
    target = tmp_path / "nightly.backup"
    call_command("backup", "--output", str(target))
    backup = MaintenanceRun.objects.get(kind=MaintenanceKind.BACKUP)
    assert backup.ok and backup.detail == str(target) and backup.size_bytes == target.stat().st_size

    with _scratch_database(tmp_path) as scratch_url:
        call_command("restore_drill", str(target), "--into", scratch_url)
    drill = MaintenanceRun.objects.get(kind=MaintenanceKind.RESTORE_DRILL)
    assert drill.ok and drill.rows == backup.rows

    with pytest.raises(CommandError):
        call_command("backup", "--output", str(target))  # the file exists: refused, and recorded
    page = _page(_administrator_client())
    assert "Chưa có bản sao lưu nào" not in page and "Chưa diễn tập khôi phục" not in page
    assert f"{backup.finished_at.astimezone(timezone.get_current_timezone()):%d/%m/%Y %H:%M}" in page
    assert "thất bại" in page  # the refused second backup, with its reason
    assert page.count("đạt") >= 2


@pytest.mark.django_db
def test_a_restore_drill_into_the_live_database_is_refused(tmp_path):
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        live = (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or 'localhost'}:"
            f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
        )
    elif connection.is_in_memory_db():
        pytest.skip("the SQLite test database lives in memory: no URL names it")
    else:
        live = f"sqlite:///{settings_dict['NAME']}"
    with pytest.raises(CommandError, match="bản nháp"):
        call_command("restore_drill", str(tmp_path / "any.backup"), "--into", live)
    assert not MaintenanceRun.objects.exists()


class _scratch_database:  # noqa: N801 - used as a context manager, named as one
    """An empty database of the suite's engine, dropped afterwards."""

    def __init__(self, tmp_path) -> None:
        self.tmp_path = tmp_path
        self.name = f"langso_drill_{uuid.uuid4().hex[:8]}"

    def _admin(self) -> psycopg.Connection:
        s = connection.settings_dict
        return psycopg.connect(
            host=s["HOST"] or None, port=s["PORT"] or None, user=s["USER"], password=s["PASSWORD"] or None,
            dbname="postgres", autocommit=True,
        )  # fmt: skip

    def __enter__(self) -> str:
        if connection.vendor != "postgresql":
            return f"sqlite:///{self.tmp_path / 'scratch.sqlite3'}"
        s = connection.settings_dict
        with self._admin() as admin:
            admin.execute(f"CREATE DATABASE \"{self.name}\" TEMPLATE template0 ENCODING 'UTF8'")
        with psycopg.connect(
            host=s["HOST"] or None, port=s["PORT"] or None, user=s["USER"], password=s["PASSWORD"] or None,
            dbname=self.name, autocommit=True,
        ) as scratch:  # fmt: skip
            scratch.execute(
                "CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm;"
            )
        password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
        return f"postgres://{s['USER']}{password}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{self.name}"

    def __exit__(self, *exc) -> None:
        if connection.vendor == "postgresql":
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
