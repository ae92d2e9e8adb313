"""Writes of the accounts capability: sign-in with lockout, the second factor, user accounts.

Every function writes its audit entry in the same transaction as the change. Notes stored in the
trail are fixed Vietnamese sentences marked with gettext_noop: the trail keeps one canonical text and
the audit pages translate it when shown.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import django_otp
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice

from langso.accounts.access import requires_two_factor
from langso.accounts.models import Role, RoleAssignment, User
from langso.core import audit, throttle
from langso.core.middleware import client_ip
from langso.core.models import AuditAction

NOTE_UNKNOWN_USER = gettext_noop("Tên đăng nhập không tồn tại")
NOTE_WRONG_PASSWORD = gettext_noop("Sai mật khẩu")
NOTE_WHILE_LOCKED = gettext_noop("Đăng nhập khi tài khoản đang bị khóa")
NOTE_LOCKED = gettext_noop("Khóa tạm thời sau nhiều lần đăng nhập sai")
NOTE_ADDRESS_THROTTLED = gettext_noop("Địa chỉ mạng tạm thời bị chặn sau nhiều lần đăng nhập sai")
NOTE_PASSWORD_OK_2FA_PENDING = gettext_noop("Mật khẩu đúng, chờ mã xác thực hai bước")
NOTE_PASSWORD_OK = gettext_noop("Mật khẩu đúng")
NOTE_DEMO_RELAXED = gettext_noop("Mật khẩu đúng; tài khoản trình diễn được miễn xác thực hai bước")
NOTE_2FA_OK = gettext_noop("Xác thực hai bước thành công")
NOTE_2FA_WRONG = gettext_noop("Mã xác thực hai bước sai")
NOTE_2FA_THROTTLED = gettext_noop("Nhập mã xác thực hai bước quá nhanh sau nhiều lần sai")
NOTE_2FA_ENROLLED = gettext_noop("Đăng ký thiết bị xác thực hai bước")
NOTE_2FA_RESET = gettext_noop("Đặt lại xác thực hai bước")
NOTE_UNLOCKED = gettext_noop("Mở khóa đăng nhập")
NOTE_USER_CREATED = gettext_noop("Tạo tài khoản")
NOTE_PASSWORD_CHANGED = gettext_noop("Đổi mật khẩu")
NOTE_ADMIN = gettext_noop("Qua trang quản trị")
NOTE_DENIED = gettext_noop("Truy cập bị từ chối")

ENROLMENT_DEVICE_NAME = "Làng Số"


# --- Sign-in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginOutcome:
    """The result of a password check: a user (signed in), or a refusal, maybe with a lock."""

    user: User | None = None
    locked_until: datetime.datetime | None = None
    address_blocked: bool = False

    @property
    def ok(self) -> bool:
        return self.user is not None


def _spend_hasher_time(password: str) -> None:
    # The same work as checking a real password, so the answer time does not say whether the
    # account exists or is locked.
    User().set_password(password)


def login_attempt(*, request: HttpRequest | None, username: str, password: str) -> LoginOutcome:
    """Check a password with lockout.

    After settings.LOGIN_FAILURE_LIMIT failures in a row the account is locked for
    settings.LOGIN_LOCKOUT_MINUTES; a locked account is refused even with the right password.
    A success resets the count.

    Failures are also counted per network address, whatever the account: after
    settings.LOGIN_ADDRESS_FAILURE_LIMIT of them within the lockout period the address is refused,
    so one machine cannot try a common password on every account (each would lock only after its
    own limit). The counters live in the shared cache (settings.CACHES).
    """
    now = timezone.now()
    address = [client_ip(request) or ""] if request is not None else []
    if throttle.is_blocked(_ADDRESS_SCOPE, address, limit=settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        _spend_hasher_time(password)
        audit.record(
            actor=None, username=username, action=AuditAction.LOGIN_FAILED, note=NOTE_ADDRESS_THROTTLED
        )
        return LoginOutcome(address_blocked=True)
    outcome = _check_password(request=request, username=username, password=password, now=now)
    if not outcome.ok:
        throttle.count_attempt(_ADDRESS_SCOPE, address, window_seconds=settings.LOGIN_LOCKOUT_MINUTES * 60)
    return outcome


_ADDRESS_SCOPE = "login-address"


def _check_password(
    *, request: HttpRequest | None, username: str, password: str, now: datetime.datetime
) -> LoginOutcome:
    with transaction.atomic():
        user = User.objects.select_for_update().filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            _spend_hasher_time(password)
            audit.record(
                actor=None, username=username, action=AuditAction.LOGIN_FAILED, note=NOTE_UNKNOWN_USER
            )
            return LoginOutcome()

        if user.locked_until and user.locked_until > now:
            _spend_hasher_time(password)
            audit.record(
                actor=None,
                username=user.get_username(),
                action=AuditAction.LOGIN_FAILED,
                obj=user,
                note=NOTE_WHILE_LOCKED,
            )
            return LoginOutcome(locked_until=user.locked_until)

        authenticated = authenticate(request, username=username, password=password)
        if authenticated is None or authenticated.pk != user.pk:
            return _login_failed(user, now)

        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        authenticated.failed_login_count = 0
        authenticated.locked_until = None
        if two_factor_needed(authenticated):
            note = NOTE_PASSWORD_OK_2FA_PENDING
        elif two_factor_relaxed(authenticated):
            note = NOTE_DEMO_RELAXED
        else:
            note = NOTE_PASSWORD_OK
        audit.record(actor=authenticated, action=AuditAction.LOGIN, obj=authenticated, note=note)
        return LoginOutcome(user=authenticated)


def _login_failed(user: User, now: datetime.datetime) -> LoginOutcome:
    if user.locked_until is not None:
        # An earlier lock has run out: counting starts again.
        user.failed_login_count = 0
        user.locked_until = None
    user.failed_login_count += 1
    locked = user.failed_login_count >= settings.LOGIN_FAILURE_LIMIT
    if locked:
        user.locked_until = now + datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    user.save(update_fields=["failed_login_count", "locked_until"])
    audit.record(
        actor=None,
        username=user.get_username(),
        action=AuditAction.LOGIN_FAILED,
        obj=user,
        changes={"failed_login_count": user.failed_login_count},
        note=NOTE_WRONG_PASSWORD,
    )
    if locked:
        audit.record(
            actor=None,
            username=user.get_username(),
            action=AuditAction.LOCKED,
            obj=user,
            changes={
                "locked_until": user.locked_until.isoformat() if user.locked_until else None,
                "failed_login_count": user.failed_login_count,
            },
            note=NOTE_LOCKED,
        )
        return LoginOutcome(locked_until=user.locked_until)
    return LoginOutcome()


@transaction.atomic
def logout_record(*, acting_user: User | AnonymousUser) -> None:
    """Audit a sign-out (the view then ends the session)."""
    if getattr(acting_user, "is_authenticated", False):
        audit.record(actor=acting_user, action=AuditAction.LOGOUT, obj=acting_user)


@transaction.atomic
def user_unlock(*, acting_user: User, user: User) -> User:
    locked_until = user.locked_until.isoformat() if user.locked_until else None
    before = {"failed_login_count": user.failed_login_count, "locked_until": locked_until}
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
    user.failed_login_count = 0
    user.locked_until = None
    after = {"failed_login_count": 0, "locked_until": None}
    audit.record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=user,
        changes=audit.diff(before, after),
        note=NOTE_UNLOCKED,
    )
    return user


# --- Two-factor sign-in ----------------------------------------------------------------------


def two_factor_relaxed(user: User) -> bool:
    """Demo accounts skip the second factor when the site runs in demo mode (the sign-in page says so)."""
    return bool(settings.DEMO_MODE and getattr(user, "is_demo", False))


def two_factor_needed(user: User) -> bool:
    """Whether this user must give a TOTP code after the password."""
    return requires_two_factor(user) and not two_factor_relaxed(user)


@dataclass(frozen=True)
class TwoFactorOutcome:
    device: TOTPDevice | None = None
    enrolled: bool = False
    retry_at: datetime.datetime | None = None
    # True when the code was not even checked: too many wrong codes just before.
    throttled: bool = False

    @property
    def ok(self) -> bool:
        return self.device is not None


def two_factor_enrolment_device(*, user: User) -> TOTPDevice:
    """The device being enrolled: the user's unconfirmed one, or a new one. Its key stays the same
    until it is confirmed, so reloading the page does not change the QR code."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=ENROLMENT_DEVICE_NAME, confirmed=False)
    return device


