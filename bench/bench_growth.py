"""How each cost grows with the province: the same benchmarks at several sizes, one table and a plot.

    python bench/bench_growth.py --sizes 1000000,2000000,5000000          # Hồ Chí Minh City (79), PostgreSQL
    python bench/bench_growth.py --report                                  # table + bench/growth.png only

For each size the province is generated again from scratch (`generate.py`, 168 communes for the
city), then, in this order (each step leaves what the next one needs):

1. **search**: `bench_search.py` (province-staff and commune-officer name searches, p95);
2. **indicators**: `bench_indicators.py` (every indicator for every unit, the dashboard's data p95,
   the dashboard page p95, a visit until it is in the numbers);
3. **backup and restore**: the `backup` command, then `restore --yes` into a second database;
4. **sync**: `bench_sync.py` (10,000 visits over HTTP; it empties the visit tables, hence after 2–3);
5. **import**: 100,000 residents from an officer's .xlsx into the province's biggest commune, dry run
   and write, through the real import (last: it adds people, so the province is no longer size N).

Every figure goes into `bench/out/growth-<vendor>.json` keyed by size, so sizes can be run in separate
invocations and the report made from all of them. The report gives each cost at each size and its
growth exponent between the smallest and the largest size (cost ∝ size^k: k = 1 grows like the data,
k > 1.15 faster than it, flagged), and plots every cost against the size on log-log axes beside a
line of slope 1.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
BENCH_OUT = ROOT / "bench" / "out"
PLOT = ROOT / "bench" / "growth.png"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/langso_bench_growth"
IMPORT_ROWS = 100_000
FASTER_THAN_DATA = 1.15
STEPS = ("generate", "search", "indicators", "backup", "sync", "import")

# (label, key in a size's figures, unit): what the table and the plot show, in this order.
METRICS: list[tuple[str, str, str]] = [
    ("generate the province", "generate_s", "s"),
    ("database size", "database_gb", "GB"),
    ("search p95, province staff", "search_province_p95_ms", "ms"),
    ("search p95, commune officer", "search_commune_p95_ms", "ms"),
    ("every indicator for every unit", "indicators_all_s", "s"),
    ("hand-written SQL, same numbers", "indicators_sql_s", "s"),
    ("dashboard data p95", "dashboard_data_p95_ms", "ms"),
    ("dashboard page p95", "dashboard_page_p95_ms", "ms"),
    ("a visit until in the numbers", "visit_to_numbers_ms", "ms"),
    ("backup", "backup_s", "s"),
    ("restore", "restore_s", "s"),
    ("sync, 10,000 visits", "sync_s", "s"),
    ("import 100,000 residents", "import_s", "s"),
]


def _run(command: list[str], *, env: dict[str, str] | None = None, log: Callable[[str], None]) -> float:
    log("$ " + " ".join(command))
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, env={**os.environ, **(env or {})})
    return time.perf_counter() - started


def _python(script: str, *args: str) -> list[str]:
    return [sys.executable, str(ROOT / "bench" / script), *args]


def _read_json(name: str) -> dict[str, Any]:
    return json.loads((BENCH_OUT / name).read_text(encoding="utf-8"))


def _with_database(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path="/" + name))


def _database_bytes(url: str) -> int:
    import psycopg

    parts = urlparse(url)
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as connection:
        row = connection.execute("SELECT pg_database_size(%s)", [parts.path.lstrip("/")]).fetchone()
    return int(row[0]) if row else 0


def _recreate(url: str) -> None:
    """An empty database with the extensions the superuser creates once (docs/deploy.md, section 5)."""
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: a benchmark database's name contains 'bench'")
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def disk_needed_bytes(size: int, results: dict[str, dict[str, Any]]) -> int | None:
    """What a size needs on disk, from the largest size measured so far: the database, its restored
    copy and the backup file (compressed, about a tenth), with a fifth to spare."""
    measured = [(int(s), f["database_gb"]) for s, f in results.items() if f.get("database_gb")]
    if not measured:
        return None
    people, gigabytes = max(measured)
    return int(gigabytes * 1e9 / people * size * 2.1 * 1.2)


def step_generate(size: int, args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    seconds = _run(
        _python("generate.py", "--people", str(size), "--province", str(args.province), "--reset"),
        env={"BENCH_DATABASE_URL": args.database_url},
        log=log,
    )
    return {
        "generate_s": round(seconds, 1),
        "database_gb": round(_database_bytes(args.database_url) / 1e9, 2),
    }


def step_search(size: int, args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    common = ["--people", str(size), "--province", str(args.province), "--database-url", args.database_url]
    _run(_python("bench_search.py", *common, "--queries", "500", "--commune-queries", "300"), log=log)
    result = _read_json(f"search-postgresql-{size}.json")
    by_scenario = {s["scenario"]: s["overall"]["ms"]["selector"]["p95"] for s in result["scenarios"]}
    province, commune = (list(by_scenario.values()) + [None, None])[:2]
    return {"search_province_p95_ms": province, "search_commune_p95_ms": commune}


def step_indicators(size: int, args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    common = ["--people", str(size), "--province", str(args.province), "--database-url", args.database_url]
    _run(_python("bench_indicators.py", *common, "--repeat", "1", "--reads", "100"), log=log)
    result = _read_json(f"indicators-postgresql-{size}.json")
    if result.get("mismatches"):
        raise SystemExit(f"indicators differ from the hand-written SQL at {size:,}: {result['mismatches']}")
    page = result.get("dashboard_page") or {}
    return {
        "indicators_all_s": result.get("engine_seconds"),
        "indicators_sql_s": result.get("hand_sql_seconds"),
        "dashboard_data_p95_ms": result.get("dashboard_data_p95_ms"),
        "dashboard_page_p95_ms": page.get("p95_ms") if isinstance(page, dict) else None,
        "visit_to_numbers_ms": result.get("visit_to_dashboard_ms"),
        "visits": result.get("visits"),
    }


def step_backup(size: int, args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    manage = [sys.executable, str(ROOT / "manage.py")]
    restored_url = args.database_url + "_restore"
    with tempfile.TemporaryDirectory(prefix="langso-growth-", dir=args.backup_dir) as folder:
        backup_file = Path(folder) / "growth.dump"
        backup_s = _run(
            [*manage, "backup", "--output", str(backup_file)],
            env={"DATABASE_URL": args.database_url},
            log=log,
        )
        size_bytes = backup_file.stat().st_size
        _recreate(restored_url)
        restore_s = _run(
            [*manage, "restore", "--yes", str(backup_file)], env={"DATABASE_URL": restored_url}, log=log
        )
    _recreate(restored_url)  # leave the disk to the next size
    return {
        "backup_s": round(backup_s, 1),
        "restore_s": round(restore_s, 1),
        "backup_gb": round(size_bytes / 1e9, 2),
    }


def step_sync(size: int, args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    common = ["--people", str(size), "--province", str(args.province), "--database-url", args.database_url]
    _run(_python("bench_sync.py", *common), log=log)
    result = _read_json("sync-postgresql.json")
    return {
        "sync_s": result.get("sync_seconds"),
        "sync_visits_per_s": result.get("visits_per_s"),
        "sync_ratio_to_bare_insert": result.get("ratio"),
        "sync_cpu_ratio": result.get("cpu_ratio"),
    }


def step_import(size: int, args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    _run(
        [sys.executable, __file__, "--import-into", args.database_url, "--province", str(args.province)],
        log=log,
    )
    return json.loads((BENCH_OUT / "growth-import.json").read_text(encoding="utf-8"))


def import_into(database_url: str, province_code: int) -> None:
    """100,000 residents of the province's biggest commune, through the real import (a process of its own)."""
    sys.path.insert(0, str(ROOT))
    from bench.bench_import import make_file, setup_django

    setup_django(database_url)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import Count

    from langso.accounts.models import Role, RoleAssignment, User
    from langso.places.models import Commune, Village
    from langso.registry import imports
    from langso.registry.models import Resident

    biggest = (
        Resident.objects.filter(province_id=province_code)
        .values("commune_id")
        .annotate(people=Count("id"))
        .order_by("-people")
        .first()
    )
    if biggest is None:
        raise SystemExit(f"province {province_code} has no residents")
    commune = biggest["commune_id"]
    villages = list(Village.objects.filter(commune_id=commune).values_list("name", flat=True))
    officer, _ = User.objects.get_or_create(username="bench.growth.officer")
    RoleAssignment.objects.get_or_create(user=officer, role=Role.COMMUNE_OFFICER, commune_id=commune)
    with tempfile.TemporaryDirectory(prefix="langso-growth-import-") as folder:
        path = Path(folder) / "residents.xlsx"
        make_file(path, IMPORT_ROWS, villages)
        data = path.read_bytes()
    started = time.perf_counter()
    job = imports.job_create(
        acting_user=officer,
        kind="residents",
        commune=Commune.objects.get(code=commune),
        upload=SimpleUploadedFile("residents.xlsx", data),
    )
    imports.job_check(job)
    checked = time.perf_counter()
    imports.job_confirm(acting_user=officer, job=job, mode="valid_only")
    imports.job_write(job)
    job.refresh_from_db()
    ended = time.perf_counter()
    result = {
        "import_s": round(ended - started, 1),
        "import_check_s": round(checked - started, 1),
        "import_write_s": round(ended - checked, 1),
        "import_created": job.created_count,
        "import_commune_people_before": biggest["people"],
    }
    BENCH_OUT.mkdir(parents=True, exist_ok=True)
    (BENCH_OUT / "growth-import.json").write_text(json.dumps(result), encoding="utf-8")


