"""The shipped catalogue is a data file: a change reaches a database that is already migrated as a new
published version (never an edit of the old one), a catalogue the province published is kept and
flagged, and a broken file is refused naming the file and the key."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.core.content import ContentError
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.skills import catalogue as skill_catalogue
from langso.skills import selectors, services, shipped
from langso.skills.models import CatalogueStatus, CatalogueVersion, Skill

NEW_SKILL = """
[[skills]]
code = "weather_app"
area = "information"
name = "Xem dự báo thời tiết trên điện thoại"
name_en = "Check the weather forecast on the phone"
digcomp = "1.1"
vn_domain = 1
description = "Mở ứng dụng thời tiết, xem mưa nắng ba ngày tới trước khi ra đồng."
"""


@pytest.fixture
def catalogue_file(tmp_path: Path, monkeypatch: Any) -> Path:
    path = tmp_path / "catalogue.toml"
    shutil.copy(shipped.CATALOGUE_FILE, path)
    monkeypatch.setattr(shipped, "CATALOGUE_FILE", path)
    shipped.shipped_catalogue.cache_clear()
    yield path
    shipped.shipped_catalogue.cache_clear()


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    shipped.shipped_catalogue.cache_clear()


@pytest.fixture
def staff(db: Any, settings: Any) -> Any:
    settings.DEMO_MODE = True  # province staff need a second factor; demo users skip it
    return user_with_role(Role.PROVINCE_STAFF, province=commune(NGHIA_TA).province, is_demo=True)


@pytest.mark.django_db
def test_a_changed_shipped_catalogue_becomes_a_new_published_version_on_the_next_migrate(
    catalogue_file, staff
) -> None:
    before = selectors.published_version()
    resident = ResidentFactory(household=HouseholdFactory(village=VillageFactory(commune=commune(NGHIA_TA))))
    record = services.skill_record_add(acting_user=staff, resident=resident, skill_code="qr_payment", level=3)
    _append(catalogue_file, NEW_SKILL)

    call_command("migrate", verbosity=0)

    now = selectors.published_version()
    before.refresh_from_db()
    assert before.status == CatalogueStatus.RETIRED and now.number == before.number + 1
    assert now.skills.filter(code="weather_app").exists()
    assert not before.skills.filter(code="weather_app").exists(), "a version is never edited"
    record.refresh_from_db()
    assert record.skill.version == before
    call_command("migrate", verbosity=0)
    assert CatalogueVersion.objects.count() == 2, "a second run changes nothing"


@pytest.mark.django_db
def test_a_catalogue_the_province_published_is_kept_and_a_new_draft_brings_the_new_shipped_skills(
    catalogue_file, staff, client
) -> None:
    draft = services.catalogue_draft_start(acting_user=staff)
    services.draft_skill_save(acting_user=staff, draft=draft, code="qr_payment", name="Thanh toán QR và ví")
    ours = services.catalogue_publish(acting_user=staff, draft=draft)
    assert not skill_catalogue.shipped_catalogue_changed()
    _append(catalogue_file, NEW_SKILL)

    call_command("migrate", verbosity=0)

    assert selectors.published_version() == ours
    assert not Skill.objects.filter(code="weather_app").exists()
    assert skill_catalogue.shipped_catalogue_changed()
    client.force_login(staff)
    assert (
        "Danh mục gốc đi kèm phần mềm đã thay đổi" in client.get(reverse("skills:catalogue")).content.decode()
    )

    draft = services.catalogue_draft_start(acting_user=staff)
    assert draft.skills.get(code="qr_payment").name == "Thanh toán QR và ví", "the province's edit stays"
    assert draft.skills.filter(code="weather_app").exists()
    services.catalogue_publish(acting_user=staff, draft=draft)
    assert not skill_catalogue.shipped_catalogue_changed()


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            '  "medical_appointment",\n',
            '  "medical_appointment",\n  "fly_a_plane",\n',
            "rules.online_procedures:",
        ),
        ('code = "video_call"', 'code = "phone_basics"', "skills #3.code: “phone_basics” appears twice"),
        ("vn_domain = 2", "vn_domain = 9", "skills #3.vn_domain: is 9; must be between 1 and 6"),
        ('area = "money"', 'area = "finance"', "area: is “finance”; must be one of"),
        ('digcomp = "2.1"', 'digcomp = "two"', "digcomp: “two” must be a DigComp competence"),
        ("proficient_level = 3", "proficient_level = 5", "rules.proficient_level: is 5"),
    ],
)
def test_an_invalid_catalogue_file_is_refused_naming_the_file_and_the_key(tmp_path, old, new, where) -> None:
    path = tmp_path / "catalogue.toml"
    text = shipped.CATALOGUE_FILE.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")

    with pytest.raises(ContentError) as error:
        shipped.load_catalogue(path)

    assert str(error.value).startswith(f"{path}: ") and where in str(error.value)
