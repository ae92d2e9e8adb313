"""The retention rule: old personal data goes, recent data stays, each real run is one audit entry."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from langso.accounts.tests.factories import commune_officer
from langso.core import audit
from langso.core.models import AuditAction, AuditEntry
from langso.guides.models import Guide, GuideLanguage, GuideStep, RecordingStatus, StepRecording
from langso.operations.retention import ANONYMOUS_WALK_IN, RetentionPolicy, apply_retention
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
from langso.registry.models import ImportJob
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.skills.citizen import access_code_create
from langso.skills.models import CitizenAccessCode
from langso.teams.models import HelpDeskSession, Visit

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0photo"


def _days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def aged():
    home = commune(NGHIA_TA)
    officer = commune_officer(home)
    village = VillageFactory(commune=home)
    household = HouseholdFactory(village=village)
    resident = ResidentFactory(household=household)

    def visit(days: int) -> Visit:
        row = Visit.objects.create(
            household=household,
            village=village,
            commune_id=home.code,
            province_id=home.province_id,
            visited_on=datetime.date(2025, 1, 1),
            content_hash="v" * 64,
            photo=JPEG,
        )
        Visit.objects.filter(pk=row.pk).update(created_at=_days_ago(days))
        return row

    def walk_in(days: int) -> HelpDeskSession:
        row = HelpDeskSession.objects.create(
            commune_id=home.code,
            province_id=home.province_id,
            walk_in_name="Bà Tư bán rau",
            walk_in_birth_year=1950,
            helped_on=datetime.date(2025, 1, 1),
            procedure="vneid_level2",
            outcome="done",
            minutes=10,
            content_hash="w" * 64,
            notes="ở chợ",
        )
        HelpDeskSession.objects.filter(pk=row.pk).update(created_at=_days_ago(days))
        return row

    def code(expired_days_ago: int) -> CitizenAccessCode:
        row, _ = access_code_create(acting_user=officer, resident=ResidentFactory(household=household))
        CitizenAccessCode.objects.filter(pk=row.pk).update(expires_at=_days_ago(expired_days_ago))
        return row

    def import_job(finished_days_ago: int) -> ImportJob:
        job = ImportJob(
            kind="residents",
            commune=home,
            created_by=officer,
            original_name="so-ho.xlsx",
            file_sha256="0" * 64,
            status="done",
            finished_at=_days_ago(finished_days_ago),
        )
        job.file.save("so-ho.xlsx", ContentFile(b"PK fake workbook"), save=False)
        job.save()
        return job

    step = GuideStep.objects.create(
        guide=Guide.objects.create(skill_code="ret-voice", title="Giọng đọc"), number=1, text="Mở máy."
    )

    def voice(status: str, reviewed_days_ago: int) -> StepRecording:
        return StepRecording.objects.create(
            step=step,
            language=GuideLanguage.objects.get(code="vi"),
            text=step.text,
            audio=b"OggS voice",
            content_type="audio/ogg",
            size=10,
            sha256="0" * 64,
            status=status,
            reviewed_at=_days_ago(reviewed_days_ago),
        )

    def audit_entry(days: int) -> AuditEntry:
        entry = audit.record(actor=officer, action=AuditAction.REVEAL, obj=resident, resident_id=resident.pk)
        models.QuerySet.update(AuditEntry.objects.filter(pk=entry.pk), at=_days_ago(days))
        return entry

    return {
        "old_visit": visit(400),
        "new_visit": visit(10),
        "old_walk_in": walk_in(400),
        "new_walk_in": walk_in(10),
        "old_code": code(31),
        "new_code": code(5),
        "old_import": import_job(40),
        "new_import": import_job(2),
        "old_rejected_voice": voice(RecordingStatus.REJECTED, 100),
        "old_replaced_voice": voice(RecordingStatus.REPLACED, 100),
        "new_rejected_voice": voice(RecordingStatus.REJECTED, 10),
        "old_published_voice": voice(RecordingStatus.APPROVED, 400),
        "old_entry": audit_entry(6 * 366),
        "new_entry": audit_entry(4 * 365),
    }


def test_a_dry_run_counts_and_changes_nothing(aged):
    before = AuditEntry.objects.count()
    outcomes = {o.key: o.count for o in apply_retention(dry_run=True)}
    assert outcomes == {
        "visit_photos": 1,
        "walk_in_names": 1,
        "citizen_codes": 1,
        "import_files": 1,
        "voice_recordings": 2,
        "audit_entries": 1,
    }
    assert Visit.objects.get(pk=aged["old_visit"].pk).photo is not None
    assert AuditEntry.objects.count() == before


def test_old_personal_data_goes_and_recent_data_stays(aged):
    apply_retention()

    assert Visit.objects.get(pk=aged["old_visit"].pk).photo is None
    assert bytes(Visit.objects.get(pk=aged["new_visit"].pk).photo) == JPEG
    old_walk_in = HelpDeskSession.objects.get(pk=aged["old_walk_in"].pk)
    assert old_walk_in.walk_in_name == ANONYMOUS_WALK_IN and old_walk_in.notes == ""
    assert HelpDeskSession.objects.get(pk=aged["new_walk_in"].pk).walk_in_name == "Bà Tư bán rau"
    assert not CitizenAccessCode.objects.filter(pk=aged["old_code"].pk).exists()
    assert CitizenAccessCode.objects.filter(pk=aged["new_code"].pk).exists()
    assert not ImportJob.objects.get(pk=aged["old_import"].pk).file
    assert ImportJob.objects.get(pk=aged["new_import"].pk).file
    # A member's voice goes once it was rejected or replaced long enough ago; a published one stays.
    kept = set(StepRecording.objects.values_list("pk", flat=True))
    assert aged["old_rejected_voice"].pk not in kept and aged["old_replaced_voice"].pk not in kept
    assert {aged["new_rejected_voice"].pk, aged["old_published_voice"].pk} <= kept
    assert not AuditEntry.objects.filter(pk=aged["old_entry"].pk).exists()
    assert AuditEntry.objects.filter(pk=aged["new_entry"].pk).exists()


def test_each_run_is_one_audit_entry_with_what_it_removed(aged):
    apply_retention()
    entry = AuditEntry.objects.get(object_type="operations.retention")
    assert entry.actor_username == "apply_retention"
    assert entry.changes["removed"]["visit_photos"] == 1
    assert entry.changes["removed"]["audit_entries"] == 1
    apply_retention()
    assert AuditEntry.objects.filter(object_type="operations.retention").count() == 2


def test_the_periods_come_from_settings_and_a_short_audit_period_is_refused(settings, aged):
    settings.RETAIN_VISIT_PHOTO_DAYS = 5
    assert {o.key: o.count for o in apply_retention(dry_run=True)}["visit_photos"] == 2
    settings.RETAIN_AUDIT_YEARS = 1
    with pytest.raises(ImproperlyConfigured):
        RetentionPolicy.from_settings()


def test_the_command_prints_what_it_removes(aged, capsys):
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "would remove 1: visit photos older than 365 days" in out
    assert AuditEntry.objects.filter(object_type="operations.retention").count() == 0
    call_command("apply_retention")
    assert "removed 1: audit entries older than 5 years" in capsys.readouterr().out
