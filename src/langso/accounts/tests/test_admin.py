"""The Django admin: administrators with a verified second factor only; the trail is read only there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from langso.accounts.models import Role, RoleAssignment
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.accounts.tests.helpers import confirmed_device, sign_in, sign_in_with_two_factor, totp_code
from langso.core import audit
from langso.core.models import AuditAction, AuditEntry
from langso.places.tests.factories import commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return user_with_role(Role.ADMINISTRATOR, username="quantri")


def test_a_commune_officer_is_refused_the_admin(client):
    officer = commune_officer(commune())
    sign_in(client, officer)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403


def test_staff_and_superuser_flags_do_not_open_the_admin_without_the_administrator_role(client):
    officer = commune_officer(commune(), is_staff=True, is_superuser=True)
    sign_in(client, officer)

    assert client.get("/admin/", follow=True).status_code == 403
    assert client.get("/admin/accounts/user/", follow=True).status_code == 403


def test_the_admin_sign_in_form_is_ours_so_lockout_and_audit_apply(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_an_administrator_without_the_second_factor_is_sent_to_it(client, administrator):
    sign_in(client, administrator)

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two_factor"))


def test_an_administrator_with_a_verified_second_factor_gets_in(client, administrator):
    sign_in_with_two_factor(client, administrator)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get(f"/admin/accounts/user/{administrator.pk}/change/").status_code == 200
    assert client.get("/admin/core/auditentry/").status_code == 200


def test_the_audit_trail_is_read_only_in_the_admin(client, administrator):
    sign_in_with_two_factor(client, administrator)
    entry = AuditEntry.objects.filter(actor=administrator).first()
    assert entry is not None

    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(
        f"/admin/core/auditentry/{entry.pk}/change/", {"note": "sửa lén", "action": AuditAction.DELETE}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.note != "sửa lén"


def test_users_cannot_be_deleted_in_the_admin(client, administrator):
    officer = commune_officer(commune())
    sign_in_with_two_factor(client, administrator)

    response = client.post(f"/admin/accounts/user/{officer.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert type(officer).objects.filter(pk=officer.pk).exists()


def test_changing_a_user_in_the_admin_is_audited_with_what_changed(client, administrator):
    officer = commune_officer(commune(), full_name="Tên Cũ")
    assignment = RoleAssignment.objects.get(user=officer)
    sign_in_with_two_factor(client, administrator)

    response = client.post(
        f"/admin/accounts/user/{officer.pk}/change/",
        {
            "username": officer.username,
            "full_name": "Tên Mới",
            "email": "",
            "phone": "",
            "organisation": "",
            "is_active": "on",
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "1",
            "role_assignments-MIN_NUM_FORMS": "0",
            "role_assignments-MAX_NUM_FORMS": "1000",
            "role_assignments-0-id": str(assignment.pk),
            "role_assignments-0-user": str(officer.pk),
            "role_assignments-0-role": Role.TEAM_LEADER,
            "role_assignments-0-province": "",
            "role_assignments-0-commune": str(assignment.commune_id),
            "role_assignments-0-village": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    officer.refresh_from_db()
    assert officer.full_name == "Tên Mới"
    entries = AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_id=str(officer.pk), actor=administrator
    )
    changes = {key: value for entry in entries for key, value in entry.changes.items()}
    assert changes["full_name"] == ["Tên Cũ", "Tên Mới"]
    assert "Tổ trưởng" in " ".join(changes["roles"][1])


def test_unlocking_from_the_admin_is_audited(client, administrator):
    officer = commune_officer(commune())
    type(officer).objects.filter(pk=officer.pk).update(failed_login_count=5)
    sign_in_with_two_factor(client, administrator)

    response = client.post(
        "/admin/accounts/user/", {"action": "unlock", "_selected_action": [str(officer.pk)], "index": "0"}
    )

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.failed_login_count == 0
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(officer.pk)).exists()


def test_the_trail_refuses_changes_and_deletion_even_in_code():
    entry = audit.record(actor=None, action=AuditAction.LOGIN_FAILED, username="x")

    entry.note = "khác"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(note="khác")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_the_demo_administrator_in_demo_mode_opens_the_admin_without_a_second_factor(
    client, administrator, settings
):
    settings.DEMO_MODE = True
    administrator.is_demo = True
    administrator.save()
    sign_in(client, administrator)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_demo_mode_never_opens_the_admin_without_a_second_factor_in_production(
    client, administrator, settings
):
    settings.DEMO_MODE = True
    settings.PRODUCTION = True
    administrator.is_demo = True
    administrator.save()
    sign_in(client, administrator)

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two_factor"))


def test_an_administrator_who_is_not_a_demo_account_gives_a_code_even_in_demo_mode(
    client, administrator, settings
):
    settings.DEMO_MODE = True
    device = confirmed_device(administrator)
    sign_in(client, administrator)

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two_factor"))
    response = client.post(reverse("accounts:two_factor"), {"token": totp_code(device), "next": "/admin/"})
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