def _retry_at(device: TOTPDevice) -> datetime.datetime | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    return (data or {}).get("locked_until")


def two_factor_verify(*, user: User, device: TOTPDevice, token: str) -> TwoFactorOutcome:
    """Check a TOTP code against the user's device (django-otp throttles repeated wrong codes).

    For an unconfirmed device, a right code confirms it: that finishes enrolment.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        retry_at = _retry_at(device)
        if retry_at is not None:
            audit.record(actor=user, action=AuditAction.LOGIN_FAILED, obj=user, note=NOTE_2FA_THROTTLED)
            return TwoFactorOutcome(retry_at=retry_at, throttled=True)
        verified = django_otp.verify_token(user, device.persistent_id, token)
        if verified is None:
            audit.record(actor=user, action=AuditAction.LOGIN_FAILED, obj=user, note=NOTE_2FA_WRONG)
            device.refresh_from_db()
            return TwoFactorOutcome(retry_at=_retry_at(device))
        enrolled = not verified.confirmed
        if enrolled:
            verified.confirmed = True
            verified.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=verified.pk).delete()
            audit.record(
                actor=user,
                action=AuditAction.CREATE,
                obj=verified,
                object_repr=str(user.get_username()),
                note=NOTE_2FA_ENROLLED,
            )
        audit.record(actor=user, action=AuditAction.LOGIN, obj=user, note=NOTE_2FA_OK)
        return TwoFactorOutcome(device=verified, enrolled=enrolled)


@transaction.atomic
def two_factor_reset(*, acting_user: User, user: User) -> int:
    """Remove a user's TOTP devices (a lost phone): the next sign-in enrols a new one."""
    count: int
    count, _detail = TOTPDevice.objects.filter(user=user).delete()
    audit.record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=user,
        changes={"totp_devices": [count, 0]},
        note=NOTE_2FA_RESET,
    )
    return count


