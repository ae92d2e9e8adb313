"""The one place a phone keeps its member's key: a cookie, never IndexedDB.

The cookie `langso_field` holds the device token, the member's sealing key (AES-GCM, see
teams.models.FieldUserKey), the member's id and name, and the device's id. The app reads it with
`document.cookie`; everything personal it stores in IndexedDB is sealed with that key. A cookie,
because the server can remove it: a sign-out on the website ends the key (revoked at once) and
drops the cookie in the same answer, so what stays in IndexedDB cannot be read any more, even before
the field app opens again. SameSite=Strict, never sent to another site; Secure where the session is.
"""

from __future__ import annotations

import base64
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from langso.accounts.models import User
from langso.teams import device_keys
from langso.teams.api import FIELD_COOKIE
from langso.teams.models import DeviceToken

# About a year; a member whose cookie expired connects again and their sealed records go then.
COOKIE_SECONDS = 365 * 24 * 3600


def encode(*, device: DeviceToken, token: str, user: User) -> str:
    data = {
        "v": 1,
        "t": token,
        "k": base64.b64encode(device_keys.field_key_for(user)).decode(),
        "u": str(user.pk),
        "n": str(user),
        "d": str(device.pk),
    }
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def token_from(request: HttpRequest) -> str:
    """The device token in this browser's field cookie, or ""."""
    value = request.COOKIES.get(FIELD_COOKIE, "")
    if not value or len(value) > 2000:
        return ""
    try:
        data = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (ValueError, TypeError):
        return ""
    token = data.get("t") if isinstance(data, dict) else None
    return token if isinstance(token, str) else ""


def set_cookie(response: HttpResponse, value: str) -> None:
    response.set_cookie(
        FIELD_COOKIE,
        value,
        max_age=COOKIE_SECONDS,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,  # the app reads it; it is the only copy of the key on the phone
        samesite="Strict",
    )


def sign_out_browser(request: HttpRequest, user: User | None) -> None:
    """The member signs out of the website in this browser: the phone key it holds ends now, and the
    answer drops the cookie (accounts.views.logout_view removes what `sign_out_cookies` names)."""
    token = token_from(request)
    if token:
        device = device_keys.device_by_token(token)
        if device is not None and user is not None and device.user_id == user.pk:
            device_keys.device_sign_out(device=device)
    request.sign_out_cookies = [*getattr(request, "sign_out_cookies", []), FIELD_COOKIE]  # type: ignore[attr-defined]  # read by logout_view
