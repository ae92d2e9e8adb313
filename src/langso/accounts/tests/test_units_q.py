"""The one jurisdiction filter (`accounts.access.units_q`, `commune_units_q`): what each role sees of
rows that carry a province, a commune and a village. Every list of households, residents, teams and
follow-ups applies it, so this is where a change to who sees what shows first."""

from __future__ import annotations

from typing import Any

import pytest

from langso.accounts.access import Perm, commune_units_q, units_q
from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.places.tests.factories import BAC_KAN_WARD, CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry.models import Household, Resident
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory


@pytest.fixture
def units(db: Any) -> dict[str, Any]:
    """Two villages of one commune, a village of another commune of the same province, and one of
    another province; one household with one person in each."""
    here = commune(NGHIA_TA)
    villages = {
        "village": VillageFactory(commune=here),
        "same_commune": VillageFactory(commune=here),
        "same_province": VillageFactory(commune=commune(BAC_KAN_WARD)),
        "other_province": VillageFactory(commune=commune(CUOR_DANG)),
    }
    assert commune(BAC_KAN_WARD).province_id == here.province_id != commune(CUOR_DANG).province_id
    for name, village in villages.items():
        ResidentFactory(household=HouseholdFactory(village=village, code=name))
    return {"commune": here, **villages}


def _user(role: str, units: dict[str, Any]) -> Any:
    where = {
        Role.ADMINISTRATOR: {},
        Role.PROVINCE_STAFF: {"province": units["commune"].province},
        Role.COMMUNE_OFFICER: {"commune": units["commune"]},
        Role.TEAM_MEMBER: {"village": units["village"]},
        Role.TELECOM_PARTNER: {"province": units["commune"].province},
    }[role]
    return user_with_role(role, **where)


EVERY_UNIT = {"village", "same_commune", "same_province", "other_province"}


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        (Role.ADMINISTRATOR, EVERY_UNIT),
        (Role.PROVINCE_STAFF, {"village", "same_commune", "same_province"}),
        (Role.COMMUNE_OFFICER, {"village", "same_commune"}),
        (Role.TEAM_MEMBER, {"village"}),
        (Role.TELECOM_PARTNER, set()),  # no registry permission: nothing, wherever the role sits
    ],
)
def test_each_role_sees_the_households_of_its_units_and_no_others(units, role, seen) -> None:
    user = _user(role, units)
    codes = set(Household.objects.filter(units_q(user, Perm.REGISTRY_VIEW)).values_list("code", flat=True))
    assert codes == seen
    # Through a relation (`prefix`), the same people are found as by their own unit columns.
    by_household = Resident.objects.filter(units_q(user, Perm.REGISTRY_VIEW, prefix="household__"))
    assert set(by_household) == set(Resident.objects.filter(units_q(user, Perm.REGISTRY_VIEW)))


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        (Role.ADMINISTRATOR, EVERY_UNIT),
        (Role.PROVINCE_STAFF, {"village", "same_commune", "same_province"}),
        (Role.COMMUNE_OFFICER, {"village", "same_commune"}),
        (Role.TEAM_MEMBER, set()),  # a village-level role never sees a whole commune's rows
    ],
)
def test_rows_of_a_whole_commune_are_seen_from_the_commune_up_only(units, role, seen) -> None:
    user = _user(role, units)
    codes = Household.objects.filter(commune_units_q(user, Perm.REGISTRY_VIEW)).values_list("code", flat=True)
    assert set(codes) == seen
