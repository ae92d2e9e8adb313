from __future__ import annotations

from typing import Any

import pytest

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory


@pytest.fixture
def province_staff(db: Any, settings: Any) -> Any:
    # Province staff need a second factor; demo users skip it in DEMO_MODE, as in the skills tests.
    settings.DEMO_MODE = True
    return user_with_role(Role.PROVINCE_STAFF, province=commune(NGHIA_TA).province, is_demo=True)


@pytest.fixture
def resident(db: Any) -> Any:
    village = VillageFactory(commune=commune(NGHIA_TA), name="Thôn Bản Cáu")
    return ResidentFactory(household=HouseholdFactory(village=village), full_name="Hoàng Thị Riêng Tư")


@pytest.fixture
def officer(resident: Any) -> Any:
    return commune_officer(resident.commune)
