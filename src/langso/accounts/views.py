"""Sign-in, the second factor, sign-out, and the auditor's pages. Thin: the rules live in services."""

from __future__ import annotations

import base64
import math
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from langso.accounts import selectors, services
from langso.accounts.access import Perm, has_perm, requires_two_factor
from langso.accounts.forms import AuditFilterForm, LoginForm, TokenForm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.accounts.middleware import two_factor_satisfied

# --- helpers ---------------------------------------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    """The `next` target if it stays on this site, else the home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _two_factor_url(next_url: str) -> str:
    return f"{reverse('accounts:two_factor')}?{urlencode({'next': next_url})}"


def _locked_message(locked_until: Any) -> str:
    local = timezone.localtime(locked_until)
    minutes = max(1, math.ceil((locked_until - timezone.now()).total_seconds() / 60))
    return _(
        "Tài khoản tạm thời bị khóa vì đăng nhập sai quá nhiều lần. "
        "Vui lòng thử lại sau %(time)s ngày %(date)s (khoảng %(minutes)s phút nữa), "
        "hoặc liên hệ quản trị hệ thống."
    ) % {
        "time": formats.date_format(local, "H:i"),
        "date": formats.date_format(local, "d/m/Y"),
        "minutes": minutes,
    }


# --- sign-in ---------------------------------------------------------------------------------


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.method == "GET" and request.user.is_authenticated and two_factor_satisfied(request):
        return redirect(next_url)
    form = LoginForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        outcome = services.login_attempt(
            request=request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if outcome.user is not None:
            auth_login(request, outcome.user)
            if services.two_factor_needed(outcome.user):
                return redirect(_two_factor_url(next_url))
            return redirect(next_url)
        if outcome.address_blocked:
            form.add_error(
                None,
                _(
                    "Có quá nhiều lần đăng nhập sai từ máy hoặc mạng này. "
                    "Vui lòng thử lại sau %(minutes)s phút, hoặc liên hệ quản trị hệ thống."
                )
                % {"minutes": settings.LOGIN_LOCKOUT_MINUTES},
            )
        elif outcome.locked_until is not None:
            form.add_error(None, _locked_message(outcome.locked_until))
        else:
            form.add_error(None, _("Tên đăng nhập hoặc mật khẩu không đúng."))
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": next_url,
            "LOGIN_FAILURE_LIMIT": settings.LOGIN_FAILURE_LIMIT,
            "LOGIN_LOCKOUT_MINUTES": settings.LOGIN_LOCKOUT_MINUTES,
        },
    )


@require_POST
def logout_view(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    services.logout_record(acting_user=request.user)
    auth_logout(request)
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    # Apps that keep a sign-in of their own in a cookie (the field app's phone key) name it from a
    # user_logged_out receiver; signing out removes it with the session.
    for name in getattr(request, "sign_out_cookies", ()):
        response.delete_cookie(name, path="/", samesite="Strict")
    return response


def _qr_data_uri(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _grouped_secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _code_needed(request: AuthenticatedHttpRequest, next_url: str) -> bool:
    user = request.user
    if not requires_two_factor(user) or user.is_verified():
        return False
    # The demo relaxation covers the application, never the Django admin.
    return not two_factor_satisfied(request) or next_url.startswith(reverse("admin:index"))


@sensitive_post_parameters("token")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """After the password: enter a code from the enrolled device, or enrol one (QR code + first code)."""
    next_url = _safe_next(request)
    user = request.user
    if not _code_needed(request, next_url):
        return redirect(next_url)
    device = selectors.two_factor_device(user)
    enrolling = device is None
    if device is None:
        device = services.two_factor_enrolment_device(user=user)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        outcome = services.two_factor_verify(user=user, device=device, token=form.cleaned_data["token"])
        if outcome.device is not None:
            request.session.cycle_key()
            django_otp.login(request, outcome.device)
            return redirect(next_url)
        wait = (outcome.retry_at - timezone.now()).total_seconds() if outcome.retry_at else 0
        if outcome.throttled or wait >= 2:
            form.add_error(
                "token",
                _("Bạn đã nhập sai nhiều lần. Vui lòng đợi %(seconds)s giây rồi thử lại.")
                % {"seconds": max(1, math.ceil(wait))},
            )
        else:
            form.add_error(
                "token", _("Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã mới trên ứng dụng.")
            )
    context: dict[str, Any] = {"form": form, "next": next_url, "enrolling": enrolling}
    if enrolling:
        context.update({"qr_data_uri": _qr_data_uri(device), "secret": _grouped_secret(device)})
    return render(request, "accounts/two_factor.html", context)


# --- Django admin: sign-in goes through our page (lockout, audit, second factor) ---------------


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """Replaces the admin's own sign-in form, which would bypass lockout, audit and the second factor."""
    next_url = request.GET.get("next") or reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(next_url, resolve_url(settings.LOGIN_URL))
    if has_perm(request.user, Perm.ADMIN_SITE) and not request.user.is_verified():
        # Administrators, demo ones included, give a code before entering the admin.
        return HttpResponseRedirect(_two_factor_url(next_url))
    raise PermissionDenied


# --- auditor's pages -------------------------------------------------------------------------


def audit_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, second factor done (these pages sit under /accounts/), and Perm.AUDIT_VIEW; else 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not two_factor_satisfied(request):
            return HttpResponseRedirect(_two_factor_url(request.get_full_path()))
        if not has_perm(request.user, Perm.AUDIT_VIEW):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return never_cache(require_safe(wrapper))


def _page_context(request: HttpRequest, queryset: Any) -> dict[str, Any]:
    page = selectors.cursor_page(queryset, before=request.GET.get("before"), after=request.GET.get("after"))
    params = request.GET.copy()
    params.pop("before", None)
    params.pop("after", None)
    return {"rows": selectors.entry_rows(page.entries), "page": page, "query": params.urlencode()}


@audit_view
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # invalid fields are shown as errors; the valid ones still filter
    data = getattr(form, "cleaned_data", {})
    filters = selectors.AuditFilters(
        action=data.get("action") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        username=data.get("user") or "",
    )
    queryset = selectors.audit_list(user=request.user, filters=filters)
    return render(request, "accounts/audit_list.html", {"form": form, **_page_context(request, queryset)})


@audit_view
def audit_resident(request: AuthenticatedHttpRequest, resident_id: Any) -> HttpResponse:
    from langso.registry.selectors import resident_get

    resident = resident_get(user=request.user, resident_id=resident_id, perm=Perm.AUDIT_VIEW)
    queryset = selectors.audit_for_resident(resident_id=resident.pk)
    return render(
        request, "accounts/audit_resident.html", {"resident": resident, **_page_context(request, queryset)}
    )


@audit_view
def audit_user(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    subject = selectors.audit_subject_get(user=request.user, subject_id=user_id)
    queryset = selectors.audit_for_user(subject=subject)
    return render(
        request,
        "accounts/audit_user.html",
        {
            "subject": subject,
            "subject_locked": bool(subject.locked_until and subject.locked_until > timezone.now()),
            "assignments": subject.role_assignments.select_related("province", "commune", "village"),
            **_page_context(request, queryset),
        },
    )
