"""Province staff and administrators must finish two-factor sign-in before they see anything."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from langso.accounts.access import requires_two_factor

_ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz")


def two_factor_satisfied(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated or not requires_two_factor(user):
        return True
    if settings.DEMO_MODE and getattr(user, "is_demo", False):
        return True
    return bool(getattr(user, "is_verified", lambda: False)())


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(_ALLOWED_PREFIXES) and not two_factor_satisfied(request):
            if request.path.startswith("/api/"):
                return HttpResponse(status=401)
            return redirect(reverse("accounts:two_factor") + "?next=" + request.get_full_path())
        return self.get_response(request)
