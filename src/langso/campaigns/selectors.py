"""Reads for campaigns, scoped to the user's units: which campaigns and dashboards they may open, and
the people or places behind a number (the drill-down)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format

from langso.accounts.access import Perm, Scope, get_in_scope_or_404, scope_for
from langso.accounts.models import User
from langso.campaigns.facts import FACTS, FactContext
from langso.campaigns.indicators import drill_down
from langso.campaigns.models import Campaign, Indicator, UnitLevel, WeeklyReport
from langso.places.models import Commune, Village
from langso.places.selectors import commune_scope_q, village_scope_q


def _province_codes_seen(scope: Scope) -> Q:
    """Campaigns are the province's: anyone with a unit inside the province sees them."""
    if scope.everything:
        return Q()
    condition = Q(province_id__in=scope.province_codes)
    if scope.commune_codes:
        condition |= Q(
            province_id__in=Commune.objects.filter(code__in=scope.commune_codes).values("province_id")
        )
    if scope.village_ids:
        condition |= Q(
            province_id__in=Village.objects.filter(id__in=scope.village_ids).values("commune__province_id")
        )
    return condition


def campaign_list(*, user: User) -> QuerySet[Campaign]:
    scope = scope_for(user, Perm.CAMPAIGNS_VIEW)
    return Campaign.objects.filter(_province_codes_seen(scope)).select_related("province")


def campaign_get(*, user: User, campaign_id: Any) -> Campaign:
    return get_in_scope_or_404(
        Campaign.objects.select_related("province"),
        _province_codes_seen(scope_for(user, Perm.CAMPAIGNS_VIEW)),
        pk=campaign_id,
    )


def sees_whole_province(user: User, province_code: int) -> bool:
    """The province ranking compares communes: for roles held at the province or above."""
    scope = scope_for(user, Perm.CAMPAIGNS_VIEW)
    return scope.everything or province_code in scope.province_codes


def communes_in_view(*, user: User, campaign: Campaign) -> QuerySet[Commune]:
    return (
        Commune.objects.filter(commune_scope_q(user, Perm.CAMPAIGNS_VIEW), province_id=campaign.province_id)
        .distinct()
        .order_by("sort_key")
    )


def commune_for_dashboard(*, user: User, campaign: Campaign, code: Any) -> Commune:
    """A commune of the campaign's province inside the user's units; 404 otherwise."""
    return get_in_scope_or_404(communes_in_view(user=user, campaign=campaign), Q(), code=code)


def campaign_scope_for_reports(user: User) -> Q:
    """Stored weekly reports compare every commune: for roles held at the province or above."""
    scope = scope_for(user, Perm.CAMPAIGNS_VIEW)
    return Q() if scope.everything else Q(province_id__in=scope.province_codes)


def reports_of(*, campaign: Campaign) -> QuerySet[WeeklyReport]:
    return WeeklyReport.objects.filter(campaign=campaign).defer("pdf", "xlsx")


# --- Drill-down -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DrillUnit:
    level: str
    unit: str
    name: str
    province_code: int
    commune_code: int | None


def drill_unit(*, user: User, level: str, unit: str) -> DrillUnit:
    """The unit a number belongs to, if it is the user's; the same 404 as a unit that does not exist."""
    if level == UnitLevel.VILLAGE:
        village = get_in_scope_or_404(
            Village.objects.select_related("commune"), village_scope_q(user, Perm.CAMPAIGNS_VIEW), pk=unit
        )
        return DrillUnit(
            level, str(village.pk), village.name, village.commune.province_id, village.commune_id
        )
    if not unit.isdigit():
        raise Http404
    if level == UnitLevel.COMMUNE:
        commune = get_in_scope_or_404(
            Commune.objects.distinct(), commune_scope_q(user, Perm.CAMPAIGNS_VIEW), code=int(unit)
        )
        return DrillUnit(level, str(commune.code), commune.name, commune.province_id, commune.code)
    if level == UnitLevel.PROVINCE and sees_whole_province(user, int(unit)):
        from langso.places.models import Province

        province = get_in_scope_or_404(Province.objects.all(), Q(), code=int(unit))
        return DrillUnit(level, str(province.code), province.name, province.code, None)
    raise Http404


