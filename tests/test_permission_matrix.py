"""Every role × list / detail / export / search / API × inside / outside its units.

Outside data must be invisible: lists and searches leave it out, and a detail page or API call for it
answers 404 exactly like something that does not exist. A role without the capability gets 403.
"""

from __future__ import annotations

import io
import uuid

import openpyxl
import pytest
from django.urls import reverse

from langso.accounts.access import ROLE_PERMISSIONS, Perm
from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db

INSIDE_NAME = "Hoàng Thị Trong"
OUTSIDE_NAME = "Y Ngông Ngoài"

# role -> (may view the registry, may export), from the single statement of who may do what.
ROLES = {
    role: (Perm.REGISTRY_VIEW in ROLE_PERMISSIONS[role], Perm.REGISTRY_EXPORT in ROLE_PERMISSIONS[role])
    for role in Role
}


@pytest.fixture
def world(settings):
    # Province staff and administrators need a second factor; the demo relaxation stands in for it here.
    settings.DEMO_MODE = True
    home_village = VillageFactory(commune=commune(NGHIA_TA))
    inside = ResidentFactory(household=HouseholdFactory(village=home_village), full_name=INSIDE_NAME)
    outside = ResidentFactory(
        household=HouseholdFactory(village=VillageFactory(commune=commune(CUOR_DANG))), full_name=OUTSIDE_NAME
    )
    return {"village": home_village, "inside": inside, "outside": outside}


def _user(role, world):
    village = world["village"]
    where = {
        Role.PROVINCE_STAFF: {"province": village.commune.province},
        Role.COMMUNE_OFFICER: {"commune": village.commune},
        Role.TEAM_LEADER: {"village": village},
        Role.TEAM_MEMBER: {"village": village},
        Role.TELECOM_PARTNER: {"province": village.commune.province},
        Role.AUDITOR: {"province": village.commune.province},
        Role.ADMINISTRATOR: {},
    }[role]
    user = user_with_role(role, **where)
    user.is_demo = True
    user.save()
    return user


def _xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    )


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_sees_exactly_its_units_on_every_surface(client, world, role):
    may_view, may_export = ROLES[role]
    user = _user(role, world)
    client.force_login(user)
    inside, outside = world["inside"], world["outside"]
    sees_outside = role == Role.ADMINISTRATOR  # the administrator's unit is the whole country

    # list and search
    response = client.get(reverse("registry:residents"))
    assert response.status_code == (200 if may_view else 403)
    if may_view:
        page = response.content.decode()
        assert INSIDE_NAME in page
        assert (OUTSIDE_NAME in page) is sees_outside
        found = client.get(reverse("registry:residents"), {"q": "ngong ngoai"}).content.decode()
        assert (OUTSIDE_NAME in found) is sees_outside

    # detail: inside visible; outside the same 404 as a missing id
    assert client.get(reverse("registry:resident", args=[inside.pk])).status_code == (
        200 if may_view else 403
    )
    missing = client.get(reverse("registry:resident", args=[uuid.uuid4()])).status_code
    outside_status = client.get(reverse("registry:resident", args=[outside.pk])).status_code
    if may_view:
        assert missing == 404
        assert outside_status == (200 if sees_outside else 404)
        household_status = client.get(reverse("registry:household", args=[outside.household_id])).status_code
        assert household_status == (200 if sees_outside else 404)

    # export
    response = client.get(reverse("registry:residents_export"))
    assert response.status_code == (200 if may_export else 403)
    if may_export:
        text = _xlsx_text(b"".join(response.streaming_content) if response.streaming else response.content)
        assert INSIDE_NAME in text
        assert (OUTSIDE_NAME in text) is sees_outside

    # API
    response = client.get("/api/v1/registry/residents")
    assert response.status_code == (200 if may_view else 403)
    if may_view:
        names = {r["full_name"] for r in response.json()["results"]}
        assert INSIDE_NAME in names
        assert (OUTSIDE_NAME in names) is sees_outside
        assert client.get(f"/api/v1/registry/residents/{inside.pk}").status_code == 200
        assert client.get(f"/api/v1/registry/residents/{outside.pk}").status_code == (
            200 if sees_outside else 404
        )
        assert client.get(f"/api/v1/registry/residents/{uuid.uuid4()}").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_and_the_api_refuses_them(client, world):
    response = client.get(reverse("registry:residents"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert client.get("/api/v1/registry/residents").status_code == 401


def test_only_roles_that_may_edit_can_open_the_edit_pages(client, world):
    inside = world["inside"]
    for role in ROLES:
        user = _user(role, world)
        client.force_login(user)
        status = client.get(reverse("registry:resident_edit", args=[inside.pk])).status_code
        expected = 200 if role in {Role.COMMUNE_OFFICER, Role.TEAM_LEADER, Role.ADMINISTRATOR} else 403
        assert status == expected, role
        client.logout()


# --- Team pages (teams app): role × page × inside / outside ----------------------------------------

TEAM_PAGES = {
    # page name -> roles that may open it
    "teams:commune": {
        Role.PROVINCE_STAFF,
        Role.COMMUNE_OFFICER,
        Role.TEAM_LEADER,
        Role.TEAM_MEMBER,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
    },
    "teams:worklist": {Role.COMMUNE_OFFICER, Role.TEAM_LEADER, Role.TEAM_MEMBER, Role.ADMINISTRATOR},
    "teams:helpdesk": {
        Role.PROVINCE_STAFF,
        Role.COMMUNE_OFFICER,
        Role.TEAM_LEADER,
        Role.TEAM_MEMBER,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
    },
    "teams:signals": set(ROLES),
    "teams:signal_create": {Role.COMMUNE_OFFICER, Role.TEAM_LEADER, Role.TEAM_MEMBER, Role.ADMINISTRATOR},
    "teams:team_create": {Role.COMMUNE_OFFICER, Role.ADMINISTRATOR},
}


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_opens_exactly_its_team_pages_and_nothing_outside_its_units(client, world, role):
    from langso.teams.tests.factories import TeamFactory

    user = _user(role, world)
    client.force_login(user)
    for name, allowed in TEAM_PAGES.items():
        assert client.get(reverse(name)).status_code == (200 if role in allowed else 403), (name, role)

    inside_team = TeamFactory(village=world["village"])
    outside_team = TeamFactory(village=world["outside"].village)
    may_view_teams = role in TEAM_PAGES["teams:commune"]
    sees_outside = role == Role.ADMINISTRATOR
    inside_status = client.get(reverse("teams:team", args=[inside_team.pk])).status_code
    outside_status = client.get(reverse("teams:team", args=[outside_team.pk])).status_code
    missing_status = client.get(reverse("teams:team", args=[uuid.uuid4()])).status_code
    visits_status = client.get(
        reverse("teams:household_visits", args=[world["outside"].household_id])
    ).status_code
    if may_view_teams:
        assert inside_status == 200
        assert outside_status == (200 if sees_outside else 404)
        assert missing_status == 404
        assert visits_status == (200 if sees_outside else 404)
    else:
        assert inside_status == outside_status == missing_status == visits_status == 403
