"""Benchmark: import of N residents from .xlsx, against openpyxl alone reading the same file.

    .venv/bin/python bench/bench_import.py --rows 100000 [--database-url postgres://...]

Each phase runs in its own process so its peak memory (max RSS) is its own. The ratio compares the
whole import (dry run + write) with openpyxl's read-only pass over the same file, in the same run.
Target: ratio within 3x. Results go to bench/out/import-<vendor>.json.
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
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Ma", "Nông", "Triệu", "Lường", "Vũ", "Đặng", "Bùi"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Long", "Nam", "Sơn", "Tuấn", "Việt", "Đạt"]
GIVEN_F = ["Anh", "Chi", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Thảo", "Yến"]


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langso.settings")
    os.environ.setdefault("LANGSO_VAR_DIR", tempfile.gettempdir())
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def make_file(path: Path, rows: int, villages: list[str], seed: int = 7) -> None:
    from openpyxl import Workbook

    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Người dân")
    sheet.append(
        [
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
        ]
    )
    household, members, village = 0, 0, villages[0]
    for index in range(rows):
        if members == 0:
            household += 1
            members = rng.choice([1, 2, 3, 3, 4, 4, 5, 6])
            village = rng.choice(villages)
            head = True
        else:
            head = False
        members -= 1
        male = rng.random() < 0.5
        year = rng.randint(1935, 2007)
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M if male else MIDDLE_F)} {rng.choice(GIVEN_M if male else GIVEN_F)}"
        digit = (year // 100 - 19) * 2 + (0 if male else 1)
        cccd = f"019{digit}{year % 100:02d}{index:06d}"
        phone = f"09{rng.randrange(10**8):08d}" if rng.random() < 0.7 else ""
        sheet.append(
            [
                f"H{household:06d}",
                name,
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
                "",
                "Nam" if male else "Nữ",
                rng.choice(["Tày", "Kinh", "Nùng", "Dao"]),
                cccd,
                phone,
                "",
                "Có" if rng.random() < 0.6 else "Không",
                "Có" if head else "",
                village,
            ]
        )
    book.save(path)


def phase_read(path: str) -> dict:
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
    start = time.perf_counter()
    job = imports.job_create(
        acting_user=officer, kind="residents", commune=commune, upload=SimpleUploadedFile("bench.xlsx", data)
    )
    imports.job_check(job)
    checked = time.perf_counter()
    imports.job_confirm(acting_user=officer, job=job, mode="valid_only")
    imports.job_write(job)
    job.refresh_from_db()
    end = time.perf_counter()
    return {
        "seconds": end - start,
        "check_seconds": checked - start,
        "write_seconds": end - checked,
        "created": job.created_count,
        "skipped": job.skipped_count,
        "status": job.status,
    }


def run_phase(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--phase", choices=["read", "import"])
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.phase:
        result = phase_read(args.file) if args.phase == "read" else phase_import(args.file, args.database_url)
        result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    workdir = Path(tempfile.mkdtemp(prefix="langso-bench-import-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    setup_django(database_url)
    from django.core.management import call_command

    from langso.accounts.models import Role, RoleAssignment, User
    from langso.core.text import fold, place_sort_key
    from langso.places.loaders import load_administrative_units
    from langso.places.models import Village
    from langso.registry.models import Resident

    call_command("migrate", verbosity=0)
    load_administrative_units()
    Resident.objects.filter(commune_id=COMMUNE).delete()
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
    make_file(path, args.rows, names)
    from django.db import connection

    vendor = connection.vendor
    connection.close()
    read = run_phase(["--phase", "read", "--file", str(path)])
    full = run_phase(["--phase", "import", "--file", str(path), "--database-url", database_url])
    result = {
        "vendor": vendor,
        "rows": args.rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "openpyxl_read_s": round(read["seconds"], 2),
        "import_s": round(full["seconds"], 2),
        "check_s": round(full["check_seconds"], 2),
        "write_s": round(full["write_seconds"], 2),
        "rows_per_s": round(args.rows / full["seconds"]),
        "ratio": round(full["seconds"] / read["seconds"], 2),
        "import_peak_rss_mb": round(full["max_rss_mb"]),
        "read_peak_rss_mb": round(read["max_rss_mb"]),
        "created": full["created"],
        "skipped": full["skipped"],
        "status": full["status"],
    }
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"import-{vendor}.json").write_text(json.dumps(result, indent=2))
    for key, value in result.items():
        print(f"{key:>20}: {value}")


if __name__ == "__main__":
    main()
