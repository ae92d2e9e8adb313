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

    ResidentFactory(household__village=one, birth_year=1980)  # even a write outside the services counts
    assert refresh_stale(codes) == [one.commune_id]


def test_many_stale_communes_are_done_in_one_province_pass_with_the_same_numbers(monkeypatch):
    from langso.campaigns import rollups
    from langso.campaigns.models import CurrentValue
    from langso.places.models import Commune

    communes = list(Commune.objects.filter(province_id=19).order_by("code")[:3])
    for place in communes:
        ResidentFactory(household__village=VillageFactory(commune=place), birth_year=1970)
    codes = [c.code for c in communes]
    rollups.refresh_stale(codes)  # one pass per commune
    per_commune = set(
        CurrentValue.objects.values_list("indicator_id", "level", "unit", "numerator", "denominator")
    )

    CurrentValue.objects.all().delete()
    from langso.campaigns.models import CommuneRollup

    CommuneRollup.objects.all().delete()
    monkeypatch.setattr(rollups, "PROVINCE_PASS_FROM", 2)
    rollups.refresh_stale(codes)  # one province pass
    province_pass = set(
        CurrentValue.objects.values_list("indicator_id", "level", "unit", "numerator", "denominator")
    )

    assert per_commune == province_pass and per_commune


def _turn_the_day(codes):
    """As if the numbers were computed yesterday: every commune is due whole."""
    import datetime

    from langso.campaigns.models import CommuneRollup

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    CommuneRollup.objects.filter(commune_id__in=codes).update(day=yesterday)


def test_a_dashboard_read_recomputes_only_a_few_communes_due_whole_but_always_the_never_computed():
    from langso.campaigns import rollups
    from langso.places.models import Commune

    communes = list(Commune.objects.filter(province_id=19).order_by("code")[:4])
    codes = [c.code for c in communes]
    assert rollups.refresh_stale(codes, limit=1) == sorted(codes)  # never computed: all of them
    _turn_the_day(codes)
    assert len(rollups.refresh_stale(codes, limit=1)) == 1
    assert len(rollups.stale_communes(codes)) == 3


def test_a_dashboard_read_recomputes_every_changed_village_whatever_the_limit():
    from langso.campaigns import rollups
    from langso.places.models import Commune

    communes = list(Commune.objects.filter(province_id=19).order_by("code")[:4])
    codes = [c.code for c in communes]
    rollups.refresh_stale(codes)
    for place in communes:
        ResidentFactory(household__village=VillageFactory(commune=place), birth_year=1970)
    assert rollups.refresh_stale(codes, limit=0) == sorted(codes)  # a few villages each: cheap
    assert rollups.stale_communes(codes) == []


def test_a_province_wide_read_leaves_communes_due_whole_to_the_minute_refresh():
    """At the day's turn every province read would otherwise recompute communes inline (bench/load)."""
    from langso.campaigns import rollups
    from langso.places.models import Commune

    communes = list(Commune.objects.filter(province_id=19).order_by("code")[:2])
    codes = [c.code for c in communes]
    reached = Indicator.objects.get(code="adults_reached")
    unit_values(reached, level="commune", province_code=19)  # never computed: computed now
    assert rollups.stale_communes(codes) == []
    _turn_the_day(codes)
    unit_values(reached, level="commune", province_code=19)
    assert rollups.stale_communes(codes) == sorted(codes)  # shown with their last values meanwhile
    unit_values(reached, level="commune", commune_code=codes[0])  # a commune's own board: fresh now
    assert rollups.stale_communes(codes) == [codes[1]]


def test_a_refresh_that_finds_the_changes_taken_by_another_does_nothing():
    """Two readers refreshing one commune at once: the second waits for the first's lock and then
    finds the log rows taken, and neither fails nor rewrites the values just stored."""
    from langso.campaigns import rollups
    from langso.campaigns.models import CurrentValue

    village = VillageFactory()
    commune, province = village.commune_id, village.commune.province_id
    day = timezone.localdate()
    assert rollups._refresh([commune], day, province) > 0
    stored = list(CurrentValue.objects.filter(commune_code=commune).values_list("pk", flat=True))

    assert rollups._refresh([commune], day, province) == 0  # nothing logged since: already stored
    assert list(CurrentValue.objects.filter(commune_code=commune).values_list("pk", flat=True)) == stored

    ResidentFactory(household__village=village, birth_year=1970)
    assert rollups._refresh([commune], day, province) > 0
