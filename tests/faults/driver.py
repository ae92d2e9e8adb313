"""The Django side of the fault-injection suite, run as its own process against the throwaway cluster
(the test process itself only drives processes and reads the database with plain SQL).

    python tests/faults/driver.py base                       # migrate, load the administrative units
    python tests/faults/driver.py seed-field --households 25 [--phones 3]
    python tests/faults/driver.py start-import --rows 20000 --path /tmp/x.xlsx [--bad-rows 3]
    python tests/faults/driver.py confirm-import --job <id> --mode valid_only
    python tests/faults/driver.py seed-report --campaigns 4
    python tests/faults/driver.py cron                       # import_recover + recover_tasks

Each step uses the app's own services (and the factories of the everyday tests for people and places),
enqueues work the way the pages do, and prints one line of JSON.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langso.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

NGHIA_TA = 2071  # Xã Nghĩa Tá, Thái Nguyên


def base(_args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command

    from langso.places.loaders import load_administrative_units

    call_command("migrate", verbosity=0, interactive=False)
    load_administrative_units()
    return {"migrated": True}


def _continue_sequences() -> None:
    """Each step is a process of its own, and factory sequences start at 0 in each: two seeding steps on
    one database would both make household HGD-0001 and user0. Start past every row there is."""
    from django.contrib.auth import get_user_model

    from langso.accounts.tests.factories import UserFactory
    from langso.places.models import Village
    from langso.places.tests.factories import VillageFactory
    from langso.registry.models import Household, Resident
    from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
    from langso.teams.models import Team, TeamMember
    from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

    models = [get_user_model(), Village, Household, Resident, Team, TeamMember]
    start = sum(model.objects.count() for model in models)
    for made in (
        UserFactory,
        VillageFactory,
        HouseholdFactory,
        ResidentFactory,
        TeamFactory,
        TeamMemberFactory,
    ):
        made.reset_sequence(start)


def seed_field(args: argparse.Namespace) -> dict[str, Any]:
    """A team member with a phone, and households assigned to them (two people each)."""
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role
    from langso.places.tests.factories import VillageFactory, commune
    from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
    from langso.teams import services
    from langso.teams.models import HouseholdAssignment
    from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

    _continue_sequences()
    village = VillageFactory(commune=commune(NGHIA_TA), name="Thôn Bản Cáu")
    user = user_with_role(Role.TEAM_MEMBER, village=village)
    member = TeamMemberFactory(team=TeamFactory(village=village), user=user)
    households = []
    for _ in range(args.households):
        household = HouseholdFactory(village=village)
        people = [ResidentFactory(household=household, birth_year=1950 + i * 20) for i in range(2)]
        HouseholdAssignment.objects.create(
            household=household, member=member, assigned_on=timezone.localdate()
        )
        households.append({"id": str(household.pk), "people": [str(p.pk) for p in people]})
    # One key per phone: the member's own, and (--phones) the others of the team sharing the list.
    tokens = [
        services.device_token_issue(acting_user=user, name=f"Máy {n + 1} của tổ")[1]
        for n in range(args.phones)
    ]
    return {"token": tokens[0], "tokens": tokens, "households": households, "village": str(village.pk)}


FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Ma", "Lò", "Nông", "Triệu", "Đặng", "Hà", "Lục"]
MIDDLE_MALE = ["Văn", "Đức", "Minh", "Quang", "Hữu"]
MIDDLE_FEMALE = ["Thị", "Thu", "Ngọc", "Thanh", "Kim"]
GIVEN = ["An", "Bình", "Cúc", "Dũng", "Hòa", "Khánh", "Lan", "Mai", "Nam", "Phúc", "Quế", "Sơn", "Tâm", "Vân"]


def make_residents_file(path: Path, rows: int, villages: list[str], bad_rows: int) -> int:
    """An officer's sheet: four people a household, everyone with a CCCD that matches their sex and
    birth year, so the file is clean; `bad_rows` rows get a birth year in the future (refused)."""
    from bench.bench_import import HEADERS
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Người dân")
    sheet.append(HEADERS)
    bad_every = rows // bad_rows if bad_rows else 0
    for i in range(rows):
        household, position = divmod(i, 4)
        female = position % 2 == 1
        year = 1940 + (i * 7) % 66
        middle = (MIDDLE_FEMALE if female else MIDDLE_MALE)[i % 5]
        name = f"{FAMILY[household % len(FAMILY)]} {middle} {GIVEN[(i // 3) % len(GIVEN)]}"
        century_sex = (0 if year < 2000 else 2) + (1 if female else 0)
        cccd = f"019{century_sex}{year % 100:02d}{i:06d}"
        bad = bad_every and i % bad_every == bad_every // 2
        sheet.append(
            [
                f"NT{household:05d}",
                name,
                "",
                2999 if bad else year,
                "Nữ" if female else "Nam",
                "Tày" if i % 3 else "Kinh",
                cccd,
                f"09{i:08d}",
                "",
                "Có" if i % 2 else "Không",
                "Có" if position == 0 else "",
                villages[household % len(villages)],
                "",
                "",
            ]
        )
    book.save(path)
    return rows


def start_import(args: argparse.Namespace) -> dict[str, Any]:
    """Upload a residents file as the import page does: a job, and (many rows) a check task."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from langso.accounts.tests.factories import commune_officer
    from langso.core.text import fold, place_sort_key
    from langso.places.models import Village
    from langso.places.tests.factories import commune
    from langso.registry import imports
    from langso.registry.tasks import check_import

    nghia_ta = commune(NGHIA_TA)
    names = [f"Thôn {i}" for i in range(1, 11)]
    for name in names:
        Village.objects.get_or_create(
            commune=nghia_ta,
            name_folded=fold(name),
            defaults={"name": name, "sort_key": place_sort_key(name)},
        )
    path = Path(args.path)
    if not path.exists():
        make_residents_file(path, args.rows, names, args.bad_rows)
    officer = commune_officer(nghia_ta)
    job = imports.job_create(
        acting_user=officer,
        kind="residents",
        commune=nghia_ta,
        upload=SimpleUploadedFile("nguoi-dan.xlsx", path.read_bytes()),
    )
    check_import.enqueue(str(job.pk))
    return {"job": str(job.pk), "commune": NGHIA_TA}


