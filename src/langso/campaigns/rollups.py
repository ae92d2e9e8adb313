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
from langso.core.replicas import primary_only
from langso.places.models import Commune, Village
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


# From this many stale communes of one province on, one province-wide pass is cheaper than a pass per
# commune (measured: 1,000,000 people, 92 communes: 56 s for the province against 5 s per commune).
PROVINCE_PASS_FROM = 8
# A dashboard read recomputes at most this many changed communes while the user waits; the rest
# are refreshed by `refresh_rollups` (every minute) and shown meanwhile with their last values.
INLINE_REFRESH_LIMIT = 3
# A province-wide read recomputes only communes never computed. While teams sync all morning nearly
# every read finds changed communes, and recomputing them inline made the province dashboard take
# seconds under load (bench/load); a commune's own board still shows its visits at the next read.
PROVINCE_INLINE_REFRESH_LIMIT = 0


def inline_refresh_limit(*, commune_scope: bool) -> int:
    return INLINE_REFRESH_LIMIT if commune_scope else PROVINCE_INLINE_REFRESH_LIMIT


# On the primary even inside a dashboard that reads from a replica: the counters and the facts must come
# from one database, or a counter read on the primary could stamp facts a lagging replica still lacks.
@primary_only()
def _refresh(commune_codes: list[int], day: datetime.date, ctx: FactContext) -> int:
    """Compute with `ctx` (one commune, or their whole province) and store the rows of `commune_codes`."""
    counters = current_values(commune_codes)  # read before computing: never skip a change
    provinces = dict(Commune.objects.filter(code__in=commune_codes).values_list("code", "province_id"))
    indicators = {i.code: i for i in Indicator.objects.filter(is_active=True)}
    values = compute_all(ctx, indicators.values())
    village_commune = {}
    if any(level == UnitLevel.VILLAGE for by_unit in values.values() for level, _u in by_unit):
        village_commune = {
            str(pk): commune
            for pk, commune in Village.objects.filter(commune_id__in=commune_codes).values_list(
                "pk", "commune_id"
            )
        }
    wanted = set(commune_codes)
    rows = []
    for code, by_unit in values.items():
        for (level, unit), value in by_unit.items():
            if level == UnitLevel.COMMUNE:
                commune = int(unit)
            elif level == UnitLevel.VILLAGE:
                commune = village_commune.get(unit)
            else:
                continue
            if commune not in wanted:
                continue
            rows.append(
                CurrentValue(
                    indicator=indicators[code],
                    level=level,
                    unit=unit,
                    commune_code=commune,
                    province_code=provinces[commune],
                    numerator=value.numerator,
                    denominator=value.denominator,
                )
            )
    with transaction.atomic():
        # Two readers (or a reader and the minute job) may refresh the same commune at once: the
        # second waits here for the first, then keeps the newer of the two results.
        list(
            Commune.objects.select_for_update().filter(code__in=commune_codes).order_by("code").values("code")
        )
        stored = dict(
            CommuneRollup.objects.filter(commune_id__in=commune_codes, day=day).values_list(
                "commune_id", "change_value"
            )
        )
        if all(stored.get(c) is not None and stored[c] >= counters[c] for c in commune_codes):
            return 0  # a refresh that started later, from the same or newer data, already stored
        CurrentValue.objects.filter(commune_code__in=commune_codes).delete()
        CurrentValue.objects.bulk_create(rows, batch_size=2000)
        for commune in commune_codes:
            CommuneRollup.objects.update_or_create(
                commune_id=commune, defaults={"day": day, "change_value": counters[commune]}
            )
    return len(rows)


def refresh_stale(
    commune_codes: Iterable[int], day: datetime.date | None = None, *, limit: int | None = None
) -> list[int]:
    """Recompute the stale communes: one pass per province where many are stale, else one per
    commune. With `limit`, communes never computed are always done, changed ones up to `limit`."""
    day = day or timezone.localdate()
    stale = stale_communes(commune_codes, day)
    if limit is not None and len(stale) > limit:
        known = set(CommuneRollup.objects.filter(commune_id__in=stale).values_list("commune_id", flat=True))
        never = [c for c in stale if c not in known]
        stale = never + [c for c in stale if c in known][: max(0, limit - len(never))]
    by_province: dict[int, list[int]] = {}
    for code, province in Commune.objects.filter(code__in=stale).values_list("code", "province_id"):
        by_province.setdefault(province, []).append(code)
    for province, codes in sorted(by_province.items()):
        if len(codes) >= PROVINCE_PASS_FROM:
            _refresh(sorted(codes), day, FactContext(day=day, province_code=province))
        else:
            for code in sorted(codes):
                _refresh([code], day, FactContext(day=day, commune_code=code))
    return sorted(stale)


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
    """`unit_values` for several indicators: one freshness check, and for villages and communes one
    read for all of them."""
    indicators = list(indicators)
    communes = [commune_code] if commune_code else _communes_of(province_code)
    refresh_stale(communes, limit=inline_refresh_limit(commune_scope=bool(commune_code)))
    if level in (UnitLevel.VILLAGE, UnitLevel.COMMUNE):
        by_id = {i.pk: i for i in indicators}
        out: dict[str, dict[str, Value]] = {i.code: {} for i in indicators}
        for indicator_id, unit, numerator, denominator in CurrentValue.objects.filter(
            indicator_id__in=list(by_id), commune_code__in=communes, level=level
        ).values_list("indicator_id", "unit", "numerator", "denominator"):
            out[by_id[indicator_id].code][unit] = Value(numerator, denominator)
        return out
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
