"""Benchmark: import of N residents from .xlsx, against python-calamine alone reading the same file.

    .venv/bin/python bench/bench_import.py --rows 100000                      # a temporary SQLite file
    .venv/bin/python bench/bench_import.py --rows 100000 \
        --database-url postgres://postgres@127.0.0.1:5432/langso_bench_import  # dropped and re-created

A PostgreSQL database is dropped and re-created for each run, so only a name containing "bench" is
accepted. Each phase runs in its own process so its peak memory is its own: max RSS (what the process
held, Rust's and the C libraries' memory included) and tracemalloc's peak (Python objects only). The
ratio compares the whole import (dry run + write) with python-calamine's bare read of the same file
(every row of the first sheet as Python values), in the same run; openpyxl's read-only pass, which the
import used before, is measured too. Target: ratio within 5x. Results go to bench/out/import-<vendor>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMUNE = 2071  # Xã Nghĩa Tá
COMMUNE_PROVINCE = 19  # Thái Nguyên


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langso.settings")
    os.environ.setdefault("LANGSO_VAR_DIR", tempfile.gettempdir())
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def fresh_postgres(database_url: str) -> None:
    """Drop and re-create the benchmark's PostgreSQL database (only one whose name says "bench")."""
    from urllib.parse import urlparse

    import psycopg

    name = urlparse(database_url).path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the benchmark database's name must contain 'bench'")
    admin_url = urlparse(database_url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


HEADERS = [
    "Mã hộ",
    "Họ và tên",
    "Ngày sinh",
    "Năm sinh",
    "Giới tính",
    "Dân tộc",
    "Số CCCD",
    "Số điện thoại",
    "Khuyết tật",
    "Có điện thoại thông minh",
    "Là chủ hộ",
    "Thôn",
    "Phân loại hộ",
    "Năm rà soát",
]


def make_file(path: Path, rows: int, villages: list[str], seed: int = 7) -> dict:
    """An officer's sheet of `rows` people of one commune, one row a person, households by code.

    The people come from bench/generate.py's synthetic province (Thái Nguyên's ethnic mix and naming
    customs, households as families, ages from the national pyramid, CCCDs that encode sex and birth
    year, real mobile prefixes); dates are typed as dd/mm/yyyy text or stored as date cells, as
    officers' files have both. Needs Django set up (for the ethnic group names).
    """
    import datetime

    from openpyxl import Workbook

    sys.path.insert(0, str(ROOT))
    from bench.generate import _iter_rows, _Province

    from langso.core.ethnicity import EthnicGroup
    from langso.registry.models import Poverty

    rng = random.Random(seed)
    province = _Province(COMMUNE_PROVINCE, rng)
    places = [
        {"id": index, "commune_id": COMMUNE, "name": name, "dominant_group": province.ethnic(rng)}
        for index, name in enumerate(villages)
    ]
    ethnic = {code: str(label) for code, label in EthnicGroup.choices}
    poverty = {value: str(label) for value, label in Poverty.choices if value != Poverty.NONE}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Người dân")
    sheet.append(HEADERS)
    names: set[str] = set()
    written = 0
    for household, members in _iter_rows(
        province=province,
        rng=rng,
        villages=places,
        people=rows,
        today=datetime.date.today() - datetime.timedelta(days=366),  # no birth date after today
        fold=str,
        sort_key=str,
    ):
        village = villages[household["village_id"]]
        for person in members:
            birth_date = person["birth_date"]
            if birth_date is None:
                date_cell: object = ""
            elif rng.random() < 0.3:
                date_cell = datetime.datetime.combine(birth_date, datetime.time())  # a date cell
            else:
                date_cell = birth_date.strftime("%d/%m/%Y")
            names.add(person["full_name"])
            sheet.append(
                [
                    household["code"],
                    person["full_name"],
                    date_cell,
                    "" if birth_date else person["birth_year"],
                    "Nam" if person["sex"] == "male" else "Nữ",
                    ethnic[person["ethnic_group"]],
                    person["cccd"] or "",
                    person["phone"],
                    "Có" if person["has_disability"] else "",
                    "Có" if person["owns_smartphone"] else "Không",
                    "Có" if person["is_head"] else "",
                    village,
                    poverty.get(household["poverty"], ""),
                    household["poverty_year"] or "",
                ]
            )
            written += 1
    book.save(path)
    return {"rows": written, "distinct_names": len(names)}


def phase_read(path: str) -> dict:
    """The baseline: python-calamine reading every row of the file's first sheet, nothing else."""
    import python_calamine

    start, cpu = time.perf_counter(), time.process_time()
    book = python_calamine.CalamineWorkbook.from_path(path)
    count = sum(1 for _ in book.get_sheet_by_index(0).iter_rows())
    return {
        "seconds": time.perf_counter() - start,
        "section_cpu": time.process_time() - cpu,
        "rows": count - 1,
    }


def phase_read_openpyxl(path: str) -> dict:
    """What the import's reading cost before python-calamine: openpyxl's read-only pass."""
    import openpyxl

    start = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    return {"seconds": time.perf_counter() - start, "rows": count - 1}


def phase_import(path: str, database_url: str) -> dict:  # noqa: C901
    setup_django(database_url)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from langso.accounts.models import User
    from langso.places.models import Commune
    from langso.registry import imports

    officer = User.objects.get(username="bench.officer")
    commune = Commune.objects.get(code=COMMUNE)
    data = Path(path).read_bytes()
    server = _server_cpu()
    start, cpu = time.perf_counter(), time.process_time()
    job = imports.job_create(
        acting_user=officer, kind="residents", commune=commune, upload=SimpleUploadedFile("bench.xlsx", data)
    )
    imports.job_check(job)
    checked, checked_cpu = time.perf_counter(), time.process_time()
    imports.job_confirm(acting_user=officer, job=job, mode="valid_only")
    imports.job_write(job)
    job.refresh_from_db()
    end, cpu_end = time.perf_counter(), time.process_time()
    server_end = _server_cpu()
    return {
        "server_cpu": server_end - server if server is not None and server_end is not None else None,
        "seconds": end - start,
        "section_cpu": cpu_end - cpu,
        "check_seconds": checked - start,
        "write_seconds": end - checked,
        "check_cpu": checked_cpu - cpu,
        "write_cpu": cpu_end - checked_cpu,
        "created": job.created_count,
        "skipped": job.skipped_count,
        "status": job.status,
        "problems_sample": [
            f"{p['row']} {p['column']}: {p['reason']}" for p in job.problems if not p.get("note")
        ][:5],
    }


def _peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM, not getrusage's ru_maxrss: a phase is started
    from the benchmark's own process (Django, the file it generated), and Linux keeps the larger of the
    two in ru_maxrss across the fork and exec, so every phase showed at least the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _server_cpu() -> float | None:
    """PostgreSQL: the CPU seconds of this connection's server process so far (it runs on this machine);
    None on SQLite, whose work is inside this process's own CPU time."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a server on another machine
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def run_phase(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--phase", choices=["read", "read-openpyxl", "import"])
    parser.add_argument("--file")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also measure the Python objects' peak (a slower run)"
    )
    args = parser.parse_args()
    if args.phase:
        import tracemalloc

        if args.tracemalloc:
            tracemalloc.start()  # slows Python code two to three times: a run of its own
        if args.phase == "read":
            result = phase_read(args.file)
        elif args.phase == "read-openpyxl":
            result = phase_read_openpyxl(args.file)
        else:
            result = phase_import(args.file, args.database_url)
        result["python_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6 if args.tracemalloc else None
        result["max_rss_mb"] = _peak_rss_mb()
        # CPU seconds of this process: on a shared machine, wall time counts the other work too. (On
        # PostgreSQL the server's own CPU is not in it.) The whole process's, and the measured part's
        # alone ("section_cpu", without starting Python and Django: the fair comparison).
        result["cpu_seconds"] = time.process_time()
        print(json.dumps(result))
        return

    workdir = Path(tempfile.mkdtemp(prefix="langso-bench-import-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    if database_url.startswith(("postgres://", "postgresql://")):
        fresh_postgres(database_url)
    setup_django(database_url)
    from django.core.management import call_command

    from langso.accounts.models import Role, RoleAssignment, User
    from langso.core.text import fold, place_sort_key
    from langso.places.loaders import load_administrative_units
    from langso.places.models import Village

    call_command("migrate", verbosity=0)
    load_administrative_units()
    names = [f"Thôn {i}" for i in range(1, 41)]
    for name in names:
        Village.objects.get_or_create(
            commune_id=COMMUNE,
            name_folded=fold(name),
            defaults={"name": name, "sort_key": place_sort_key(name)},
        )
    officer, _ = User.objects.get_or_create(username="bench.officer")
    RoleAssignment.objects.get_or_create(user=officer, role=Role.COMMUNE_OFFICER, commune_id=COMMUNE)

    path = workdir / "residents.xlsx"
    made = make_file(path, args.rows, names)
    from django.db import connection

    vendor = connection.vendor
    connection.close()
    read = run_phase(["--phase", "read", "--file", str(path)])
    old_read = run_phase(["--phase", "read-openpyxl", "--file", str(path)])
    full = run_phase(["--phase", "import", "--file", str(path), "--database-url", database_url])
    if args.tracemalloc:  # the same import again, in a fresh database state is not needed: peak only
        traced = run_phase(
            ["--phase", "import", "--file", str(path), "--database-url", database_url, "--tracemalloc"]
        )
        full["python_peak_mb"] = traced["python_peak_mb"]
    result = {
        "vendor": vendor,
        "rows": made["rows"],
        "distinct_names": made["distinct_names"],
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "calamine_read_s": round(read["seconds"], 2),
        "openpyxl_read_s": round(old_read["seconds"], 2),
        "import_s": round(full["seconds"], 2),
        "check_s": round(full["check_seconds"], 2),
        "write_s": round(full["write_seconds"], 2),
        "rows_per_s": round(made["rows"] / full["seconds"]),
        "calamine_rows_per_s": round(made["rows"] / read["seconds"]),
        "ratio": round(full["seconds"] / read["seconds"], 2),
        "ratio_to_openpyxl_read": round(full["seconds"] / old_read["seconds"], 2),
        "calamine_cpu_s": round(read["cpu_seconds"], 2),
        "import_cpu_s": round(full["cpu_seconds"], 2),
        "cpu_ratio": round(full["cpu_seconds"] / read["cpu_seconds"], 2),
        "calamine_section_cpu_s": round(read["section_cpu"], 2),
        "import_section_cpu_s": round(full["section_cpu"], 2),
        "check_cpu_s": round(full["check_cpu"], 2),
        "write_cpu_s": round(full["write_cpu"], 2),
        "server_cpu_s": full["server_cpu"] and round(full["server_cpu"], 2),
        "section_cpu_ratio": round(full["section_cpu"] / read["section_cpu"], 2),
        "load_average": round(os.getloadavg()[0], 1),
        "import_peak_rss_mb": round(full["max_rss_mb"]),
        "import_python_peak_mb": full["python_peak_mb"] and round(full["python_peak_mb"]),
        "read_peak_rss_mb": round(read["max_rss_mb"]),
        "created": full["created"],
        "skipped": full["skipped"],
        "status": full["status"],
        "problems_sample": full["problems_sample"],
    }
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"import-{vendor}.json").write_text(json.dumps(result, indent=2))
    print(f"{'':>22} {'seconds':>9} {'rows/s':>9} {'RSS MB':>9} {'Python MB':>10}")
    print(
        f"{'calamine read (base)':>22} {read['seconds']:>9.2f} {result['calamine_rows_per_s']:>9} "
        f"{result['read_peak_rss_mb']:>9}"
    )
    print(f"{'openpyxl read':>22} {old_read['seconds']:>9.2f}")
    print(
        f"{'import (check+write)':>22} {full['seconds']:>9.2f} {result['rows_per_s']:>9} "
        f"{result['import_peak_rss_mb']:>9} {result['import_python_peak_mb'] or '':>10}"
    )
    print(
        f"{'process CPU':>22} calamine {read['cpu_seconds']:.2f} s, import {full['cpu_seconds']:.2f} s "
        f"(ratio {result['cpu_ratio']}), load average {result['load_average']}"
    )
    print(
        f"{'measured part CPU':>22} calamine {read['section_cpu']:.2f} s, import {full['section_cpu']:.2f} s "
        f"(ratio {result['section_cpu_ratio']}; without starting Python and Django)"
    )
    print(f"{'  dry run':>22} {full['check_seconds']:>9.2f} (CPU {full['check_cpu']:.2f})")
    print(f"{'  write':>22} {full['write_seconds']:>9.2f} (CPU {full['write_cpu']:.2f})")
    if full["server_cpu"] is not None:
        print(
            f"{'PostgreSQL server CPU':>22} {full['server_cpu']:>9.2f} (the import's connection, not in the ratio)"
        )
    print(
        f"ratio {result['ratio']} (target <= 5) · {result['rows']} rows, {result['distinct_names']} distinct names, "
        f"{result['file_mb']} MB · {vendor} · created {result['created']}, skipped {result['skipped']}, {result['status']}"
    )


if __name__ == "__main__":
    main()
