"""Two-factor sign-in (TOTP) for province staff and administrators, and the demo relaxation."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.accounts.tests.helpers import confirmed_device, sign_in, totp_code
from langso.core.models import AuditAction, AuditEntry
from langso.places.tests.factories import commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_staff():
    return user_with_role(Role.PROVINCE_STAFF, province=commune().province, username="canbo.tinh")


def test_province_staff_are_sent_to_the_second_factor_after_the_password(client, province_staff):
    response = sign_in(client, province_staff, next_url=reverse("registry:residents"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))
    assert "next=%2Fregistry%2Fresidents%2F" in response.url
    # Until the code is given, every page leads back to the second factor.
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert "chờ mã xác thực" in entry.note


def test_a_correct_code_from_the_device_lets_province_staff_in(client, province_staff):
    device = confirmed_device(province_staff)
    sign_in(client, province_staff, next_url=reverse("registry:residents"))

    response = client.post(
        reverse("accounts:two_factor"), {"token": totp_code(device), "next": reverse("registry:residents")}
    )

    assert response.status_code == 302
    assert response.url == reverse("registry:residents")
    assert client.get(reverse("home")).status_code == 200
    assert (
        AuditEntry.objects.filter(action=AuditAction.LOGIN, note__contains="hai bước thành công").count() == 1
    )


def test_a_wrong_code_does_not_let_them_in_and_is_audited(client, province_staff):
    device = confirmed_device(province_staff)
    sign_in(client, province_staff)
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(reverse("accounts:two_factor"), {"token": wrong})

    assert response.status_code == 200
    assert "Mã xác thực không đúng" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, actor=province_staff).count() == 1
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_repeated_wrong_codes_are_throttled_even_when_the_next_code_is_right(client, province_staff):
    device = confirmed_device(province_staff)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=6, throttling_failure_timestamp=timezone.now()
    )
    sign_in(client, province_staff)

    response = client.post(reverse("accounts:two_factor"), {"token": totp_code(device)})

    assert response.status_code == 200
    assert "Vui lòng đợi" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_a_code_that_is_not_six_digits_is_refused_before_checking(client, province_staff):
    confirmed_device(province_staff)
    sign_in(client, province_staff)

    response = client.post(reverse("accounts:two_factor"), {"token": "12ab"})

    assert response.status_code == 200
    assert "6 chữ số" in response.content.decode()


def test_first_sign_in_enrols_a_device_with_a_qr_code_and_a_first_code(client, province_staff):
    sign_in(client, province_staff)

    response = client.get(reverse("accounts:two_factor"))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'src="data:image/svg+xml' in content
    device = TOTPDevice.objects.get(user=province_staff)
    assert device.confirmed is False
    # Reloading keeps the same secret, so a half-scanned QR code stays valid.
    client.get(reverse("accounts:two_factor"))
    assert TOTPDevice.objects.filter(user=province_staff).count() == 1

    response = client.post(reverse("accounts:two_factor"), {"token": totp_code(device)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(reverse("home")).status_code == 200
    assert (
        AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="otp_totp.totpdevice").count() == 1
    )


def test_a_confirmed_device_never_shows_its_secret_again(client, province_staff):
    confirmed_device(province_staff)
    sign_in(client, province_staff)

    content = client.get(reverse("accounts:two_factor")).content.decode()

    assert "data:image/svg+xml" not in content
    assert 'name="token"' in content


def test_a_commune_officer_needs_no_second_factor(client):
    officer = commune_officer(commune())

    response = sign_in(client, officer)

    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_demo_accounts_skip_the_second_factor_only_in_demo_mode(client, province_staff, settings):
    province_staff.is_demo = True
    province_staff.save()

    settings.DEMO_MODE = False
    response = sign_in(client, province_staff)
    assert response.url.startswith(reverse("accounts:two_factor"))
    client.logout()

    settings.DEMO_MODE = True
    response = sign_in(client, province_staff)
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_demo_mode_does_not_relax_real_accounts(client, province_staff, settings):
    settings.DEMO_MODE = True

    response = sign_in(client, province_staff)

    assert response.url.startswith(reverse("accounts:two_factor"))


def test_the_sign_in_page_says_two_factor_is_relaxed_only_in_demo_mode(client, settings):
    settings.DEMO_MODE = False
    assert "Bản trình diễn" not in client.get(reverse("accounts:login")).content.decode()

    settings.DEMO_MODE = True
    content = client.get(reverse("accounts:login")).content.decode()
    assert "Bản trình diễn" in content
    assert "xác thực hai bước" in content


def test_the_second_factor_page_needs_a_password_first(client):
    response = client.get(reverse("accounts:two_factor"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_enrolment_page_keeps_to_the_strict_content_security_policy(client, province_staff):
    sign_in(client, province_staff)

    response = client.get(reverse("accounts:two_factor"))

    content = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "img-src 'self' data:" in response["Content-Security-Policy"]
    assert "style=" not in content and "<script>" not in content and "<style" not in content
    assert "no-store" in response["Cache-Control"]
