"""Sign-in with lockout, the audit rows it writes, safe redirects, and sign-out."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from langso.accounts.models import User
from langso.accounts.tests.factories import PASSWORD, commune_officer
from langso.accounts.tests.helpers import sign_in
from langso.core.models import AuditAction, AuditEntry
from langso.places.tests.factories import commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return commune_officer(commune(), username="canbo.xa")


def _entries(action):
    return AuditEntry.objects.filter(action=action)


def test_the_sign_in_page_is_vietnamese_and_has_the_two_fields(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="username"' in content and 'name="password"' in content
    assert "Đăng nhập" in content
    assert "style=" not in content and "<script>" not in content


def test_a_right_password_signs_in_and_writes_a_login_entry(client, officer):
    response = sign_in(client, officer)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    entry = _entries(AuditAction.LOGIN).get()
    assert entry.actor == officer and entry.actor_username == "canbo.xa"


def test_a_wrong_password_is_refused_counted_and_audited(client, officer):
    response = sign_in(client, officer, password="sai-mat-khau-roi")

    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    officer.refresh_from_db()
    assert officer.failed_login_count == 1
    entry = _entries(AuditAction.LOGIN_FAILED).get()
    assert entry.actor is None
    assert entry.actor_username == "canbo.xa"
    assert entry.object_id == str(officer.pk)
    assert "_auth_user_id" not in client.session


def test_an_unknown_username_gets_the_same_answer_and_is_audited_with_that_username(client, officer):
    response = client.post(
        reverse("accounts:login"), {"username": "khong.ai.ca", "password": "bat-ky-mat-khau"}
    )

    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    entry = _entries(AuditAction.LOGIN_FAILED).get()
    assert entry.actor is None and entry.actor_username == "khong.ai.ca"


def test_the_account_locks_after_the_failure_limit_and_refuses_even_the_right_password(
    client, officer, settings
):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_LOCKOUT_MINUTES = 15
    for _ in range(3):
        response = sign_in(client, officer, password="sai-mat-khau-roi")

    officer.refresh_from_db()
    assert officer.failed_login_count == 3
    assert officer.locked_until is not None
    assert officer.locked_until > timezone.now() + datetime.timedelta(minutes=14)
    assert "tạm thời bị khóa" in response.content.decode()
    assert _entries(AuditAction.LOCKED).count() == 1
    assert _entries(AuditAction.LOGIN_FAILED).count() == 3

    response = sign_in(client, officer)

    content = response.content.decode()
    assert response.status_code == 200
    assert "tạm thời bị khóa" in content
    expected_time = timezone.localtime(officer.locked_until).strftime("%H:%M")
    assert expected_time in content
    assert "_auth_user_id" not in client.session
    assert _entries(AuditAction.LOGIN).count() == 0
    assert _entries(AuditAction.LOGIN_FAILED).count() == 4


def test_a_lock_whose_period_has_passed_lets_the_right_password_in_and_resets_the_count(
    client, officer, settings
):
    settings.LOGIN_FAILURE_LIMIT = 3
    User.objects.filter(pk=officer.pk).update(
        failed_login_count=3, locked_until=timezone.now() - datetime.timedelta(minutes=1)
    )

    response = sign_in(client, officer)

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.failed_login_count == 0
    assert officer.locked_until is None


def test_after_a_lock_runs_out_a_wrong_password_starts_counting_again(client, officer, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    User.objects.filter(pk=officer.pk).update(
        failed_login_count=3, locked_until=timezone.now() - datetime.timedelta(minutes=1)
    )

    sign_in(client, officer, password="sai-mat-khau-roi")

    officer.refresh_from_db()
    assert officer.failed_login_count == 1
    assert officer.locked_until is None


def test_a_success_resets_the_failure_count(client, officer):
    sign_in(client, officer, password="sai-mat-khau-roi")
    sign_in(client, officer, password="sai-mat-khau-roi")

    sign_in(client, officer)

    officer.refresh_from_db()
    assert officer.failed_login_count == 0


def test_an_inactive_account_cannot_sign_in(client, officer):
    User.objects.filter(pk=officer.pk).update(is_active=False)

    response = sign_in(client, officer)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_next_is_followed_only_when_it_stays_on_this_site(client, officer):
    response = sign_in(client, officer, next_url=reverse("registry:residents"))
    assert response.url == reverse("registry:residents")

    client.logout()
    response = sign_in(client, officer, next_url="https://ke-gian.example/lay-mat-khau")
    assert response.url == reverse("home")

    client.logout()
    response = sign_in(client, officer, next_url="//ke-gian.example/")
    assert response.url == reverse("home")


def test_sign_out_needs_a_post_and_is_audited(client, officer):
    sign_in(client, officer)

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    entry = _entries(AuditAction.LOGOUT).get()
    assert entry.actor == officer


def test_pages_need_a_signed_in_user(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_unknown_and_locked_accounts_still_spend_the_hashing_work(client, officer, monkeypatch):
    from django.contrib.auth.hashers import MD5PasswordHasher

    calls = []
    original = MD5PasswordHasher.encode
    monkeypatch.setattr(
        MD5PasswordHasher, "encode", lambda self, *a, **kw: calls.append(1) or original(self, *a, **kw)
    )

    client.post(reverse("accounts:login"), {"username": "khong.ai.ca", "password": "bat-ky-mat-khau"})
    assert len(calls) >= 1

    calls.clear()
    User.objects.filter(pk=officer.pk).update(locked_until=timezone.now() + datetime.timedelta(minutes=5))
    sign_in(client, officer)
    assert len(calls) >= 1


def test_many_failures_from_one_address_block_it_for_every_account_even_with_the_right_password(
    client, officer, settings
):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for n in range(3):
        # A different (unknown) account each time: no single account reaches its own lock.
        client.post(reverse("accounts:login"), {"username": f"thu-{n}", "password": "mat-khau-pho-bien"})

    response = sign_in(client, officer)

    assert response.status_code == 200
    assert "quá nhiều lần đăng nhập sai từ máy hoặc mạng này" in response.content.decode()
    assert "_auth_user_id" not in client.session
    officer.refresh_from_db()
    assert officer.failed_login_count == 0  # the account itself was never tried
    assert _entries(AuditAction.LOGIN_FAILED).filter(actor_username="canbo.xa").exists()


def test_the_address_block_counts_per_address(client, officer, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 2
    for n in range(2):
        client.post(
            reverse("accounts:login"),
            {"username": f"thu-{n}", "password": "x"},
            REMOTE_ADDR="203.0.113.7",
        )

    response = client.post(
        reverse("accounts:login"),
        {"username": "canbo.xa", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
    )

    assert response.status_code == 302


def test_a_session_lasts_the_configured_time_and_ends_with_the_browser(client, officer, settings):
    sign_in(client, officer)
    session = client.session

    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    expires = session.get_expiry_date()
    assert datetime.timedelta(hours=7, minutes=59) < expires - timezone.now() <= datetime.timedelta(hours=8)


def test_an_expired_session_sends_the_user_back_to_sign_in(client, officer):
    from django.contrib.sessions.models import Session

    sign_in(client, officer)
    assert client.get(reverse("home")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = client.get(reverse("registry:residents"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
