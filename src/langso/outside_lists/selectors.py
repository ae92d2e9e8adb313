"""Reads of outside lists, each scoped to the user's units: a commune officer sees the lists and rows
of their commune, province staff those of their province."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from langso.accounts.access import Perm, scope_for
from langso.accounts.models import User
from langso.outside_lists.models import UNMATCHED_STATUSES, EntryStatus, ListEntry, OutsideList
from langso.registry.models import Resident


def _scope_q(user: User) -> Q:
    return scope_for(user, Perm.OUTSIDE_LISTS).q(province="province_id", commune="commune_id", village=None)


def lists_in_scope(user: User) -> QuerySet[OutsideList]:
    return OutsideList.objects.filter(_scope_q(user)).select_related("commune", "province", "created_by")


def entries_in_scope(user: User) -> QuerySet[ListEntry]:
    """The rows a user may see and decide: their province's, or their commune's (a row whose commune
    the list did not say is seen by the province only)."""
    return ListEntry.objects.filter(_scope_q(user))


def review_entries(user: User) -> QuerySet[ListEntry]:
    return (
        entries_in_scope(user)
        .filter(status=EntryStatus.REVIEW)
        .select_related("commune", "outside_list")
        .order_by("commune__sort_key", "name_folded", "pk")
    )


def candidates_of(entries: list[ListEntry]) -> dict[str, list[Resident]]:
    """The people each row could be, in one query for the page."""
    ids = {i for e in entries for i in e.candidates}
    people = {
        str(p.pk): p
        for p in Resident.objects.filter(pk__in=ids).select_related("village", "household", "commune")
    }
    return {str(e.pk): [people[i] for i in e.candidates if i in people] for e in entries}


def unmatched_entries(user: User, *, commune_code: int | None = None) -> QuerySet[ListEntry]:
    qs = (
        entries_in_scope(user).filter(status__in=UNMATCHED_STATUSES).select_related("commune", "outside_list")
    )
    if commune_code is not None:
        qs = qs.filter(commune_id=commune_code)
    return qs.order_by("commune__sort_key", "source", "name_folded", "pk")


def unmatched_by_commune(user: User) -> list[dict[str, Any]]:
    """Per commune (and "commune not known"), how many rows of each source found no one."""
    rows = (
        entries_in_scope(user)
        .filter(status__in=UNMATCHED_STATUSES)
        .order_by()
        .values("commune_id", "commune__name", "source")
        .annotate(n=Count("pk"))
    )
    out: dict[Any, dict[str, Any]] = {}
    for row in rows:
        item = out.setdefault(
            row["commune_id"],
            {"code": row["commune_id"], "name": row["commune__name"] or "", "platform": 0, "police": 0},
        )
        item[row["source"]] += row["n"]
    return sorted(out.values(), key=lambda i: (i["code"] is None, i["name"]))
