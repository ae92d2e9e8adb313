"""What a dashboard (and the weekly report) shows for a campaign: for each target, every commune of
the province (or every village of a commune) ranked, with its value, its target, its status and its
trend over the last 30 days.

Today's values come from `rollups.unit_values` (fresh within the read: a visit recorded a moment ago
counts); earlier days from the daily snapshots, so a trend never changes when the registry does. A
report "as of" a past day reads that day's snapshots instead of the live values.

Status is `targets.judge`: the trend from the value about 14 days earlier (or at the campaign's start,
when it started more recently) carried forward to the deadline.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _lazy

from langso.campaigns.indicators import LEVEL_ORDER, Value, snapshot_values
from langso.campaigns.models import (
    Campaign,
    CommuneRollup,
    Display,
    Indicator,
    IndicatorSnapshot,
    Target,
    UnitLevel,
)
from langso.campaigns.rollups import inline_refresh_limit, refresh_stale, unit_values, unit_values_many
from langso.campaigns.targets import Status, UnitTarget, commune_shares, judge, village_shares
from langso.places.models import Commune, Village

TREND_DAYS = 14
# The dashboard's ranking shows this many best and worst units; the whole list is one tap away.
SUMMARY_EACH = 5
SERIES_DAYS = 30


@dataclass
class Row:
    level: str
    unit: str
    name: str
    value: Value | None
    target: Target | UnitTarget | None
    status: Status
    series: list[float] = field(default_factory=list)
    rank: int | None = None
    display: str = Display.PERCENT

    @property
    def ratio(self) -> float | None:
        return self.value.ratio if self.value is not None else None

    @property
    def text(self) -> str:
        """The value as people read it: "58,3 %" or "1.234" (in the active language's format)."""
        ratio = self.ratio
        if ratio is None:
            return "—"
        if self.display == Display.PERCENT:
            return f"{number_format(round(ratio, 1), 1, use_l10n=True)} %"  # Django cuts, not rounds
        if self.display == Display.AVERAGE:
            return number_format(round(ratio, 1), 1, use_l10n=True)
        return number_format(round(ratio), 0, use_l10n=True, force_grouping=True)

    @property
    def counts_text(self) -> str:
        if self.value is None or self.value.denominator is None or self.display == Display.AVERAGE:
            return ""
        n = number_format(self.value.numerator, 0, use_l10n=True, force_grouping=True)
        d = number_format(self.value.denominator, 0, use_l10n=True, force_grouping=True)
        return f"{n}/{d}"

    @property
    def target_text(self) -> str:
        if self.target is None:
            return ""
        value = float(self.target.value)
        if self.display == Display.PERCENT:
            return f"{number_format(round(value, 1), 1, use_l10n=True)} %"
        return number_format(value, 0, use_l10n=True, force_grouping=True)


@dataclass
class Board:
    target: Target
    indicator: Indicator
    total: Row
    rows: list[Row]
    row_level: str
    has_rows: bool  # False for an indicator that has no value at the rows' level (a commune fact)

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(row.status for row in self.rows)
        return {status.value: counter.get(status, 0) for status in Status}

    def summary(self, each: int = SUMMARY_EACH) -> RankingSummary:
        """The ranking a phone can show: the `each` best and the `each` worst units with a number, how
        many lie between, and the units without a number as one count (a province has about 90
        communes, most without data at a campaign's start)."""
        ranked = [row for row in self.rows if row.ratio is not None]
        without = len(self.rows) - len(ranked)
        if len(ranked) <= 2 * each:
            return RankingSummary(best=ranked, between=0, worst=[], without_data=without)
        return RankingSummary(
            best=ranked[:each], between=len(ranked) - 2 * each, worst=ranked[-each:], without_data=without
        )


@dataclass
class RankingSummary:
    best: list[Row]
    between: int
    worst: list[Row]
    without_data: int

    @property
    def is_whole(self) -> bool:
        return not self.between and not self.without_data


def _sum(values: list[Value], is_count: bool) -> Value | None:
    if not values:
        return None
    numerator = sum(v.numerator for v in values)
    return Value(numerator, None if is_count else sum(v.denominator or 0 for v in values))


def _applies(indicator: Indicator, level: str) -> bool:
    return LEVEL_ORDER.index(level) >= LEVEL_ORDER.index(indicator.lowest_level)


def _series_many(
    indicators: list[Indicator],
    *,
    province_code: int,
    day: datetime.date,
    row_level: str,
    row_units: list[str] | None,
    parent_level: str,
    parent_unit: str,
) -> dict[int, dict[tuple[str, str], list[tuple[datetime.date, float]]]]:
    """The daily snapshots of the last SERIES_DAYS days before `day`, per indicator and unit, oldest
    first: one query for the whole dashboard."""
    wanted = Q(level=parent_level, unit=parent_unit)
    if row_units:
        wanted |= Q(level=row_level, unit__in=row_units)
    rows = (
        IndicatorSnapshot.objects.filter(
            wanted,
            indicator__in=indicators,
            province_code=province_code,
            day__range=(day - datetime.timedelta(days=SERIES_DAYS), day - datetime.timedelta(days=1)),
        )
        .order_by("day")
        .values_list("indicator_id", "level", "unit", "day", "numerator", "denominator")
    )
    series: dict[int, dict[tuple[str, str], list[tuple[datetime.date, float]]]] = {
        i.pk: {} for i in indicators
    }
    averages = {i.pk for i in indicators if i.display == Display.AVERAGE}
    for indicator_id, level, unit, when, numerator, denominator in rows:
        ratio = Value(numerator, denominator, indicator_id in averages).ratio
        if ratio is not None:
            series[indicator_id].setdefault((level, unit), []).append((when, ratio))
    return series


def _earlier(
    points: list[tuple[datetime.date, float]], since: datetime.date, day: datetime.date
) -> tuple[datetime.date, float] | None:
    for when, ratio in points:
        if since <= when < day:
            return when, ratio
    return None


# Rendered boards are kept this long at most, under a key that changes whenever a number they show can.
BOARDS_CACHE_SECONDS = 300


def build_boards(
    campaign: Campaign, *, commune: Commune | None = None, day: datetime.date | None = None
) -> list[Board]:
    """One board per province-wide target of the campaign: the province's communes ranked, or, with
    `commune`, that commune's villages. `day` before today reads that day's snapshots."""
    today = timezone.localdate()
    return _build_boards(campaign, commune=commune, day=min(day or today, today))


def boards_key(campaign: Campaign, commune: Commune | None, day: datetime.date, *, live: bool) -> str:
    """Everything the boards show depends on: the targets, the state each commune's numbers were
    computed from, and the newest snapshot (the views cache the rendered boards under it)."""
    communes = (
        [commune.code]
        if commune is not None
        else list(Commune.objects.filter(province_id=campaign.province_id).values_list("code", flat=True))
    )
    state: list[Any] = [
        campaign.pk,
        campaign.starts_on,
        campaign.ends_on,
        commune.code if commune else None,
        day,
    ]
    state += list(
        campaign.targets.order_by("pk").values_list(
            "pk", "indicator_id", "value", "deadline", "commune_id", "split"
        )
    )
    if live:
        refresh_stale(communes, limit=inline_refresh_limit(commune_scope=commune is not None))
        state += list(
            CommuneRollup.objects.filter(commune_id__in=communes)
            .order_by("commune_id")
            .values_list("commune_id", "day", "change_value", "computed_at")
        )
    # Sparklines and past days read snapshots: their newest row for the province is part of the state.
    state.append(
        IndicatorSnapshot.objects.filter(province_code=campaign.province_id, day__lte=day)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    digest = hashlib.sha256(repr(state).encode()).hexdigest()
    return f"campaign-boards:{digest}"


def _build_boards(campaign: Campaign, *, commune: Commune | None, day: datetime.date) -> list[Board]:
    today = timezone.localdate()
    live = day == today
    province_code = campaign.province_id
    targets = list(
        campaign.targets.select_related("indicator", "commune").order_by(
            "indicator__position", "indicator__code", "pk"
        )
    )
    overrides = {(t.indicator_id, t.commune_id): t for t in targets if t.commune_id}
    if commune is None:
        row_level, parent_level, parent_unit = UnitLevel.COMMUNE, UnitLevel.PROVINCE, str(province_code)
        parent_name = campaign.province.name
        units = [
            (str(code), name)
            for code, name in Commune.objects.filter(province_id=province_code)
            .order_by("sort_key")
            .values_list("code", "name")
        ]
    else:
        row_level, parent_level, parent_unit = UnitLevel.VILLAGE, UnitLevel.COMMUNE, str(commune.code)
        parent_name = commune.name
        units = [
            (str(pk), name)
            for pk, name in Village.objects.filter(commune=commune)
            .order_by("sort_key")
            .values_list("pk", "name")
        ]
    trend_since = max(day - datetime.timedelta(days=TREND_DAYS), campaign.starts_on)
    shown = [t for t in targets if t.commune_id is None]
    indicators = [t.indicator for t in shown]
    # Everything the page shows in a handful of queries: today's values of every indicator at once
    # (one freshness check), and every sparkline from one snapshot query.
    live_rows: dict[str, dict[str, Value]] = {}
    live_parent: dict[str, dict[str, Value]] = {}
    if live and indicators:
        if commune is None:
            live_rows = unit_values_many(indicators, level=row_level, province_code=province_code)
        else:
            live_rows = unit_values_many(indicators, level=row_level, commune_code=commune.code)
            live_parent = unit_values_many(indicators, level=UnitLevel.COMMUNE, commune_code=commune.code)
    all_series = _series_many(
        indicators,
        province_code=province_code,
        day=day,
        row_level=row_level,
        row_units=[u for u, _name in units],
        parent_level=parent_level,
        parent_unit=parent_unit,
    )
    boards = []
    for target in shown:
        indicator = target.indicator
        is_count = not indicator.denominator
        has_rows = _applies(indicator, row_level)
        values = (
            live_rows.get(indicator.code, {})
            if live
            else _values(
                indicator, live=False, day=day, level=row_level, commune=commune, province_code=province_code
            )
        )
        values = values if has_rows else {}
        if commune is None:
            parent_value = _sum(list(values.values()), is_count) if live else None
            if not live:
                parent_value = snapshot_values(indicator, day, parent_level, province_code).get(parent_unit)
        elif live:
            parent_value = live_parent.get(indicator.code, {}).get(parent_unit)
        else:
            parent_value = snapshot_values(indicator, day, parent_level, province_code).get(parent_unit)
        series = all_series.get(indicator.pk, {})
        if not has_rows:
            series = {key: points for key, points in series.items() if key[0] == parent_level}

        make_row = functools.partial(_row, indicator=indicator, series=series, since=trend_since, day=day)
        own = {c: t for (i, c), t in overrides.items() if i == indicator.pk}
        # Each level is judged against its own share: a province count split to communes, a commune's
        # to its villages (targets.py); a rate is the same at every level.
        if commune is None:
            parent_target: Any = target
            shares = commune_shares(target, own, [u for u, _n in units], day)
            rows = [make_row(row_level, u, n, values.get(u), shares[u]) for u, n in units]
        else:
            # The commune's share is its part of the province's total, so it is split among them all.
            province_communes = [str(c) for c in _communes_of_province(province_code)]
            parent_target = commune_shares(target, own, province_communes, day)[str(commune.code)]
            shares = (
                village_shares(parent_target, target, commune.code, [u for u, _n in units], day)
                if has_rows
                else {}
            )
            rows = [make_row(row_level, u, n, values.get(u), shares[u]) for u, n in units] if has_rows else []
        total = make_row(parent_level, parent_unit, parent_name, parent_value, parent_target)
        _rank(rows, indicator.higher_is_better)
        boards.append(Board(target, indicator, total, rows, row_level, has_rows))
    return boards


def _communes_of_province(province_code: int) -> list[int]:
    return list(Commune.objects.filter(province_id=province_code).values_list("code", flat=True))


def _row(
    level: str,
    unit: str,
    name: str,
    value: Value | None,
    unit_target: Target | UnitTarget | None,
    *,
    indicator: Indicator,
    series: dict[tuple[str, str], list[tuple[datetime.date, float]]],
    since: datetime.date,
    day: datetime.date,
) -> Row:
    points = series.get((level, unit), [])
    if value is not None and indicator.display == Display.AVERAGE and not value.average:
        # Stored values (CurrentValue, snapshots, sums of rows) do not know they are an average: read
        # as a percent, 2,5 days to fix a spot showed as "250,0".
        value = replace(value, average=True)
    current = value.ratio if value is not None else None
    status = (
        Status.NO_DATA
        if unit_target is None
        else judge(
            current=current,
            earlier=_earlier(points, since, day),
            target=float(unit_target.value),
            deadline=unit_target.deadline,
            today=day,
            higher_is_better=indicator.higher_is_better,
        )
    )
    line = [ratio for _when, ratio in points] + ([current] if current is not None else [])
    return Row(level, unit, name, value, unit_target, status, line, display=indicator.display)


def _values(
    indicator: Indicator,
    *,
    live: bool,
    day: datetime.date,
    level: str,
    commune: Commune | None,
    province_code: int,
) -> dict[str, Value]:
    if live:
        if commune is None:
            return unit_values(indicator, level=level, province_code=province_code)
        return unit_values(indicator, level=level, commune_code=commune.code)
    values = snapshot_values(indicator, day, level, province_code)
    if commune is not None:
        villages = {str(pk) for pk in Village.objects.filter(commune=commune).values_list("pk", flat=True)}
        values = {unit: value for unit, value in values.items() if unit in villages}
    return values


def _rank(rows: list[Row], higher_is_better: bool) -> None:
    """Best first; units without a value last (alphabetical order kept among equals)."""
    sign = -1 if higher_is_better else 1

    def key(row: Row) -> tuple[int, float]:
        ratio = row.ratio
        return (1, 0.0) if ratio is None else (0, sign * ratio)

    rows.sort(key=key)
    for position, row in enumerate(rows, start=1):
        row.rank = position if row.ratio is not None else None


def board_for(boards: list[Board], target_id: Any) -> Board | None:
    text = str(target_id or "")
    for board in boards:
        if str(board.target.pk) == text:
            return board
    return boards[0] if boards else None


# "Adults reached" and its split by source (the shipped indicators adults_reached_<way>), with short
# names for the dashboard's table.
REACHED_WAYS: tuple[tuple[str, Any], ...] = (
    ("visit", _lazy("Hướng dẫn tại nhà")),
    ("group", _lazy("Buổi học cộng đồng")),
    ("helpdesk", _lazy("Bộ phận một cửa")),
    ("observed", _lazy("Thành viên tổ ghi nhận kỹ năng")),
    ("platform", _lazy("Nền tảng quốc gia")),
    ("police", _lazy("Công an xã (định danh mức 2)")),
)


@dataclass(frozen=True)
class ReachedRow:
    label: Any
    people: int
    percent: float | None


def reached_by_source(campaign: Campaign, commune: Commune | None = None) -> list[ReachedRow]:
    """Today's "adults reached" of the province (or the commune), then each source's own: a person
    reached two ways is in two rows and once in the total. Empty when the indicators are missing."""
    codes = ["adults_reached", *(f"adults_reached_{way}" for way, _label in REACHED_WAYS)]
    indicators = list(Indicator.objects.filter(code__in=codes))
    if len(indicators) != len(codes):
        return []
    if commune is not None:
        values = unit_values_many(indicators, level=UnitLevel.COMMUNE, commune_code=commune.code)
        unit = str(commune.code)
    else:
        values = unit_values_many(indicators, level=UnitLevel.PROVINCE, province_code=campaign.province_id)
        unit = str(campaign.province_id)
    labels = [_lazy("Tổng, mỗi người một lần"), *(label for _way, label in REACHED_WAYS)]
    rows = []
    for code, label in zip(codes, labels, strict=True):
        value = values.get(code, {}).get(unit, Value(0, 0))
        rows.append(ReachedRow(label, value.numerator, value.ratio))
    return rows