# --- User accounts ---------------------------------------------------------------------------


def _unit_kwargs(province: Any, commune: Any, village: Any) -> dict[str, Any]:
    given = {"province": province, "commune": commune, "village": village}
    units = {name: value for name, value in given.items() if value is not None}
    if len(units) > 1:
        raise ValidationError(_("Một vai trò chỉ gắn với một đơn vị: tỉnh, xã hoặc thôn."), code="one_unit")
    return {
        (name if isinstance(value, models.Model) else f"{name}_id"): value for name, value in units.items()
    }


@transaction.atomic
def user_create(
    *,
    acting_user: User | None,
    username: str,
    password: str,
    full_name: str,
    role: str,
    province: Any = None,
    commune: Any = None,
    village: Any = None,
    is_demo: bool = False,
    email: str = "",
    phone: str = "",
    organisation: str = "",
) -> User:
    """Create a user holding one role at one unit (no unit: the whole country).

    The password is checked with Django's validators (settings.AUTH_PASSWORD_VALIDATORS) and stored
    with the configured hasher (Argon2). Raises ValidationError.
    """
    username = username.strip()
    if role not in Role.values:
        raise ValidationError({"role": _("Vai trò không hợp lệ.")}, code="invalid_role")
    unit = _unit_kwargs(province, commune, village)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Tên đăng nhập này đã có người dùng.")}, code="username_taken")
    user = User(
        username=username,
        full_name=full_name.strip(),
        email=email,
        phone=phone,
        organisation=organisation,
        is_demo=is_demo,
    )
    user.full_clean(exclude=["password"])
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    user.set_password(password)
    user.save()
    assignment = RoleAssignment(user=user, role=role, **unit)
    assignment.full_clean(exclude=["user"])
    assignment.save()
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=user,
        changes={
            "username": user.username,
            "full_name": user.full_name,
            "role": role,
            "unit": assignment.unit_label,
            "is_demo": is_demo,
        },
        note=NOTE_USER_CREATED,
    )
    return user


@transaction.atomic
def user_set_password(*, acting_user: User, user: User, password: str) -> User:
    """Set a new password (validated) and audit it; the hash never enters the trail."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    password_changed_record(acting_user=acting_user, user=user)
    return user


def password_changed_record(*, acting_user: User, user: User) -> None:
    audit.record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=user,
        changes={"password": ["•••", "•••"]},
        note=NOTE_PASSWORD_CHANGED,
    )


def admin_change_record(
    *,
    acting_user: User,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> None:
    """Audit a change made through the Django admin (called inside the admin's transaction)."""
    audit.record(
        actor=acting_user,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes=changes,
        note=NOTE_ADMIN,
    )


# --- Refused access --------------------------------------------------------------------------


def denied_record(*, acting_user: User, path: str, status: int, method: str) -> None:
    """Audit a refused page or API call (403, or a 404 that may hide another unit's data)."""
    with transaction.atomic():
        audit.record(
            actor=acting_user,
            action=AuditAction.DENIED,
            object_type="url",
            object_repr=path[:200],
            changes={"path": path[:500], "status": status, "method": method},
            note=NOTE_DENIED,
        )