@dataclass(frozen=True)
class DrillRow:
    title: str
    place: str
    url: str
    lacks: str = ""  # what the person still lacks for the indicator (people still missing only)


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _place(village: Any) -> str:
    """A village with its commune: a province's list mixes villages of the same name."""
    return f"{village.name}, {village.commune.name}"


def _present(obj: Any) -> DrillRow:
    """Names and places only: never an identity number or a sensitive field."""
    label = obj._meta.model_name
    if label == "resident":
        return DrillRow(obj.full_name, _place(obj.village), obj.get_absolute_url())
    if label == "household":
        head = obj.head.full_name if obj.head_id else ""
        return DrillRow(
            f"{obj.code} — {head}" if head else obj.code, _place(obj.village), obj.get_absolute_url()
        )
    if label == "village":
        return DrillRow(obj.name, obj.commune.name, obj.get_absolute_url())
    if label == "commune":
        return DrillRow(obj.name, obj.province.name, obj.get_absolute_url())
    if label == "team":
        return DrillRow(obj.name, obj.village.name, _url("teams:team", obj.pk))
    if label == "visit":
        title = f"{date_format(obj.visited_on, 'SHORT_DATE_FORMAT')} — {obj.household.code}"
        return DrillRow(title, obj.village.name, _url("teams:household_visits", obj.household_id))
    if label == "signalreport":
        return DrillRow(obj.description, obj.village.name, _url("teams:signal", obj.pk))
    if label == "helpdesksession":
        if obj.resident_id:
            return DrillRow(obj.resident.full_name, obj.commune.name, obj.resident.get_absolute_url())
        return DrillRow(obj.walk_in_name, obj.commune.name, "")
    return DrillRow(str(obj), "", "")


_RELATED = {
    "resident": (("village__commune",), ("village__sort_key", "sort_key", "pk")),
    "household": (("village__commune", "head"), ("village__sort_key", "code", "pk")),
    "village": (("commune",), ("sort_key", "pk")),
    "commune": (("province",), ("sort_key",)),
    "team": (("village",), ("village__sort_key", "name", "pk")),
    "visit": (("village", "household"), ("-visited_on", "pk")),
    "signalreport": (("village",), ("-reported_on", "pk")),
    "helpdesksession": (("commune", "resident"), ("-helped_on", "pk")),
}


def drill_rows(
    *, user: User, indicator: Indicator, unit: DrillUnit, day: datetime.date, missing: bool = True
) -> QuerySet[Any]:
    """The rows behind a unit's number (by default those still missing), limited to the user's units:
    a team leader opening the commune's number sees the people of their own village."""
    ctx = FactContext(day=day, province_code=unit.province_code, commune_code=unit.commune_code)
    qs: QuerySet[Any] = drill_down(indicator, ctx, level=unit.level, unit=unit.unit, missing=missing)
    fact = FACTS[indicator.denominator if missing and indicator.denominator else indicator.numerator]
    province, commune, village = fact.paths
    qs = qs.filter(
        scope_for(user, Perm.CAMPAIGNS_VIEW).q(province=province, commune=commune, village=village)
    )
    if qs.model._meta.app_label == "registry":
        # People and households: the registry's own jurisdiction applies too.
        qs = qs.filter(
            scope_for(user, Perm.REGISTRY_VIEW).q(province=province, commune=commune, village=village)
        )
    related, order = _RELATED.get(qs.model._meta.model_name, ((), ("pk",)))
    return qs.select_related(*related).order_by(*order)


def present_rows(rows: Any, indicator: Indicator | None = None, *, missing: bool = False) -> list[DrillRow]:
    """The rows as the list shows them; people still missing with what they lack for `indicator`."""
    objects = list(rows)
    shown = [_present(obj) for obj in objects]
    residents = [obj for obj in objects if obj._meta.model_name == "resident"]
    if indicator is not None and missing and residents:
        from langso.campaigns.drill import lacks_by_resident

        lacks = lacks_by_resident(indicator, residents)
        shown = [
            DrillRow(row.title, row.place, row.url, lacks.get(obj.pk, ""))
            if obj._meta.model_name == "resident"
            else row
            for row, obj in zip(shown, objects, strict=True)
        ]
    return shown
