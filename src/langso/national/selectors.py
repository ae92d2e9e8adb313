"""Reads of the national instance: the country's indicators from the provinces' daily counts, for the
country, a province, a commune or a village — units only; there is no person here to drill down to.

A number for a day adds up the packages of that day: the country is the sum of the provinces that sent
the day (the page names those that did not), and each indicator is computed from its counts as a
province computes it (`campaigns.indicators.Value`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, Sum

from langso.accounts.access import Scope
from langso.campaigns.dashboards import Row
from langso.campaigns.indicators import COUNTRY, LEVEL_ORDER, Value
from langso.campaigns.models import Indicator, UnitLevel
from langso.campaigns.targets import Status, UnitTarget
from langso.national import progress
from langso.national.dictionary import fact_key, fact_keys
from langso.national.models import ReceivedCount, ReceivedPackage, ReceivedVillage
from langso.places.models import Commune, Province


def scope_packages_q(scope: Scope) -> Q:
    if scope.everything:
        return Q()
    provinces = set(scope.province_codes) | set(
        Commune.objects.filter(code__in=scope.commune_codes).values_list("province_id", flat=True)
    )
    return Q(province_code__in=provinces)


def scope_counts_q(scope: Scope) -> Q:
    if scope.everything:
        return Q()
    return Q(package__province_code__in=scope.province_codes) | Q(commune_code__in=scope.commune_codes)


def national_indicators() -> list[Indicator]:
    """The active indicators whose counts the packages carry (an indicator edited on this instance
    into a formula the provinces do not send is left out rather than shown as zero)."""
    keys = set(fact_keys())
    return [
        i
        for i in Indicator.objects.filter(is_active=True)
        if fact_key(i.numerator, i.numerator_params) in keys
        and (not i.denominator or fact_key(i.denominator, i.denominator_params) in keys)
    ]


def latest_day(scope: Scope) -> datetime.date | None:
    return (
        ReceivedPackage.objects.filter(scope_packages_q(scope))
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )


@dataclass
class Board:
    indicator: Indicator
    total: Row
    units: list[Row] = field(default_factory=list)
    target: UnitTarget | None = None  # the shown unit's target (the country's, or its share of it)

    @property
    def counts(self) -> dict[str, int]:
        """How many units below are done, on track, behind (those with a target)."""
        out = {s.value: 0 for s in Status}
        for row in self.units:
            out[row.status] += 1
        return out

    @property
    def progress(self) -> int | None:
        return progress.progress_percent(self.total.value, self.target, self.indicator.higher_is_better)


def _row(indicator: Indicator, level: str, unit: str, name: str, value: Value | None) -> Row:
    # The campaign dashboards' row: the same "58,3 %" and "12/20" as a province's pages show.
    return Row(level, unit, name, value, None, Status.NO_DATA, display=indicator.display)


def _unit_field(level: str) -> str:
    fields: dict[str, str] = {
        UnitLevel.PROVINCE: "package__province_code",
        UnitLevel.COMMUNE: "commune_code",
        UnitLevel.VILLAGE: "village_code",
    }
    return fields[level]


def _sums(counts: Any, keys: set[str], group: str | None) -> dict[tuple[str, str], int]:
    fields = ["fact"] + ([group] if group else [])
    out: dict[tuple[str, str], int] = {}
    for row in counts.filter(fact__in=keys).order_by().values(*fields).annotate(n=Sum("count")):
        out[(row["fact"], str(row[group]) if group else COUNTRY)] = row["n"] or 0
    return out


def _value(indicator: Indicator, sums: dict[tuple[str, str], int], unit: str) -> Value | None:
    numerator = sums.get((fact_key(indicator.numerator, indicator.numerator_params), unit))
    if not indicator.denominator:
        return Value(numerator or 0, None)
    denominator = sums.get((fact_key(indicator.denominator, indicator.denominator_params), unit))
    if numerator is None and denominator is None:
        return None  # no data: never shown as 0 %
    return Value(numerator or 0, denominator or 0, indicator.display == "average")


def boards(
    *,
    scope: Scope,
    day: datetime.date,
    level: str,
    province_code: int | None = None,
    commune_code: int | None = None,
) -> list[Board]:
    """Each indicator for the chosen unit (the country, a province or a commune) and for the units one
    level below it, in two grouped queries for all indicators."""
    counts = ReceivedCount.objects.filter(scope_counts_q(scope), package__day=day)
    if province_code is not None:
        counts = counts.filter(package__province_code=province_code)
    if commune_code is not None:
        counts = counts.filter(commune_code=commune_code)
    indicators = national_indicators()
    keys = {fact_key(i.numerator, i.numerator_params) for i in indicators} | {
        fact_key(i.denominator, i.denominator_params) for i in indicators if i.denominator
    }
    totals = _sums(counts, keys, None)
    below = LEVEL_ORDER[LEVEL_ORDER.index(level) - 1] if level != UnitLevel.VILLAGE else None
    by_unit = (
        _sums(
            counts.exclude(village_code="") if below == UnitLevel.VILLAGE else counts,
            keys,
            _unit_field(below),
        )
        if below
        else {}
    )
    names = unit_names(below, {unit for _fact, unit in by_unit}) if below else {}
    found = progress.targets()
    then = _earlier(scope, day, province_code, commune_code, keys, below) if found.country else None
    out = []
    for indicator in indicators:
        if LEVEL_ORDER.index(indicator.lowest_level) > LEVEL_ORDER.index(level):
            continue
        board = Board(indicator, _row(indicator, level, "", "", _value(indicator, totals, COUNTRY)))
        if below and LEVEL_ORDER.index(indicator.lowest_level) <= LEVEL_ORDER.index(below):
            for unit in sorted(names, key=lambda u: names[u]):
                value = _value(indicator, by_unit, unit)
                if value is not None:
                    board.units.append(_row(indicator, below, unit, names[unit], value))
        target = found.country.get(indicator.pk)
        if target is not None:
            _judge(board, target, found, day, level, province_code, commune_code, then)
        out.append(board)
    # The boards with a target first: they are what a meeting reads.
    return sorted(out, key=lambda b: b.target is None)


Earlier = tuple[datetime.date, dict[tuple[str, str], int], dict[tuple[str, str], int]]


def _earlier(
    scope: Scope,
    day: datetime.date,
    province_code: int | None,
    commune_code: int | None,
    keys: set[str],
    below: str | None,
) -> Earlier | None:
    """The sums of the received day the trend is drawn from (see `progress.earlier_day`)."""
    packages = ReceivedPackage.objects.filter(scope_packages_q(scope))
    if commune_code is not None:
        province_code = province_code or province_of_commune(commune_code)
    if province_code is not None:
        packages = packages.filter(province_code=province_code)
    when = progress.earlier_day(packages, day)
    if when is None:
        return None
    counts = ReceivedCount.objects.filter(scope_counts_q(scope), package__day=when)
    if province_code is not None:
        counts = counts.filter(package__province_code=province_code)
    if commune_code is not None:
        counts = counts.filter(commune_code=commune_code)
    by_unit = (
        _sums(
            counts.exclude(village_code="") if below == UnitLevel.VILLAGE else counts,
            keys,
            _unit_field(below),
        )
        if below
        else {}
    )
    return when, _sums(counts, keys, None), by_unit


def province_of_commune(commune_code: int) -> int | None:
    return Commune.objects.filter(code=commune_code).values_list("province_id", flat=True).first() or (
        ReceivedCount.objects.filter(commune_code=commune_code)
        .values_list("package__province_code", flat=True)
        .first()
    )


def _judge(
    board: Board,
    target: Any,
    found: progress.Targets,
    day: datetime.date,
    level: str,
    province_code: int | None,
    commune_code: int | None,
    then: Earlier | None,
) -> None:
    """Fill in the board's targets and statuses: the unit's own and each unit's below it."""
    indicator = board.indicator
    if commune_code is not None:
        province_code = province_code or province_of_commune(commune_code)
    own, below = progress.unit_targets(
        target,
        found,
        day=day,
        level=level,
        province_code=province_code,
        commune_code=commune_code,
        units=[row.unit for row in board.units],
    )
    board.target = own
    earlier = (then[0], _value(indicator, then[1], COUNTRY)) if then else None
    progress.with_status(board.total, indicator, own, earlier, day)
    for row in board.units:
        earlier = (then[0], _value(indicator, then[2], row.unit)) if then else None
        progress.with_status(row, indicator, below.get(row.unit), earlier, day)


