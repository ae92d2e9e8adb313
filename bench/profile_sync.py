"""Where a phone's batch spends its CPU: the batch view handling 100-visit batches in this process
(Django's test client, no HTTP server), with the app's and the database backend's CPU per batch, the
statements' times (CaptureQueriesContext) and, unless --no-profile, a cProfile of it.

    .venv/bin/python bench/profile_sync.py --database-url postgres://postgres@127.0.0.1:5432/langso_bench_x
    # options: --people 50000 --phones 10 --visits 3000 --no-profile --freeze (gc.freeze, as wsgi.py does)

The province is generated (or re-used) as bench_sync.py does and its sync tables are emptied: use a
database of its own, never one a running bench_sync.py uses.
"""

# ruff: noqa: T201 - a command-line report
from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.generate import ensure_generated_province, is_disposable  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--phones", type=int, default=10)
    parser.add_argument("--visits", type=int, default=3000)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--freeze", action="store_true", help="gc.freeze() first, as langso/wsgi.py does")
    args = parser.parse_args(argv)
    if not is_disposable(args.database_url):
        raise SystemExit("the database's name must contain 'bench' (its sync tables are emptied)")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    ensure_generated_province(database_url=args.database_url, people=args.people, province_code=19)

    from bench.bench_sync import cpu_seconds, empty_sync_tables, set_up_phones
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    empty_sync_tables()
    plan, _phones = set_up_phones(args.phones, args.visits, random.Random(3))
    client = Client()

    def post(token: str, records: list[dict]) -> None:
        response = client.post(
            "/api/v1/field/batch",
            data=json.dumps({"records": records}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            secure=True,
        )
        assert response.json()["stored"] == len(records), response.content[:300]

    post(plan[0]["token"], plan[0]["records"][:100])  # first use of the device and the catalogue
    batches = [
        (phone["token"], phone["records"][start : start + 100])
        for phone in plan
        for start in range(100 if phone is plan[0] else 0, len(phone["records"]), 100)
    ]
    batches = [b for b in batches if len(b[1]) == 100]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0")
        backend = cursor.fetchone()[0]
    if args.freeze:
        gc.collect()
        gc.freeze()
    profile = None if args.no_profile else cProfile.Profile()
    app_before, db_before, began = (
        time.process_time(),
        cpu_seconds(backend) if backend else 0.0,
        time.perf_counter(),
    )
    with CaptureQueriesContext(connection) as captured:
        if profile:
            profile.enable()
        for token, records in batches:
            post(token, records)
        if profile:
            profile.disable()
    n = len(batches)
    wall = (time.perf_counter() - began) / n * 1000
    app = (time.process_time() - app_before) / n * 1000
    db = ((cpu_seconds(backend) - db_before) if backend else 0.0) / n * 1000
    print(f"{n} batches of 100: wall {wall:.1f} ms, app CPU {app:.1f} ms, database CPU {db:.1f} ms a batch")
    print(
        f"CPU per visit (app + database): {(app + db) / 100:.2f} ms; statements a batch: {len(captured) / n:.1f}"
    )
    by_statement: dict[str, list[float]] = {}
    for query in captured.captured_queries:
        seen = by_statement.setdefault(query["sql"][:100], [0, 0.0])
        seen[0] += 1
        seen[1] += float(query["time"])
    for sql, (count, seconds) in sorted(by_statement.items(), key=lambda kv: -kv[1][1])[:15]:
        print(f"{seconds / n * 1000:8.2f} ms a batch  {count / n:4.1f}×  {sql}")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
