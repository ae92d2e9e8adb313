"""Name search at province scale: 1,000 searches through the real selector, and the same as raw SQL.

    python bench/bench_search.py                      # PostgreSQL, 1,000,000 people (generated once)
    python bench/bench_search.py --people 200000 --database-url sqlite:///var/bench/langso_bench.sqlite3

Re-uses a generated province when the database already holds it at this size (see generate.py),
else generates it. Then, for a province-staff user of that province (the brief's case) and for the
officer of its biggest commune, it times `resident_list(user=..., filters=ResidentFilters(q=...))[:25]`,
the call behind the resident list page, over a fixed mix of queries drawn from the residents' names.
Right after each selector call the same page is fetched with hand-written SQL, twice:

- "plain SQL": the one statement a developer would write (join household and village, filter the
  unit and the name pattern, ORDER BY sort_key, id LIMIT 25);
- "same-plan SQL": the statements the selector issues, written by hand (on PostgreSQL, the
  distinct-names page for a province; the name check on the commune's sort index for a commune),
  which isolates what the ORM costs.

Every page must hold the same rows in the same order as the plain SQL's; the run counts any that
differ. Results go to bench/out/search-<vendor>-<people>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
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
PAGE = 25
COLUMNS = ("selector", "plain SQL", "same-plan SQL")


@dataclass
class Timings:
    ms: dict[str, list[float]] = field(default_factory=lambda: {column: [] for column in COLUMNS})
    empty_pages: int = 0


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


_PLAIN_SQL = """
SELECT r.*, h.*, v.*
FROM registry_resident r
JOIN registry_household h ON h.id = r.household_id
JOIN places_village v ON v.id = r.village_id
WHERE r.{unit_column} = %s AND ({name_condition})
ORDER BY r.sort_key, r.id
LIMIT 25
"""
_ROWS_BY_ID_SQL = """
SELECT r.*, h.*, v.*
FROM registry_resident r
JOIN registry_household h ON h.id = r.household_id
JOIN places_village v ON v.id = r.village_id
WHERE r.id = ANY(%s)
ORDER BY r.sort_key, r.id
"""


def _likes(column: str, count: int) -> str:
    from django.db import connection

    escape = " ESCAPE '\\'" if connection.vendor == "sqlite" else ""
    return " OR ".join(f"{column} LIKE %s{escape}" for _ in range(count)) or "TRUE"


def plain_sql_page(unit_column: str, unit: int, text: str) -> list[tuple[Any, ...]]:
    from django.db import connection

    from langso.registry.search import name_patterns

    patterns = name_patterns(text)
    sql = _PLAIN_SQL.format(unit_column=unit_column, name_condition=_likes("r.name_folded", len(patterns)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit, *patterns])
        return cursor.fetchall()


def same_plan_sql_page(unit_column: str, unit: int, text: str) -> list[tuple[Any, ...]]:
    """The selector's own plan, by hand: what is left of its time is the ORM's."""
    from django.db import connection

    from langso.registry.search import _PAGE_SQL, name_patterns

    patterns = name_patterns(text)
    if connection.vendor != "postgresql":
        return plain_sql_page(unit_column, unit, text)
    with connection.cursor() as cursor:
        if unit_column == "province_id":
            page_sql = _PAGE_SQL.format(
                after_last_read="", name_condition=_likes("n.name_folded", len(patterns))
            )
            cursor.execute(page_sql, [unit, *patterns, PAGE, unit, PAGE])
            ids = [pk for _key, _name, pk in cursor.fetchall() if pk is not None][:PAGE]
            cursor.execute(_ROWS_BY_ID_SQL, [ids])
        else:
            sql = _PLAIN_SQL.format(
                unit_column=unit_column, name_condition=_likes("(r.name_folded || '')", len(patterns))
            )
            cursor.execute(sql, [unit, *patterns])
        return cursor.fetchall()


def user_with_role(username: str, role: str, **unit: int) -> Any:
    from langso.accounts.models import RoleAssignment, User

    user, _created = User.objects.get_or_create(
        username=username, defaults={"full_name": f"{role} (benchmark)"}
    )
    RoleAssignment.objects.get_or_create(user=user, role=role, **{f"{k}_id": v for k, v in unit.items()})
    return User.objects.get(pk=user.pk)


@dataclass
class Scenario:
    name: str
    user: Any
    unit_column: str
    unit: int
    residents: int
    queries: list[tuple[str, str]]


def run_scenario(scenario: Scenario, warm_up: int = 30) -> dict[str, Any]:
    from langso.registry.selectors import ResidentFilters, resident_list

    fetchers: dict[str, Callable[[str], list[Any]]] = {
        "selector": lambda text: list(
            resident_list(user=scenario.user, filters=ResidentFilters(q=text))[:PAGE]
        ),
        "plain SQL": lambda text: plain_sql_page(scenario.unit_column, scenario.unit, text),
        "same-plan SQL": lambda text: same_plan_sql_page(scenario.unit_column, scenario.unit, text),
    }
    for _kind, text in scenario.queries[:warm_up]:  # connections, caches, plans
        for fetch in fetchers.values():
            fetch(text)
    by_kind: dict[str, Timings] = {kind: Timings() for kind in QUERY_KINDS}
    overall = Timings()
    differing = 0
    for kind, text in scenario.queries:
        pages: dict[str, list[Any]] = {}
        for column, fetch in fetchers.items():
            started = time.perf_counter()
            pages[column] = fetch(text)
            elapsed = (time.perf_counter() - started) * 1000
            for timings in (by_kind[kind], overall):
                timings.ms[column].append(elapsed)
        # Same rows, same order: the selector's plan must never change the answer.
        selector_ids = [str(r.pk).replace("-", "") for r in pages["selector"]]
        if selector_ids != [str(row[0]).replace("-", "") for row in pages["plain SQL"]]:
            differing += 1
        if not selector_ids:
            by_kind[kind].empty_pages += 1
            overall.empty_pages += 1

    def block(timings: Timings) -> dict[str, Any]:
        stats = {column: summary(values) for column, values in timings.ms.items()}
        selector = stats["selector"]
        return {
            "queries": len(timings.ms["selector"]),
            "empty_pages": timings.empty_pages,
            "ms": stats,
            "p95_ratio_selector_to": {
                column: round(selector["p95"] / stats[column]["p95"], 2) for column in COLUMNS[1:]
            },
        }

    return {
        "scenario": scenario.name,
        "unit": f"{scenario.unit_column} = {scenario.unit}",
        "residents_in_unit": scenario.residents,
        "pages_differing_from_plain_sql": differing,
        "overall": block(overall),
        "by_kind": {kind: block(timings) for kind, timings in by_kind.items()},
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    generation = ensure_generated_province(
        database_url=args.database_url,
        people=args.people,
        province_code=args.province,
        seed=args.seed,
        reset=args.reset,
    )
    from django.db import connection
    from django.db.models import Count

    from langso.accounts.models import Role
    from langso.registry.models import Resident

    rng = random.Random(args.seed)
    in_province = Resident.objects.filter(province_id=args.province)
    total = in_province.count()
    biggest = in_province.values("commune_id").annotate(n=Count("id")).order_by("-n", "commune_id").first()
    assert biggest is not None
    scenarios = []
    for name, role, unit_column, unit, residents in (
        ("province staff", Role.PROVINCE_STAFF, "province_id", args.province, total),
        ("commune officer", Role.COMMUNE_OFFICER, "commune_id", biggest["commune_id"], biggest["n"]),
    ):
        people = Resident.objects.filter(**{unit_column: unit})
        # A reproducible random sample of names: generated ids are random, so the first ids are too.
        names = list(people.order_by("pk").values_list("full_name", flat=True)[:3000])
        count = args.queries if unit_column == "province_id" else args.commune_queries
        user = user_with_role(f"bench-{role}-{unit}", role, **{unit_column.removesuffix("_id"): unit})
        scenarios.append(Scenario(name, user, unit_column, unit, residents, make_queries(names, count, rng)))

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
        "page_size": PAGE,
        "target_p95_ms": TARGET_P95_MS,
        "examples": [text for _kind, text in scenarios[0].queries[:15]],
        "scenarios": [run_scenario(scenario) for scenario in scenarios],
    }


def _server_version(connection: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
        else:
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        return str(cursor.fetchone()[0]).split(" on ")[0]


def print_table(result: dict[str, Any]) -> None:
    print(
        f"\nName search, {result['vendor']} ({result['server_version']}), province {result['province']} "
        f"with {result['residents_in_province']:,} residents, first page of {result['page_size']}, times in ms"
    )
    for scenario in result["scenarios"]:
        print(
            f"\n{scenario['scenario']} ({scenario['unit']}, {scenario['residents_in_unit']:,} residents), "
            f"{scenario['overall']['queries']} queries"
        )
        header = f"{'query kind':26} {'n':>4} |" + "".join(f" {c + ' p50/p95/max':>27} |" for c in COLUMNS)
        print(header)
        print("-" * len(header))
        for kind, block in [*scenario["by_kind"].items(), ("all", scenario["overall"])]:
            cells = "".join(
                f" {block['ms'][c]['p50']:>8.1f} {block['ms'][c]['p95']:>8.1f} {block['ms'][c]['max']:>8.1f}  |"
                for c in COLUMNS
            )
            print(f"{kind:26} {block['queries']:>4} |{cells}")
        overall = scenario["overall"]
        p95 = overall["ms"]["selector"]["p95"]
        ratios = ", ".join(f"{k} {v}" for k, v in overall["p95_ratio_selector_to"].items())
        verdict = "meets" if p95 < result["target_p95_ms"] else "MISSES"
        print(
            f"selector p95 {p95:.1f} ms {verdict} the {result['target_p95_ms']:.0f} ms target; p95 ratio to {ratios}"
        )
        if scenario["pages_differing_from_plain_sql"]:
            print(f"WARNING: {scenario['pages_differing_from_plain_sql']} pages differ from the plain SQL's.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--province", type=int, default=19)
    parser.add_argument("--queries", type=int, default=1000, help="province-staff searches")
    parser.add_argument("--commune-queries", type=int, default=500, help="commune-officer searches")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reset", action="store_true", help="generate the province again from scratch")
    args = parser.parse_args(argv)
    result = run(args)
    print_table(result)
    BENCH_OUT.mkdir(parents=True, exist_ok=True)
    out = BENCH_OUT / f"search-{result['vendor']}-{result['residents_in_province']}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nWrote {out.relative_to(BENCH_OUT.parent.parent)}")


if __name__ == "__main__":
    main()
