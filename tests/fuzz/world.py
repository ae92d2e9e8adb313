"""Two communes of one province, each with its own officer, team, households and people.

The API fuzzing plays every operation as each officer and checks that nothing of the other commune
ever comes back; the sync properties use one commune's team member.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.utils import timezone

from langso.accounts.models import Role, RoleAssignment
from langso.accounts.tests.factories import user_with_role
from langso.places.tests.factories import CUOR_DANG, PHU_XUAN_DL, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.teams import services
from langso.teams.models import HouseholdAssignment
from langso.teams.tests.factories import TeamFactory, TeamMemberFactory


@dataclass
class Side:
    """One commune's officer with a browser session and a phone, and the commune's data."""

    name: str
    commune: Any
    user: Any
    village: Any
    households: list[Any]
    residents: list[Any]
    device: Any
    token: str
    session_id: str
    csrf: str = field(default_factory=lambda: secrets.token_hex(16))  # 32 characters, as Django's

    def cookies(self) -> dict[str, str]:
        return {"sessionid": self.session_id, "csrftoken": self.csrf}

    def headers(self) -> dict[str, str]:
        # The session cookie authenticates the web API (CSRF header for unsafe methods); the bearer
        # token the field sync API. Sending both is what a signed-in phone browser would do. The
        # in-process WSGI client does not undo gzip (the sync answers are compressed when asked to).
        return {
            "X-CSRFToken": self.csrf,
            "Authorization": f"Bearer {self.token}",
            "Accept-Encoding": "identity",
        }

    def secrets_of(self) -> list[str]:
        """Strings that identify this commune's people and places and must not reach the other side."""
        out = [str(self.village.pk), self.village.name, str(self.device.pk), self.device.name]
        for household in self.households:
            out += [str(household.pk), household.code, household.address]
        for person in self.residents:
            out += [
                str(person.pk),
                person.full_name,
                person.cccd,
                person.cccd[-4:].rjust(12, "•"),
                person.phone,
            ]
        return out


# Distinctive names: a leak is a plain substring search away.
_PEOPLE = {
    "a": [
        ("Y Blôk Niê Cuôr", "066080000111", "0912000111"),
        ("H'Hen Mlô Cuôr", "066185000112", "0912000112"),
    ],
    "b": [
        ("Trần Văn Phúxuân", "066075000221", "0987000221"),
        ("Lê Thị Phúxuân", "066190000222", "0987000222"),
    ],
}


def _side(name: str, commune_code: int) -> Side:
    unit = commune(commune_code)
    village = VillageFactory(commune=unit, name=f"Buôn Riêng {name.upper()}")
    user = user_with_role(Role.COMMUNE_OFFICER, commune=unit)
    RoleAssignment.objects.create(user=user, role=Role.TEAM_MEMBER, village=village)
    member = TeamMemberFactory(team=TeamFactory(village=village), user=user)
    households, residents = [], []
    for index, (full_name, cccd, phone) in enumerate(_PEOPLE[name]):
        household = HouseholdFactory(
            village=village,
            code=f"RIENG-{name.upper()}-{index}",
            address=f"Đường riêng {name.upper()} {index}",
        )
        birth_year = 1900 + (int(cccd[3]) // 2) * 100 + int(cccd[4:6])
        sex = "male" if int(cccd[3]) % 2 == 0 else "female"
        person = ResidentFactory(
            household=household, full_name=full_name, cccd=cccd, phone=phone, sex=sex, birth_year=birth_year
        )
        household.head = person
        household.save(update_fields=["head"])
        HouseholdAssignment.objects.create(
            household=household, member=member, assigned_on=timezone.localdate()
        )
        households.append(household)
        residents.append(person)
    device, token = services.device_token_issue(acting_user=user, name=f"Điện thoại riêng {name.upper()}")
    browser = Client()
    browser.force_login(user)
    return Side(
        name=name,
        commune=unit,
        user=user,
        village=village,
        households=households,
        residents=residents,
        device=device,
        token=token,
        session_id=browser.cookies["sessionid"].value,
    )


def two_communes() -> tuple[Side, Side]:
    """Cư Ôr Đăng and Phú Xuân (both in Đắk Lắk): one province, two separate jurisdictions."""
    return _side("a", CUOR_DANG), _side("b", PHU_XUAN_DL)
