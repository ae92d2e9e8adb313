from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.campaigns.models import Indicator
from langso.campaigns.rollups import refresh_stale, stale_communes, unit_values
from langso.places.tests.factories import VillageFactory
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.teams import services as team_services
from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


def test_a_visit_recorded_now_shows_in_its_communes_numbers_at_the_next_read():
    village = VillageFactory()
    member = user_with_role(Role.TEAM_MEMBER, village=village)
    TeamMemberFactory(team=TeamFactory(village=village), user=member)
    household = HouseholdFactory(village=village)
    person = ResidentFactory(household=household, birth_year=1960)
    reached = Indicator.objects.get(code="adults_reached")
    visits = Indicator.objects.get(code="visits_week")
    commune = village.commune_id

    before = unit_values(reached, level="commune", commune_code=commune)
    assert before[str(commune)].numerator == 0
    assert stale_communes([commune]) == []

    team_services.visit_record(
        acting_user=member,
        data=team_services.VisitInput(
            id=uuid.uuid4(), household_id=household.pk, visited_on=timezone.localdate(), present=(person.pk,)
        ),
    )
    assert stale_communes([commune]) == [commune]

    after = unit_values(reached, level="commune", commune_code=commune)
    assert after[str(commune)].numerator == 1
    assert unit_values(visits, level="village", commune_code=commune)[str(village.pk)].numerator == 1
    province = unit_values(reached, level="province", province_code=village.commune.province_id)
    assert province[str(village.commune.province_id)].numerator == 1


def test_only_changed_communes_are_recomputed():
    from langso.places.tests.factories import CUOR_DANG, commune

    one, two = VillageFactory(), VillageFactory(commune=commune(CUOR_DANG))
    ResidentFactory(household__village=one, birth_year=1970)
    ResidentFactory(household__village=two, birth_year=1970)
    codes = [one.commune_id, two.commune_id]
    assert refresh_stale(codes) == sorted(codes)
    assert refresh_stale(codes) == []

    ResidentFactory(household__village=one, birth_year=1980)  # factories bypass services: no bump
    from django.db import transaction

    from langso.registry.changes import commune_changed

    with transaction.atomic():
        commune_changed(one.commune_id)
    assert refresh_stale(codes) == [one.commune_id]
