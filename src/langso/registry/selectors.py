"""Reads from the registry, always scoped to the user's units."""

from __future__ import annotations

import contextlib
import datetime
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from langso.accounts.access import Perm, get_in_scope_or_404, scope_for
from langso.accounts.models import User
from langso.core.text import fold
from langso.core.validators import normalize_phone
from langso.registry.models import Household, Resident
from langso.registry.search import name_q, name_words, searched_through_names

AGE_GROUPS = {
    # key: (min age, max age) inclusive; None is open.
    "under18": (None, 17),
    "18-35": (18, 35),
    "36-59": (36, 59),
    "60plus": (60, None),
}


@dataclass(frozen=True)
class ResidentFilters:
    q: str = ""
    village_id: uuid.UUID | None = None
    commune_code: int | None = None
    poverty: str = ""
    age_group: str = ""
    sex: str = ""
    ethnic_group: str = ""
    adults_only: bool = False

    @classmethod
    def from_params(cls, params: Any) -> ResidentFilters:
        village = params.get("village") or None
        try:
            village_id = uuid.UUID(str(village)) if village else None
        except ValueError:
            village_id = None
        commune = str(params.get("commune") or "")
        return cls(
            q=str(params.get("q") or "")[:100],
            village_id=village_id,
            commune_code=int(commune) if commune.isdigit() else None,
            poverty=str(params.get("poverty") or ""),
            age_group=str(params.get("age_group") or ""),
            sex=str(params.get("sex") or ""),
            ethnic_group=str(params.get("ethnic_group") or ""),
            adults_only=str(params.get("adults") or "") in {"1", "true", "on"},
        )


def _units_q(user: User, perm: str) -> Q:
    return scope_for(user, perm).q(province="province_id", commune="commune_id", village="village_id")


def resident_scope_q(user: User, perm: str = Perm.REGISTRY_VIEW) -> Q:
    return _units_q(user, perm)


def _birth_year_bounds(age_group: str, today: datetime.date) -> Q:
    low, high = AGE_GROUPS[age_group]
    condition = Q()
    # Age by birth year is what commune registers hold for many elderly people; it is off by at
    # most one year for those with a full date, which the filter accepts.
    if low is not None:
        condition &= Q(birth_year__lte=today.year - low)
    if high is not None:
        condition &= Q(birth_year__gte=today.year - high)
    return condition


def search_q(query: str, *, within_one_unit: bool = False) -> Q:
    """Find by name (with or without diacritics, any Unicode form), by CCCD, or by phone.

    `within_one_unit`: the list is confined to one commune or village (see search.name_q).
    """
    text = query.strip()
    if not text:
        return Q()
    digits = re.sub(r"[\s.\-+()]", "", text)
    if digits.isdigit() and len(digits) >= 9:
        condition = Q(cccd=digits) if len(digits) == 12 else Q(pk__in=[])
        with contextlib.suppress(ValidationError):  # not a phone number: the CCCD match stands alone
            condition |= Q(phone=normalize_phone(text))
        return condition
    return name_q(text, within_one_unit=within_one_unit)


def resident_list(*, user: User, filters: ResidentFilters | None = None) -> QuerySet[Resident]:
    filters = filters or ResidentFilters()
    scope = scope_for(user, Perm.REGISTRY_VIEW)
    qs = Resident.objects.filter(scope.q(province="province_id", commune="commune_id", village="village_id"))
    if filters.q:
        qs = qs.filter(search_q(filters.q, within_one_unit=_confined_to_one_unit(scope, filters)))
    if filters.village_id:
        qs = qs.filter(village_id=filters.village_id)
    if filters.commune_code:
        qs = qs.filter(commune_id=filters.commune_code)
    if filters.poverty:
        qs = qs.filter(household__poverty=filters.poverty)
    if filters.sex:
        qs = qs.filter(sex=filters.sex)
    if filters.ethnic_group:
        qs = qs.filter(ethnic_group=filters.ethnic_group)
    today = timezone.localdate()
    if filters.age_group in AGE_GROUPS:
        qs = qs.filter(_birth_year_bounds(filters.age_group, today))
    if filters.adults_only:
        qs = qs.filter(birth_year__lte=today.year - 18)
    qs = qs.select_related("village", "household").order_by("sort_key", "id")
    if _is_province_wide_name_search(scope, filters):
        # A page of a name search over a whole province is found through its distinct names, in
        # milliseconds at millions of residents, with the same rows (see search.py).
        (province_code,) = scope.province_codes
        return searched_through_names(qs, province_code=province_code, query=filters.q)
    return qs


def _is_province_wide_name_search(scope: Any, filters: ResidentFilters) -> bool:
    only_a_name = filters == ResidentFilters(q=filters.q) and not _is_number_query(filters.q)
    one_province = len(scope.province_codes) == 1 and not (
        scope.everything or scope.commune_codes or scope.village_ids
    )
    return bool(name_words(filters.q)) and only_a_name and one_province


def _confined_to_one_unit(scope: Any, filters: ResidentFilters) -> bool:
    if filters.village_id or filters.commune_code:
        return True
    only_villages = bool(scope.village_ids) and not (
        scope.everything or scope.province_codes or scope.commune_codes
    )
    one_commune = len(scope.commune_codes) == 1 and not (
        scope.everything or scope.province_codes or scope.village_ids
    )
    return only_villages or one_commune


def _is_number_query(query: str) -> bool:
    digits = re.sub(r"[\s.\-+()]", "", query.strip())
    return digits.isdigit() and len(digits) >= 9


def resident_get(*, user: User, resident_id: Any, perm: str = Perm.REGISTRY_VIEW) -> Resident:
    return get_in_scope_or_404(
        Resident.objects.select_related("household", "village", "commune", "province"),
        _units_q(user, perm),
        pk=resident_id,
    )


@dataclass(frozen=True)
class HouseholdFilters:
    q: str = ""
    village_id: uuid.UUID | None = None
    poverty: str = ""

    @classmethod
    def from_params(cls, params: Any) -> HouseholdFilters:
        village = params.get("village") or None
        try:
            village_id = uuid.UUID(str(village)) if village else None
        except ValueError:
            village_id = None
        return cls(
            q=str(params.get("q") or "")[:100],
            village_id=village_id,
            poverty=str(params.get("poverty") or ""),
        )


def household_list(*, user: User, filters: HouseholdFilters | None = None) -> QuerySet[Household]:
    filters = filters or HouseholdFilters()
    qs = Household.objects.filter(_units_q(user, Perm.REGISTRY_VIEW))
    if filters.q:
        folded = fold(filters.q)
        qs = qs.filter(Q(code__icontains=filters.q.strip()) | Q(head__name_folded__contains=folded))
    if filters.village_id:
        qs = qs.filter(village_id=filters.village_id)
    if filters.poverty:
        qs = qs.filter(poverty=filters.poverty)
    return qs.select_related("village", "head").order_by("village__sort_key", "code")


def household_get(*, user: User, household_id: Any, perm: str = Perm.REGISTRY_VIEW) -> Household:
    return get_in_scope_or_404(
        Household.objects.select_related("village", "commune", "head"),
        _units_q(user, perm),
        pk=household_id,
    )
