"""The incremental numbers equal a full recompute, for every unit, after any sequence of changes.

The dashboards' numbers are refreshed village by village (campaigns/rollups.py, triggers in
campaigns/village_changes.py). Here a random sequence of writes — visits with the people present,
services and skills, new people, people moving between villages and communes, deletions, teams,
steering committees, coverage, help-desk and group sessions, a catalogue change — is interleaved with
refreshes (the minute job's and a province read's), and then every stored village, commune, province
and country value is compared with `compute_all` run from scratch.
"""

from __future__ import annotations

import datetime
import os
import random
import uuid
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from langso.campaigns import rollups
from langso.campaigns.facts import FACTS, FactContext
from langso.campaigns.indicators import compute_all
from langso.campaigns.models import CurrentValue, Indicator, SteeringCommittee, UnitLevel
from langso.campaigns.village_changes import logged_tables
from langso.places.models import Commune, Village
from langso.registry.models import Household, Resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    from langso.site.demo import load_demo_data

    load_demo_data(households_per_village=3)


def _all_communes() -> list[int]:
    return list(Commune.objects.values_list("code", flat=True))


def _stored() -> dict[tuple[str, str, str], tuple[int, int | None]]:
    """What a dashboard reads: village and commune rows as stored, provinces and the country as added up."""
    out: dict[tuple[str, str, str], tuple[int, int | None]] = {}
    for code, level, unit, n, d in CurrentValue.objects.values_list(
        "indicator__code", "level", "unit", "numerator", "denominator"
    ):
        out[(code, level, unit)] = (n, d)
    communes = _all_communes()
    shown = set(
        CurrentValue.objects.filter(level=UnitLevel.COMMUNE).values_list("indicator__code", flat=True)
    )
    for indicator in Indicator.objects.filter(is_active=True, code__in=shown):
        # The country's row is read as 0 where no commune has one; the engine leaves it out ("no data").
        for level in (UnitLevel.PROVINCE, UnitLevel.COUNTRY):
            for unit, value in rollups._read(indicator, level, communes).items():
                out[(indicator.code, level, unit)] = (value.numerator, value.denominator)
    return out


def _full() -> dict[tuple[str, str, str], tuple[int, int | None]]:
    values = compute_all(FactContext(day=timezone.localdate()))
    return {
        (code, level, unit): (value.numerator, value.denominator)
        for code, by_unit in values.items()
        for (level, unit), value in by_unit.items()
    }


def _assert_same() -> None:
    stored, full = _stored(), _full()
    assert len(full) > 1000  # the comparison has something to compare
    differ = {
        key: (stored.get(key), full.get(key))
        for key in set(stored) | set(full)
        if stored.get(key) != full.get(key)
    }
    assert not differ, f"{len(differ)} values differ from a full recompute, e.g. {sorted(differ.items())[:5]}"


