"""The restore drill: registry data is backed up, wiped, restored, and every table is compared.

It runs on the test database of whichever engine the suite runs on: SQLite (in memory, restored through
the backup API into the live connection; or a file, swapped in place) and PostgreSQL (pg_dump and
pg_restore into the test database only)."""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from langso.accounts.tests.factories import commune_officer
from langso.operations import backup as backups
from langso.places.models import Village
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
from langso.registry import services as registry_services
from langso.registry.models import Consent, Household, Resident
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.skills import catalogue as skill_catalogue
from langso.skills import services as skill_services
from langso.skills.models import CurrentSkillLevel, SkillRecord
from langso.skills.selectors import published_skills
from langso.teams.models import HelpDeskSession, Team, TeamMember, Visit
from langso.teams.tests.factories import TeamMemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4


def _registry(officer):
    village = VillageFactory(commune=commune(NGHIA_TA))
    member = TeamMemberFactory(team__village=village)
    skill_catalogue.install_default_catalogue()
    skill_code = published_skills().first().code
    people = []
    for n in range(3):
        household = HouseholdFactory(village=village)
        for k in range(2):
            person = ResidentFactory(
                household=household,
                full_name=f"Hà Thị Mẫu {n}-{k}",
                cccd=f"00117900{n}{k}34",
                phone="0912345678",
            )
            people.append(person)
        registry_services.consent_record(
            acting_user=officer, resident=people[-1], purpose="digital_inclusion"
        )
        skill_services.skill_record_add(
            acting_user=officer, resident=people[-1], skill_code=skill_code, level=2
        )
        visit = Visit.objects.create(
            household=household,
            village=village,
            commune_id=village.commune_id,
            province_id=village.commune.province_id,
            team=member.team,
            member=member,
            visited_on=datetime.date(2025, 8, 1),
            content_hash="x" * 64,
            notes="Hướng dẫn cài VNeID",
            photo=JPEG,
        )
        visit.present.add(*people[-2:])
    HelpDeskSession.objects.create(
        commune_id=village.commune_id,
        province_id=village.commune.province_id,
        resident=people[0],
        helped_on=datetime.date(2025, 8, 2),
        procedure="vneid_level2",
        outcome="done",
        minutes=15,
        content_hash="y" * 64,
    )
    return people


def _fingerprints() -> dict[str, tuple[int, str]]:
    """Per table: the row count and a checksum of every row's primary key and field values."""
    result = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy:
            continue
        names = [f.attname for f in meta.concrete_fields]
        digest = hashlib.sha256()
        rows = model._base_manager.order_by("pk").values_list(*names)
        count = 0
        for row in rows.iterator():
            digest.update(repr([bytes(v) if isinstance(v, memoryview) else v for v in row]).encode())
            count += 1
        result[meta.db_table] = (count, digest.hexdigest())
    return result


def _wipe() -> None:
    Visit.objects.all().delete()
    HelpDeskSession.objects.all().delete()
    SkillRecord.objects.all().delete()
    CurrentSkillLevel.objects.all().delete()
    Consent.objects.all().delete()
    Household.objects.update(head=None)
    Resident.objects.all().delete()
    Household.objects.all().delete()
    TeamMember.objects.all().delete()
    Team.objects.all().delete()
    Village.objects.all().delete()


def test_a_backup_restores_every_row_after_the_registry_was_wiped(tmp_path):
    officer = commune_officer(commune(NGHIA_TA))
    people = _registry(officer)
    before = _fingerprints()
    target = tmp_path / "drill.backup"

    call_command("backup", "--output", str(target))

    manifest = json.loads(backups.manifest_path_for(target).read_text())
    assert manifest["vendor"] == connection.vendor
    assert manifest["sha256"] == backups.sha256_of(target)
    assert manifest["row_counts"]["registry_resident"] == len(people)
    assert manifest["migrations"]["registry"].startswith("00")
    assert (target.stat().st_mode & 0o777) == 0o600

    _wipe()
    assert Resident.objects.count() == 0
    assert _fingerprints() != before

    call_command("restore", str(target), "--yes")

    assert _fingerprints() == before
    restored = Resident.objects.get(pk=people[0].pk)
    assert restored.full_name == "Hà Thị Mẫu 0-0"
    assert bytes(Visit.objects.filter(household=restored.household).get().photo) == JPEG


def test_a_backup_never_overwrites_a_file(tmp_path):
    target = tmp_path / "taken.backup"
    target.write_bytes(b"earlier backup")
    with pytest.raises(CommandError, match="không ghi đè"):
        call_command("backup", "--output", str(target))
    assert target.read_bytes() == b"earlier backup"


def test_restore_needs_yes_and_changes_nothing_without_it(tmp_path):
    target = tmp_path / "kept.backup"
    call_command("backup", "--output", str(target))
    ResidentFactory()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(target))
    assert Resident.objects.count() == 1


def test_restore_refuses_a_damaged_file(tmp_path):
    target = tmp_path / "damaged.backup"
    call_command("backup", "--output", str(target))
    with target.open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(target), "--yes")


def test_restore_refuses_a_backup_from_a_newer_version_or_another_database(tmp_path):
    target = tmp_path / "newer.backup"
    call_command("backup", "--output", str(target))
    manifest_path = backups.manifest_path_for(target)
    manifest = json.loads(manifest_path.read_text())

    manifest["migrations"]["registry"] = "9999_from_the_future"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="mới hơn"):
        call_command("restore", str(target), "--yes")

    manifest["vendor"] = "oracle"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="oracle"):
        call_command("restore", str(target), "--yes")


def test_restore_refuses_a_backup_without_its_manifest(tmp_path):
    target = tmp_path / "alone.backup"
    target.write_bytes(gzip.compress(b"not a database"))
    with pytest.raises(CommandError, match="tệp mô tả"):
        call_command("restore", str(target), "--yes")


def test_postgres_connection_arguments_keep_the_password_off_the_command_line():
    args, env = backups.pg_connection_args(
        {
            "NAME": "langso",
            "USER": "langso",
            "PASSWORD": "bí-mật",
            "HOST": "db.example",
            "PORT": 5433,
            "OPTIONS": {"sslmode": "require"},
        }
    )
    assert "bí-mật" not in " ".join(args)
    assert env["PGPASSWORD"] == "bí-mật"
    assert env["PGSSLMODE"] == "require"
    assert "--host=db.example" in args and "--port=5433" in args and "--username=langso" in args
    assert "--no-password" in args


def test_the_extension_entries_of_a_dump_are_left_to_the_superuser():
    assert backups._is_extension_entry("12; 3079 16390 EXTENSION - unaccent")
    assert backups._is_extension_entry("4390; 0 0 COMMENT - EXTENSION unaccent")
    assert not backups._is_extension_entry("217; 1259 16385 TABLE public registry_resident langso")
    assert not backups._is_extension_entry(";     Dump Version: 1.14-0")
