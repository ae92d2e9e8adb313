"""Name search at province scale: 1,000 searches through the real selector, and the same as raw SQL.

    python bench/bench_search.py                      # PostgreSQL, 1,000,000 people (generated once)
    python bench/bench_search.py --people 200000 --database-url sqlite:///var/bench/langso_bench.sqlite3

Re-uses a generated province when the database already holds it at this size (see generate.py),
signs in nobody but builds a province-staff user of that province, and times
`resident_list(user=..., filters=ResidentFilters(q=...))[:25]`, the call behind the resident list
page. Each query is also run as the one hand-written SQL statement a developer would write (join
household and village, filter province and name pattern, ORDER BY sort_key, id LIMIT 25), right
after the selector, so both see the same cache. Results go to bench/out/search-<vendor>-<people>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import BENCH_OUT, DEFAULT_DATABASE_URL, ensure_generated_province  # noqa: E402

QUERY_KINDS = (
    "folded full name",
    "full name with diacritics",
    "decomposed (NFD) input",
    "family + given name",
    "3-4 letter fragment",
)
TARGET_P95_MS = 50.0


@dataclass
class Timings:
    selector_ms: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile, the plain definition (no interpolation)."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 0.50), 2),
        "p95": round(percentile(values, 0.95), 2),
        "max": round(max(values), 2),
        "mean": round(statistics.fmean(values), 2),
    }


def make_queries(names: list[str], count: int, rng: random.Random) -> list[tuple[str, str]]:
    """A fixed mix of the ways people type a name, drawn from real (generated) residents."""
    from langso.core.text import fold

    queries = []
    for index in range(count):
        kind = QUERY_KINDS[index % len(QUERY_KINDS)]
        name = rng.choice(names)
        words = name.split()
        if kind == "folded full name":
            text = fold(name)
        elif kind == "full name with diacritics":
            text = name
        elif kind == "decomposed (NFD) input":
            text = unicodedata.normalize("NFD", name.lower())
        elif kind == "family + given name":
            text = fold(f"{words[0]} {words[-1]}")
        else:
            # A piece of one word, anywhere in it, as someone unsure of the spelling types it.
            word = rng.choice([w for w in fold(name).split() if len(w) >= 3] or [fold(name)])
            length = min(len(word), rng.choice((3, 4)))
            start = rng.randrange(len(word) - length + 1)
            text = word[start : start + length]
        queries.append((kind, text))
    rng.shuffle(queries)
    return queries


HAND_WRITTEN_SQL = """
SELECT r.*, h.*, v.*
FROM registry_resident r
JOIN registry_household h ON h.id = r.household_id
JOIN places_village v ON v.id = r.village_id
WHERE r.province_id = %s AND ({name_condition})
ORDER BY r.sort_key, r.id
LIMIT 25
"""


def hand_written_sql(query: str) -> tuple[str, list[Any]]:
    from django.db import connection

    from langso.registry.search import name_patterns

    patterns = name_patterns(query)
    escape = " ESCAPE '\\'" if connection.vendor == "sqlite" else ""
    condition = " OR ".join(f"r.name_folded LIKE %s{escape}" for _ in patterns) or "TRUE"
    return HAND_WRITTEN_SQL.format(name_condition=condition), patterns


def province_staff(province_code: int) -> Any:
    from langso.accounts.models import Role, RoleAssignment, User

    user, _created = User.objects.get_or_create(
        username=f"bench-province-staff-{province_code}", defaults={"full_name": "Cán bộ tỉnh (benchmark)"}
    )
    RoleAssignment.objects.get_or_create(user=user, role=Role.PROVINCE_STAFF, province_id=province_code)
    return user


def run(args: argparse.Namespace) -> dict[str, Any]:
    generation = ensure_generated_province(
        database_url=args.database_url,
        people=args.people,
        province_code=args.province,
        seed=args.seed,
        reset=args.reset,
    )
    from django.db import connection

    from langso.registry.models import Resident
    from langso.registry.selectors import ResidentFilters, resident_list

    rng = random.Random(args.seed)
    residents = Resident.objects.filter(province_id=args.province)
    total = residents.count()
    # A reproducible random sample of names: generated ids are random, so the first ids are too.
    names = list(residents.order_by("pk").values_list("full_name", flat=True)[:3000])
    queries = make_queries(names, args.queries, rng)
    user = province_staff(args.province)

    def selector_page(text: str) -> list[Any]:
        return list(resident_list(user=user, filters=ResidentFilters(q=text))[:25])

    def sql_page(text: str) -> list[Any]:
        sql, patterns = hand_written_sql(text)
        with connection.cursor() as cursor:
            cursor.execute(sql, [args.province, *patterns])
            return cursor.fetchall()

    for _kind, text in queries[:30]:  # warm-up: connections, caches, query plans
        selector_page(text)
        sql_page(text)

    by_kind: dict[str, Timings] = {kind: Timings() for kind in QUERY_KINDS}
    overall = Timings()
    mismatches = 0
    for kind, text in queries:
        started = time.perf_counter()
        page = selector_page(text)
        selector_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        raw = sql_page(text)
        sql_ms = (time.perf_counter() - started) * 1000
        # Same rows, same order: the selector's strategy must never change the answer.
        if [str(r.pk).replace("-", "") for r in page] != [str(row[0]).replace("-", "") for row in raw]:
            mismatches += 1
        for timings in (by_kind[kind], overall):
            timings.selector_ms.append(selector_ms)
            timings.sql_ms.append(sql_ms)
            timings.rows.append(len(page))

    def block(timings: Timings) -> dict[str, Any]:
        selector, sql = summary(timings.selector_ms), summary(timings.sql_ms)
        return {
            "queries": len(timings.selector_ms),
            "selector_ms": selector,
            "hand_written_sql_ms": sql,
            "ratio_selector_to_sql": {
                k: round(selector[k] / sql[k], 2) if sql[k] else None for k in ("p50", "p95", "max")
            },
            "empty_pages": sum(1 for n in timings.rows if n == 0),
        }

    return {
        "benchmark": "search",
        "vendor": connection.vendor,
        "database": connection.settings_dict["NAME"],
        "server_version": _server_version(connection),
        "province": args.province,
        "residents_in_province": total,
        "generation": None
        if generation is None
        else {"seconds": generation.seconds, "total_seconds": round(generation.total_seconds, 1)},
        "queries": len(queries),
        "results_differing_from_sql": mismatches,
        "overall": block(overall),
        "by_kind": {kind: block(timings) for kind, timings in by_kind.items()},
        "examples": [text for _kind, text in queries[:15]],
        "target_p95_ms": TARGET_P95_MS,
    }


def _server_version(connection: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()"
            if connection.vendor == "postgresql"
            else "SELECT 'SQLite ' || sqlite_version()"
        )
        return str(cursor.fetchone()[0]).split(" on ")[0]


def print_table(result: dict[str, Any]) -> None:
    print(
        f"\nName search, {result['vendor']} ({result['server_version']}), province {result['province']}, "
        f"{result['residents_in_province']:,} residents, {result['queries']} queries, page of 25\n"
    )
    header = f"{'query kind':28} {'n':>5} | {'selector p50':>12} {'p95':>8} {'max':>8} | {'SQL p50':>8} {'p95':>8} {'max':>8} | {'p95 ratio':>9}"
    print(header)
    print("-" * len(header))
    rows = [*result["by_kind"].items(), ("all", result["overall"])]
    for kind, block in rows:
        s, q = block["selector_ms"], block["hand_written_sql_ms"]
        print(
            f"{kind:28} {block['queries']:>5} | {s['p50']:>12.1f} {s['p95']:>8.1f} {s['max']:>8.1f} | "
            f"{q['p50']:>8.1f} {q['p95']:>8.1f} {q['max']:>8.1f} | {block['ratio_selector_to_sql']['p95']:>9}"
        )
    p95 = result["overall"]["selector_ms"]["p95"]
    verdict = "meets" if p95 < result["target_p95_ms"] else "MISSES"
    print(f"\nSelector p95 {p95:.1f} ms {verdict} the {result['target_p95_ms']:.0f} ms target (times in ms).")
    if result["results_differing_from_sql"]:
        print(f"WARNING: {result['results_differing_from_sql']} pages differ from the hand-written SQL's.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--province", type=int, default=19)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reset", action="store_true", help="generate the province again from scratch")
    args = parser.parse_args(argv)
    result = run(args)
    print_table(result)
    BENCH_OUT.mkdir(parents=True, exist_ok=True)
    out = BENCH_OUT / f"search-{result['vendor']}-{result['residents_in_province']}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Wrote {out.relative_to(BENCH_OUT.parent.parent)}")


if __name__ == "__main__":
    main()
