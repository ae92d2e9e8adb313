"""SecurityHeadersMiddleware: a response marked public_content may be cached, unless it is also
personal or sets a cookie; everything a signed-in user sees stays no-store."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from langso.core.middleware import SecurityHeadersMiddleware


class _User:
    is_authenticated = True


def _run(*, user: Any, public: bool = False, personal: bool = False, cookie: bool = False) -> HttpResponse:
    def view(request: Any) -> HttpResponse:
        response = HttpResponse("x")
        if public:
            response.public_content = True  # type: ignore[attr-defined]
        if personal:
            response.personal_data = True  # type: ignore[attr-defined]
        if cookie:
            response.set_cookie("sessionid", "abc")
        return response

    request = RequestFactory().get("/guides/")
    request.user = user
    return SecurityHeadersMiddleware(view)(request)


@pytest.mark.parametrize("user", [AnonymousUser(), _User()])
def test_public_content_is_cacheable_for_five_minutes_whoever_asks(user: Any) -> None:
    response = _run(user=user, public=True)

    assert response["Cache-Control"] == "public, max-age=300"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_personal_data_wins_over_the_public_marker() -> None:
    assert "no-store" in _run(user=AnonymousUser(), public=True, personal=True)["Cache-Control"]


def test_a_public_page_that_sets_a_cookie_is_not_cached() -> None:
    assert "no-store" in _run(user=_User(), public=True, cookie=True)["Cache-Control"]


def test_without_the_marker_a_signed_in_user_still_gets_no_store() -> None:
    cache = _run(user=_User())["Cache-Control"]

    assert "no-store" in cache and "private" in cache


def test_public_content_keeps_a_cache_policy_the_view_chose() -> None:
    def view(request: Any) -> HttpResponse:
        response = HttpResponse("x")
        response["Cache-Control"] = "no-cache"
        response.public_content = True  # type: ignore[attr-defined]
        return response

    request = RequestFactory().get("/field/sw.js")
    request.user = _User()

    assert SecurityHeadersMiddleware(view)(request)["Cache-Control"] == "no-cache"
