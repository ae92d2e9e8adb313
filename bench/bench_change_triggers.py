"""Benchmark: what the change triggers cost a bulk write (registry/change_tracking.py).

    .venv/bin/python bench/bench_change_triggers.py --rows 20000                  # a temporary SQLite file
    .venv/bin/python bench/bench_change_triggers.py --rows 20000 \
        --database-url postgres://postgres@127.0.0.1:5432/langso_bench_triggers  # dropped and re-created

The same bulk_create of N residents, a QuerySet.update of all of them and a delete of all of them, timed
with the triggers in place and again with the registry_resident triggers dropped, in the same run. The
ratio is with/without; the commune triggers alone (the village-log triggers of
campaigns/village_changes.py dropped first) are timed in the same run. Target: within 2x on SQLite (row-level triggers: one counter upsert per row) and
within 1.2x on PostgreSQL (one statement-level trigger per statement). Results go to
bench/out/change-triggers-<vendor>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMUNE = 2071


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langso.settings")
    os.environ.setdefault("LANGSO_VAR_DIR", tempfile.gettempdir())
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run(rows: int) -> dict[str, float]:
    from django.db import connection, transaction

    from langso.places.models import Village
    from langso.places.tests.factories import ensure_units
    from langso.registry.models import Household, Resident

    ensure_units()
    tag = uuid.uuid4().hex[:8]
    village = Village.objects.create(
        commune_id=COMMUNE, name=f"Thôn Bench {tag}", name_folded=f"thon bench {tag}"
    )
    household = Household.objects.create(
        code=uuid.uuid4().hex[:10],
        village=village,
        commune_id=COMMUNE,
        province_id=village.commune.province_id,
    )
    times: dict[str, float] = {}
    people = [
        Resident(
            household=household,
            village=village,
            commune_id=COMMUNE,
            province_id=household.province_id,
            full_name=f"Người thử {i}",
            name_folded=f"nguoi thu {i}",
            sort_key=f"{i:08d}",
            sex="female",
            birth_year=1960 + i % 40,
        )
        for i in range(rows)
    ]
    with transaction.atomic():
        start = time.perf_counter()
        Resident.objects.bulk_create(people, batch_size=1000)
        times["bulk_create"] = time.perf_counter() - start
        start = time.perf_counter()
        Resident.objects.filter(household=household).update(owns_smartphone=True)
        times["update"] = time.perf_counter() - start
        start = time.perf_counter()
        Resident.objects.filter(household=household).delete()
        times["delete"] = time.perf_counter() - start
    times["total"] = sum(times.values())
    assert connection.vendor in ("sqlite", "postgresql")
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    url = args.database_url
    if url:
        if "bench" not in url.rsplit("/", 1)[-1]:
            raise SystemExit("only a database whose name contains 'bench' is dropped and re-created")
        import psycopg

        admin, name = url.rsplit("/", 1)
        with psycopg.connect(f"{admin}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    setup(url)
    from django.db import connection

    from langso.campaigns import village_changes
    from langso.registry.change_tracking import drop_sql, ensure_change_triggers, tracked_tables

    run(min(args.rows, 2000))  # warm up
    with_triggers = run(args.rows)
    # Then without the village-log triggers (campaigns/village_changes.py): the commune ones alone.
    with connection.cursor() as cursor:
        for statement in village_changes.drop_sql(connection.vendor, "registry_resident"):
            cursor.execute(statement)
    commune_only = run(args.rows)
    with connection.cursor() as cursor:
        for statement in drop_sql(connection.vendor, "registry_resident"):
            cursor.execute(statement)
    assert "registry_resident" not in tracked_tables(connection)
    assert "registry_resident" not in village_changes.logged_tables(connection)
    without = run(args.rows)
    ensure_change_triggers(connection.alias)
    village_changes.ensure_village_triggers(connection.alias)
    result = {
        "vendor": connection.vendor,
        "rows": args.rows,
        "with_triggers_s": {k: round(v, 3) for k, v in with_triggers.items()},
        "commune_triggers_only_s": {k: round(v, 3) for k, v in commune_only.items()},
        "without_triggers_s": {k: round(v, 3) for k, v in without.items()},
        "ratio": round(with_triggers["total"] / without["total"], 2),
        "ratio_commune_triggers_only": round(commune_only["total"] / without["total"], 2),
    }
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / f"change-triggers-{connection.vendor}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
