"""Reads of the accounts capability: the audit trail (scoped to the auditor's units) and 2FA devices.

An auditor of a province sees the entries about people of that province and the entries of users who
hold a role there; an auditor with no unit (the whole country) sees everything. Lists page by entry id
(newest first, "older"/"newer" links), so a trail of tens of millions of rows needs no COUNT(*).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from langso.accounts.access import Perm, Scope, scope_for

# The entries in words; the audit pages call them through here.
from langso.accounts.audit_text import EntryRow, entry_rows  # noqa: F401
from langso.accounts.models import RoleAssignment, User
from langso.core.models import AuditEntry

AUDIT_PAGE_SIZE = 50
USER_OBJECT_TYPE = "accounts.user"


def two_factor_device(user: User) -> TOTPDevice | None:
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


def users_in_scope(scope: Scope) -> QuerySet[RoleAssignment, Any]:
    """The ids (as `user_id`) of the users holding a role in a unit of `scope`, for a subquery."""
    return RoleAssignment.objects.filter(_assignments_in_scope_q(scope)).values("user_id")


def audit_scope_q(user: User) -> Q:
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
    users = users_in_scope(scope)
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


def audit_list(*, user: User, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
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


def audit_subject_get(*, user: User, subject_id: int) -> User:
    """A user whose trail the auditor may read; the same 404 for missing and outside their units."""
    scope = scope_for(user, Perm.AUDIT_VIEW)
    users = User.objects.all()
    if not scope.everything:
        users = users.filter(pk__in=users_in_scope(scope))
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
