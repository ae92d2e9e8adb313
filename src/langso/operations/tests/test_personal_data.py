"""A person's data export and erasure on request: complete, only theirs, audited, scoped."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from langso.accounts.tests.factories import PASSWORD, commune_officer, user_with_role
from langso.core.models import AuditAction, AuditEntry
from langso.operations import services
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry import services as registry_services
from langso.registry.models import Consent, Household, Resident
from langso.registry.tests.factories import HouseholdFactory
from langso.skills import catalogue as skill_catalogue
from langso.skills import services as skill_services
from langso.skills.models import CurrentSkillLevel, SkillRecord
from langso.skills.selectors import published_skills
from langso.teams.models import HelpDeskSession, Visit, VisitService

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0photo-bytes"


@pytest.fixture
def world():
    home = commune(NGHIA_TA)
    officer = commune_officer(home)
    village = VillageFactory(commune=home)
    household = HouseholdFactory(village=village)
    person = registry_services.resident_register(
        acting_user=officer,
        household=household,
        full_name="Hoàng Thị Yêu Cầu",
        birth_year=1960,
        sex="female",
        cccd="001160012345",
        phone="0912345678",
        ethnic_group="01",
        is_head=True,
    )
    other = registry_services.resident_register(
        acting_user=officer,
        household=household,
        full_name="Lò Văn Khác",
        birth_year=1958,
        sex="male",
        cccd="001058098765",
        phone="0987654321",
    )
    skill_catalogue.install_default_catalogue()
    code = published_skills().first().code
    for resident in (person, other):
        registry_services.consent_record(acting_user=officer, resident=resident, purpose="digital_inclusion")
        skill_services.skill_record_add(acting_user=officer, resident=resident, skill_code=code, level=3)
    visit = Visit.objects.create(
        household=household,
        village=village,
        commune_id=home.code,
        province_id=home.province_id,
        visited_on=datetime.date(2025, 9, 1),
        content_hash="h" * 64,
        photo=JPEG,
    )
    visit.present.add(person, other)
    VisitService.objects.create(visit=visit, resident=person, service="vneid_level2")
    HelpDeskSession.objects.create(
        commune_id=home.code,
        province_id=home.province_id,
        resident=person,
        helped_on=datetime.date(2025, 9, 2),
        procedure="birth_registration",
        outcome="done",
        minutes=20,
        content_hash="d" * 64,
        notes="Hồ sơ cho cháu",
    )
    return {"officer": officer, "person": person, "other": other, "household": household, "visit": visit}


def _archive(content: bytes) -> tuple[dict, zipfile.ZipFile]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return json.loads(archive.read("data.json")), archive


def test_every_relation_to_a_person_has_an_erasure_rule():
    """A new table pointing at residents must be decided about before erasure will run."""
    keys = {services.relation_key(r) for r in services.person_relations()}
    assert keys == set(services.ERASURE_RULES)


def test_the_export_holds_everything_about_the_person_and_nothing_about_others(world):
    person, other = world["person"], world["other"]
    data, archive = _archive(services.person_export(acting_user=world["officer"], resident=person))
    text = json.dumps(data, ensure_ascii=False)

    assert data["resident"]["full_name"] == "Hoàng Thị Yêu Cầu"
    assert data["resident"]["cccd"] == "001160012345"
    assert data["resident"]["ethnic_group_label"]
    assert len(data["registry.consent.resident"]) == 1
    assert len(data["skills.skillrecord.resident"]) == 1
    assert [v["id"] for v in data["teams.visit.present"]] == [str(world["visit"].pk)]
    assert data["teams.visitservice.resident"][0]["service"] == "vneid_level2"
    assert data["teams.helpdesksession.resident"][0]["notes"] == "Hồ sơ cho cháu"
    assert data["audit_trail"] and all(e["action"] for e in data["audit_trail"])
    photo_name = data["teams.visit.present"][0]["photo"]
    assert archive.read(photo_name) == JPEG

    assert "Lò Văn Khác" not in text and other.cccd not in text and other.phone not in text
    assert "code_hash" not in text and "content_hash" not in text


def test_an_export_is_audited(world):
    services.person_export(acting_user=world["officer"], resident=world["person"])
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT, resident_id=world["person"].pk).get()
    assert entry.actor == world["officer"]


def test_erasure_removes_the_person_and_keeps_everyone_else(world):
    person, other = world["person"], world["other"]
    result = services.person_erase(acting_user=world["officer"], resident=person, reason="Đơn yêu cầu số 12")

    assert not Resident.objects.filter(pk=person.pk).exists()
    assert not Consent.objects.filter(resident_id=person.pk).exists()
    assert not SkillRecord.objects.filter(resident_id=person.pk).exists()
    assert not CurrentSkillLevel.objects.filter(resident_id=person.pk).exists()
    assert not VisitService.objects.filter(resident_id=person.pk).exists()
    assert result.removed["registry.consent.resident"] == 1
    # The others keep everything, and so does the visit they were part of.
    assert Resident.objects.filter(pk=other.pk).exists()
    assert Consent.objects.filter(resident=other).count() == 1
    assert SkillRecord.objects.filter(resident=other).count() == 1
    assert list(Visit.objects.get(pk=world["visit"].pk).present.all()) == [other]
    assert Household.objects.get(pk=world["household"].pk).head_id is None
    # The help-desk session still counts, without the person.
    session = HelpDeskSession.objects.get()
    assert session.resident_id is None and session.walk_in_name == services.ERASED_LABEL and not session.notes


def test_erasure_strips_personal_values_from_the_audit_trail_but_keeps_who_when_and_why(world):
    person, officer = world["person"], world["officer"]
    registry_services.cccd_reveal(acting_user=officer, resident=person)
    services.person_erase(acting_user=officer, resident=person, reason="Đơn yêu cầu số 12")

    entries = list(AuditEntry.objects.filter(resident_id=person.pk))
    text = json.dumps([[e.object_repr, e.changes, e.note] for e in entries], ensure_ascii=False)
    assert "Hoàng Thị Yêu Cầu" not in text and "001160012345" not in text and "0912345678" not in text
    assert {e.action for e in entries} >= {AuditAction.CREATE, AuditAction.REVEAL, AuditAction.ERASE}
    erasure = AuditEntry.objects.filter(resident_id=person.pk, action=AuditAction.ERASE).get()
    assert erasure.actor == officer and erasure.note == "Đơn yêu cầu số 12" and erasure.changes["erasure"]
    # The other person's trail is untouched.
    assert AuditEntry.objects.filter(resident_id=world["other"].pk, object_repr="Lò Văn Khác").exists()


def test_erasure_needs_a_reason(world):
    with pytest.raises(ValidationError):
        services.person_erase(acting_user=world["officer"], resident=world["person"], reason="  ")
    assert Resident.objects.filter(pk=world["person"].pk).exists()


def _signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_an_officer_downloads_the_export_from_the_resident_page(client, world):
    client = _signed_in(client, world["officer"])
    page = client.get(reverse("registry:resident", args=[world["person"].pk]))
    url = reverse("operations:person_export", args=[world["person"].pk])
    assert url in page.content.decode()
    response = client.post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    data, _ = _archive(response.content)
    assert data["resident"]["id"] == str(world["person"].pk)


def test_erasure_from_the_page_needs_the_confirmation_word_and_a_reason(client, world):
    client = _signed_in(client, world["officer"])
    url = reverse("operations:person_erase", args=[world["person"].pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"confirm": "đồng ý", "reason": "Đơn số 3"})
    assert refused.status_code == 200 and "XÓA" in refused.content.decode()
    assert Resident.objects.filter(pk=world["person"].pk).exists()

    done = client.post(url, {"confirm": "xoa", "reason": "Đơn số 3"})
    assert done.status_code == 302
    assert not Resident.objects.filter(pk=world["person"].pk).exists()


def test_officers_of_another_commune_get_not_found(client, world):
    outsider = commune_officer(commune(CUOR_DANG))
    client = _signed_in(client, outsider)
    person = world["person"]
    assert client.post(reverse("operations:person_export", args=[person.pk])).status_code == 404
    assert client.get(reverse("operations:person_erase", args=[person.pk])).status_code == 404
    assert (
        client.post(
            reverse("operations:person_erase", args=[person.pk]), {"confirm": "XÓA", "reason": "x"}
        ).status_code
        == 404
    )
    assert Resident.objects.filter(pk=person.pk).exists()


def test_roles_without_the_permission_are_refused_and_see_no_buttons(client, world):
    member = user_with_role("team_member", commune=commune(NGHIA_TA))
    client = _signed_in(client, member)
    person = world["person"]
    page = client.get(reverse("registry:resident", args=[person.pk]))
    assert page.status_code == 200
    assert reverse("operations:person_export", args=[person.pk]) not in page.content.decode()
    assert client.post(reverse("operations:person_export", args=[person.pk])).status_code == 403
    assert client.get(reverse("operations:person_erase", args=[person.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.post(reverse("operations:person_export", args=[world["person"].pk]))
    assert response.status_code == 302 and "login" in response["Location"]
