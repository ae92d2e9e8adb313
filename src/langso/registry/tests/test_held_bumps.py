"""A transaction can hold the change triggers' bumps and make them once, last (registry.changes.held_bumps)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from langso.places.tests.factories import BAC_KAN_WARD, NGHIA_TA, VillageFactory, commune
from langso.registry.changes import current_values, held_bumps
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's triggers bump row by row"),
]


@pytest.fixture
def villages():
    return VillageFactory(commune=commune(NGHIA_TA)), VillageFactory(commune=commune(BAC_KAN_WARD))


def test_held_writes_move_each_commune_once_at_the_end_of_the_block(villages):
    nghia_ta, bac_kan = villages
    before = current_values([NGHIA_TA, BAC_KAN_WARD])

    with transaction.atomic(), held_bumps():
        household = HouseholdFactory(village=nghia_ta)
        ResidentFactory(household=household)
        ResidentFactory(household=HouseholdFactory(village=bac_kan))
        assert current_values([NGHIA_TA, BAC_KAN_WARD]) == before  # nothing bumped (or locked) yet

    assert current_values([NGHIA_TA, BAC_KAN_WARD]) == {
        NGHIA_TA: before[NGHIA_TA] + 1,
        BAC_KAN_WARD: before[BAC_KAN_WARD] + 1,
    }


def test_a_block_that_fails_bumps_nothing_and_the_next_write_bumps_at_once(villages):
    nghia_ta, _bac_kan = villages
    before = current_values([NGHIA_TA])[NGHIA_TA]

    with pytest.raises(ZeroDivisionError), transaction.atomic(), held_bumps():
        HouseholdFactory(village=nghia_ta)
        1 / 0  # noqa: B018

    assert current_values([NGHIA_TA])[NGHIA_TA] == before
    HouseholdFactory(village=nghia_ta)
    assert current_values([NGHIA_TA])[NGHIA_TA] == before + 1


def test_a_held_block_inside_another_leaves_the_bumps_to_the_outer_one(villages):
    nghia_ta, bac_kan = villages
    before = current_values([NGHIA_TA, BAC_KAN_WARD])

    with transaction.atomic(), held_bumps():
        HouseholdFactory(village=nghia_ta)
        with transaction.atomic(), held_bumps():
            HouseholdFactory(village=bac_kan)
        assert current_values([NGHIA_TA, BAC_KAN_WARD]) == before
        HouseholdFactory(village=bac_kan)

    assert current_values([NGHIA_TA, BAC_KAN_WARD]) == {
        NGHIA_TA: before[NGHIA_TA] + 1,
        BAC_KAN_WARD: before[BAC_KAN_WARD] + 1,
    }
