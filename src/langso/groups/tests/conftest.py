from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.teams import services as team_services
from langso.teams.models import HouseholdAssignment
from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

THIS_YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def world(db):
    """Xã Nghĩa Tá: "Cọ" (no "Bản" prefix, as commune lists write it) with five households of two
    adults (ALL CAPS names, year-only births, no CCCD), a leader whose households they are, and a
    second village with one household; an officer of the commune."""
    home = commune(NGHIA_TA)
    village = VillageFactory(commune=home, name="Cọ")
    other = VillageFactory(commune=home, name="Nà Pục")
    team = TeamFactory(village=village, name="Tổ công nghệ số bản Cọ")
    leader = user_with_role(Role.TEAM_LEADER, village=village)
    member = TeamMemberFactory(team=team, user=leader, full_name="Hoàng Thị Lan")
    households, people = [], []
    for i in range(5):
        household = HouseholdFactory(village=village, code=f"CO-{i + 1:02d}")
        head = ResidentFactory(
            household=household, full_name=f"HOÀNG VĂN PÁO {i}", birth_year=1950 + i, is_head=True, cccd=None
        )
        spouse = ResidentFactory(
            household=household, full_name=f"Lò Thị Mai {i}", birth_year=1960 + i, cccd=None
        )
        HouseholdAssignment.objects.create(
            household=household, member=member, assigned_on=timezone.localdate()
        )
        households.append(household)
        people += [head, spouse]
    child = ResidentFactory(
        household=households[0], full_name="Hoàng Văn Nhỏ", birth_year=THIS_YEAR - 8, cccd=None
    )
    far_household = HouseholdFactory(village=other, code="NP-01")
    far = ResidentFactory(household=far_household, full_name="Vàng Thị Dua", birth_year=1970, cccd=None)
    _device, token = team_services.device_token_issue(acting_user=leader, name="Máy tổ trưởng")
    return {
        "commune": home,
        "village": village,
        "other": other,
        "team": team,
        "leader": leader,
        "member": member,
        "households": households,
        "people": people,
        "child": child,
        "far": far,
        "token": token,
        "officer": commune_officer(home),
    }
