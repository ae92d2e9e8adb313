"""The field app: an installable PWA for team members, served by the same Django.

The shell is the same for every user (no personal data in it), so the service worker can keep it;
everything personal comes from the sync API into the phone's IndexedDB, and only the minimum.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from langso.accounts.access import Perm
from langso.core.http import require_perm
from langso.field.strings import ui_strings
from langso.guides.selectors import offline_urls
from langso.teams import services

# The files the app needs offline, besides the guides.
SHELL_STATIC = ("field/app.js", "field/app.css", "field/icon-192.png", "field/icon-512.png", "langso/app.css")


def _public(response: HttpResponse) -> HttpResponse:
    response.public_content = True  # type: ignore[attr-defined]
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
        {"strings": ui_strings(), "version": _version(), "api_base": "/api/v1/field"},
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
    response = JsonResponse({"version": _version(), "urls": list(dict.fromkeys(urls))})
    response["Cache-Control"] = "no-cache"
    return _public(response)  # type: ignore[return-value]


@require_perm(Perm.VISIT_RECORD)
def connect(request: HttpRequest) -> HttpResponse:
    """Pair this phone with the signed-in member: a device token handed to the app once.

    A page rather than an API call, because the CSRF cookie is HttpOnly: the form carries the token."""
    if request.method == "POST":
        name = request.POST.get("device_name", "")
        _device, token = services.device_token_issue(acting_user=request.user, name=name)
        response = render(request, "field/connect.html", {"token": token, "user_name": str(request.user)})
        response.personal_data = True  # type: ignore[attr-defined]
        return response
    return render(request, "field/connect.html", {"token": ""})
