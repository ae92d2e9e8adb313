"""Province staff and administrators must finish two-factor sign-in before they see anything; refused
accesses to personal data are written to the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from langso.accounts.access import requires_two_factor
from langso.accounts.services import denied_record

# Pages reachable between the password and the second factor. The auditor's pages, also under
# /accounts/, are not among them (and check the second factor themselves as well).
_ALLOWED_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/i18n/",
    "/static/",
    "/healthz",
)


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
            return redirect(
                reverse("accounts:two_factor") + "?" + urlencode({"next": request.get_full_path()})
            )
        return self.get_response(request)


# Where a 403 or 404 for a signed-in user is how another unit's data stays hidden: each is audited.
DENIED_PREFIXES = ("/registry/", "/places/", "/api/", "/skills/", "/accounts/audit/")
# Elsewhere only a 403 is audited (a 404 there is just a mistyped address).
DENIED_403_PREFIXES = ("/admin/",)


class DeniedAccessAuditMiddleware:
    """Record AuditAction.DENIED (path, status, method) for refused accesses by signed-in users."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        status = response.status_code
        if status not in (403, 404):
            return response
        path = request.path
        watched = path.startswith(DENIED_PREFIXES) or (status == 403 and path.startswith(DENIED_403_PREFIXES))
        user = getattr(request, "user", None)
        if watched and user is not None and user.is_authenticated:
            denied_record(acting_user=user, path=path, status=status, method=request.method or "")
        return response
