"""Fresh numbers for dashboards: each commune's current values are recomputed when the commune has
changed (its change sequence moved on) or the day turned; provinces and the country are sums of
their communes. A visit recorded now shows at the next dashboard read or the next minute's refresh.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from langso.campaigns.facts import FactContext
from langso.campaigns.indicators import Value, compute_all
from langso.campaigns.models import CommuneRollup, CurrentValue, Indicator, UnitLevel
from langso.places.models import Commune
from langso.registry.changes import current_values


def stale_communes(commune_codes: Iterable[int], day: datetime.date | None = None) -> list[int]:
    day = day or timezone.localdate()
    codes = set(commune_codes)
    counters = current_values(codes)
    states = {r.commune_id: r for r in CommuneRollup.objects.filter(commune_id__in=codes)}
    return sorted(
        code
        for code in codes
        if code not in states or states[code].day != day or states[code].change_value < counters[code]
    )


def refresh_commune(commune_code: int, day: datetime.date | None = None) -> int:
    """Recompute every active indicator for one commune and its villages. Returns rows written."""
    day = day or timezone.localdate()
    counter = current_values([commune_code])[commune_code]  # read before computing: never skip a change
    commune = Commune.objects.get(code=commune_code)
    indicators = {i.code: i for i in Indicator.objects.filter(is_active=True)}
    values = compute_all(FactContext(day=day, commune_code=commune_code), indicators.values())
    rows = [
        CurrentValue(
            indicator=indicators[code],
            level=level,
            unit=unit,
            commune_code=commune_code,
            province_code=commune.province_id,
            numerator=value.numerator,
            denominator=value.denominator,
        )
        for code, by_unit in values.items()
        for (level, unit), value in by_unit.items()
        if level in (UnitLevel.VILLAGE, UnitLevel.COMMUNE)
    ]
    with transaction.atomic():
        CurrentValue.objects.filter(commune_code=commune_code).delete()
        CurrentValue.objects.bulk_create(rows, batch_size=2000)
        CommuneRollup.objects.update_or_create(
            commune_id=commune_code, defaults={"day": day, "change_value": counter}
        )
    return len(rows)


def refresh_stale(commune_codes: Iterable[int], day: datetime.date | None = None) -> list[int]:
    stale = stale_communes(commune_codes, day)
    for code in stale:
        refresh_commune(code, day)
    return stale


def _communes_of(province_code: int | None) -> list[int]:
    qs = Commune.objects.all() if province_code is None else Commune.objects.filter(province_id=province_code)
    return list(qs.values_list("code", flat=True))


def unit_values(
    indicator: Indicator, *, level: str, province_code: int | None = None, commune_code: int | None = None
) -> dict[str, Value]:
    """Today's value of the indicator for every unit of `level` inside a province or a commune,
    refreshing what changed first."""
    return unit_values_many([indicator], level=level, province_code=province_code, commune_code=commune_code)[
        indicator.code
    ]


def unit_values_many(
    indicators: Iterable[Indicator],
    *,
    level: str,
    province_code: int | None = None,
    commune_code: int | None = None,
) -> dict[str, dict[str, Value]]:
    """`unit_values` for several indicators: one freshness check, one read per indicator."""
    communes = [commune_code] if commune_code else _communes_of(province_code)
    refresh_stale(communes)
    return {indicator.code: _read(indicator, level, communes) for indicator in indicators}


def _read(indicator: Indicator, level: str, communes: list[int]) -> dict[str, Value]:
    rows = CurrentValue.objects.filter(indicator=indicator, commune_code__in=communes)
    if level in (UnitLevel.VILLAGE, UnitLevel.COMMUNE):
        return {r.unit: Value(r.numerator, r.denominator) for r in rows.filter(level=level)}
    commune_rows = rows.filter(level=UnitLevel.COMMUNE)
    group = "province_code" if level == UnitLevel.PROVINCE else None
    if group:
        return {
            str(r["province_code"]): Value(r["n"], r["d"] if indicator.denominator else None)
            for r in commune_rows.values("province_code").annotate(n=Sum("numerator"), d=Sum("denominator"))
        }
    total = commune_rows.aggregate(n=Sum("numerator"), d=Sum("denominator"))
    return {"VN": Value(total["n"] or 0, (total["d"] or 0) if indicator.denominator else None)}
