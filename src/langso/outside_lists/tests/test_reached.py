"""'Adults reached' counts each adult once across every source — home visits, group sessions, the help
desk, skills observed, the national platform and the police lists — and the split by source counts
each source's own; the person's page lists how they were reached."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from langso.accounts.tests.factories import PASSWORD
from langso.campaigns.facts import FACTS, FactContext
from langso.outside_lists.imports import list_upload
from langso.outside_lists.models import ListSource
from langso.outside_lists.tests.conftest import PLATFORM_FILE, POLICE_FILE, upload
from langso.teams.models import HelpDeskSession

pytestmark = pytest.mark.django_db


def _count(name: str, world, **params) -> int:
    ctx = FactContext(day=timezone.localdate(), commune_code=world["commune"].code)
    return sum(FACTS[name].count(ctx, **params).values())


def _ids(name: str, world, **params) -> set:
    ctx = FactContext(day=timezone.localdate(), commune_code=world["commune"].code)
    return set(FACTS[name].queryset(ctx, **params).values_list("pk", flat=True))


def test_a_person_reached_by_every_source_is_counted_once(world):
    pao, mai = world["people"]["pao"], world["people"]["mai"]
    HelpDeskSession.objects.create(
        commune=world["commune"],
        province_id=world["commune"].province_id,
        resident=pao,
        helped_on=timezone.localdate(),
        procedure="vneid_level2",
        outcome="done",
        minutes=20,
    )
    assert _ids("adults_reached", world) == {pao.pk}
    list_upload(
        acting_user=world["staff"],
        source=ListSource.PLATFORM,
        province=world["commune"].province,
        commune=None,
        upload=upload(PLATFORM_FILE),
    )
    list_upload(
        acting_user=world["officer"],
        source=ListSource.POLICE,
        province=world["commune"].province,
        commune=world["commune"],
        upload=upload(POLICE_FILE),
    )
    tuan = world["people"]["tuan"]
    # Páo: help desk, platform and police; Mai: platform and police; Tuấn: police. Each once.
    assert _ids("adults_reached", world) == {pao.pk, mai.pk, tuan.pk}
    assert _count("adults_reached", world) == 3
    assert _ids("adults_reached_via", world, way="helpdesk") == {pao.pk}
    assert _ids("adults_reached_via", world, way="platform") == {pao.pk, mai.pk}
    assert _ids("adults_reached_via", world, way="police") == {pao.pk, mai.pk, tuan.pk}
    assert _count("adults_reached_via", world, way="visit") == 0


def test_the_persons_page_lists_the_national_platform_and_the_police(world, client):
    list_upload(
        acting_user=world["officer"],
        source=ListSource.POLICE,
        province=world["commune"].province,
        commune=world["commune"],
        upload=upload(POLICE_FILE),
    )
    assert client.login(username=world["officer"].username, password=PASSWORD)
    page = client.get(reverse("registry:resident", args=[world["people"]["pao"].pk])).content.decode()
    assert "Công an xã: kích hoạt định danh điện tử mức 2" in page
