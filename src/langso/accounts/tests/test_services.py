"""User accounts: creation with Django's password validators, Argon2 in the real settings."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ValidationError

from langso.accounts import services
from langso.accounts.models import Role, RoleAssignment, User
from langso.accounts.tests.factories import user_with_role
from langso.core.models import AuditAction, AuditEntry
from langso.places.tests.factories import commune

pytestmark = pytest.mark.django_db

STRONG = "Ruong-bac-thang-2025!"


@pytest.fixture
def administrator():
    return user_with_role(Role.ADMINISTRATOR)


@pytest.mark.parametrize("weak", ["12345678901", "password123", "ngan", "canbo.moi1"])
def test_user_create_refuses_a_weak_password(administrator, weak):
    with pytest.raises(ValidationError) as caught:
        services.user_create(
            acting_user=administrator,
            username="canbo.moi",
            password=weak,
            full_name="Cán bộ Mới",
            role=Role.COMMUNE_OFFICER,
            commune=commune(),
        )

    assert "password" in caught.value.message_dict
    assert not User.objects.filter(username="canbo.moi").exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()


def test_user_create_makes_the_user_and_role_and_audits_without_the_password(administrator):
    user = services.user_create(
        acting_user=administrator,
        username="canbo.moi",
        password=STRONG,
        full_name="Cán bộ Mới",
        role=Role.COMMUNE_OFFICER,
        commune=commune(),
    )

    assert user.check_password(STRONG)
    assert user.is_demo is False
    assignment = RoleAssignment.objects.get(user=user)
    assert assignment.role == Role.COMMUNE_OFFICER and assignment.commune_id == commune().code
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(user.pk))
    assert entry.actor == administrator
    assert STRONG not in str(entry.changes) and user.password not in str(entry.changes)
    assert entry.changes["role"] == Role.COMMUNE_OFFICER


def test_user_create_takes_unit_codes_and_marks_demo_accounts():
    user = services.user_create(
        acting_user=None,
        username="demo.tinh",
        password=STRONG,
        full_name="Cán bộ tỉnh (trình diễn)",
        role=Role.PROVINCE_STAFF,
        province=commune().province_id,
        is_demo=True,
    )

    assert user.is_demo is True
    assert RoleAssignment.objects.get(user=user).province_id == commune().province_id


def test_user_create_refuses_a_taken_username_and_two_units(administrator):
    services.user_create(
        acting_user=administrator, username="canbo.moi", password=STRONG, full_name="A", role=Role.AUDITOR
    )

    with pytest.raises(ValidationError) as caught:
        services.user_create(
            acting_user=administrator, username="CANBO.MOI", password=STRONG, full_name="B", role=Role.AUDITOR
        )
    assert "username" in caught.value.message_dict

    with pytest.raises(ValidationError):
        services.user_create(
            acting_user=administrator,
            username="canbo.hai",
            password=STRONG,
            full_name="C",
            role=Role.AUDITOR,
            province=commune().province,
            commune=commune(),
        )


def test_user_create_refuses_an_unknown_role(administrator):
    with pytest.raises(ValidationError):
        services.user_create(
            acting_user=administrator, username="canbo.x", password=STRONG, full_name="X", role="king"
        )


def test_user_set_password_validates_and_audits(administrator):
    user = user_with_role(Role.AUDITOR)

    with pytest.raises(ValidationError):
        services.user_set_password(acting_user=administrator, user=user, password="123")
    services.user_set_password(acting_user=administrator, user=user, password=STRONG)

    user.refresh_from_db()
    assert user.check_password(STRONG)
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(user.pk))
    assert entry.changes == {"password": ["•••", "•••"]}


def test_the_real_settings_hash_passwords_with_argon2():
    real = importlib.import_module("langso.settings")

    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    names = [validator["NAME"].rsplit(".", 1)[-1] for validator in real.AUTH_PASSWORD_VALIDATORS]
    assert {"MinimumLengthValidator", "CommonPasswordValidator", "NumericPasswordValidator"} <= set(names)


def test_argon2_is_installed_and_works():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    encoded = hasher.encode(STRONG, hasher.salt())

    assert encoded.startswith("argon2$")
    assert hasher.verify(STRONG, encoded)