STEP_FUNCTIONS: dict[str, Callable[[int, argparse.Namespace, Callable[[str], None]], dict[str, Any]]] = {
    "generate": step_generate,
    "search": step_search,
    "indicators": step_indicators,
    "backup": step_backup,
    "sync": step_sync,
    "import": step_import,
}


def results_path(vendor: str = "postgresql") -> Path:
    return BENCH_OUT / f"growth-{vendor}.json"


def load_results() -> dict[str, dict[str, Any]]:
    path = results_path()
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def save_results(results: dict[str, dict[str, Any]]) -> None:
    BENCH_OUT.mkdir(parents=True, exist_ok=True)
    results_path().write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def growth_exponent(sizes: list[int], values: list[float]) -> float | None:
    """k in cost ∝ size^k, from the smallest and the largest size that have the figure."""
    pairs = [(s, v) for s, v in zip(sizes, values, strict=True) if v]
    if len(pairs) < 2 or pairs[0][0] == pairs[-1][0]:
        return None
    (s0, v0), (s1, v1) = pairs[0], pairs[-1]
    return math.log(v1 / v0) / math.log(s1 / s0)


def report_table(results: dict[str, dict[str, Any]]) -> str:
    sizes = sorted(int(size) for size in results)
    header = "| cost | " + " | ".join(f"{size / 1e6:g} M" for size in sizes) + " | growth k |"
    lines = [header, "|---|" + "---:|" * (len(sizes) + 1)]
    for label, key, unit in METRICS:
        values = [results[str(size)].get(key) for size in sizes]
        if not any(values):
            continue
        exponent = growth_exponent(sizes, [v or 0 for v in values])
        flag = " **faster than the data**" if exponent is not None and exponent > FASTER_THAN_DATA else ""
        cells = " | ".join("—" if v is None else f"{v:,.4g} {unit}" for v in values)
        growth = "—" if exponent is None else f"{exponent:.2f}{flag}"
        lines.append(f"| {label} | {cells} | {growth} |")
    loads = [results[str(size)].get("load_average") for size in sizes]
    lines.append(
        "| load average (1 min) during the run | " + " | ".join(str(v or "—") for v in loads) + " | |"
    )
    return "\n".join(lines)