def unit_names(level: str, units: set[str]) -> dict[str, str]:
    """Labels of units by their codes: provinces and communes from the official list (when loaded on
    this instance), villages from the labels the provinces sent."""
    if level == UnitLevel.VILLAGE:
        known = dict(ReceivedVillage.objects.filter(code__in=units).values_list("code", "label"))
    elif level == UnitLevel.COMMUNE:
        known = {
            str(c): n
            for c, n in Commune.objects.filter(code__in=[int(u) for u in units]).values_list("code", "name")
        }
    else:
        known = {
            str(c): n
            for c, n in Province.objects.filter(code__in=[int(u) for u in units]).values_list("code", "name")
        }
    return {unit: known.get(unit, unit) for unit in units}


def provinces_missing(scope: Scope, day: datetime.date) -> list[str]:
    """Provinces that sent some day in scope but not this one: the country's number lacks them."""
    packages = ReceivedPackage.objects.filter(scope_packages_q(scope))
    sent = set(packages.filter(day=day).values_list("province_code", flat=True))
    known = set(packages.values_list("province_code", flat=True))
    names = unit_names(UnitLevel.PROVINCE, {str(c) for c in known - sent})
    return sorted(names.values())


def received_days(scope: Scope, *, limit: int = 30) -> list[datetime.date]:
    return list(
        ReceivedPackage.objects.filter(scope_packages_q(scope))
        .order_by("-day")
        .values_list("day", flat=True)
        .distinct()[:limit]
    )


def in_scope(scope: Scope, *, province_code: int | None = None, commune_code: int | None = None) -> bool:
    """Whether the user may open this province's or commune's national numbers."""
    if scope.everything:
        return True
    if commune_code is not None:
        if commune_code in scope.commune_codes:
            return True
        province_code = Commune.objects.filter(code=commune_code).values_list(
            "province_id", flat=True
        ).first() or (
            ReceivedCount.objects.filter(commune_code=commune_code)
            .values_list("package__province_code", flat=True)
            .first()
        )
    return province_code is not None and province_code in scope.province_codes


@dataclass(frozen=True)
class ProvinceStatus:
    name: str
    day: datetime.date
    version: int
    received_at: datetime.datetime
    via: str


def province_status(scope: Scope) -> list[ProvinceStatus]:
    """Each province's latest day received, so national staff see who is behind."""
    latest: dict[int, ReceivedPackage] = {}
    for package in ReceivedPackage.objects.filter(scope_packages_q(scope)).order_by("province_code", "-day"):
        latest.setdefault(package.province_code, package)
    names = unit_names(UnitLevel.PROVINCE, {str(code) for code in latest})
    return sorted(
        (
            ProvinceStatus(names[str(code)], p.day, p.version, p.received_at, p.get_via_display())
            for code, p in latest.items()
        ),
        key=lambda s: (s.day, s.name),
    )
