"""A province's registry, real-shaped, for the national tier's tests: villages in two communes,
households and people with names, CCCD numbers, phones and birth dates (what must never reach the
national instance), skill records on several days, a team. Run in-process by the unit tests and in a
province instance's own process by tests/test_two_instances.py (`seed_province` through
`manage.py shell`)."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from langso.places.models import Village
from langso.places.tests.factories import VillageFactory, commune
from langso.registry.models import Household, Resident
from langso.registry.tests.factories import ResidentFactory
from langso.skills import services as skill_services
from langso.teams.models import Team
from langso.teams.tests.factories import TeamFactory

# Two provinces of the reports, two communes each.
PROVINCES = {19: (2071, 1843), 66: (24301, 24364)}
FAMILY = ["Nguyễn", "Lò", "Hoàng", "Ma", "Y", "H'", "Đinh", "Triệu"]
GIVEN = ["Văn Xong", "Thị Hoa", "Văn Páo", "Thị Nhung", "Ngông", "Hen Niê", "Thị Đào", "Văn Sinh"]


def seed_province(
    province_code: int, *, villages_per_commune: int = 3, people: int = 5, seed: int = 1
) -> dict:
    """The province's data, created 40 days ago; skill records spread over the last 10 days. Returns
    what the tests look for on the national side (names, CCCDs, phones)."""
    rng = random.Random(seed * 1000 + province_code)  # noqa: S311 - test data
    today = timezone.localdate()
    made: list[Resident] = []
    for c, commune_code in enumerate(PROVINCES[province_code]):
        unit = commune(commune_code)
        for v in range(villages_per_commune):
            village = VillageFactory(
                commune=unit, name=f"Thôn {rng.choice(['Bản Cáu', 'Nà Mò', 'Ea Tiêu', 'Pắc Ngòi'])} {c}{v}"
            )
            if v % 2 == 0:
                TeamFactory(village=village)
            for p in range(rng.randint(1, people)):
                made.append(
                    ResidentFactory(
                        household__village=village,
                        full_name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)} {province_code}{c}{v}{p}",
                        cccd=f"{province_code:03d}{rng.randint(0, 1)}{rng.randint(40, 99):02d}{rng.randint(0, 999999):06d}",
                        phone=f"09{rng.randint(0, 99999999):08d}",
                        birth_year=rng.choice([1950, 1962, 1975, 1988, 2001, 2012]),
                        owns_smartphone=rng.random() < 0.6,
                    )
                )
    long_ago = timezone.now() - datetime.timedelta(days=40)
    Village.objects.filter(commune__province_id=province_code).update(created_at=long_ago)
    Household.objects.filter(province_id=province_code).update(created_at=long_ago)
    Resident.objects.filter(province_id=province_code).update(created_at=long_ago)
    Team.objects.filter(province_id=province_code).update(created_at=long_ago)
    for person in made:
        if rng.random() < 0.5:
            skill_services.skill_record_add(
                acting_user=None,
                resident=person,
                skill_code="vneid_level2",
                level=rng.choice([2, 3, 4]),
                recorded_on=today - datetime.timedelta(days=rng.randint(0, 10)),
            )
    return {
        "names": [p.full_name for p in made],
        "cccds": [p.cccd for p in made],
        "phones": [p.phone for p in made],
    }


def add_skill_today(province_code: int) -> None:
    """A later record for the province (a visit synced late): that day's counts change."""
    person = (
        Resident.objects.filter(province_id=province_code, birth_year__lte=2000).order_by("full_name").first()
    )
    skill_services.skill_record_add(
        acting_user=None, resident=person, skill_code="qr_payment", level=3, recorded_on=timezone.localdate()
    )
