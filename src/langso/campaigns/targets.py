"""Whether a unit is done, on track or behind on a target, judged from its trend."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.core.cache import cache
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from langso.campaigns.facts import FactContext, adults_q, households
from langso.campaigns.models import Indicator, Split, Target


class Status(models.TextChoices):
    DONE = "done", _("Đã đạt")
    ON_TRACK = "on_track", _("Đúng tiến độ")
    BEHIND = "behind", _("Chậm tiến độ")
    NO_DATA = "no_data", _("Chưa có số liệu")


def judge(
    *,
    current: float | None,
    earlier: tuple[datetime.date, float] | None,
    target: float,
    deadline: datetime.date,
    today: datetime.date,
    higher_is_better: bool = True,
) -> Status:
    """Done when the target is met. Otherwise the trend since `earlier` is carried forward to the
    deadline (a straight line): on track if it gets there, behind if not, or if the deadline passed
    or there is no earlier value to draw a trend from and the target is not met."""
    if current is None:
        return Status.NO_DATA
    sign = 1 if higher_is_better else -1
    if sign * (current - target) >= 0:
        return Status.DONE
    if today >= deadline or earlier is None:
        return Status.BEHIND
    since, then = earlier
    elapsed = (today - since).days
    if elapsed <= 0:
        return Status.BEHIND
    projected = current + (current - then) / elapsed * (deadline - today).days
    return Status.ON_TRACK if sign * (projected - target) >= 0 else Status.BEHIND


# --- Each level against its own share ---------------------------------------------------------------


@dataclass(frozen=True)
class UnitTarget:
    """The target one unit is judged against: the province's own, a commune's share, a village's."""

    value: Decimal
    deadline: datetime.date
    how: str = ""  # in plain words, for the page: "set by hand", "share by adults 1.234/56.789"
    pk: Any = None


# How long a province's split of its targets by adults (or households) is kept (see `_weights`).
WEIGHTS_SECONDS = 300


def is_count(indicator: Indicator) -> bool:
    return not indicator.denominator


def _weights(
    split: str, day: datetime.date, *, province_code: int, commune_code: int | None
) -> dict[str, int]:
    """Adults (or households) per commune of the province, or per village of one commune.

    Kept a few minutes: every dashboard read splits its targets with these, and counting a province's
    adults on each read was the load test's busiest statement (docs/quality.md). A split that follows
    new residents a few minutes late changes no one's work; the counts shown are never these."""
    key = f"campaigns:weights:{split}:{day.isoformat()}:{province_code}:{commune_code or ''}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    ctx = FactContext(day=day, province_code=province_code, commune_code=commune_code)
    rows = households(ctx) if split == Split.HOUSEHOLDS else adults_q(ctx)
    field = "village_id" if commune_code else "commune_id"
    weights = {str(unit): n for unit, n in rows.order_by().values_list(field).annotate(n=Count("pk"))}
    cache.set(key, weights, WEIGHTS_SECONDS)
    return weights


def split_whole(total: Decimal, weights: dict[str, int], *, whole: bool) -> dict[str, Decimal]:
    """Split `total` in proportion to `weights`; counts in whole numbers that add up exactly to the
    total (largest remainder), so the communes' shares never add up to more or less than the province's."""
    units = sorted(weights)
    weight_sum = sum(weights.values())
    if not units:
        return {}
    if weight_sum == 0:
        weights, weight_sum = dict.fromkeys(units, 1), len(units)
    exact = {u: total * weights[u] / weight_sum for u in units}
    if not whole:
        return {u: v.quantize(Decimal("0.01")) for u, v in exact.items()}
    floors = {u: v.to_integral_value(rounding=ROUND_FLOOR) for u, v in exact.items()}
    left = int(total.to_integral_value(rounding=ROUND_FLOOR) - sum(floors.values()))
    for u in sorted(units, key=lambda u: (-(exact[u] - floors[u]), u))[: max(left, 0)]:
        floors[u] += 1
    return floors


def commune_shares(
    target: Target, overrides: dict[int, Target], communes: Iterable[str], day: datetime.date
) -> dict[str, UnitTarget | None]:
    """Each commune's target: a rate as it is (or the commune's own); a count, the commune's own when
    set by hand, else its part of what the hand-set ones leave, split by the target's rule (with
    "by hand", a commune without its own share has none)."""
    communes = list(communes)
    if not is_count(target.indicator):
        return {
            c: _own(overrides[int(c)])
            if int(c) in overrides
            else UnitTarget(target.value, target.deadline, pk=target.pk)
            for c in communes
        }
    fixed = {c: overrides[int(c)] for c in communes if int(c) in overrides}
    out: dict[str, UnitTarget | None] = {c: _own(t) for c, t in fixed.items()}
    rest = [c for c in communes if c not in fixed]
    if target.split == Split.MANUAL:
        out.update(dict.fromkeys(rest))
        return out
    remaining = max(target.value - sum((t.value for t in fixed.values()), Decimal(0)), Decimal(0))
    weights = _weights(target.split, day, province_code=target.campaign.province_id, commune_code=None)
    parts = split_whole(remaining, {c: weights.get(c, 0) for c in rest}, whole=True)
    label = Split(target.split).label
    for c in rest:
        out[c] = UnitTarget(parts[c], target.deadline, f"{label} ({weights.get(c, 0)})", target.pk)
    return out


def village_shares(
    commune_target: UnitTarget | None,
    target: Target,
    commune_code: int,
    villages: Iterable[str],
    day: datetime.date,
) -> dict[str, UnitTarget | None]:
    """Villages against their part of their commune's target (a rate: the same rate)."""
    villages = list(villages)
    if commune_target is None:
        return dict.fromkeys(villages)
    if not is_count(target.indicator):
        return dict.fromkeys(villages, commune_target)
    split = Split.HOUSEHOLDS if target.split == Split.HOUSEHOLDS else Split.ADULTS
    weights = _weights(split, day, province_code=target.campaign.province_id, commune_code=commune_code)
    parts = split_whole(commune_target.value, {v: weights.get(v, 0) for v in villages}, whole=True)
    label = Split(split).label
    return {
        v: UnitTarget(parts[v], commune_target.deadline, f"{label} ({weights.get(v, 0)})", target.pk)
        for v in villages
    }


def _own(target: Target) -> UnitTarget:
    return UnitTarget(target.value, target.deadline, str(_("Giao riêng cho xã")), target.pk)
