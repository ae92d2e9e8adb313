"""The country's targets against the received counts: each unit's target (the country's, a province's
share, a commune's or a village's part of it) and whether the unit is done, on track or behind.

The rules are the province campaigns' (`campaigns.targets`), one level up: a rate applies to every
unit as it is (a province may be given its own); a count is the country's total, split to provinces by
their adults or households — counted from the packages they sent — or by hand, and each province's
share to its communes and villages the same way. Status is `campaigns.targets.judge`: the trend since
the received day about two weeks earlier, carried forward to the deadline.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from langso.campaigns.dashboards import TREND_DAYS
from langso.campaigns.indicators import Value
from langso.campaigns.models import Indicator, UnitLevel
from langso.campaigns.targets import Status, UnitTarget, judge, split_whole
from langso.national.models import NationalSplit, NationalTarget, ReceivedCount, ReceivedPackage


def is_count(indicator: Indicator) -> bool:
    return not indicator.denominator


@dataclass
class Targets:
    """The country's targets by indicator, and the provinces' own by (indicator, province)."""

    country: dict[int, NationalTarget] = field(default_factory=dict)
    own: dict[tuple[int, int], NationalTarget] = field(default_factory=dict)


def targets() -> Targets:
    found = Targets()
    for target in NationalTarget.objects.select_related("indicator"):
        if target.province_code is None:
            found.country[target.indicator_id] = target
        else:
            found.own[(target.indicator_id, target.province_code)] = target
    return found


def _weight_fact(split: str) -> str:
    return "households" if split == NationalSplit.HOUSEHOLDS else "adults"


def weights(counts: QuerySet[ReceivedCount], split: str, group: str) -> dict[str, int]:
    """Adults (or households) per unit, summed from the received counts."""
    rows = counts.filter(fact=_weight_fact(split))
    if group == "village_code":
        rows = rows.exclude(village_code="")
    return {str(row[group]): row["n"] or 0 for row in rows.order_by().values(group).annotate(n=Sum("count"))}


def _own(target: NationalTarget) -> UnitTarget:
    return UnitTarget(target.value, target.deadline, _("Giao riêng cho tỉnh"), target.pk)


def province_shares(
    target: NationalTarget, found: Targets, provinces: Iterable[str], province_weights: dict[str, int]
) -> dict[str, UnitTarget | None]:
    """Each province's target: a rate as it is (or the province's own); a count, the province's own
    when set by hand, else its part of what the hand-set ones leave (none with "by hand")."""
    provinces = list(provinces)
    own = {
        p: found.own[(target.indicator_id, int(p))]
        for p in provinces
        if (target.indicator_id, int(p)) in found.own
    }
    if not is_count(target.indicator):
        return {
            p: _own(own[p]) if p in own else UnitTarget(target.value, target.deadline, "", target.pk)
            for p in provinces
        }
    out: dict[str, UnitTarget | None] = {p: _own(t) for p, t in own.items()}
    rest = [p for p in provinces if p not in own]
    if target.split == NationalSplit.MANUAL:
        out.update(dict.fromkeys(rest))
        return out
    # The hand-set shares of every province count, also of those not listed (e.g. not sent that day).
    fixed = sum((t.value for (i, _p), t in found.own.items() if i == target.indicator_id), Decimal(0))
    remaining = max(target.value - fixed, Decimal(0))
    parts = split_whole(remaining, {p: province_weights.get(p, 0) for p in rest}, whole=True)
    label = NationalSplit(target.split).label
    for p in rest:
        out[p] = UnitTarget(parts[p], target.deadline, f"{label} ({province_weights.get(p, 0)})", target.pk)
    return out


def part_shares(
    parent: UnitTarget | None, target: NationalTarget, units: Iterable[str], unit_weights: dict[str, int]
) -> dict[str, UnitTarget | None]:
    """A province's (or commune's) units against their part of its target (a rate: the same rate)."""
    units = list(units)
    if parent is None:
        return dict.fromkeys(units)
    if not is_count(target.indicator):
        return dict.fromkeys(units, UnitTarget(parent.value, parent.deadline, "", parent.pk))
    split = NationalSplit.HOUSEHOLDS if target.split == NationalSplit.HOUSEHOLDS else NationalSplit.ADULTS
    parts = split_whole(parent.value, {u: unit_weights.get(u, 0) for u in units}, whole=True)
    label = NationalSplit(split).label
    return {
        u: UnitTarget(parts[u], parent.deadline, f"{label} ({unit_weights.get(u, 0)})", parent.pk)
        for u in units
    }


def earlier_day(packages: QuerySet[ReceivedPackage], day: datetime.date) -> datetime.date | None:
    """The first received day of the TREND_DAYS before `day` on which every province of `day` sent
    too: a trend drawn from a day some province missed would read its absence as a fall."""
    sent = set(packages.filter(day=day).values_list("province_code", flat=True))
    if not sent:
        return None
    by_day: dict[datetime.date, set[int]] = defaultdict(set)
    for when, province in packages.filter(
        day__range=(day - datetime.timedelta(days=TREND_DAYS), day - datetime.timedelta(days=1)),
        province_code__in=sent,
    ).values_list("day", "province_code"):
        by_day[when].add(province)
    for when in sorted(by_day):
        if by_day[when] >= sent:
            return when
    return None


def status(
    indicator: Indicator,
    value: Value | None,
    earlier: tuple[datetime.date, Value | None] | None,
    unit_target: UnitTarget | None,
    day: datetime.date,
) -> Status:
    if unit_target is None:
        return Status.NO_DATA
    then = earlier[1].ratio if earlier is not None and earlier[1] is not None else None
    return judge(
        current=value.ratio if value is not None else None,
        earlier=(earlier[0], then) if earlier is not None and then is not None else None,
        target=float(unit_target.value),
        deadline=unit_target.deadline,
        today=day,
        higher_is_better=indicator.higher_is_better,
    )


def progress_percent(
    value: Value | None, unit_target: UnitTarget | None, higher_is_better: bool
) -> int | None:
    """How far along the target a unit is, 0–100, for a bar (None when it cannot be said)."""
    if value is None or unit_target is None or value.ratio is None:
        return None
    goal = float(unit_target.value)
    if not higher_is_better:
        return 100 if value.ratio <= goal else max(0, round(100 * goal / value.ratio)) if value.ratio else 100
    if goal <= 0:
        return 100
    return max(0, min(100, round(100 * value.ratio / goal)))


LEVEL_BELOW = {
    UnitLevel.COUNTRY: UnitLevel.PROVINCE,
    UnitLevel.PROVINCE: UnitLevel.COMMUNE,
    UnitLevel.COMMUNE: UnitLevel.VILLAGE,
}


def unit_targets(
    target: NationalTarget,
    found: Targets,
    *,
    day: datetime.date,
    level: str,
    province_code: int | None,
    commune_code: int | None,
    units: Iterable[str],
) -> tuple[UnitTarget | None, dict[str, UnitTarget | None]]:
    """The target of the unit shown and those of the units one level below it, from the country's
    target down (a commune's share is its part of its province's, which is its part of the country's)."""
    day_counts = ReceivedCount.objects.filter(package__day=day)
    country = UnitTarget(target.value, target.deadline, "", target.pk)
    sent = [str(p) for p in ReceivedPackage.objects.filter(day=day).values_list("province_code", flat=True)]
    if province_code is not None and str(province_code) not in sent:
        sent.append(str(province_code))

    def of_provinces(provinces: Iterable[str]) -> dict[str, UnitTarget | None]:
        return province_shares(
            target, found, provinces, weights(day_counts, target.split, "package__province_code")
        )

    if level == UnitLevel.COUNTRY or province_code is None:
        return country, of_provinces(units)
    province = of_provinces(sent)[str(province_code)]
    in_province = day_counts.filter(package__province_code=province_code)
    if level == UnitLevel.PROVINCE:
        return province, part_shares(
            province, target, units, weights(in_province, target.split, "commune_code")
        )
    if commune_code is None:
        return province, {}
    communes = [str(c) for c in in_province.order_by().values_list("commune_code", flat=True).distinct()]
    commune = part_shares(province, target, communes, weights(in_province, target.split, "commune_code")).get(
        str(commune_code)
    )
    in_commune = in_province.filter(commune_code=commune_code)
    return commune, part_shares(commune, target, units, weights(in_commune, target.split, "village_code"))


def with_status(
    row: Any, indicator: Indicator, unit_target: UnitTarget | None, earlier: Any, day: datetime.date
) -> Any:
    """The dashboard row (`campaigns.dashboards.Row`) with its target and status filled in."""
    row.target = unit_target
    row.status = status(indicator, row.value, earlier, unit_target, day)
    return row
