"""Fresh numbers for dashboards, kept incrementally.

Every indicator's value is stored per village and per commune (`CurrentValue`), and under it each
village's *part* of every indicator whatever its lowest level (`VillagePart`; "" is the part of the
commune that belongs to no village: group sessions, help-desk sessions, quotas, the committee).
Facts only count, and each row they count lies in one village or its commune alone, so a commune's
numerator and denominator are the sums of its parts, and a province's or the country's the sums of
their communes' (added up at read time, `_read`): the same numbers as computing everything again
(`tests/test_incremental_numbers.py` checks it after a random sequence of changes).

Database triggers log which villages a write touched (`campaigns.village_changes`). A refresh takes a
commune's log rows and recomputes, with the one engine (`indicators.compute_parts`), only those villages'
parts — for per-person facts only those villages' people — and then the commune's row by adding its
stored parts. The whole commune is recomputed only when the day turned (weekly counts, ages, deadlines
move with it), when it was never computed, or when something all its villages read changed (the skills
catalogue, a rule, an indicator's definition). A visit recorded now shows at the next read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from langso.campaigns.facts import FactContext
from langso.campaigns.indicators import FactCache, PartKey, Value, compute_parts
from langso.campaigns.models import (
    ChangedVillage,
    CommuneRollup,
    CurrentValue,
    Indicator,
    UnitLevel,
    VillagePart,
)
from langso.campaigns.village_changes import OWN, WHOLE
from langso.core.replicas import primary_only
from langso.places.models import Commune
from langso.registry.changes import current_values


def _marks(commune_codes: Iterable[int]) -> dict[int, set[str]]:
    marks: dict[int, set[str]] = {}
    for commune, village in ChangedVillage.objects.filter(commune_id__in=set(commune_codes)).values_list(
        "commune_id", "village"
    ):
        marks.setdefault(commune, set()).add(village)
    return marks


def _states(commune_codes: Iterable[int]) -> dict[int, datetime.date]:
    return dict(
        CommuneRollup.objects.filter(commune_id__in=set(commune_codes)).values_list("commune_id", "day")
    )


def stale_communes(commune_codes: Iterable[int], day: datetime.date | None = None) -> list[int]:
    """Communes never computed, computed another day, or with a change logged since."""
    day = day or timezone.localdate()
    codes = set(commune_codes)
    states, marks = _states(codes), _marks(codes)
    return sorted(code for code in codes if states.get(code) != day or code in marks)


# From this many communes of one province to recompute whole, one province-wide pass is cheaper than a
# pass per commune (measured: 1,000,000 people, 92 communes: 56 s for the province against 5 s per commune).
PROVINCE_PASS_FROM = 8
# A dashboard read recomputes at most this many communes *whole* (day turned, catalogue changed…) while
# the user waits; the rest are refreshed by `refresh_rollups` (every minute) and shown meanwhile with
# their last values. Changed villages are always recomputed at the read: that costs a village's people.
INLINE_REFRESH_LIMIT = 3
# A province-wide read recomputes whole only communes never computed: at the day's turn every commune
# is due, and recomputing them inline made the province dashboard take seconds (bench/load).
PROVINCE_INLINE_REFRESH_LIMIT = 0
# A read recomputes at most this many changed villages of one commune; a commune with more (an import)
# is treated as changed whole, under the limits above.
INLINE_VILLAGE_LIMIT = 40


def inline_refresh_limit(*, commune_scope: bool) -> int:
    return INLINE_REFRESH_LIMIT if commune_scope else PROVINCE_INLINE_REFRESH_LIMIT


def _take_marks(commune_codes: list[int]) -> dict[int, set[str]]:
    """Delete the communes' log rows and return them, in one statement: a row committed after it stays
    for the next refresh, and every row it returns was committed before the facts are read."""
    marks: dict[int, set[str]] = {}
    table = ChangedVillage._meta.db_table
    placeholders = ", ".join(["%s"] * len(commune_codes))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE commune_id IN ({placeholders}) RETURNING commune_id, village",  # noqa: S608
            commune_codes,
        )
        for commune, village in cursor.fetchall():
            marks.setdefault(commune, set()).add(village)
    return marks


def _normal(village: str) -> str:
    """A village id as the facts write it (the triggers log SQLite's hex or PostgreSQL's text form)."""
    if village in (OWN, WHOLE):
        return village
    import uuid

    return str(uuid.UUID(village))


def _context(day: datetime.date, communes: list[int], province: int, **only: object) -> FactContext:
    if len(communes) == 1:
        return FactContext(day=day, commune_code=communes[0], **only)  # type: ignore[arg-type]
    return FactContext(day=day, province_code=province, **only)  # type: ignore[arg-type]


# On the primary even inside a dashboard that reads from a replica: the log and the facts must come from
# one database, or a log row taken on the primary could stand for facts a lagging replica still lacks.
@primary_only()
def _refresh(
    commune_codes: list[int],
    day: datetime.date,
    province: int,
    *,
    whole: Iterable[int] = (),
    skip_locked: bool = False,
) -> int:
    """Recompute the communes of one province: whole those in `whole` (or computed another day, never
    computed, or marked whole in the log), else only their logged villages. Returns the parts written.

    With `skip_locked` (a page read), communes another refresh holds are left to it."""
    indicators = {i.pk: i for i in Indicator.objects.filter(is_active=True)}
    with transaction.atomic():
        # Two refreshes of one commune: the minute job waits here for the other and then finds its log
        # rows taken. A page read does not wait: under load, dashboard reads queued behind each other's
        # locks held every gunicorn worker for seconds (docs/quality.md); the commune being refreshed
        # is fresh in a moment, and the read shows its stored numbers meanwhile. NO KEY: writers'
        # foreign keys to the commune (a visit, a resident) do not wait for a refresh.
        locked = list(
            Commune.objects.select_for_update(no_key=True, skip_locked=skip_locked)
            .filter(code__in=commune_codes)
            .order_by("code")
            .values_list("code", flat=True)
        )
        if skip_locked and connection.vendor == "postgresql":
            commune_codes = [c for c in commune_codes if c in set(locked)]
            if not commune_codes:
                return 0
        counters = current_values(commune_codes)
        marks = _take_marks(commune_codes)
        states = _states(commune_codes)
        full = sorted(
            c for c in commune_codes if c in set(whole) or states.get(c) != day or WHOLE in marks.get(c, ())
        )
        villages = {_normal(v) for c, vs in marks.items() if c not in full for v in vs if v != OWN}
        own = sorted(c for c, vs in marks.items() if c not in full and OWN in vs)
        if not full and not villages and not own:
            return 0  # a refresh that started meanwhile took the changes
        written = _store_full(full, day, province, indicators) if full else 0
        if villages or own:
            if connection.vendor == "postgresql":
                # A few villages' rows: EXPLAIN ANALYZE of one statement at 1,000,000 people showed 3.5 s
                # of JIT compiling (planned from province-wide costs) in 4.1 s (bench/README.md).
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL jit = off")
            written += _store_villages(villages, own, commune_codes, day, province, indicators)
        _store_communes(sorted(set(commune_codes) & (set(full) | set(marks))), indicators)
        for commune in sorted(set(full) | set(marks)):
            CommuneRollup.objects.update_or_create(
                commune_id=commune, defaults={"day": day, "change_value": counters[commune]}
            )
    return written


def _parts(ctx: FactContext, indicators: dict[int, Indicator]) -> dict[PartKey, dict[int, Value]]:
    cache = FactCache(ctx)
    out: dict[PartKey, dict[int, Value]] = {}
    for pk, indicator in indicators.items():
        for key, value in compute_parts(indicator, ctx, cache).items():
            out.setdefault(key, {})[pk] = value
    return out


def _write_parts(parts: dict[PartKey, dict[int, Value]], indicators: dict[int, Indicator]) -> int:
    """Store the parts, and the village rows of the indicators shown per village."""
    rows, values = [], []
    provinces = dict(
        Commune.objects.filter(code__in={c for c, _v in parts}).values_list("code", "province_id")
    )
    for (commune, village), by_indicator in parts.items():
        if commune not in provinces:
            continue  # a commune deleted meanwhile
        for pk, value in by_indicator.items():
            rows.append(
                VillagePart(
                    indicator_id=pk,
                    commune_code=commune,
                    village=village,
                    numerator=value.numerator,
                    denominator=value.denominator,
                )
            )
            if village and indicators[pk].lowest_level == UnitLevel.VILLAGE:
                values.append(
                    CurrentValue(
                        indicator_id=pk,
                        level=UnitLevel.VILLAGE,
                        unit=village,
                        commune_code=commune,
                        province_code=provinces[commune],
                        numerator=value.numerator,
                        denominator=value.denominator,
                    )
                )
    VillagePart.objects.bulk_create(rows, batch_size=2000)
    CurrentValue.objects.bulk_create(values, batch_size=2000)
    return len(rows)


def _store_full(
    communes: list[int], day: datetime.date, province: int, indicators: dict[int, Indicator]
) -> int:
    parts = _parts(_context(day, communes, province), indicators)
    wanted = set(communes)
    VillagePart.objects.filter(commune_code__in=communes).delete()
    CurrentValue.objects.filter(commune_code__in=communes).delete()
    return _write_parts({k: v for k, v in parts.items() if k[0] in wanted}, indicators)


def _store_villages(
    villages: set[str],
    own: list[int],
    communes: list[int],
    day: datetime.date,
    province: int,
    indicators: dict[int, Indicator],
) -> int:
    """Recompute the parts of these villages and of these communes' own parts, nothing else."""
    ctx = _context(day, communes, province, villages=frozenset(villages), own_communes=frozenset(own))
    parts = _parts(ctx, indicators)
    wanted = {(c, v) for c, v in parts if v in villages or (v == OWN and c in own)}
    VillagePart.objects.filter(
        Q(village__in=sorted(villages)) | Q(village=OWN, commune_code__in=own)
    ).delete()
    CurrentValue.objects.filter(level=UnitLevel.VILLAGE, unit__in=sorted(villages)).delete()
    return _write_parts({k: v for k, v in parts.items() if k in wanted}, indicators)