class Changes:
    """Random writes, each the way some part of the platform makes it (services or plain ORM writes:
    the triggers see both)."""

    def __init__(self, rng: random.Random) -> None:
        from langso.skills.models import Skill

        self.rng = rng
        self.today = timezone.localdate()
        self.skills = list(Skill.objects.all())

    def _resident(self) -> Resident | None:
        ids = list(Resident.objects.values_list("pk", flat=True))
        return Resident.objects.get(pk=self.rng.choice(ids)) if ids else None

    def _household(self, other_than: Any = None) -> Household:
        qs = Household.objects.exclude(village_id=other_than) if other_than else Household.objects.all()
        return self.rng.choice(list(qs))

    def visit(self) -> str:
        from langso.skills.models import SkillRecord
        from langso.teams.models import Service, Team, Visit, VisitService

        household = self._household()
        people = list(Resident.objects.filter(household=household))
        team = Team.objects.filter(village_id=household.village_id).first()
        visit = Visit.objects.create(
            household=household,
            village_id=household.village_id,
            commune_id=household.commune_id,
            province_id=household.province_id,
            team=team,
            visited_on=self.today - datetime.timedelta(days=self.rng.randint(0, 20)),
            content_hash=uuid.uuid4().hex,
        )
        present = self.rng.sample(people, k=min(len(people), self.rng.randint(1, 2)))
        visit.present.add(*present)
        for person in present:
            if self.rng.random() < 0.5:
                service = self.rng.choice(
                    [Service.VNEID_LEVEL2, Service.CASHLESS_PAYMENT, Service.BIRTH_REGISTRATION]
                )
                VisitService.objects.create(visit=visit, resident=person, service=service)
            if self.rng.random() < 0.7:
                skill = self.rng.choice(self.skills)
                SkillRecord.objects.create(
                    resident=person,
                    skill=skill,
                    skill_code=skill.code,
                    level=self.rng.randint(1, 4),
                    evidence=self.rng.choice(["observed", "quiz", "self"]),
                    recorded_on=visit.visited_on,
                    province_id=person.province_id,
                    commune_id=person.commune_id,
                    village_id=person.village_id,
                )
        return f"visit {household.village_id}"

    def new_resident(self) -> str:
        from langso.registry.tests.factories import ResidentFactory

        household = self._household()
        ResidentFactory(
            household=household,
            birth_year=self.rng.randint(1940, 2015),
            owns_smartphone=self.rng.random() < 0.5,
            ethnic_group=self.rng.choice(["01", "02", "11", ""]),
        )
        return f"resident in {household.village_id}"

    def move(self) -> str:
        person = self._resident()
        if person is None:
            return "nobody to move"
        household = self._household(other_than=person.village_id)
        person.household = household
        person.village_id, person.commune_id = household.village_id, household.commune_id
        person.province_id = household.province_id
        person.save()
        return f"move to {household.village_id}"

    def smartphone(self) -> str:
        person = self._resident()
        if person is None:
            return "nobody"
        Resident.objects.filter(pk=person.pk).update(owns_smartphone=not person.owns_smartphone)
        return "smartphone"

    def delete_resident(self) -> str:
        person = self._resident()
        if person is None:
            return "nobody to delete"
        Household.objects.filter(head=person).update(head=None)
        try:
            with transaction.atomic():
                person.delete()
        except (ProtectedError, IntegrityError):  # a handover names them; a help-desk row needs someone
            return "protected"
        return "resident deleted"

    def delete_visit(self) -> str:
        from langso.teams.models import Visit

        visit = Visit.objects.order_by("?").first()
        if visit is None:
            return "no visit"
        visit.delete()
        return "visit deleted"

    def void_skill(self) -> str:
        from langso.skills.models import SkillRecord

        record = SkillRecord.objects.order_by("?").first()
        if record is None:
            return "no record"
        SkillRecord.with_voided.filter(pk=record.pk).update(voided_at=timezone.now(), void_reason="sai")
        return "skill voided"

    def team(self) -> str:
        from langso.teams.models import Team
        from langso.teams.tests.factories import TeamFactory

        team = Team.objects.order_by("?").first()
        if team is not None and self.rng.random() < 0.5:
            Team.objects.filter(pk=team.pk).update(is_active=not team.is_active)
            return "team toggled"
        TeamFactory(village=Village.objects.order_by("?").first())
        return "team created"

    def committee(self) -> str:
        commune = Commune.objects.filter(villages__isnull=False).order_by("?").first()
        deleted, _ = SteeringCommittee.objects.filter(commune=commune).delete()
        if not deleted:
            SteeringCommittee.objects.create(commune=commune, established_on=self.today)
        return f"committee {commune.code}"

    def coverage(self) -> str:
        village = Village.objects.order_by("?").first()
        Village.objects.filter(pk=village.pk).update(
            broadband=self.rng.choice(["yes", "no"]), mobile_4g=self.rng.choice(["yes", "no"])
        )
        return "coverage"

    def new_village(self) -> str:
        from langso.places.tests.factories import VillageFactory
        from langso.registry.tests.factories import ResidentFactory

        commune = Commune.objects.filter(villages__isnull=False).order_by("?").first()
        village = VillageFactory(commune=commune, name=f"Thôn mới {uuid.uuid4().hex[:8]}")
        ResidentFactory(household__village=village, birth_year=1980)
        return "village"

    def helpdesk(self) -> str:
        from langso.teams.models import HelpDeskSession

        person = self._resident()
        if person is None:
            return "nobody"
        HelpDeskSession.objects.create(
            commune_id=person.commune_id,
            province_id=person.province_id,
            resident=person,
            walk_in_name=person.full_name,  # kept if the person is deleted (the session stays a count)
            helped_on=self.today - datetime.timedelta(days=self.rng.randint(0, 9)),
            procedure=self.rng.choice(["vneid_level2", "birth_registration"]),
            outcome=self.rng.choice(["done", "submitted", "failed"]),
            minutes=10,
            content_hash=uuid.uuid4().hex,
        )
        return "helpdesk"

    def group(self) -> str:
        from langso.groups.models import Attendance, GroupSession

        person = self._resident()
        if person is None:
            return "nobody"
        session = GroupSession.objects.create(
            commune_id=person.commune_id,
            province_id=person.province_id,
            held_on=self.today - datetime.timedelta(days=self.rng.randint(0, 9)),
            place_kind="cultural_house",
            organiser_kind="team",
            content_hash=uuid.uuid4().hex,
        )
        Attendance.objects.create(
            session=session, resident=person, walk_in_name=person.full_name, village_id=person.village_id
        )
        return "group"

    def catalogue(self) -> str:
        from langso.skills.models import Skill

        skill = self.rng.choice(self.skills)
        Skill.objects.filter(pk=skill.pk).update(name=skill.name + " ")
        return "catalogue"


