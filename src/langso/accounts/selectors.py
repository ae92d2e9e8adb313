"""Reads of the accounts capability: the audit trail (scoped to the auditor's units) and 2FA devices.

An auditor of a province sees the entries about people of that province and the entries of users who
hold a role there; an auditor with no unit (the whole country) sees everything. Lists page by entry id
(newest first, "older"/"newer" links), so a trail of tens of millions of rows needs no COUNT(*).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice

from langso.accounts.access import Perm, Scope, scope_for
from langso.accounts.models import RoleAssignment, User
from langso.core.models import AuditAction, AuditEntry
from langso.core.validators import mask_cccd

AUDIT_PAGE_SIZE = 50
USER_OBJECT_TYPE = "accounts.user"


def two_factor_device(user: Any) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if they have enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


# --- Scope -----------------------------------------------------------------------------------


def _assignments_in_scope_q(scope: Scope) -> Q:
    condition = Q(pk__in=[])
    if scope.province_codes:
        codes = scope.province_codes
        condition |= (
            Q(province_id__in=codes)
            | Q(commune__province_id__in=codes)
            | Q(village__commune__province_id__in=codes)
        )
    if scope.commune_codes:
        codes = scope.commune_codes
        condition |= Q(commune_id__in=codes) | Q(village__commune_id__in=codes)
    if scope.village_ids:
        condition |= Q(village_id__in=scope.village_ids)
    return condition


def _users_in_scope(scope: Scope) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(_assignments_in_scope_q(scope)).values("user_id")


def audit_scope_q(user: Any) -> Q:
    """The entries this user may read: about people in their units, or by/about users working there."""
    from langso.registry.models import Resident

    scope = scope_for(user, Perm.AUDIT_VIEW)
    if scope.everything:
        return Q()
    if scope.is_empty:
        return Q(pk__in=[])
    residents = Resident.objects.filter(
        scope.q(province="province_id", commune="commune_id", village="village_id")
    )
    users = _users_in_scope(scope)
    user_keys = (
        RoleAssignment.objects.filter(_assignments_in_scope_q(scope))
        .annotate(key=Cast("user_id", output_field=CharField()))
        .values("key")
    )
    return (
        Q(resident_id__in=residents.values("id"))
        | Q(actor_id__in=users)
        | Q(object_type=USER_OBJECT_TYPE, object_id__in=user_keys)
    )


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    username: str = ""


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_list(*, user: Any, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    filters = filters or AuditFilters()
    qs = AuditEntry.objects.filter(audit_scope_q(user))
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.date_from:
        qs = qs.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_day_start(filters.date_to + datetime.timedelta(days=1)))
    if filters.username:
        qs = qs.filter(actor_username__iexact=filters.username.strip())
    return qs.select_related("actor")


def audit_for_resident(*, resident_id: Any) -> QuerySet[AuditEntry]:
    """Every entry about one person. The caller has already checked the person is in scope."""
    return AuditEntry.objects.filter(resident_id=resident_id).select_related("actor")


def audit_subject_get(*, user: Any, subject_id: int) -> User:
    """A user whose trail the auditor may read; the same 404 for missing and outside their units."""
    scope = scope_for(user, Perm.AUDIT_VIEW)
    users = User.objects.all()
    if not scope.everything:
        users = users.filter(pk__in=_users_in_scope(scope))
    try:
        return users.get(pk=subject_id)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def audit_for_user(*, subject: User) -> QuerySet[AuditEntry]:
    """What one user did, and what was done to their account (failed sign-ins, locks, role changes)."""
    return AuditEntry.objects.filter(
        Q(actor=subject) | Q(object_type=USER_OBJECT_TYPE, object_id=str(subject.pk))
    ).select_related("actor")


# --- Paging ----------------------------------------------------------------------------------


@dataclass
class CursorPage:
    entries: list[AuditEntry]
    older: int | None = None
    newer: int | None = None


def _cursor(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() else None


def cursor_page(
    queryset: QuerySet[AuditEntry], *, before: Any = None, after: Any = None, size: int = AUDIT_PAGE_SIZE
) -> CursorPage:
    """Newest first, `size` entries, with the ids for the "older" (?before=) and "newer" (?after=) links."""
    before_id, after_id = _cursor(before), _cursor(after)
    if after_id is not None:
        rows = list(queryset.filter(id__gt=after_id).order_by("id")[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return CursorPage(
            entries=rows,
            newer=rows[0].id if rows and more_newer else None,
            older=rows[-1].id if rows else after_id + 1,
        )
    if before_id is not None:
        queryset = queryset.filter(id__lt=before_id)
    rows = list(queryset.order_by("-id")[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    return CursorPage(
        entries=rows,
        older=rows[-1].id if rows and more_older else None,
        newer=(rows[0].id if rows else before_id - 1) if before_id is not None else None,
    )


# --- Showing what changed --------------------------------------------------------------------

_MASK_KEYS = {"password"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_LABELS = {
    "unit": gettext_noop("đơn vị"),
    "role": gettext_noop("vai trò"),
    "roles": gettext_noop("vai trò"),
    "path": gettext_noop("địa chỉ"),
    "status": gettext_noop("mã trạng thái"),
    "method": gettext_noop("phương thức"),
    "totp_devices": gettext_noop("thiết bị xác thực"),
    "failed_login_count": gettext_noop("số lần đăng nhập sai"),
    "locked_until": gettext_noop("khóa đến"),
    "password": gettext_noop("mật khẩu"),
    "username": gettext_noop("tên đăng nhập"),
    "is_demo": gettext_noop("tài khoản trình diễn"),
    "is_active": gettext_noop("đang hoạt động"),
    "user": gettext_noop("người dùng"),
}


@dataclass(frozen=True)
class ChangeLine:
    key: str
    label: str
    after: str
    before: str | None = None

    @property
    def is_diff(self) -> bool:
        return self.before is not None


@dataclass
class EntryRow:
    entry: AuditEntry
    changes: list[ChangeLine] = field(default_factory=list)
    object_label: str = ""


def _model_for(object_type: str) -> Any:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def _field_for(model: Any, key: str) -> Any:
    try:
        return model._meta.get_field(key) if model is not None else None
    except FieldDoesNotExist:
        pass
    if key == "role":  # user_create stores the role next to the user's own fields
        return RoleAssignment._meta.get_field("role")
    return None


def _show(value: Any, key: str, model_field: Any) -> str:
    if key in _MASK_KEYS:
        return "•••"
    if value is None or value == "":
        return "—"
    if "cccd" in key and isinstance(value, str) and value.isdigit():
        return mask_cccd(value)
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_show(v, str(k), None)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_show(v, key, model_field) for v in value)
    choices = getattr(model_field, "flatchoices", None)
    if choices:
        for choice, label in choices:
            if str(choice) == str(value):
                return str(label)
    text = str(value)
    if _ISO_DATETIME.match(text):
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return text
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "d/m/Y H:i")
    if _ISO_DATE.match(text):
        try:
            return formats.date_format(datetime.date.fromisoformat(text), "d/m/Y")
        except ValueError:
            return text
    return text


def _label(model: Any, model_field: Any, key: str) -> str:
    if key in _LABELS:
        return _(_LABELS[key])
    if model_field is not None and getattr(model_field, "verbose_name", None):
        return str(model_field.verbose_name)
    return key.replace("_", " ")


def describe_changes(entry: AuditEntry) -> list[ChangeLine]:
    """The `changes` JSON as labelled lines: "field: before → after" for updates, "field: value" otherwise."""
    changes = entry.changes
    if not changes:
        return []
    if not isinstance(changes, dict):
        return [ChangeLine(key="", label="", after=_show(changes, "", None))]
    model = _model_for(entry.object_type)
    lines = []
    for key, value in changes.items():
        model_field = _field_for(model, key)
        label = _label(model, model_field, key)
        if entry.action == AuditAction.UPDATE and isinstance(value, list) and len(value) == 2:
            lines.append(
                ChangeLine(
                    key=key,
                    label=label,
                    before=_show(value[0], key, model_field),
                    after=_show(value[1], key, model_field),
                )
            )
        else:
            lines.append(ChangeLine(key=key, label=label, after=_show(value, key, model_field)))
    return lines


_OBJECT_LABELS = {
    "url": gettext_noop("địa chỉ trang"),
    "otp_totp.totpdevice": gettext_noop("thiết bị xác thực hai bước"),
}


def _object_label(object_type: str) -> str:
    if object_type in _OBJECT_LABELS:
        return _(_OBJECT_LABELS[object_type])
    model = _model_for(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def entry_rows(entries: list[AuditEntry]) -> list[EntryRow]:
    return [
        EntryRow(entry=entry, changes=describe_changes(entry), object_label=_object_label(entry.object_type))
        for entry in entries
    ]