def confirm_import(args: argparse.Namespace) -> dict[str, Any]:
    """The officer's confirmation, as the import page does it: the job is queued, the task enqueued."""
    from langso.registry import imports
    from langso.registry.models import ImportJob
    from langso.registry.tasks import write_import

    job = ImportJob.objects.get(pk=args.job)
    job = imports.job_confirm(acting_user=job.created_by, job=job, mode=args.mode)
    write_import.enqueue(str(job.pk))
    return {"job": str(job.pk), "valid_rows": job.valid_rows, "skipped": job.skipped_count}


def seed_report(args: argparse.Namespace) -> dict[str, Any]:
    """A province running several campaigns last week, each with targets, over a few hundred people."""
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role
    from langso.campaigns.models import Campaign, Indicator, Target
    from langso.places.tests.factories import VillageFactory, commune
    from langso.registry.tests.factories import ResidentFactory

    _continue_sequences()
    nghia_ta = commune(NGHIA_TA)
    villages = [VillageFactory(commune=nghia_ta, name=f"Thôn {i}") for i in range(1, 6)]
    for i in range(60):
        ResidentFactory(household__village=villages[i % 5], birth_year=1950 + i % 50)
    staff = user_with_role(Role.PROVINCE_STAFF, province=nghia_ta.province)
    today = timezone.localdate()
    indicators = list(Indicator.objects.order_by("code")[:4])
    for n in range(args.campaigns):
        campaign = Campaign.objects.create(
            name=f"Chiến dịch {n + 1}",
            province=nghia_ta.province,
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today + datetime.timedelta(days=60),
            created_by=staff,
        )
        for indicator in indicators:
            Target.objects.create(
                campaign=campaign, indicator=indicator, value=50, deadline=today + datetime.timedelta(days=30)
            )
    return {"province": nghia_ta.province_id, "campaigns": args.campaigns, "targets": len(indicators)}


def cron(_args: argparse.Namespace) -> dict[str, Any]:
    """The two recovery lines of /etc/cron.d/langso (docs/deploy.md), in one process to save a start-up;
    --minutes 0 because the test does not wait the minutes an installation would."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("import_recover", "--minutes", "0", stdout=out)
    call_command("recover_tasks", "--minutes", "0", stdout=out)
    return {"output": out.getvalue()}


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="step", required=True)
    sub.add_parser("base").set_defaults(run=base)
    p = sub.add_parser("seed-field")
    p.add_argument("--households", type=int, default=25)
    p.add_argument("--phones", type=int, default=1)
    p.set_defaults(run=seed_field)
    p = sub.add_parser("start-import")
    p.add_argument("--rows", type=int, default=20_000)
    p.add_argument("--bad-rows", type=int, default=0)
    p.add_argument("--path", required=True)
    p.set_defaults(run=start_import)
    p = sub.add_parser("confirm-import")
    p.add_argument("--job", required=True)
    p.add_argument("--mode", required=True)
    p.set_defaults(run=confirm_import)
    p = sub.add_parser("seed-report")
    p.add_argument("--campaigns", type=int, default=6)
    p.set_defaults(run=seed_report)
    sub.add_parser("cron").set_defaults(run=cron)
    args = parser.parse_args()
    print(json.dumps(args.run(args)))


if __name__ == "__main__":
    main()
