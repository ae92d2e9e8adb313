import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from langso.accounts.access import Perm, has_perm
from langso.accounts.models import User
from langso.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


def test_the_first_administrator_is_created_with_the_role_and_an_audit_entry(monkeypatch):
    monkeypatch.setenv("ADMIN_PW", "Mot-mat-khau-rat-dai-2026")
    call_command("create_admin", "quantri.tinh", "--password-env", "ADMIN_PW", "--full-name", "Quản trị tỉnh")
    user = User.objects.get(username="quantri.tinh")
    assert has_perm(user, Perm.ADMIN_SITE)
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(user.pk)).exists()


def test_a_weak_password_is_refused(monkeypatch):
    monkeypatch.setenv("ADMIN_PW", "12345678")
    with pytest.raises(CommandError):
        call_command("create_admin", "quantri.tinh", "--password-env", "ADMIN_PW")
    assert not User.objects.filter(username="quantri.tinh").exists()
