"""Computing indicators for every unit (village → commune → province → country) on any day, and
keeping a snapshot of each per day."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from langso.campaigns.facts import FACTS, Counts, FactContext
from langso.campaigns.models import Indicator, IndicatorSnapshot, UnitLevel
from langso.places.models import Commune, Village

LEVEL_ORDER: list[str] = [UnitLevel.VILLAGE, UnitLevel.COMMUNE, UnitLevel.PROVINCE, UnitLevel.COUNTRY]
COUNTRY = "VN"

UnitKey = tuple[str, str]  # (level, unit code as text)


@dataclass(frozen=True)
class Value:
    numerator: int
    denominator: int | None  # None for a count indicator
    average: bool = False  # numerator / denominator as it is (e.g. days to fix), not a percent

    @property
    def ratio(self) -> float | None:
        """Percent for a ratio indicator (None when the denominator is 0); the count otherwise;
        the plain quotient for an average."""
        if self.denominator is None:
            return float(self.numerator)
        if not self.denominator:
            return None
        return (1.0 if self.average else 100.0) * self.numerator / self.denominator


class FactCache:
    """Facts shared by several indicators (every adult-based ratio shares "adults") run once."""

    def __init__(self, ctx: FactContext) -> None:
        self.ctx = ctx
        self._counts: dict[str, Counts] = {}

    def get(self, name: str, params: dict[str, Any]) -> Counts:
        key = f"{name}:{json.dumps(params, sort_keys=True)}"
        if key not in self._counts:
            self._counts[key] = FACTS[name].count(self.ctx, **params)
        return self._counts[key]


def roll_up(counts: Counts, lowest_level: str) -> dict[UnitKey, int]:
    """Village counts added up to their commune, province and the country."""
    keep = set(LEVEL_ORDER[LEVEL_ORDER.index(lowest_level) :])
    totals: dict[UnitKey, int] = {}
    for (province, commune, village), n in counts.items():
        keys = []
        if village is not None and UnitLevel.VILLAGE in keep:
            keys.append((UnitLevel.VILLAGE.value, str(village)))
        if UnitLevel.COMMUNE in keep:
            keys.append((UnitLevel.COMMUNE.value, str(commune)))
        if UnitLevel.PROVINCE in keep:
            keys.append((UnitLevel.PROVINCE.value, str(province)))
        keys.append((UnitLevel.COUNTRY.value, COUNTRY))
        for key in keys:
            totals[key] = totals.get(key, 0) + n
    return totals


def compute(indicator: Indicator, ctx: FactContext, cache: FactCache | None = None) -> dict[UnitKey, Value]:
    """The indicator for every unit the facts reach. A unit with a denominator and no numerator
    is 0 of n; a unit with neither does not appear (shown as "no data", never as 0%)."""
    cache = cache or FactCache(ctx)
    numerator = roll_up(
        cache.get(indicator.numerator, indicator.numerator_params or {}), indicator.lowest_level
    )
    if not indicator.denominator:
        return {key: Value(n, None) for key, n in numerator.items()}
    denominator = roll_up(
        cache.get(indicator.denominator, indicator.denominator_params or {}), indicator.lowest_level
    )
    average = indicator.display == "average"
    return {key: Value(numerator.get(key, 0), den, average) for key, den in denominator.items()} | {
        key: Value(n, 0, average) for key, n in numerator.items() if key not in denominator
    }


PartKey = tuple[int, str]  # (commune code, village id as text or "" for the commune's own part)


def _parts(counts: Counts) -> dict[PartKey, int]:
    parts: dict[PartKey, int] = {}
    for (_province, commune, village), n in counts.items():
        key = (commune, "" if village is None else str(village))
        parts[key] = parts.get(key, 0) + n
    return parts


def compute_parts(
    indicator: Indicator, ctx: FactContext, cache: FactCache | None = None
) -> dict[PartKey, Value]:
    """The indicator for each village (and each commune's own part) the facts reach, whatever its lowest
    level: the pieces `compute`'s commune, province and country values are sums of (facts only count,
    and each row counts in one village or its commune alone). A part with neither a numerator nor a
    denominator does not appear, as in `compute`."""
    cache = cache or FactCache(ctx)
    numerator = _parts(cache.get(indicator.numerator, indicator.numerator_params or {}))
    if not indicator.denominator:
        return {key: Value(n, None) for key, n in numerator.items()}
    denominator = _parts(cache.get(indicator.denominator, indicator.denominator_params or {}))
    return {key: Value(numerator.get(key, 0), den) for key, den in denominator.items()} | {
        key: Value(n, 0) for key, n in numerator.items() if key not in denominator
    }


def compute_all(
    ctx: FactContext, indicators: Iterable[Indicator] | None = None
) -> dict[str, dict[UnitKey, Value]]:
    cache = FactCache(ctx)
    indicators = list(indicators if indicators is not None else Indicator.objects.filter(is_active=True))
    return {indicator.code: compute(indicator, ctx, cache) for indicator in indicators}


def _province_of(
    level: str, unit: str, provinces_of_communes: dict[str, int], village_province: dict[str, int]
) -> int | None:
    if level == UnitLevel.PROVINCE:
        return int(unit)
    if level == UnitLevel.COMMUNE:
        return provinces_of_communes.get(unit)
    if level == UnitLevel.VILLAGE:
        return village_province.get(unit)
    return None


@transaction.atomic
def take_snapshots(day: datetime.date) -> int:
    """Every active indicator for every unit at the end of `day`, nationwide. Re-running a day
    replaces its rows (idempotent). Returns the number of rows written."""
    values = compute_all(FactContext(day=day))
    commune_province = {
        str(code): province for code, province in Commune.objects.values_list("code", "province_id")
    }
    village_province = {
        str(pk): province for pk, province in Village.objects.values_list("pk", "commune__province_id")
    }
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=list(values))}
    IndicatorSnapshot.objects.filter(day=day, indicator__in=indicators.values()).delete()
    rows = [
        IndicatorSnapshot(
            indicator=indicators[code],
            day=day,
            level=level,
            unit=unit,
            province_code=_province_of(level, unit, commune_province, village_province),
            numerator=value.numerator,
            denominator=value.denominator,
        )
        for code, by_unit in values.items()
        for (level, unit), value in by_unit.items()
    ]
    IndicatorSnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def snapshot_values(
    indicator: Indicator, day: datetime.date, level: str, province_code: int | None = None
) -> dict[str, Value]:
    rows = IndicatorSnapshot.objects.filter(indicator=indicator, day=day, level=level)
    if province_code is not None:
        rows = rows.filter(province_code=province_code)
    return {row.unit: Value(row.numerator, row.denominator) for row in rows}


def drill_down(indicator: Indicator, ctx: FactContext, *, level: str, unit: str, missing: bool = True) -> Any:
    """The rows behind one unit's number, for a team to act on: by default those counted in the
    denominator but not (yet) in the numerator — e.g. the adults of a village without VNeID level 2.
    With `missing=False`, the rows counted in the numerator."""
    numerator = FACTS[indicator.numerator].rows(
        ctx, level=level, unit=unit, **(indicator.numerator_params or {})
    )
    if not missing or not indicator.denominator:
        return numerator
    denominator = FACTS[indicator.denominator].rows(
        ctx, level=level, unit=unit, **(indicator.denominator_params or {})
    )
    if denominator.model is not numerator.model:
        raise ValueError(f"{indicator.code}: numerator and denominator count different things")
    return denominator.exclude(pk__in=numerator.values("pk"))
