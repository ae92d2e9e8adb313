"""The field app: an installable PWA for team members, served by the same Django.

The shell is the same for every user (no personal data in it), so the service worker can keep it;
everything personal comes from the sync API into the phone's IndexedDB, and only the minimum.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from langso.accounts.access import Perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.core.http import require_perm
from langso.field import keys
from langso.field.strings import ui_strings
from langso.guides.selectors import offline_language_urls, offline_languages, offline_urls
from langso.teams import device_keys

# The app's scripts, in the order they run (each adds its part to one namespace).
SCRIPTS = (
    "field/util.js",
    "field/store.js",
    "field/sync.js",
    "field/screens.js",
    "field/guides.js",
    "field/app.js",
)
# The files the app needs offline, besides the guides.
SHELL_STATIC = (*SCRIPTS, "field/app.css", "field/icon-192.png", "field/icon-512.png", "langso/app.css")


ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)


def _public(response: ResponseT) -> ResponseT:
    response.public_content = True  # type: ignore[attr-defined]  # read by our cache middleware
    return response


@cache
def _static_fingerprint() -> str:
    """Changes whenever a file of the app changes, so phones pick up a new service worker."""
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        path = finders.find(name)
        if path:
            with open(path, "rb") as handle:  # noqa: PTH123
                digest.update(handle.read())
    return digest.hexdigest()[:12]


def _version() -> str:
    return f"{_static_fingerprint()}-{get_language() or settings.LANGUAGE_CODE}"


@require_GET
def shell(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "field/shell.html",
        {"strings": ui_strings(), "version": _version(), "api_base": "/api/v1/field", "scripts": SCRIPTS},
    )
    return _public(response)


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "field/sw.js",
        {"version": _version(), "manifest_url": reverse("field:offline_manifest")},
        content_type="application/javascript; charset=utf-8",
    )
    # The worker lives under /field/ but looks after the guides and static files too.
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return _public(response)


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": "Làng Số — Tổ công nghệ số",
        "short_name": "Làng Số",
        "start_url": reverse("field:shell"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b6e4f",
        "lang": get_language() or "vi",
        "icons": [
            {"src": static("field/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("field/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")
    return _public(response)


@require_GET
def offline_manifest(request: HttpRequest) -> JsonResponse:
    language = get_language() or settings.LANGUAGE_CODE
    urls = [reverse("field:shell"), reverse("field:manifest")]
    urls += [static(name) for name in SHELL_STATIC]
    urls += offline_urls(language)
    # ?languages=tay,vi: the pages and recordings of the guide languages a member keeps on the phone.
    codes = [c for c in request.GET.get("languages", "").split(",") if c][:20]
    response = JsonResponse(
        {
            "version": _version(),
            "urls": list(dict.fromkeys(urls)),
            "languages": offline_languages(),
            "language_urls": offline_language_urls(codes),
        }
    )
    response["Cache-Control"] = "no-cache"
    return _public(response)


@require_perm(Perm.VISIT_RECORD)
def connect(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Pair this phone with the signed-in member: a device key, and the member's sealing key, handed
    to the app in its cookie (see field.keys). Whatever key the phone held before — the same member's
    or someone else's — is revoked: a phone holds one member's key at a time."""
    if request.method == "POST":
        name = request.POST.get("device_name", "")
        device, token = device_keys.device_token_issue(
            acting_user=request.user, name=name, replacing=keys.token_from(request)
        )
        response = redirect(reverse("field:shell"))
        keys.set_cookie(response, keys.encode(device=device, token=token, user=request.user))
        return response
    return render(request, "field/connect.html", {})


@require_perm(Perm.VISIT_RECORD)
def devices(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The phones holding a key: the member's own, and for a commune officer their members' too."""
    rows = list(device_keys.devices_visible(user=request.user)[:300])
    return render(request, "field/devices.html", {"devices": rows, "now": timezone.now()})


@require_POST
@require_perm(Perm.VISIT_RECORD)
def device_revoke(request: AuthenticatedHttpRequest, device_id: Any) -> HttpResponse:
    device = get_object_or_404(device_keys.devices_visible(user=request.user), pk=device_id)
    device_keys.device_token_revoke(acting_user=request.user, device=device)
    messages.success(
        request,
        _("Đã thu hồi khóa của “%(name)s”. Lần tới có mạng, máy đó sẽ tự xóa dữ liệu.")
        % {"name": device.name},
    )
    return redirect("field:devices")
