"""Make the load test's database: a synthetic province with a year of activity, and the accounts
Locust signs in with.

    python bench/load/seed.py --database-url postgres://postgres@127.0.0.1:5432/langso_load \\
        --people 200000 --out bench/out/load/accounts.json

The database is dropped and made again (only a database whose name contains "load" or "bench").
Residents come from bench/generate.py, the activity (teams, visits, skill records, help desk, signal
reports) from bench/bench_indicators.py. The accounts are created through the application's own
services (password rules, Argon2, audit entries): province staff with a confirmed TOTP device,
commune officers of the biggest communes, and team members — one per village that has a team, with
about half of the village's households to visit and a device token for the field app. Their
credentials (and each officer's sample of names to search) are written as JSON for the locustfile.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import secrets
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR))

from bench.generate import generate_province, migrate, setup_django  # noqa: E402

PROVINCE = 19  # Thái Nguyên
PASSWORD = "Langso-load-" + "2026!x"  # one password for every load account (a throwaway database)


def reset_database(database_url: str) -> None:
    """Drop and create the load database; refused unless its name says it is disposable."""
    import psycopg

    name = urlparse(database_url).path.lstrip("/")
    if "load" not in name and "bench" not in name:
        raise SystemExit(f"Refusing to reset {name!r}: its name contains neither 'load' nor 'bench'.")
    admin_url = urlparse(database_url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    # The search extensions, as the superuser, before migrate (docs/deploy.md section 5).
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def _user(username: str, full_name: str, role: str, **unit: Any) -> Any:
    from langso.accounts.services import user_create

    return user_create(
        acting_user=None, username=username, password=PASSWORD, full_name=full_name, role=role, **unit
    )


def make_accounts(*, staff: int, officers_per_commune: int, officer_communes: int, members: int) -> dict:
    from django.db.models import Count
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from langso.accounts.models import Role
    from langso.places.models import Commune, Province, Village
    from langso.registry.models import Household, Resident
    from langso.teams import services as team_services
    from langso.teams.models import HouseholdAssignment, MemberRole, Team

    rng = random.Random(11)
    province = Province.objects.get(code=PROVINCE)
    out: dict[str, Any] = {
        "password": PASSWORD,
        "province": PROVINCE,
        "staff": [],
        "officers": [],
        "members": [],
    }

    for number in range(staff):
        user = _user(
            f"load.tinh{number:03d}", f"Cán bộ tỉnh {number}", Role.PROVINCE_STAFF, province=province
        )
        device = TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)
        out["staff"].append({"username": user.username, "totp_key": device.key})

    biggest = list(
        Resident.objects.filter(province_id=PROVINCE)
        .values("commune_id")
        .annotate(people=Count("id"))
        .order_by("-people")
        .values_list("commune_id", flat=True)[:officer_communes]
    )
    for code in biggest:
        commune = Commune.objects.get(code=code)
        name = commune.name
        names = list(
            Resident.objects.filter(commune_id=code).order_by("?").values_list("full_name", flat=True)[:300]
        )
        villages = list(Village.objects.filter(commune_id=code).values_list("name", flat=True))
        for number in range(officers_per_commune):
            user = _user(
                f"load.xa{code}.{number:02d}",
                f"Cán bộ {name} {number}",
                Role.COMMUNE_OFFICER,
                commune=commune,
            )
            out["officers"].append(
                {"username": user.username, "commune": code, "villages": villages, "names": names}
            )

    # Team members: one account per village team (the generated teams have no members yet).
    teams = list(
        Team.objects.filter(province_id=PROVINCE)
        .select_related("village")
        .order_by("commune_id", "name", "id")
    )
    rng.shuffle(teams)
    for number, team in enumerate(teams[:members]):
        user = _user(
            f"load.to{number:04d}", f"Thành viên tổ {number}", Role.TEAM_MEMBER, village=team.village
        )
        member = team_services.member_add(
            acting_user=None, team=team, full_name=str(user), role=MemberRole.MEMBER, user=user
        )
        households = list(
            Household.objects.filter(village=team.village).order_by("code").values_list("id", flat=True)
        )
        mine = households[: max(1, len(households) // 2)]
        HouseholdAssignment.objects.bulk_create(
            [
                HouseholdAssignment(household_id=h, member=member, assigned_on=datetime.date.today())
                for h in mine
            ]
        )
        _device, token = team_services.device_token_issue(acting_user=user, name=f"Điện thoại {number}")
        out["members"].append({"username": user.username, "token": token, "commune": team.commune_id})
    return out


def make_campaign_and_report() -> None:
    """A 100-day campaign with a target on every shipped indicator, and this week's report made once."""
    from langso.accounts.models import User
    from langso.campaigns.models import Indicator, Target
    from langso.campaigns.reports import weekly_report_generate
    from langso.campaigns.services import campaign_create
    from langso.places.models import Province

    today = datetime.date.today()
    staff = User.objects.get(username="load.tinh000")
    campaign = campaign_create(
        acting_user=staff,
        province=Province.objects.get(code=PROVINCE),
        name="Cao điểm 100 ngày chuyển đổi số",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=70),
    )
    for indicator in Indicator.objects.filter(is_active=True):
        Target.objects.create(
            campaign=campaign,
            indicator=indicator,
            value=60 if indicator.display == "percent" else 10,
            deadline=campaign.ends_on,
        )
    weekly_report_generate(acting_user=staff, campaign=campaign, comment="Tuần này các tổ đã đi nhiều hộ.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--visits", type=int, default=None, help="default: one per person")
    parser.add_argument("--staff", type=int, default=40)
    parser.add_argument("--officer-communes", type=int, default=12)
    parser.add_argument("--officers-per-commune", type=int, default=10)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    started = time.perf_counter()

    reset_database(args.database_url)
    setup_django(args.database_url)
    migrate()
    result = generate_province(people=args.people, province_code=PROVINCE)
    print(
        f"Province: {result.residents:,} residents, {result.households:,} households, {result.villages:,} villages"
    )

    from bench.bench_indicators import generate_activity

    activity = generate_activity(
        province_code=PROVINCE, visits=args.visits if args.visits is not None else args.people, seed=7
    )
    accounts = make_accounts(
        staff=args.staff,
        officers_per_commune=args.officers_per_commune,
        officer_communes=args.officer_communes,
        members=args.members,
    )
    make_campaign_and_report()

    from django.core.management import call_command

    call_command("take_snapshots")
    call_command("refresh_rollups", province=PROVINCE)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    accounts["data"] = {
        "residents": result.residents,
        "households": result.households,
        "villages": result.villages,
        "communes": result.communes,
        "activity": {k: v for k, v in activity.items() if k != "seconds"},
        "seed_seconds": round(time.perf_counter() - started, 1),
        "made_at": datetime.datetime.now(tz=datetime.UTC).isoformat(),
        "nonce": secrets.token_hex(4),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(accounts, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    args.out.chmod(0o600)
    print(
        f"Accounts: {len(accounts['staff'])} province staff, {len(accounts['officers'])} commune officers, "
        f"{len(accounts['members'])} team members → {args.out} ({time.perf_counter() - started:.0f} s in all)"
    )


if __name__ == "__main__":
    main()