def _refresh(rng: random.Random) -> None:
    if rng.random() < 0.5:
        rollups.refresh_stale(_all_communes())  # the minute job
    else:
        province = rng.choice([19, 66])
        rollups.refresh_stale(
            Commune.objects.filter(province_id=province).values_list("code", flat=True),
            limit=rollups.inline_refresh_limit(commune_scope=False),
        )  # a province dashboard read


@pytest.mark.parametrize("seed", [int(os.environ.get("LANGSO_INCREMENTAL_SEED", "7"))])
def test_random_changes_leave_the_same_numbers_as_a_full_recompute(demo, seed):
    rng = random.Random(seed)
    rollups.refresh_stale(_all_communes())
    _assert_same()
    changes = Changes(rng)
    kinds = [
        (changes.visit, 8),
        (changes.new_resident, 3),
        (changes.move, 3),
        (changes.smartphone, 2),
        (changes.delete_resident, 2),
        (changes.delete_visit, 1),
        (changes.void_skill, 1),
        (changes.team, 2),
        (changes.committee, 1),
        (changes.coverage, 1),
        (changes.new_village, 1),
        (changes.helpdesk, 2),
        (changes.group, 2),
    ]
    done = []
    for step in range(60):
        change = rng.choices([k for k, _w in kinds], weights=[w for _k, w in kinds])[0]
        done.append(change())
        if step == 30:
            done.append(changes.catalogue())  # once: every commune whole
        if rng.random() < 0.3:
            _refresh(rng)
    rollups.refresh_stale(_all_communes())
    _assert_same()
    assert rollups.stale_communes(_all_communes()) == []


def _n(values: dict[str, Any], unit: int) -> int:
    """A unit's numerator; a unit with no row yet ("no data") counts 0."""
    return values[str(unit)].numerator if str(unit) in values else 0


