from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.places.tests.factories import CUOR_DANG, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory
from langso.teams.models import ConflictStatus, FactConflict, Visit

pytestmark = pytest.mark.django_db


def make_conflict(village):
    household = HouseholdFactory(village=village, address="Nhà mới xây")
    visit = Visit.objects.create(
        id=uuid.uuid4(),
        content_hash="x",
        household=household,
        village=village,
        commune=village.commune,
        province=village.commune.province,
        visited_on=timezone.localdate(),
    )
    return FactConflict.objects.create(
        visit=visit,
        household=household,
        field="address",
        phone_before="Nhà cũ",
        phone_after="Cạnh trường tiểu học",
        server_value="Nhà mới xây",
        commune=village.commune,
        province=village.commune.province,
    )


def test_an_officer_sees_the_three_values_and_chooses_the_phones(client):
    village = VillageFactory()
    conflict = make_conflict(village)
    client.force_login(commune_officer(village.commune))

    page = client.get("/teams/conflicts/").content.decode()
    assert "Cạnh trường tiểu học" in page and "Nhà mới xây" in page and "Nhà cũ" in page

    response = client.post(f"/teams/conflicts/{conflict.pk}/resolve/", {"use": "phone"})
    assert response.status_code == 302
    conflict.refresh_from_db()
    conflict.household.refresh_from_db()
    assert conflict.status == ConflictStatus.APPLIED_PHONE
    assert conflict.household.address == "Cạnh trường tiểu học"


def test_conflicts_of_another_commune_are_hidden_and_a_member_cannot_resolve(client):
    village = VillageFactory()
    conflict = make_conflict(village)
    elsewhere = commune_officer(commune(CUOR_DANG))
    client.force_login(elsewhere)
    assert "Cạnh trường" not in client.get("/teams/conflicts/").content.decode()
    assert client.post(f"/teams/conflicts/{conflict.pk}/resolve/", {"use": "phone"}).status_code == 404

    client.force_login(user_with_role(Role.TEAM_MEMBER, village=village))
    assert client.post(f"/teams/conflicts/{conflict.pk}/resolve/", {"use": "phone"}).status_code == 403
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.OPEN
