"""Sync ingestion: phones sending 10,000 home visits in batches of 100 over HTTP, against a bare bulk
insert of the same rows.

    .venv/bin/python bench/bench_sync.py                       # PostgreSQL, gunicorn as docs/deploy.md runs it
    .venv/bin/python bench/bench_sync.py \
        --database-url sqlite:////abs/path/var/bench/langso_bench_sync.sqlite3    # SQLite, one gunicorn worker
    # options: --people 200000  --visits 10000  --batch 100  --phones 50  --workers 5  --clients 6  --seed S

A generated province (bench/generate.py, re-used when it is there at that size) gets one team member
with a phone in each of its `--phones` biggest communes, each with the households they will visit
assigned to them. Every visit teaches one person of the household one skill (a level from 1 to 4) and
records one service, with some of the household present: the shape of a day's work.

The phones' batches go to the real app server over loopback, `--clients` at a time (each phone sends
its own batches one after the other, as the app does): on PostgreSQL gunicorn with the production
settings and the worker count of docs/deploy.md (2 × cores + 1), on SQLite gunicorn with one worker
(SQLite has one writer at a time; a commune laptop serves one phone at a time). Every record must come
back "stored" and the database must hold exactly the rows sent.

The baseline, in the same run and on the same database: the same rows (visits, people present, the
visit's skills, the skill records) written with `bulk_create`, 100 visits to a transaction, in one
process, without HTTP, checks, current levels, certificates or audit. The ratio is sync time over that.
Targets: ≥ 1,000 visits/s and ≤ 5× on PostgreSQL; ≥ 300 visits/s on SQLite.
Results go to bench/out/sync-<vendor>.json.
"""

# ruff: noqa: S603, S310 - runs our own fixed command lines, and talks HTTP to 127.0.0.1 only
from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.generate import BENCH_OUT, ensure_generated_province, is_disposable  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/langso_bench_sync"
SKILL_CODES = [
    "phone_basics",
    "install_apps",
    "video_call",
    "zalo_groups",
    "search_information",
    "vneid_install",
]
# Rows the sync writes: emptied before each run (the database is a disposable benchmark one).
SYNC_TABLES = [
    "teams_factconflict",
    "groups_attendanceskill",
    "teams_visitservice",
    "teams_visitskill",
    "teams_visit_present",
    "teams_visit",
    "skills_certificate",
    "skills_currentskilllevel",
    "skills_skillrecord",
    "core_auditentry",
]
TARGETS = {"postgresql": {"visits_per_s": 1000, "ratio": 5.0}, "sqlite": {"visits_per_s": 300, "ratio": None}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def empty_sync_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(SYNC_TABLES)}")  # noqa: S608 - fixed names
        else:
            for table in SYNC_TABLES:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names