def test_a_visit_is_in_its_communes_and_provinces_numbers_at_the_next_read(demo):
    """Freshness: recorded through the real service, read through the dashboards' function."""
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role
    from langso.registry.tests.factories import ResidentFactory
    from langso.teams import services as team_services
    from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

    village = Village.objects.filter(commune_id=2071).first()
    member = user_with_role(Role.TEAM_MEMBER, village=village)
    TeamMemberFactory(team=TeamFactory(village=village), user=member)
    person = ResidentFactory(household__village=village, birth_year=1960)
    visits = Indicator.objects.get(code="visits_week")
    reached = Indicator.objects.get(code="adults_reached")
    commune, province = village.commune_id, village.commune.province_id
    rollups.refresh_stale(Commune.objects.filter(province_id=province).values_list("code", flat=True))
    before = {
        "commune": _n(rollups.unit_values(visits, level="commune", commune_code=commune), commune),
        "province": _n(rollups.unit_values(visits, level="province", province_code=province), province),
        "reached": rollups.unit_values(reached, level="province", province_code=province)[str(province)],
    }

    team_services.visit_record(
        acting_user=member,
        data=team_services.VisitInput(
            id=uuid.uuid4(),
            household_id=person.household_id,
            visited_on=timezone.localdate(),
            present=(person.pk,),
        ),
    )

    # A province read first (its inline limit leaves whole-commune work to the minute job): it shows it.
    province_now = rollups.unit_values(visits, level="province", province_code=province)[str(province)]
    assert province_now.numerator == before["province"] + 1
    reached_now = rollups.unit_values(reached, level="province", province_code=province)[str(province)]
    assert reached_now.numerator == before["reached"].numerator + 1
    assert reached_now.denominator == before["reached"].denominator
    commune_now = rollups.unit_values(visits, level="commune", commune_code=commune)[str(commune)]
    assert commune_now.numerator == before["commune"] + 1
    assert rollups.unit_values(visits, level="village", commune_code=commune)[str(village.pk)].numerator >= 1
    country = rollups.unit_values(visits, level="country")["VN"]
    assert country.numerator >= province_now.numerator


def test_a_change_recomputes_only_the_villages_it_touched(demo):
    """A new person in one village: the refresh reads that village's people, not the commune's."""
    from langso.registry.tests.factories import ResidentFactory

    rollups.refresh_stale(_all_communes())
    household = Household.objects.filter(commune_id=2071).first()
    other_villages = set(
        Village.objects.filter(commune_id=2071).exclude(pk=household.village_id).values_list("pk", flat=True)
    )
    assert other_villages
    untouched = dict(
        CurrentValue.objects.filter(
            level=UnitLevel.VILLAGE, unit__in=[str(v) for v in other_villages]
        ).values_list("pk", "numerator")
    )
    ResidentFactory(household=household, birth_year=1970)
    assert rollups.stale_communes([2071]) == [2071]
    with CaptureQueriesContext(connection) as queries:
        rollups.refresh_stale([2071])
    facts = [q["sql"] for q in queries.captured_queries if '"registry_resident"' in q["sql"]]
    assert facts and all(str(household.village_id).replace("-", "") in sql.replace("-", "") for sql in facts)
    # The other villages' rows were not rewritten (same primary keys, same numbers).
    assert (
        dict(CurrentValue.objects.filter(pk__in=list(untouched)).values_list("pk", "numerator")) == untouched
    )
    _assert_same_commune(2071)


def _assert_same_commune(code: int) -> None:
    full = compute_all(FactContext(day=timezone.localdate(), commune_code=code))
    for indicator_code, by_unit in full.items():
        for (level, unit), value in by_unit.items():
            if level not in (UnitLevel.VILLAGE, UnitLevel.COMMUNE):
                continue
            row = CurrentValue.objects.get(indicator__code=indicator_code, level=level, unit=unit)
            assert (row.numerator, row.denominator) == (value.numerator, value.denominator)


def test_every_table_a_fact_reads_logs_its_changed_villages(demo):
    ctx = FactContext(day=timezone.localdate(), commune_code=2071)
    samples = {"skill": "vneid_level2", "area": "identity", "field": "mobile_4g", "level": 3, "days": 14}
    samples["way"] = "police"
    names = set(connection.introspection.table_names())
    with CaptureQueriesContext(connection) as queries:
        for fact in FACTS.values():
            fact.count(ctx, **{p: samples[p] for p in fact.params})
    read = set()
    for query in queries.captured_queries:
        read |= {n for n in names if f'"{n}"' in query["sql"]}
    assert {"registry_resident", "teams_visit", "devices_allocation"} <= read
    not_data = {"places_province", "places_commune"}
    missing = read - logged_tables(connection) - not_data
    assert not missing, f"read by a fact but written without logging its villages: {missing}"
