"""The main menu follows the single statement of permissions: a link shows only to who may open it."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from langso.accounts.access import ROLE_PERMISSIONS, URL_ACCESS, Access, may_open, url_access
from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.places.tests.factories import NGHIA_TA, commune
from langso.site.context_processors import MAIN_MENU, main_menu

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_every_menu_link_opens_for_the_role_it_shows_to_and_no_other(client, settings, role):
    settings.DEMO_MODE = True  # province staff and administrators skip the second factor as demo users
    settings.NATIONAL_INSTANCE = True  # the national dashboard's link shows only there
    place = commune(NGHIA_TA)
    user = user_with_role(role, province=place.province, is_demo=True)
    client.force_login(user)
    shown = dict(main_menu(user))
    for name, _label in MAIN_MENU:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if url in shown:
            assert client.get(url).status_code == 200, f"{role} sees {name} in the menu but cannot open it"
        else:
            assert not may_open(user, name)
            status = client.get(url).status_code
            assert status in (302, 403, 404), f"{role} may open {name} ({status}) but the menu hides it"


def test_a_telecom_partner_sees_only_places_guides_and_signals():
    user = user_with_role(Role.TELECOM_PARTNER, province=commune(NGHIA_TA).province)
    assert [url for url, _label in main_menu(user)] == [
        reverse("places:communes"),
        reverse("guides:index"),
        reverse("teams:signals"),
    ]


def _menu_level_pages() -> set[str]:
    """The landing page of each app a capability opens: one path segment ("/teams/", "/devices/")."""
    capabilities = set().union(*ROLE_PERMISSIONS.values())
    pages = set()
    for name, rule in URL_ACCESS.items():
        if rule not in capabilities:
            continue
        try:
            path = reverse(name)
        except NoReverseMatch:  # needs arguments: a page about one thing, never in the menu
            continue
        if path.strip("/") and "/" not in path.strip("/"):
            pages.add(name)
    return pages


def test_every_app_landing_page_a_capability_opens_is_in_the_menu():
    missing = _menu_level_pages() - {name for name, _label in MAIN_MENU}
    assert not missing, f"pages a role may open that no menu offers: {sorted(missing)}"


@pytest.mark.parametrize("role", list(Role))
def test_the_menu_of_every_role_is_read_from_the_permission_table(settings, role):
    """Shown exactly when the role's capabilities (ROLE_PERMISSIONS) include the page's (URL_ACCESS)."""
    settings.NATIONAL_INSTANCE = True
    user = user_with_role(role, province=commune(NGHIA_TA).province)
    granted = ROLE_PERMISSIONS[role]
    expected = [
        reverse(name)
        for name, _label in MAIN_MENU
        if url_access(name) == Access.PUBLIC or url_access(name) in granted
    ]
    assert [url for url, _label in main_menu(user)] == expected


@pytest.mark.parametrize("role", [Role.PROVINCE_STAFF, Role.AUDITOR])
def test_province_staff_and_auditors_see_the_help_desk_they_may_open(role):
    user = user_with_role(role, province=commune(NGHIA_TA).province)
    assert may_open(user, "teams:helpdesk")
    assert reverse("teams:helpdesk") in dict(main_menu(user))