def _store_communes(communes: list[int], indicators: dict[int, Indicator]) -> None:
    """Each commune's row: the sum of its villages' stored parts (numerators and denominators)."""
    if not communes:
        return
    shown = {pk for pk, i in indicators.items() if i.lowest_level in (UnitLevel.VILLAGE, UnitLevel.COMMUNE)}
    provinces = dict(Commune.objects.filter(code__in=communes).values_list("code", "province_id"))
    CurrentValue.objects.filter(level=UnitLevel.COMMUNE, commune_code__in=communes).delete()
    sums = (
        VillagePart.objects.filter(commune_code__in=communes, indicator_id__in=shown)
        .order_by()
        .values_list("indicator_id", "commune_code")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
    )
    CurrentValue.objects.bulk_create(
        [
            CurrentValue(
                indicator_id=pk,
                level=UnitLevel.COMMUNE,
                unit=str(commune),
                commune_code=commune,
                province_code=provinces[commune],
                numerator=n,
                denominator=d,
            )
            for pk, commune, n, d in sums
            if commune in provinces
        ],
        batch_size=2000,
    )


def refresh_stale(
    commune_codes: Iterable[int], day: datetime.date | None = None, *, limit: int | None = None
) -> list[int]:
    """Bring the communes' numbers up to date: changed villages recomputed, communes due whole (see the
    module) recomputed whole — one pass per province where many are, else one per commune. With `limit`,
    communes never computed are always done, others due whole up to `limit`."""
    day = day or timezone.localdate()
    codes = set(commune_codes)
    states, marks = _states(codes), _marks(codes)
    whole = sorted(
        c
        for c in codes
        if states.get(c) != day
        or WHOLE in marks.get(c, ())
        or (limit is not None and len(marks.get(c, ())) > INLINE_VILLAGE_LIMIT)
    )
    if limit is not None and len(whole) > limit:
        never = [c for c in whole if c not in states]
        whole = never + [c for c in whole if c in states][: max(0, limit - len(never))]
    left_whole = {c for c in codes if states.get(c) != day or WHOLE in marks.get(c, ())} - set(whole)
    villages_only = sorted(c for c in marks if c in codes and c not in whole and c not in left_whole)
    if limit is not None:
        villages_only = [c for c in villages_only if len(marks[c]) <= INLINE_VILLAGE_LIMIT]
    due = sorted(set(whole) | set(villages_only))
    by_province: dict[int, list[int]] = {}
    for code, province in Commune.objects.filter(code__in=due).values_list("code", "province_id"):
        by_province.setdefault(province, []).append(code)
    whole_set = set(whole)
    reading = limit is not None  # a page read: never wait for another refresh's locks
    for province, communes in sorted(by_province.items()):
        full = sorted(c for c in communes if c in whole_set)
        partial = sorted(c for c in communes if c not in whole_set)
        if len(full) >= PROVINCE_PASS_FROM:
            _refresh(full, day, province, whole=full, skip_locked=reading)
        else:
            for code in full:
                _refresh([code], day, province, whole=[code], skip_locked=reading)
        if partial:
            # One pass for every changed village of the province.
            _refresh(partial, day, province, skip_locked=reading)
    return due


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