def set_up_phones(phones: int, visits: int, rng: random.Random) -> tuple[list[dict[str, Any]], dict]:
    """A member with a device key in each of the biggest communes, and the visits each will send."""
    from django.db.models import Count
    from django.utils import timezone

    from langso.accounts.models import Role, RoleAssignment, User
    from langso.places.models import Village
    from langso.registry.models import Household, Resident
    from langso.skills.catalogue import install_default_catalogue
    from langso.teams import device_keys
    from langso.teams.models import DeviceToken, HouseholdAssignment, Service, Team, TeamMember

    install_default_catalogue()
    communes = list(
        Household.objects.values("commune_id")
        .annotate(n=Count("id"))
        .order_by("-n")[:phones]
        .values_list("commune_id", flat=True)
    )
    per_phone = -(-visits // len(communes))
    services = list(Service.values)
    today = timezone.localdate()
    plan = []
    for index, commune_id in enumerate(communes):
        username = f"bench-sync-{commune_id}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=secrets.token_urlsafe(16))
            RoleAssignment.objects.create(user=user, role=Role.TEAM_MEMBER, commune_id=commune_id)
            village = Village.objects.filter(commune_id=commune_id).first()
            team = Team(village=village, name=f"Tổ công nghệ số {index + 1}")
            team.copy_units_from_village()
            team.save()
            TeamMember.objects.create(team=team, user=user, full_name=f"Thành viên {index + 1}")
        member = TeamMember.objects.get(user=user)
        DeviceToken.objects.filter(user=user).delete()
        _device, token = device_keys.device_token_issue(acting_user=user, name="Máy bench")
        household_ids = list(Household.objects.filter(commune_id=commune_id).values_list("id", flat=True))
        chosen = [rng.choice(household_ids) for _ in range(per_phone)]
        HouseholdAssignment.objects.filter(household_id__in=set(chosen)).delete()
        HouseholdAssignment.objects.bulk_create(
            [HouseholdAssignment(household_id=h, member=member, assigned_on=today) for h in set(chosen)]
        )
        people: dict[Any, list[str]] = {}
        for resident_id, household_id in Resident.objects.filter(household_id__in=set(chosen)).values_list(
            "id", "household_id"
        ):
            people.setdefault(household_id, []).append(str(resident_id))
        records = []
        for household_id in chosen:
            members = people.get(household_id)
            if not members:
                continue
            person = rng.choice(members)
            records.append(
                {
                    "id": str(uuid.uuid4()),
                    "kind": "visit",
                    "data": {
                        "household_id": str(household_id),
                        "visited_on": str(today - datetime.timedelta(days=rng.randint(0, 6))),
                        "present": rng.sample(members, rng.randint(1, len(members))),
                        "skills": [
                            {
                                "resident_id": person,
                                "skill_code": rng.choice(SKILL_CODES),
                                "level": rng.randint(1, 4),
                            }
                        ],
                        "services": [{"service": rng.choice(services), "resident_id": person}],
                        "notes": rng.choice(
                            ["", "", "Hướng dẫn gọi video cho con ở xa", "Hẹn tuần sau quay lại"]
                        ),
                    },
                }
            )
        plan.append({"commune": commune_id, "token": token, "records": records})
    total = sum(len(p["records"]) for p in plan)
    extra = total - visits  # households without people: trim from the end so the total is exact
    while extra > 0:
        biggest = max(plan, key=lambda p: len(p["records"]))
        biggest["records"].pop()
        extra -= 1
    return plan, {"communes": len(communes)}


def server_env(database_url: str, workdir: Path) -> dict[str, str]:
    """Production settings (DEBUG off, the database cache, secure cookies); the bench sends
    X-Forwarded-Proto: https as nginx does, so nothing is redirected."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LANGSO_", "DATABASE_", "DB_"))
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="langso.settings",
        LANGSO_ENV="production",
        DJANGO_SECRET_KEY=f"bench-{secrets.token_urlsafe(50)}",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        LANGSO_VAR_DIR=str(workdir),
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        LANGSO_LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )
    return env


def start_gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    venv_bin = Path(sys.executable).parent
    subprocess.run(
        [sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    command = [
        str(venv_bin / "gunicorn"),
        "langso.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
        "--graceful-timeout",
        "30",
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
        "--forwarded-allow-ips",
        "127.0.0.1",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"}
            )
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"gunicorn did not start; see {log}")


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a live process (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores (/proc/stat): how much of the
    machine the run used, other sessions' work included."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields) - idle) / CLOCK_TICKS, sum(fields) / CLOCK_TICKS


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def backends(database_url: str) -> list[int]:
    """This database's PostgreSQL backends (none for SQLite: its work is in the app's process)."""
    from urllib.parse import urlparse

    if not database_url.startswith("postgres"):
        return []
    name = urlparse(database_url).path.lstrip("/")
    found = subprocess.run(["pgrep", "-f", f"postgres: .*{name}"], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def stack_cpu(server: subprocess.Popen[bytes], database_url: str) -> dict[int, float]:
    """CPU seconds so far of gunicorn (master and workers) and this database's backends, by pid."""
    pids = [server.pid, *children(server.pid), *backends(database_url)]
    return {pid: cpu_seconds(pid) for pid in pids}


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    # A backend that exited meanwhile is missing from `after`: with DB_CONN_MAX_AGE they stay.
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