def plot(results: dict[str, dict[str, Any]], path: Path = PLOT) -> Path:
    import matplotlib

    matplotlib.use("Agg")  # no screen
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    sizes = sorted(int(size) for size in results)
    figure, axes = plt.subplots(figsize=(9, 6), dpi=110)
    for label, key, unit in METRICS:
        points = [(size, results[str(size)].get(key)) for size in sizes]
        points = [(s, v) for s, v in points if v]
        if len(points) < 2:
            continue
        # Each cost relative to its value at the smallest size: one axis for seconds, ms and GB.
        base = points[0][1]
        axes.plot(
            [s for s, _ in points], [v / base for _, v in points], marker="o", label=f"{label} ({unit})"
        )
    if sizes:
        axes.plot(
            sizes, [s / sizes[0] for s in sizes], color="black", linestyle="--", label="grows like the data"
        )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(sizes, [f"{size / 1e6:g} M" for size in sizes])
    axes.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axes.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1, 2, 5)))
    axes.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:g}×"))
    axes.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axes.set_xlabel("people in the province")
    axes.set_ylabel(f"cost relative to {sizes[0] / 1e6:g} M people" if sizes else "cost")
    axes.set_title("How each cost grows with the province (PostgreSQL, 2 cores)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=7, loc="upper left")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,2000000,5000000", help="people, comma-separated")
    parser.add_argument("--province", type=int, default=79, help="79 Hồ Chí Minh City (168 communes)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--steps", default=",".join(STEPS), help=f"some of {','.join(STEPS)}")
    parser.add_argument(
        "--backup-dir", default=None, help="where the backup file goes (default: the temp dir)"
    )
    parser.add_argument(
        "--data-dir", default="/var/lib/postgresql", help="PostgreSQL's data folder, for the disk check"
    )
    parser.add_argument("--report", action="store_true", help="only print the table and draw the plot")
    parser.add_argument("--import-into", help=argparse.SUPPRESS)  # the import step's own process
    args = parser.parse_args(argv)
    if args.import_into:
        import_into(args.import_into, args.province)
        return
    results = load_results()
    if not args.report:
        steps = [step.strip() for step in args.steps.split(",") if step.strip()]
        unknown = sorted(set(steps) - set(STEPS))
        if unknown:
            raise SystemExit(f"unknown steps: {', '.join(unknown)}")
        for size in (int(s) for s in args.sizes.split(",")):
            needed, free = disk_needed_bytes(size, results), shutil.disk_usage(args.data_dir).free
            if needed and needed > free:
                print(
                    f"Stopping before {size:,} people: about {needed / 1e9:.0f} GB needed, {free / 1e9:.0f} GB free."
                )
                break
            figures = results.setdefault(str(size), {})
            for step in STEPS:  # always in the order the steps need
                if step in steps:
                    print(f"\n=== {size:,} people: {step} ===", flush=True)
                    figures.update(STEP_FUNCTIONS[step](size, args, print))
                    figures["load_average"] = round(os.getloadavg()[0], 1)
                    save_results(results)
    print(report_table(results))
    if len(results) >= 2:
        print(f"\nPlot: {plot(results).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
