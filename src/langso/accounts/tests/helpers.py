"""Small helpers for the accounts tests: sign in through the real pages, and make TOTP codes."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from langso.accounts.tests.factories import PASSWORD


def totp_code(device: TOTPDevice) -> str:
    """The code the user's phone shows now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def confirmed_device(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)


def sign_in(client: Any, user: Any, password: str = PASSWORD, next_url: str = "") -> Any:
    data = {"username": user.username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def sign_in_with_two_factor(client: Any, user: Any) -> TOTPDevice:
    """Password, then a code from a confirmed device: a fully verified session."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or confirmed_device(user)
    sign_in(client, user)
    response = client.post(reverse("accounts:two_factor"), {"token": totp_code(device)})
    assert response.status_code == 302, response.content.decode()[:500]
    return device