def renice_backends(database_url: str, nice: int, seconds: float = 0) -> None:
    """PostgreSQL forks a backend per connection: give this database's backends the same priority."""
    from urllib.parse import urlparse

    name = urlparse(database_url).path.lstrip("/")
    deadline = time.monotonic() + seconds
    while True:
        found = subprocess.run(["pgrep", "-f", f"postgres: .*{name}"], capture_output=True, text=True)
        for pid in found.stdout.split():
            subprocess.run(["renice", "-n", str(nice), "-p", pid], capture_output=True)
        if time.monotonic() >= deadline:
            return
        time.sleep(1)


def post_batch(port: int, token: str, records: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/field/batch",
        data=json.dumps({"records": records}).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "X-Forwarded-Proto": "https",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {"detail": error.read()[:300].decode(errors="replace")}


def send_all(port: int, plan: list[dict[str, Any]], batch: int, clients: int) -> dict[str, Any]:
    """Each phone sends its batches in order; `clients` phones at a time."""
    queue = list(plan)
    lock = threading.Lock()
    outcome = {"stored": 0, "other": 0, "errors": [], "batch_ms": []}

    def phone_loop() -> None:
        while True:
            with lock:
                if not queue:
                    return
                phone = queue.pop(0)
            records = phone["records"]
            for start in range(0, len(records), batch):
                chunk = records[start : start + batch]
                began = time.perf_counter()
                status, body = post_batch(port, phone["token"], chunk)
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    outcome["batch_ms"].append(elapsed)
                    if status != 200:
                        outcome["errors"].append(f"HTTP {status}: {body}")
                        outcome["other"] += len(chunk)
                        continue
                    stored = sum(r["status"] == "stored" for r in body["results"])
                    outcome["stored"] += stored
                    outcome["other"] += len(chunk) - stored
                    for result in body["results"]:
                        if result["status"] != "stored" and len(outcome["errors"]) < 5:
                            outcome["errors"].append(result)

    threads = [threading.Thread(target=phone_loop) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome["seconds"] = time.perf_counter() - began
    return outcome


def bare_bulk_insert(plan: list[dict[str, Any]], batch: int) -> tuple[float, int]:
    """The same rows with bulk_create, `batch` visits to a transaction; removed again afterwards."""
    from django.db import transaction
    from django.utils import timezone

    from langso.registry.models import Household, Resident
    from langso.skills.models import SkillRecord
    from langso.skills.selectors import published_skills
    from langso.teams.models import Visit, VisitSkill

    records = [r for p in plan for r in p["records"]]
    households = {
        str(h.pk): h for h in Household.objects.filter(pk__in={r["data"]["household_id"] for r in records})
    }
    residents = {
        str(r.pk): r
        for r in Resident.objects.filter(
            pk__in={r["data"]["skills"][0]["resident_id"] for r in records}
        ).only("id", "province_id", "commune_id", "village_id")
    }
    skills = {s.code: s for s in published_skills()}
    today = timezone.localdate()
    made: list[uuid.UUID] = []
    began = time.perf_counter()
    for start in range(0, len(records), batch):
        visits, present, skill_records, visit_skills = [], [], [], []
        for record in records[start : start + batch]:
            data = record["data"]
            household = households[data["household_id"]]
            visit_id = uuid.uuid4()
            made.append(visit_id)
            visited_on = datetime.date.fromisoformat(data["visited_on"])
            visits.append(
                Visit(
                    id=visit_id,
                    content_hash="0" * 64,
                    household=household,
                    village_id=household.village_id,
                    commune_id=household.commune_id,
                    province_id=household.province_id,
                    visited_on=visited_on,
                    notes=data["notes"],
                )
            )
            present += [Visit.present.through(visit_id=visit_id, resident_id=p) for p in data["present"]]
            taught = data["skills"][0]
            resident = residents[taught["resident_id"]]
            skill = skills[taught["skill_code"]]
            skill_record = SkillRecord(
                resident=resident,
                skill=skill,
                skill_code=skill.code,
                level=taught["level"],
                evidence="observed",
                recorded_on=min(visited_on, today),
                province_id=resident.province_id,
                commune_id=resident.commune_id,
                village_id=resident.village_id,
            )
            skill_records.append(skill_record)
            visit_skills.append(
                VisitSkill(
                    visit_id=visit_id,
                    resident_id=resident.pk,
                    skill_code=skill.code,
                    level=taught["level"],
                    skill_record_id=skill_record.pk,
                )
            )
        with transaction.atomic():
            Visit.objects.bulk_create(visits)
            Visit.present.through.objects.bulk_create(present)
            SkillRecord.objects.bulk_create(skill_records)
            VisitSkill.objects.bulk_create(visit_skills)
    seconds = time.perf_counter() - began
    rows = len(made)
    SkillRecord.with_voided.filter(visit_skill__visit_id__in=made).delete()
    Visit.objects.filter(pk__in=made).delete()
    return seconds, rows


def counts() -> dict[str, int]:
    from langso.core.models import AuditEntry
    from langso.skills.models import CurrentSkillLevel, SkillRecord
    from langso.teams.models import Visit, VisitService, VisitSkill

    return {
        "visits": Visit.objects.count(),
        "present": Visit.present.through.objects.count(),
        "visit_skills": VisitSkill.objects.count(),
        "skill_records": SkillRecord.objects.count(),
        "services": VisitService.objects.count(),
        "current_levels": CurrentSkillLevel.objects.count(),
        "audit_lines": AuditEntry.objects.count(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--province", type=int, default=19)
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (PostgreSQL: 2 × cores + 1)"
    )
    parser.add_argument("--clients", type=int, default=None, help="phones sending at the same time")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="on a machine shared with other work, e.g. -10 (root): the bench, gunicorn and this database's "
        "PostgreSQL backends run ahead of it (as bench/load/run.sh's LOAD_NICE)",
    )
    args = parser.parse_args(argv)
    if not is_disposable(args.database_url):
        raise SystemExit("the benchmark database's name must contain 'bench' (its sync tables are emptied)")

    ensure_generated_province(database_url=args.database_url, people=args.people, province_code=args.province)
    from django.db import connection

    vendor = connection.vendor
    workers = args.workers or ((2 * (os.cpu_count() or 1) + 1) if vendor == "postgresql" else 1)
    clients = args.clients or (workers + 1 if vendor == "postgresql" else 1)
    empty_sync_tables()
    rng = random.Random(args.seed)
    plan, phones = set_up_phones(args.phones, args.visits, rng)
    sent = sum(len(p["records"]) for p in plan)
    load_before = os.getloadavg()[0]  # the machine is shared: say how busy it was
    before = counts()
    connection.close()

    if args.nice:
        os.nice(args.nice)  # gunicorn, started below, inherits it
        if vendor == "postgresql":
            renice_backends(args.database_url, args.nice)
    workdir = Path(tempfile.mkdtemp(prefix="langso-bench-sync-"))
    env = server_env(args.database_url, workdir)
    port = free_port()
    server = start_gunicorn(env, port, workers, workdir / "gunicorn.log")
    try:
        print(
            f"Sending {sent:,} visits in batches of {args.batch} from {len(plan)} phones to gunicorn "
            f"({workers} workers, {clients} phones at a time) on {vendor}…"
        )
        if args.nice and vendor == "postgresql":
            threading.Thread(
                target=renice_backends, args=(args.database_url, args.nice, 60), daemon=True
            ).start()
        cpu_before = stack_cpu(server, args.database_url)
        machine_before, client_before = machine_cpu(), time.process_time()
        outcome = send_all(port, plan, args.batch, clients)
        sync_cpu = cpu_used(cpu_before, stack_cpu(server, args.database_url))
        client_cpu = time.process_time() - client_before
        machine_after = machine_cpu()
        machine_busy = machine_after[0] - machine_before[0]
        machine_total = machine_after[1] - machine_before[1]
    finally:
        server.terminate()
        server.wait(timeout=30)
    after = counts()
    written = {k: after[k] - before[k] for k in after}
    if outcome["stored"] != sent or written["visits"] != sent or written["skill_records"] != sent:
        raise SystemExit(f"not every visit was stored exactly once: {outcome['errors'][:5]} {written}")

    from django.db import connection as conn

    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if vendor == "postgresql" else "SELECT 0")
        backend = cursor.fetchone()[0]
    bare_cpu_start = time.process_time() + (cpu_seconds(backend) if backend else 0.0)
    bare_seconds, bare_rows = bare_bulk_insert(plan, args.batch)
    bare_cpu = time.process_time() + (cpu_seconds(backend) if backend else 0.0) - bare_cpu_start
    assert bare_rows == sent
    visits_per_s = sent / outcome["seconds"]
    ratio = outcome["seconds"] / bare_seconds
    batch_ms = sorted(outcome["batch_ms"])
    result = {
        "vendor": vendor,
        "server": f"gunicorn, {workers} sync worker(s), production settings",
        "clients": clients,
        "people": args.people,
        "phones": len(plan),
        "communes": phones["communes"],
        "visits": sent,
        "batch": args.batch,
        "sync_seconds": round(outcome["seconds"], 2),
        "visits_per_s": round(visits_per_s, 1),
        "batch_ms_p50": round(batch_ms[len(batch_ms) // 2], 1),
        "batch_ms_p95": round(batch_ms[int(len(batch_ms) * 0.95) - 1], 1),
        "bare_bulk_insert_seconds": round(bare_seconds, 2),
        "bare_visits_per_s": round(sent / bare_seconds, 1),
        "ratio": round(ratio, 2),
        # CPU seconds (app + database), whatever else the machine was doing: the figure that carries
        # over to a machine of its own (visits per CPU-second × cores, for PostgreSQL's many workers).
        "sync_cpu_seconds": round(sync_cpu, 2),
        "sync_visits_per_cpu_s": round(sent / sync_cpu, 1) if sync_cpu else None,
        # The phones' side (this process: JSON and HTTP), and the whole machine meanwhile (every
        # session's work, in cores busy on average out of os.cpu_count()).
        "client_cpu_seconds": round(client_cpu, 2),
        "machine_busy_cores": round(machine_busy / outcome["seconds"], 2),
        "machine_idle_share": round(1 - machine_busy / machine_total, 2) if machine_total else None,
        "bare_cpu_seconds": round(bare_cpu, 2),
        "bare_visits_per_cpu_s": round(sent / bare_cpu, 1) if bare_cpu else None,
        "cpu_ratio": round(sync_cpu / bare_cpu, 2) if bare_cpu else None,
        "nice": args.nice,
        "load_average_1m_before_after": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "rows_written": written,
        "targets": TARGETS.get(vendor),
    }
    BENCH_OUT.mkdir(parents=True, exist_ok=True)
    (BENCH_OUT / f"sync-{vendor}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    target = TARGETS.get(vendor, {})
    verdict = visits_per_s >= target.get("visits_per_s", 0) and (
        target.get("ratio") is None or ratio <= target["ratio"]
    )
    print(
        f"{vendor}: {visits_per_s:,.0f} visits/s, {ratio:.2f}× the bare bulk insert — "
        f"{'target met' if verdict else 'target NOT met'}"
    )


if __name__ == "__main__":
    main()
