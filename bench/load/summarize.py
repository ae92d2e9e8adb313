"""Summarise a load run: exact p50/p95/p99 per endpoint, per group and overall, at full load.

    python bench/load/summarize.py bench/out/load --users 150 --run-time 5m --workers 5

Reads the raw samples the locustfile wrote (samples.csv: every request after all users were running),
prints a markdown table and writes summary.json. Exits 1 when a request failed or the overall p95
is 500 ms or more: the pass mark of the load test.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from collections import defaultdict
from pathlib import Path

P95_LIMIT_MS = 500.0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation): a value that was really measured."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def row(label: str, samples: list[tuple[float, float, int]], seconds: float) -> dict[str, object]:
    times = [ms for _t, ms, _f in samples]
    return {
        "name": label,
        "requests": len(samples),
        "failures": sum(f for _t, _ms, f in samples),
        "rps": round(len(samples) / seconds, 2),
        "p50_ms": round(percentile(times, 0.50)),
        "p95_ms": round(percentile(times, 0.95)),
        "p99_ms": round(percentile(times, 0.99)),
        "max_ms": round(max(times)),
    }


def _cpu_at_full_load(out: Path) -> dict[str, float] | None:
    """CPU seconds used at full load by gunicorn and by Locust itself."""
    try:
        start = json.loads((out / "cpu-start.json").read_text())
        end = json.loads((out / "cpu-end.json").read_text())
    except (OSError, ValueError):
        return None
    cpu = {key: float(end[key] - start.get(key, 0)) for key in end}
    locust = out / "locust-cpu.json"
    if locust.exists():
        cpu["locust"] = float(json.loads(locust.read_text())["cpu_seconds"])
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--run-time", required=True)
    parser.add_argument("--workers", type=int, required=True)
    args = parser.parse_args()

    by_name: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    with (args.out / "samples.csv").open(encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            by_name[record["name"]].append(
                (float(record["time"]), float(record["ms"]), int(record["failed"]))
            )
    everything = [s for samples in by_name.values() for s in samples]
    if not everything:
        raise SystemExit("No requests were recorded at full load.")
    start = min(t for t, _ms, _f in everything)
    seconds = max(t for t, _ms, _f in everything) - start or 1.0

    groups: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    for name, samples in by_name.items():
        groups[name.split(":", 1)[0]].extend(samples)
    endpoints = [row(name, by_name[name], seconds) for name in sorted(by_name)]
    grouped = [row(name, groups[name], seconds) for name in sorted(groups)]
    overall = row("all requests", everything, seconds)
    passed = overall["failures"] == 0 and float(overall["p95_ms"]) < P95_LIMIT_MS

    summary = {
        "users": args.users,
        "run_time": args.run_time,
        "gunicorn_workers": args.workers,
        "seconds_at_full_load": round(seconds, 1),
        "overall": overall,
        "groups": grouped,
        "endpoints": endpoints,
        "passed": passed,
    }
    cpu = _cpu_at_full_load(args.out)
    if cpu:
        summary["cpu_seconds_at_full_load"] = cpu
        summary["gunicorn_cpu_ms_per_request"] = round(
            1000 * cpu["gunicorn"] / max(1, int(overall["requests"])), 1
        )
        summary["cores_busy"] = {k: round(v / seconds, 2) for k, v in cpu.items()}
    accounts = args.out / "accounts.json"
    if accounts.exists():
        summary["data"] = json.loads(accounts.read_text(encoding="utf-8")).get("data")
    (args.out / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )

    header = "| | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | failures |\n|---|---:|---:|---:|---:|---:|---:|---:|"
    print(f"\n{args.users} users, {seconds:.0f} s at full load, gunicorn {args.workers} workers\n")
    print(header)
    for item in [*endpoints, None, *grouped, overall]:
        if item is None:
            print("| **groups** | | | | | | | |")
            continue
        print(
            f"| {item['name']} | {item['requests']:,} | {item['rps']} | {item['p50_ms']} | {item['p95_ms']} "
            f"| {item['p99_ms']} | {item['max_ms']} | {item['failures']} |"
        )
    if cpu:
        print(
            f"\nCPU at full load (cores busy): {summary['cores_busy']}; gunicorn "
            f"{summary['gunicorn_cpu_ms_per_request']} CPU-ms per request"
        )
    verdict = "PASS" if passed else "FAIL"
    print(
        f"\n{verdict}: overall p95 {overall['p95_ms']} ms (limit {P95_LIMIT_MS:.0f}), {overall['failures']} failures"
    )
    if not passed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
