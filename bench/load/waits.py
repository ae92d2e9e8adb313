"""What the load test's database sessions are doing: pg_stat_activity sampled during full load.

    python bench/load/waits.py --database-url postgres://…/langso_load --seconds 300 --out bench/out/load

Every `--interval` seconds it reads the sessions of that database that are not idle and counts, per
sample: the state (active, idle in transaction), the wait event (`Lock:transactionid`,
`LWLock:WALWrite`, `IO:DataFileRead`, … or `CPU` when the session waits on nothing), and the statement
with its literals and parameter lists folded, so `… IN (1, 2, 3)` and `… IN (4)` count as one. A
statement's share of the samples is its share of the database's busy time, as pg_stat_statements'
total time would say, without the server-wide preload that extension needs. Writes waits.json and
prints the top rows; run.sh starts it beside Locust once every user is running.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

_LITERALS = [
    (re.compile(r"'(?:[^']|'')*'"), "?"),  # strings
    (re.compile(r"\$\d+"), "?"),  # server-side parameters
    (re.compile(r"\b\d+(?:\.\d+)?\b"), "?"),  # numbers
    (re.compile(r"\((?:\s*\?\s*,)+\s*\?\s*\)"), "(…)"),  # IN lists and VALUES rows
    (re.compile(r"(?:\(…\)\s*,\s*)+\(…\)"), "(…)"),  # many VALUES rows
    (re.compile(r"\s+"), " "),
]

SAMPLE_SQL = """
    SELECT state, wait_event_type, wait_event, query
      FROM pg_stat_activity
     WHERE datname = %s AND pid <> pg_backend_pid() AND state <> 'idle' AND backend_type = 'client backend'
"""


def normalise(query: str, width: int = 600) -> str:
    """One statement's shape: literals folded, whitespace collapsed, cut to `width` characters."""
    for pattern, replacement in _LITERALS:
        query = pattern.sub(replacement, query)
    return query.strip()[:width]


def wait_label(state: str, wait_event_type: str | None, wait_event: str | None) -> str:
    if state.startswith("idle in transaction"):
        return "idle in transaction (the app holds a transaction open)"
    if not wait_event_type:
        return "CPU (running)"
    return f"{wait_event_type}:{wait_event}"


def summarise(samples: int, waits: Counter[str], statements: Counter[str], blocked: Counter[str]) -> dict:
    def share(counter: Counter[str], top: int) -> list[dict[str, object]]:
        total = sum(counter.values()) or 1
        return [
            {"what": key, "samples": count, "share": round(count / total, 3)}
            for key, count in counter.most_common(top)
        ]

    busy = sum(waits.values())
    return {
        "samples": samples,
        "mean_busy_sessions": round(busy / samples, 2) if samples else 0,
        "waits": share(waits, 15),
        "statements": share(statements, 20),
        "statements_waiting_on_locks": share(blocked, 10),
    }


def sample(database_url: str, seconds: float, interval: float) -> dict:
    import psycopg

    name = urlparse(database_url).path.lstrip("/")
    waits: Counter[str] = Counter()
    statements: Counter[str] = Counter()
    blocked: Counter[str] = Counter()
    samples = 0
    deadline = time.monotonic() + seconds
    with psycopg.connect(database_url, autocommit=True) as connection:
        while time.monotonic() < deadline:
            for state, wait_type, wait_event, query in connection.execute(SAMPLE_SQL, [name]).fetchall():
                label = wait_label(state or "", wait_type, wait_event)
                shape = normalise(query or "")
                waits[label] += 1
                statements[shape] += 1
                if wait_type == "Lock":
                    blocked[f"{label} — {shape}"] += 1
            samples += 1
            time.sleep(interval)
    return summarise(samples, waits, statements, blocked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    result = sample(args.database_url, args.seconds, args.interval)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "waits.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(
        f"\nDatabase sessions at full load: {result['mean_busy_sessions']} busy on average ({result['samples']} samples)"
    )
    for title, key in (
        ("waiting on", "waits"),
        ("statements", "statements"),
        ("lock waits", "statements_waiting_on_locks"),
    ):
        print(f"\n{title}:")
        for item in result[key][:10]:
            print(f"  {item['share']:6.1%}  {str(item['what'])[:200]}")


if __name__ == "__main__":
    main()
