from __future__ import annotations

import datetime
import uuid

import pytest

from langso.campaigns.facts import FactContext
from langso.campaigns.indicators import compute, compute_all, snapshot_values, take_snapshots
from langso.campaigns.models import Indicator, IndicatorSnapshot, SteeringCommittee
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry import services as registry_services
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.skills import services as skill_services
from langso.teams.models import Visit
from langso.teams.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def ctx(**kwargs):
    return FactContext(day=kwargs.pop("day", TODAY), **kwargs)


def visit(household, *present, day=TODAY):
    v = Visit.objects.create(
        id=uuid.uuid4(),
        content_hash="x",
        household=household,
        village=household.village,
        commune=household.commune,
        province=household.province,
        visited_on=day,
    )
    v.present.set(present)
    return v


def by(indicator_code, **kwargs):
    return compute(Indicator.objects.get(code=indicator_code), ctx(**kwargs))


def test_adults_reached_rolls_up_from_villages_to_communes_provinces_and_the_country():
    one, two = VillageFactory(), VillageFactory()
    grandma = ResidentFactory(household__village=one, birth_year=1950)
    ResidentFactory(household__village=one, birth_year=1980)
    ResidentFactory(household__village=two, birth_year=1990)
    ResidentFactory(household__village=two, birth_year=TODAY.year - 10)  # a child: not an adult
    visit(grandma.household, grandma)

    values = by("adults_reached")

    assert values[("village", str(one.pk))].ratio == 50.0
    assert values[("village", str(two.pk))].ratio == 0.0
    commune_value = values[("commune", str(one.commune_id))]
    assert (commune_value.numerator, commune_value.denominator) == (1, 3)
    assert values[("province", str(one.commune.province_id))].denominator == 3
    assert values[("country", "VN")].numerator == 1


def test_a_unit_without_people_has_no_value_rather_than_zero_percent():
    empty = VillageFactory()
    values = by("adults_reached")
    assert ("village", str(empty.pk)) not in values
    indicator = Indicator.objects.get(code="adults_reached")
    from langso.campaigns.indicators import Value

    assert Value(0, 0).ratio is None
    assert indicator.display == "percent"


