"""The headers every page carries: a Content-Security-Policy everywhere, no caching of anything a
signed-in user sees (personal data), and no framing of the sign-in page.

"Every page" is taken literally: the test walks the URL configuration and requests each route as an
anonymous visitor, a commune officer and an auditor, with real ids where a route takes one (and a
random id otherwise, which must give a 404 that carries the headers too).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.places.tests.factories import NGHIA_TA, THAI_NGUYEN, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db

# Route parts that are regular expressions (Django admin's app pages) cannot be walked; they are
# admin pages, which the admin's own index and login stand for.
_REGEX_CHARACTERS = set("^$()[]?*+\\")


def _routes(
    patterns: list[Any] | None = None, namespace: str = "", converters: dict[str, Any] | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(view name, {parameter: converter}) for every named route."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        route = str(entry.pattern)
        if _REGEX_CHARACTERS & set(route):
            continue
        found = {**(converters or {}), **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry.url_patterns, inner, found)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", found


@pytest.fixture
def world() -> dict[str, Any]:
    village = VillageFactory(commune=commune(NGHIA_TA), name="Thôn Bản Cáu")
    household = HouseholdFactory(village=village)
    resident = ResidentFactory(
        household=household, full_name="Hoàng Văn Tuấn", cccd="019062001234", birth_year=1962
    )
    officer = commune_officer(village.commune)
    return {
        "code": village.commune.code,
        "kind": "residents",
        "user_id": officer.pk,
        "province_code": THAI_NGUYEN,
        "village_id": village.pk,
        "household_id": household.pk,
        "resident_id": resident.pk,
        "officer": officer,
        "auditor": user_with_role(Role.AUDITOR, province=village.commune.province),
    }


def _urls(world: dict[str, Any]) -> list[str]:
    urls = []
    for name, converters in _routes():
        kwargs = {}
        for param, converter in converters.items():
            if param in world:
                kwargs[param] = world[param]
            elif "uuid" in type(converter).__name__.lower():
                kwargs[param] = uuid.uuid4()
            elif "int" in type(converter).__name__.lower():
                kwargs[param] = 987654
            else:
                kwargs[param] = "khong-co"
        urls.append(reverse(name, kwargs=kwargs))
    return sorted(set(urls))


def _responses(client: Client, world: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for url in _urls(world):
        yield url, client.get(url)


def test_the_walk_covers_the_main_pages(world: dict[str, Any]) -> None:
    urls = _urls(world)

    for name in ["home", "accounts:login", "registry:residents", "registry:households", "places:communes"]:
        assert reverse(name) in urls
    assert reverse("registry:resident", args=[world["resident_id"]]) in urls
    assert len(urls) > 20


@pytest.mark.parametrize("who", ["anonymous", "officer", "auditor"])
def test_every_page_carries_a_content_security_policy(
    client: Client, world: dict[str, Any], who: str
) -> None:
    if who != "anonymous":
        client.force_login(world[who])
    missing = []
    for url, response in _responses(client, world):
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        policy = response.headers.get("Content-Security-Policy", "")
        if "default-src 'self'" not in policy or "frame-ancestors 'none'" not in policy:
            missing.append(f"{url} ({response.status_code})")
    assert not missing, "no Content-Security-Policy on: " + ", ".join(missing)


@pytest.mark.parametrize("who", ["officer", "auditor"])
def test_nothing_shown_to_a_signed_in_user_is_cached(client: Client, world: dict[str, Any], who: str) -> None:
    user = world[who]
    client.force_login(user)
    cached, public = [], []
    for url, response in _responses(client, world):
        cache_control = response.headers.get("Cache-Control", "")
        if getattr(response, "public_content", False):
            # Public by design (guides, the field app's shell): the same for everyone, so nothing of
            # the signed-in user may appear in them.
            public.append(url)
            body = response.content.decode(errors="replace") if not response.streaming else ""
            if (
                user.username in body
                or (user.full_name and user.full_name in body)
                or "csrfmiddlewaretoken" in body
            ):
                cached.append(f"{url} (public page shows the user's data)")
        elif "no-store" not in cache_control or "private" not in cache_control:
            cached.append(f"{url} ({response.status_code}: {cache_control!r})")
    assert not cached, "may be cached: " + ", ".join(cached)
    assert all(url.startswith(("/guides/", "/field/", "/verify/")) for url in public), public


def test_a_person_page_is_neither_cached_nor_framed(client: Client, world: dict[str, Any]) -> None:
    client.force_login(world["officer"])

    response = client.get(reverse("registry:resident", args=[world["resident_id"]]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_sign_in_page_cannot_be_framed(client: Client) -> None:
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_policy_allows_no_inline_script_or_outside_origin() -> None:
    from django.conf import settings

    policy = settings.CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "http:" not in policy and "https:" not in policy and "*" not in policy
    assert "object-src 'none'" in policy
