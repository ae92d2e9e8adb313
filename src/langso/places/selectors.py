"""Reads of administrative units, scoped to the user's units."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from langso.accounts.access import Perm, get_in_scope_or_404, scope_for
from langso.accounts.models import User
from langso.places.models import Commune, Village


def village_scope_q(user: User, perm: str = Perm.PLACES_VIEW) -> Q:
    return scope_for(user, perm).q(province="commune__province_id", commune="commune_id", village="id")


def commune_scope_q(user: User, perm: str = Perm.PLACES_VIEW) -> Q:
    scope = scope_for(user, perm)
    if scope.everything:
        return Q()
    condition = scope.q(province="province_id", commune="code", village=None)
    if scope.village_ids:
        # A village-level user sees the commune around their village, for context.
        condition |= Q(villages__id__in=scope.village_ids)
    return condition


def commune_list(*, user: User, perm: str = Perm.PLACES_VIEW, q: str = "") -> QuerySet[Commune]:
    from langso.core.text import fold

    qs = Commune.objects.filter(commune_scope_q(user, perm)).select_related("province").distinct()
    if q:
        qs = qs.filter(name_folded__contains=fold(q))
    return qs.order_by("province__sort_key", "sort_key")


def commune_get(*, user: User, code: Any, perm: str = Perm.PLACES_VIEW) -> Commune:
    return get_in_scope_or_404(
        Commune.objects.select_related("province").distinct(), commune_scope_q(user, perm), code=code
    )


def village_list(
    *, user: User, commune: Commune | None = None, perm: str = Perm.PLACES_VIEW
) -> QuerySet[Village]:
    qs = Village.objects.filter(village_scope_q(user, perm)).select_related("commune")
    if commune is not None:
        qs = qs.filter(commune=commune)
    return qs.annotate(household_count=Count("households")).order_by("sort_key")


def village_get(*, user: User, village_id: Any, perm: str = Perm.PLACES_VIEW) -> Village:
    return get_in_scope_or_404(
        Village.objects.select_related("commune__province"), village_scope_q(user, perm), pk=village_id
    )


def village_choices(villages: list[Village]) -> list[tuple[str, Any]]:
    """Villages for a drop-down: grouped under their commune (an <optgroup> each) when they come from
    several, so no option needs "— Phường Bắc Kạn" after a name that already fills a phone's box."""
    if len({v.commune_id for v in villages}) <= 1:
        return [(str(v.pk), v.name) for v in villages]
    groups: dict[str, list[tuple[str, str]]] = {}
    for v in villages:
        groups.setdefault(v.commune.name, []).append((str(v.pk), v.name))
    return list(groups.items())
