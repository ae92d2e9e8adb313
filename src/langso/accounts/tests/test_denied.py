"""Refused accesses under /registry/, /places/, /api/ are written to the trail as DENIED."""

from __future__ import annotations

import pytest
from django.urls import reverse

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.core.models import AuditAction, AuditEntry
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outside():
    return ResidentFactory(household=HouseholdFactory(village=VillageFactory(commune=commune(CUOR_DANG))))


def test_a_person_outside_the_officers_commune_is_404_and_the_attempt_is_audited(client, outside):
    officer = commune_officer(commune(NGHIA_TA))
    client.force_login(officer)
    url = reverse("registry:resident", args=[outside.pk])

    response = client.get(url)

    assert response.status_code == 404
    entry = AuditEntry.objects.get(action=AuditAction.DENIED)
    assert entry.actor == officer
    assert entry.changes == {"path": url, "status": 404, "method": "GET"}
    assert entry.object_repr == url


def test_a_role_without_the_capability_gets_403_and_it_is_audited(client):
    partner = user_with_role(Role.TELECOM_PARTNER, province=commune().province)
    client.force_login(partner)

    response = client.get(reverse("registry:residents"))

    assert response.status_code == 403
    entry = AuditEntry.objects.get(action=AuditAction.DENIED)
    assert entry.changes["status"] == 403 and entry.actor == partner


def test_a_place_outside_the_jurisdiction_is_audited(client):
    officer = commune_officer(commune(NGHIA_TA))
    client.force_login(officer)
    village = VillageFactory(commune=commune(CUOR_DANG))

    response = client.get(reverse("places:village", args=[village.pk]))

    assert response.status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, actor=officer).count() == 1


def test_an_api_call_for_another_units_person_is_audited(client, outside):
    officer = commune_officer(commune(NGHIA_TA))
    client.force_login(officer)

    response = client.get(f"/api/v1/registry/residents/{outside.pk}")

    assert response.status_code in (403, 404)
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, actor=officer).count() == 1


def test_allowed_pages_and_anonymous_visitors_write_no_denied_entry(client, outside):
    officer = commune_officer(commune(NGHIA_TA))

    client.get(reverse("registry:resident", args=[outside.pk]))  # anonymous: sent to sign in
    client.force_login(officer)
    assert client.get(reverse("registry:residents")).status_code == 200

    assert not AuditEntry.objects.filter(action=AuditAction.DENIED).exists()
