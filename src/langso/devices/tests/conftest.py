from __future__ import annotations

import datetime

import pytest

from langso.accounts.tests.factories import commune_officer
from langso.devices import services
from langso.devices.tests.factories import DeviceFactory, ProgrammeFactory, QuotaFactory
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

THIS_YEAR = datetime.date.today().year


def poor_household(village, *, poverty="poor", year=None, birth_year=1960, **resident):
    household = HouseholdFactory(village=village, poverty=poverty, poverty_year=year or THIS_YEAR - 1)
    head = ResidentFactory(household=household, birth_year=birth_year, is_head=True, **resident)
    household.head = head
    household.save(update_fields=["head"])
    return household


@pytest.fixture
def world(db):
    """Xã Nghĩa Tá: a village of poor households, a programme with a quota, devices and an officer."""
    home = commune(NGHIA_TA)
    village = VillageFactory(commune=home, name="Thôn Bản Cọ")
    programme = ProgrammeFactory()
    QuotaFactory(programme=programme, commune=home, quota=3)
    households = [poor_household(village, birth_year=1950 + i) for i in range(4)]
    households.append(poor_household(village, poverty="none"))
    devices = [DeviceFactory(programme=programme) for _ in range(5)]
    officer = commune_officer(home)
    return {
        "commune": home,
        "village": village,
        "programme": programme,
        "households": households,
        "devices": devices,
        "officer": officer,
    }


def approve(world, decision="Quyết định số 12/QĐ-UBND ngày 01/11/2026"):
    lst = services.candidate_list_generate(
        acting_user=world["officer"], programme=world["programme"], commune=world["commune"]
    )
    return services.candidate_list_approve(
        acting_user=world["officer"], candidate_list=lst, decision=decision
    )


def handover(day=None, **kw):
    return services.Handover(handed_over_on=day or datetime.date.today(), giver_name="Nguyễn Văn Giao", **kw)