def test_the_day_matters_visits_and_skills_count_from_their_own_dates():
    from django.utils import timezone

    from langso.registry.models import Resident

    village = VillageFactory()
    person = ResidentFactory(household__village=village, birth_year=1970)
    Resident.objects.filter(pk=person.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    visit(person.household, person, day=TODAY - datetime.timedelta(days=3))
    skill_services.skill_record_add(
        acting_user=None, resident=person, skill_code="qr_payment", level=3, recorded_on=TODAY
    )
    before = by("adults_reached", day=TODAY - datetime.timedelta(days=4))
    after = by("adults_reached")
    cashless_yesterday = by("adults_cashless", day=TODAY - datetime.timedelta(days=1))
    cashless_today = by("adults_cashless")

    key = ("village", str(village.pk))
    assert before[key].numerator == 0 and after[key].numerator == 1
    assert cashless_yesterday[key].numerator == 0 and cashless_today[key].numerator == 1


def test_a_person_moving_village_counts_in_the_new_one_and_the_snapshot_keeps_the_old_day():
    old, new = VillageFactory(), VillageFactory()
    person = ResidentFactory(household__village=old, birth_year=1970, full_name="Lò Văn Chuyển")
    visit(person.household, person)
    take_snapshots(TODAY)
    moved_to = HouseholdFactory(village=new)

    registry_services.resident_update(acting_user=None, resident=person, household=moved_to)
    live = by("adults_reached")
    kept = snapshot_values(Indicator.objects.get(code="adults_reached"), TODAY, "village")

    assert live[("village", str(new.pk))].numerator == 1
    assert ("village", str(old.pk)) not in live
    assert kept[str(old.pk)].numerator == 1


def test_a_person_removed_leaves_the_live_numbers_but_not_the_snapshot():
    village = VillageFactory()
    person = ResidentFactory(household__village=village, birth_year=1970, full_name="Hà Thị Rời")
    ResidentFactory(household__village=village, birth_year=1971)
    take_snapshots(TODAY)

    registry_services.resident_delete(acting_user=None, resident=person)

    assert by("adults_reached")[("village", str(village.pk))].denominator == 1
    kept = snapshot_values(Indicator.objects.get(code="adults_reached"), TODAY, "village")
    assert kept[str(village.pk)].denominator == 2


def test_taking_a_days_snapshot_twice_replaces_it():
    ResidentFactory(household__village=VillageFactory(), birth_year=1970)
    first = take_snapshots(TODAY)
    second = take_snapshots(TODAY)
    assert first == second == IndicatorSnapshot.objects.filter(day=TODAY).count()


def test_commune_indicators_have_no_village_values_and_count_committees():
    nghia_ta, cuor_dang = commune(NGHIA_TA), commune(CUOR_DANG)
    SteeringCommittee.objects.create(commune=nghia_ta, established_on=TODAY - datetime.timedelta(days=30))
    SteeringCommittee.objects.create(commune=cuor_dang, established_on=TODAY + datetime.timedelta(days=30))

    values = by("communes_with_committee", province_code=nghia_ta.province_id)

    assert not any(level == "village" for level, _unit in values)
    assert values[("commune", str(NGHIA_TA))].ratio == 100.0
    province = values[("province", str(nghia_ta.province_id))]
    assert province.numerator == 1 and province.denominator == nghia_ta.province.communes.count()
    assert ("commune", str(CUOR_DANG)) not in values  # another province: not computed


def test_villages_with_a_team_and_count_indicators():
    with_team, without = VillageFactory(), VillageFactory(commune=commune())
    TeamFactory(village=with_team)
    household = HouseholdFactory(village=with_team)
    visit(household)
    visit(household, day=TODAY - datetime.timedelta(days=8))  # last week: not counted

    teams = by("villages_with_team")
    visits = by("visits_week")

    assert teams[("village", str(with_team.pk))].ratio == 100.0
    assert teams[("village", str(without.pk))].ratio == 0.0
    assert visits[("village", str(with_team.pk))].ratio == 1.0
    assert visits[("village", str(with_team.pk))].denominator is None


def test_every_shipped_indicator_computes_on_an_empty_and_a_filled_registry():
    assert Indicator.objects.count() >= 20
    empty = compute_all(ctx())
    person = ResidentFactory(household__village=VillageFactory(), birth_year=1960)
    visit(person.household, person)
    filled = compute_all(ctx())
    assert set(empty) == set(filled) == set(Indicator.objects.values_list("code", flat=True))


def test_the_nightly_command_and_task_store_a_day(capsys):
    from django.core.management import call_command

    from langso.campaigns.tasks import snapshot_day

    ResidentFactory(household__village=VillageFactory(), birth_year=1970)
    call_command("take_snapshots", "--day", TODAY.isoformat())
    assert "values stored" in capsys.readouterr().out
    rows = IndicatorSnapshot.objects.filter(day=TODAY).count()
    assert rows > 0
    snapshot_day.enqueue(TODAY.isoformat())
    assert IndicatorSnapshot.objects.filter(day=TODAY).count() == rows


def test_a_number_drills_down_to_the_adults_of_a_village_without_vneid_level_2():
    from langso.campaigns.indicators import drill_down

    village = VillageFactory()
    done = ResidentFactory(household__village=village, birth_year=1960, full_name="Lò Thị Xong")
    waiting = ResidentFactory(household__village=village, birth_year=1962, full_name="Lò Văn Chờ")
    ResidentFactory(household__village=VillageFactory(), birth_year=1962)  # another village
    skill_services.skill_record_add(acting_user=None, resident=done, skill_code="vneid_level2", level=3)
    indicator = Indicator.objects.get(code="adults_vneid2")

    missing = drill_down(indicator, ctx(), level="village", unit=str(village.pk))
    counted = drill_down(indicator, ctx(), level="village", unit=str(village.pk), missing=False)

    assert list(missing) == [waiting]
    assert list(counted) == [done]


def test_days_to_fix_is_an_average_and_devices_count_against_the_quota():
    from langso.teams.models import SignalReport

    village = VillageFactory()
    for days, reported in ((10, 30), (20, 40)):
        SignalReport.objects.create(
            id=uuid.uuid4(),
            content_hash="x",
            village=village,
            commune=village.commune,
            province=village.commune.province,
            description="Đầu bản",
            operator="viettel",
            technology="4g",
            reported_on=TODAY - datetime.timedelta(days=reported),
            respond_by=TODAY,
            status="fixed",
            closed_on=TODAY - datetime.timedelta(days=reported - days),
        )
    average = by("signal_days_to_fix")[("village", str(village.pk))]
    assert average.ratio == 15.0
    assert Indicator.objects.get(code="devices_vs_quota").lowest_level == "commune"
    assert by("devices_vs_quota") == {}  # no programme running: no value, not 0 %
