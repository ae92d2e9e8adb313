"""Indicators at province scale: every indicator for every unit, against hand-written SQL.

    python bench/bench_indicators.py                       # PostgreSQL, 1,000,000 people, 2,000,000 visits
    python bench/bench_indicators.py --people 200000 --visits 400000 \\
        --database-url sqlite:////abs/path/var/bench/langso_bench.sqlite3

On the synthetic province of generate.py it adds the activity the indicators read (a team in 90 % of
villages, steering committees in 80 % of communes, N visits over the last year with the people present,
skills taught and services done, help-desk sessions and weak-signal reports), once. Then it measures:

1. engine: `compute_all(FactContext(day=today))` — every shipped indicator for every village, commune,
   the province and the country — against hand-written SQL: one GROUP BY statement per fact, the
   village counts added up to communes, province and country in a few lines of Python. Both must give
   the same numbers (the run fails otherwise); the ratio engine / SQL is the target (≤ 1.5×).
2. dashboard: the data a province dashboard shows (every indicator for every commune, fresh), p50/p95
   over repeated reads, and the page itself if the campaigns pages are installed.
3. freshness: the delay from recording one visit (through the real service) to the commune's numbers
   showing it.
4. incremental numbers (campaigns/rollups.py): a new visit recorded through the service, then its
   commune's and province's numbers read (the first read recomputes the changed village only); the
   minute job (`refresh_stale` over the province, as `refresh_rollups` runs it) after visits in 30
   communes; and the stored numbers after those changes checked against the hand-written SQL. Wall
   clock, the bench process's CPU and the PostgreSQL backend's CPU, and the load average.

Results go to bench/out/indicators-<vendor>-<people>.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import (  # noqa: E402
    BENCH_OUT,
    DEFAULT_DATABASE_URL,
    _PostgresLoader,
    _SqliteLoader,
    _TableWriter,
    ensure_generated_province,
)

SERVICES = [
    "vneid_installed",
    "vneid_level2",
    "birth_registration",
    "medical_appointment",
    "cashless_payment",
]


class _ActivityLoader(_PostgresLoader):
    tables = (
        "teams_visit",
        "teams_visit_present",
        "skills_skillrecord",
        "teams_visitservice",
        "teams_helpdesksession",
    )

    def finish(self) -> None:
        for _name, definition in self.saved_indexes:
            self.cursor.execute(definition)
        self.cursor.execute("SET session_replication_role = DEFAULT")


def generate_activity(*, province_code: int, visits: int, seed: int, log: Any = print) -> dict[str, Any]:
    """Teams, committees, visits (with people present, skills, services), help desk, signal reports."""
    from django.db import connection, transaction
    from django.db.models import Max

    from langso.campaigns.models import SteeringCommittee
    from langso.places.models import Commune, Village
    from langso.registry.models import Resident
    from langso.skills.selectors import published_skills
    from langso.teams.models import HelpDeskSession, SignalReport, Team, Visit, VisitService

    if Visit.objects.filter(province_id=province_code).exists():
        log("Re-using the activity already generated.")
        return {"reused": True}
    started = time.perf_counter()
    rng = random.Random(seed)
    today = datetime.date.today()
    now = datetime.datetime.now(tz=datetime.UTC)
    vendor = connection.vendor
    present_model = Visit.present.through
    from langso.skills.models import SkillRecord

    writers = {
        m: _TableWriter(m, vendor, now)
        for m in (Team, Visit, present_model, SkillRecord, VisitService, HelpDeskSession, SignalReport)
    }
    skills = list(published_skills().values_list("id", "code"))
    villages = list(
        Village.objects.filter(commune__province_id=province_code).values_list("id", "commune_id")
    )
    communes = list(Commune.objects.filter(province_id=province_code).values_list("code", flat=True))
    people: dict[Any, list[tuple[Any, Any, int]]] = {}
    for household_id, resident_id, village_id, commune_id, birth_year in Resident.objects.filter(
        province_id=province_code
    ).values_list("household_id", "id", "village_id", "commune_id", "birth_year"):
        people.setdefault(household_id, []).append(
            (resident_id, (village_id, commune_id), birth_year or 1980)
        )
    households = list(people)
    adult_year = today.year - 18
    counts = dict.fromkeys(
        ("teams", "visits", "present", "skill_records", "services", "helpdesk", "signal"), 0
    )
    loader = _ActivityLoader(connection) if vendor == "postgresql" else _SqliteLoader(connection)
    next_present_id = (present_model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    with transaction.atomic():
        loader.begin()
        teams: dict[Any, uuid.UUID] = {}
        team_rows = []
        for village_id, commune_id in villages:
            if rng.random() < 0.9:
                team_id = uuid.UUID(int=rng.getrandbits(128))
                teams[village_id] = team_id
                team_rows.append(
                    {"id": team_id, "village_id": village_id, "commune_id": commune_id, "province_id": province_code,
                     "name": "Tổ công nghệ số", "established_on": today - datetime.timedelta(days=400), "is_active": True}
                )  # fmt: skip
        loader.write(writers[Team], team_rows)
        counts["teams"] = len(team_rows)
        SteeringCommittee.objects.bulk_create(
            [
                SteeringCommittee(commune_id=code, established_on=today - datetime.timedelta(days=300))
                for code in communes
                if rng.random() < 0.8
            ],
            ignore_conflicts=True,
        )
        batch: dict[Any, list[dict[str, Any]]] = {m: [] for m in writers}

        def flush() -> None:
            for model, rows in batch.items():
                loader.write(writers[model], rows)
                rows.clear()

        for _ in range(visits):
            household_id = households[int(len(households) * rng.random() ** 1.3)]
            members = people[household_id]
            (village_id, commune_id) = members[0][1]
            visit_id = uuid.UUID(int=rng.getrandbits(128))
            day = today - datetime.timedelta(days=int(365 * rng.random() ** 1.5))
            batch[Visit].append(
                {"id": visit_id, "content_hash": "bench", "village_id": village_id, "commune_id": commune_id,
                 "province_id": province_code, "household_id": household_id, "team_id": teams.get(village_id),
                 "member_id": None, "visited_on": day, "no_signal": rng.random() < 0.05,
                 "broken_phone": rng.random() < 0.03, "no_phone": rng.random() < 0.1, "scam": rng.random() < 0.01,
                 "notes": "", "follow_up_on": None, "photo": None}
            )  # fmt: skip
            adults = [m for m in members if m[2] <= adult_year] or members
            for resident_id, _units, _year in rng.sample(adults, min(len(adults), rng.choice((1, 1, 2)))):
                batch[present_model].append(
                    {"id": next_present_id, "visit_id": visit_id, "resident_id": resident_id}
                )
                next_present_id += 1
                counts["present"] += 1
                if rng.random() < 0.5:
                    skill_id, code = rng.choice(skills)
                    batch[SkillRecord].append(
                        {"id": uuid.UUID(int=rng.getrandbits(128)), "resident_id": resident_id, "skill_id": skill_id,
                         "skill_code": code, "level": rng.choice((1, 2, 2, 3, 3, 4)), "evidence": "observed",
                         "recorded_on": day, "recorded_by_id": None, "note": "", "province_id": province_code,
                         "commune_id": commune_id, "village_id": village_id}
                    )  # fmt: skip
                    counts["skill_records"] += 1
                if rng.random() < 0.1:
                    batch[VisitService].append(
                        {"id": counts["services"] + 1, "visit_id": visit_id, "resident_id": resident_id,
                         "service": rng.choice(SERVICES)}
                    )  # fmt: skip
                    counts["services"] += 1
            counts["visits"] += 1
            if len(batch[Visit]) >= 50_000:
                flush()
                log(f"  {counts['visits']:>10,} visits  {time.perf_counter() - started:6.1f} s")
        all_people = [m for ms in people.values() for m in ms]
        for number in range(visits // 60):  # noqa: B007
            resident_id, (village_id, commune_id), _year = rng.choice(all_people)
            batch[HelpDeskSession].append(
                {"id": uuid.UUID(int=rng.getrandbits(128)), "content_hash": "bench", "commune_id": commune_id,
                 "province_id": province_code, "resident_id": resident_id if number % 3 else None,
                 "walk_in_name": "" if number % 3 else "Khách vãng lai", "walk_in_birth_year": None,
                 "helped_by_id": None, "helped_on": today - datetime.timedelta(days=rng.randrange(120)),
                 "procedure": rng.choice(SERVICES), "outcome": rng.choice(("done", "submitted", "not_done")),
                 "minutes": rng.randrange(5, 60), "notes": ""}
            )  # fmt: skip
        counts["helpdesk"] = len(batch[HelpDeskSession])
        for _ in range(max(10, len(villages) // 10)):
            village_id, commune_id = rng.choice(villages)
            reported = today - datetime.timedelta(days=rng.randrange(90))
            fixed = rng.random() < 0.5
            batch[SignalReport].append(
                {"id": uuid.UUID(int=rng.getrandbits(128)), "content_hash": "bench", "village_id": village_id,
                 "commune_id": commune_id, "province_id": province_code, "description": "Cuối thôn",
                 "latitude": None, "longitude": None, "operator": rng.choice(("viettel", "vnpt", "mobifone")),
                 "technology": "4g", "households_affected": rng.randrange(50), "reported_on": reported,
                 "status": "fixed" if fixed else "reported", "respond_by": reported + datetime.timedelta(days=14),
                 "closed_on": reported + datetime.timedelta(days=20) if fixed else None}
            )  # fmt: skip
        counts["signal"] = len(batch[SignalReport])
        flush()
        loader.finish()
    reset_sequences(connection)
    _analyze_activity(connection)
    counts["seconds"] = round(time.perf_counter() - started, 1)
    log(f"Activity generated: {counts}")
    return counts


def reset_sequences(connection: Any) -> None:
    """The rows above are copied with explicit serial ids (visit services, people present), which
    leaves their sequences at 1: move every sequence past the largest id, or the first row the app
    itself writes (a synced visit with a service) collides with a generated one."""
    from django.apps import apps
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(
            no_style(), apps.get_models(include_auto_created=True)
        ):
            cursor.execute(statement)


def _analyze_activity(connection: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- Hand-written SQL: one GROUP BY per fact ---------------------------------------------------------


def _hand_sql(params: dict[str, Any]) -> dict[str, tuple[str, list[Any], int]]:
    """fact key → (SQL returning province, commune, village-or-NULL, count; params; columns)."""
    from langso.skills.models import Skill
    from langso.skills.shipped import ONLINE_PROCEDURE_CODES
    from langso.teams.models import ONLINE_PROCEDURES

    day, end, week, adult_year = params["day"], params["end"], params["week_start"], params["adult_year"]
    since14 = day - datetime.timedelta(days=14)

    def in_list(values: list[str]) -> str:
        return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"

    adults = "FROM registry_resident r WHERE r.birth_year <= %s AND r.created_at < %s"
    adult_args = [adult_year, end]
    group = " GROUP BY r.province_id, r.commune_id, r.village_id"
    select = "SELECT r.province_id, r.commune_id, r.village_id, COUNT(*) "

    def skill(codes: list[str], level: int = 3) -> str:
        return (
            "EXISTS (SELECT 1 FROM skills_skillrecord s WHERE s.resident_id = r.id AND s.level >= "
            f"{level} AND s.recorded_on <= %s AND s.skill_code IN {in_list(codes)} AND s.voided_at IS NULL)"
        )

    def service(services: list[str]) -> str:
        return (
            "(EXISTS (SELECT 1 FROM teams_visitservice vs JOIN teams_visit v ON v.id = vs.visit_id "
            f"WHERE vs.resident_id = r.id AND vs.service IN {in_list(services)} AND v.visited_on <= %s) "
            "OR EXISTS (SELECT 1 FROM teams_helpdesksession h WHERE h.resident_id = r.id AND h.procedure IN "
            f"{in_list(services)} AND h.outcome IN ('done', 'submitted') AND h.helped_on <= %s))"
        )

    area_codes: dict[str, list[str]] = {}
    for code, area in Skill.objects.values_list("code", "area").distinct():
        area_codes.setdefault(area, []).append(code)
    basic: dict[str, list[str]] = {}
    for code, category in Skill.objects.exclude(basic_skill="").values_list("code", "basic_skill").distinct():
        basic.setdefault(category, []).append(code)
    from langso.skills.models import RuleKind, SkillRule

    rule = SkillRule.objects.get(kind=RuleKind.DIGITAL_CITIZEN, province__isnull=True)
    sql: dict[str, tuple[str, list[Any], int]] = {
        "residents:{}": (
            select + "FROM registry_resident r WHERE r.created_at < %s" + group, [end], 3),
        "adults:{}": (select + adults + group, adult_args, 3),
        "adults_reached:{}": (
            select + adults + " AND (EXISTS (SELECT 1 FROM teams_visit_present vp JOIN teams_visit v ON "
            "v.id = vp.visit_id WHERE vp.resident_id = r.id AND v.visited_on <= %s) OR EXISTS (SELECT 1 FROM "
            "teams_helpdesksession h WHERE h.resident_id = r.id AND h.helped_on <= %s) OR EXISTS (SELECT 1 FROM "
            "groups_attendance a JOIN groups_groupsession g ON g.id = a.session_id WHERE a.resident_id = r.id "
            "AND g.held_on <= %s) OR EXISTS (SELECT 1 FROM "
            "skills_skillrecord s WHERE s.resident_id = r.id AND s.evidence = 'observed' AND s.recorded_on <= %s "
            "AND s.voided_at IS NULL) OR EXISTS (SELECT 1 FROM outside_lists_outsideevidence o WHERE "
            "o.resident_id = r.id AND o.source IN ('platform', 'police') AND o.done_on <= %s))"
            + group, [*adult_args, day, day, day, day, day], 3),
        "adults_vneid2:{}": (
            select + adults + " AND (" + service(["vneid_level2"]) + " OR " + skill(["vneid_level2"]) + ")" + group,
            [*adult_args, day, day, day], 3),
        "adults_online_procedure:{}": (
            select + adults + " AND (" + service(sorted(ONLINE_PROCEDURES)) + " OR "
            + skill(list(ONLINE_PROCEDURE_CODES)) + ")" + group, [*adult_args, day, day, day], 3),
        "adults_cashless:{}": (
            select + adults + " AND (" + service(["cashless_payment"]) + " OR "
            + skill(["qr_payment", "money_transfer", "bank_app"]) + ")" + group, [*adult_args, day, day, day], 3),
        "adults_digital_citizens:{}": (
            select + adults + (" AND r.owns_smartphone = %s" if rule.requires_smartphone else "")
            + "".join(" AND " + skill([code], int(level)) for code, level in sorted(rule.required_levels.items()))
            + " AND " + skill(list(ONLINE_PROCEDURE_CODES)) + group,
            [*adult_args, *([True] if rule.requires_smartphone else []), *([day] * len(rule.required_levels)), day],
            3),
        "households:{}": (
            "SELECT h.province_id, h.commune_id, h.village_id, COUNT(*) FROM registry_household h "
            "WHERE h.created_at < %s GROUP BY h.province_id, h.commune_id, h.village_id", [end], 3),
        "households_basic_skills:{}": (
            "SELECT h.province_id, h.commune_id, h.village_id, COUNT(*) FROM registry_household h "
            "WHERE h.created_at < %s AND EXISTS (SELECT 1 FROM registry_resident r WHERE r.household_id = h.id "
            "AND r.created_at < %s" + "".join(" AND " + skill(sorted(set(codes))) for _c, codes in sorted(basic.items()))
            + ") GROUP BY h.province_id, h.commune_id, h.village_id", [end, end, *([day] * len(basic))], 3),
        "villages:{}": (
            "SELECT c.province_id, v.commune_id, v.id, COUNT(*) FROM places_village v JOIN places_commune c "
            "ON c.code = v.commune_id WHERE v.created_at < %s GROUP BY c.province_id, v.commune_id, v.id", [end], 3),
        "villages_with_team:{}": (
            "SELECT c.province_id, v.commune_id, v.id, COUNT(*) FROM places_village v JOIN places_commune c "
            "ON c.code = v.commune_id WHERE v.created_at < %s AND EXISTS (SELECT 1 FROM teams_team t WHERE "
            "t.village_id = v.id AND t.is_active = %s AND t.created_at < %s) GROUP BY c.province_id, v.commune_id, v.id",
            [end, True, end], 3),
        "communes:{}": (
            "SELECT c.province_id, c.code, NULL, COUNT(*) FROM places_commune c GROUP BY c.province_id, c.code",
            [], 3),
        "communes_with_committee:{}": (
            "SELECT c.province_id, c.code, NULL, COUNT(*) FROM places_commune c WHERE EXISTS (SELECT 1 FROM "
            "campaigns_steeringcommittee sc WHERE sc.commune_id = c.code AND sc.established_on <= %s) "
            "GROUP BY c.province_id, c.code", [day], 3),
        "visits_week:{}": (
            "SELECT v.province_id, v.commune_id, v.village_id, COUNT(*) FROM teams_visit v WHERE v.visited_on "
            "BETWEEN %s AND %s GROUP BY v.province_id, v.commune_id, v.village_id", [week, day], 3),
        "helpdesk_done_week:{}": (
            "SELECT h.province_id, h.commune_id, NULL, COUNT(*) FROM teams_helpdesksession h WHERE h.helped_on "
            "BETWEEN %s AND %s AND h.outcome IN ('done', 'submitted') GROUP BY h.province_id, h.commune_id",
            [week, day], 3),
        "signal_reports_overdue:{}": (
            "SELECT s.province_id, s.commune_id, s.village_id, COUNT(*) FROM teams_signalreport s WHERE "
            "(s.closed_on IS NULL OR s.closed_on > %s) AND s.reported_on <= %s AND ((s.status = 'reported' AND "
            "s.respond_by < %s) OR (s.status = 'confirmed' AND s.fix_by < %s) OR (s.status = 'confirmed' AND "
            "s.fix_by IS NULL AND s.respond_by < %s)) "
            "GROUP BY s.province_id, s.commune_id, s.village_id", [day, day, day, day, day], 3),
        "teams_inactive:{}": (
            "SELECT t.province_id, t.commune_id, t.village_id, COUNT(*) FROM teams_team t WHERE t.is_active = %s "
            "AND t.created_at < %s AND NOT EXISTS (SELECT 1 FROM teams_visit v WHERE v.team_id = t.id AND "
            "v.visited_on BETWEEN %s AND %s) GROUP BY t.province_id, t.commune_id, t.village_id",
            [True, end, since14, day], 3),
    }  # fmt: skip
    from django.db import connection

    days = (
        "SUM(s.closed_on - s.reported_on)"
        if connection.vendor == "postgresql"
        else "SUM(CAST(julianday(s.closed_on) - julianday(s.reported_on) AS INTEGER))"
    )
    sql.update(
        {
            "devices_handed_over:{}": (
                "SELECT a.province_id, a.commune_id, a.village_id, COUNT(*) FROM devices_allocation a WHERE "
                "(a.returned_on IS NULL OR a.returned_on > %s) AND a.handed_over_on <= %s "
                "GROUP BY a.province_id, a.commune_id, a.village_id",
                [day, day],
                3,
            ),
            "device_quota:{}": (
                "SELECT q.province_id, q.commune_id, NULL, SUM(q.quota) FROM devices_communequota q JOIN "
                "devices_programme p ON p.id = q.programme_id WHERE p.starts_on <= %s AND p.ends_on >= %s "
                "GROUP BY q.province_id, q.commune_id",
                [day, day],
                3,
            ),
            "followups_3_months:{}": (
                "SELECT f.province_id, f.commune_id, f.village_id, COUNT(*) FROM devices_followup f WHERE "
                "f.months = 3 AND f.done_on <= %s AND f.cancelled = %s "
                "GROUP BY f.province_id, f.commune_id, f.village_id",
                [day, False],
                3,
            ),
            "followups_3_months_in_use:{}": (
                "SELECT f.province_id, f.commune_id, f.village_id, COUNT(*) FROM devices_followup f WHERE "
                "f.months = 3 AND f.done_on <= %s AND f.cancelled = %s AND f.outcome = 'in_use' "
                "GROUP BY f.province_id, f.commune_id, f.village_id",
                [day, False],
                3,
            ),
            "signal_reports_open:{}": (
                "SELECT s.province_id, s.commune_id, s.village_id, COUNT(*) FROM teams_signalreport s WHERE "
                "(s.closed_on IS NULL OR s.closed_on > %s) AND s.reported_on <= %s "
                "GROUP BY s.province_id, s.commune_id, s.village_id",
                [day, day],
                3,
            ),
            "signal_reports_fixed:{}": (
                "SELECT s.province_id, s.commune_id, s.village_id, COUNT(*) FROM teams_signalreport s WHERE "
                "s.status = 'fixed' AND s.closed_on <= %s GROUP BY s.province_id, s.commune_id, s.village_id",
                [day],
                3,
            ),
            "signal_days_to_fix:{}": (
                f"SELECT s.province_id, s.commune_id, s.village_id, {days} FROM teams_signalreport s WHERE "
                "s.status = 'fixed' AND s.closed_on <= %s GROUP BY s.province_id, s.commune_id, s.village_id",
                [day],
                3,
            ),
        }
    )
    for field in ("broadband", "mobile_4g", "mobile_5g"):
        sql[f'villages_covered:{{"field": "{field}"}}'] = (
            "SELECT c.province_id, v.commune_id, v.id, COUNT(*) FROM places_village v JOIN places_commune c "
            f"ON c.code = v.commune_id WHERE v.created_at < %s AND v.{field} = 'yes' "
            "GROUP BY c.province_id, v.commune_id, v.id",
            [end],
            3,
        )
        sql[f'residents_covered:{{"field": "{field}"}}'] = (
            select + "FROM registry_resident r JOIN places_village v ON v.id = r.village_id "
            f"WHERE r.created_at < %s AND v.{field} = 'yes'" + group,
            [end],
            3,
        )
    for area, codes in area_codes.items():
        sql[f'adults_with_area:{{"area": "{area}"}}'] = (
            select + adults + " AND " + skill(sorted(set(codes))) + group,
            [*adult_args, day],
            3,
        )
    return sql


def hand_compute(
    indicators: list[Any], day: datetime.date
) -> dict[str, dict[tuple[str, str], tuple[int, Any]]]:
    from django.db import connection
    from django.utils import timezone

    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    end_param = connection.ops.adapt_datetimefield_value(end) if connection.vendor == "sqlite" else end
    statements = _hand_sql(
        {
            "day": day,
            "end": end_param,
            "week_start": day - datetime.timedelta(days=6),
            "adult_year": day.year - 18,
        }
    )
    cache: dict[str, dict[tuple[int, int, Any], int]] = {}

    def fact(name: str, params: dict[str, Any]) -> dict[tuple[int, int, Any], int]:
        key = f"{name}:{json.dumps(params, sort_keys=True)}"
        if key not in cache:
            text, args, _cols = statements[key]
            with connection.cursor() as cursor:
                cursor.execute(text, args)
                cache[key] = {(p, c, _norm(v)): n for p, c, v, n in cursor.fetchall()}
        return cache[key]

    def up(counts: dict[tuple[int, int, Any], int], lowest: str) -> dict[tuple[str, str], int]:
        levels = ["village", "commune", "province", "country"]
        keep = set(levels[levels.index(lowest) :])
        totals: dict[tuple[str, str], int] = {}
        for (p, c, v), n in counts.items():
            for level, unit in (("village", v), ("commune", c), ("province", p), ("country", "VN")):
                if level in keep and unit is not None:
                    totals[(level, str(unit))] = totals.get((level, str(unit)), 0) + n
        return totals

    out: dict[str, dict[tuple[str, str], tuple[int, Any]]] = {}
    for indicator in indicators:
        num = up(fact(indicator.numerator, indicator.numerator_params or {}), indicator.lowest_level)
        if not indicator.denominator:
            out[indicator.code] = {k: (n, None) for k, n in num.items()}
            continue
        den = up(fact(indicator.denominator, indicator.denominator_params or {}), indicator.lowest_level)
        values = {k: (num.get(k, 0), d) for k, d in den.items()}
        values.update({k: (n, 0) for k, n in num.items() if k not in den})
        out[indicator.code] = values
    return out


def _norm(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return value
    text = str(value)
    return uuid.UUID(text) if len(text.replace("-", "")) == 32 else value


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--visits", type=int, default=None, help="default: 2 per person")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--province", type=int, default=19)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reads", type=int, default=200, help="dashboard reads to time")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--incremental-only", action="store_true", help="only the incremental step (the stored numbers exist)"
    )
    parser.add_argument(
        "--changed-communes", type=int, default=30, help="communes changed before the minute job"
    )
    args = parser.parse_args(argv)
    visits = args.visits if args.visits is not None else 2 * args.people

    ensure_generated_province(database_url=args.database_url, people=args.people, province_code=args.province)
    activity = generate_activity(province_code=args.province, visits=visits, seed=args.seed)

    from django.db import connection, reset_queries

    from langso.campaigns.facts import FactContext
    from langso.campaigns.indicators import compute_all
    from langso.campaigns.models import Indicator

    day = datetime.date.today()
    # The hand-written SQL covers the facts of the indicators shipped when it was written; the others
    # (added since) are checked against a full recompute by the engine in the incremental step.
    written = _hand_sql({"day": day, "end": None, "week_start": day, "adult_year": 0})
    every_indicator = list(Indicator.objects.filter(is_active=True))
    indicators = [
        i
        for i in every_indicator
        if f"{i.numerator}:{json.dumps(i.numerator_params or {}, sort_keys=True)}" in written
        and (
            not i.denominator
            or f"{i.denominator}:{json.dumps(i.denominator_params or {}, sort_keys=True)}" in written
        )
    ]
    if args.incremental_only:
        incremental = _incremental(
            args.province, indicators, every_indicator, day, changed_communes=args.changed_communes
        )
        print(json.dumps(incremental, indent=2, ensure_ascii=False, default=str))
        BENCH_OUT.mkdir(parents=True, exist_ok=True)
        out = BENCH_OUT / f"indicators-incremental-{connection.vendor}-{args.people}.json"
        out.write_text(
            json.dumps(incremental, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
        )
        if incremental["mismatches"]:
            raise SystemExit("The incremental numbers disagree: " + "; ".join(incremental["mismatches"]))
        return
    engine_times, sql_times = [], []
    engine_values: dict[str, Any] = {}
    hand_values: dict[str, Any] = {}
    for _ in range(args.repeat):
        # Alternate, so cache warmth favours neither.
        started = time.perf_counter()
        hand_values = hand_compute(indicators, day)
        sql_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        engine_values = compute_all(FactContext(day=day), indicators)
        engine_times.append(time.perf_counter() - started)
        reset_queries()
    mismatches = []
    for code, values in engine_values.items():
        mine = {k: (v.numerator, v.denominator) for k, v in values.items()}
        if mine != hand_values[code]:
            diff = {k for k in set(mine) | set(hand_values[code]) if mine.get(k) != hand_values[code].get(k)}
            mismatches.append(f"{code}: {len(diff)} units differ, e.g. {sorted(diff, key=str)[:2]}")
    engine_s, sql_s = statistics.median(engine_times), statistics.median(sql_times)
    units = len(engine_values[indicators[0].code])

    # Dashboard data: every indicator for every commune of the province, fresh.
    from langso.campaigns.rollups import refresh_stale, unit_values_many
    from langso.places.models import Commune

    communes = list(Commune.objects.filter(province_id=args.province).values_list("code", flat=True))
    started = time.perf_counter()
    refresh_stale(communes)
    first_refresh_s = time.perf_counter() - started
    reads = []
    for _ in range(args.reads):
        started = time.perf_counter()
        unit_values_many(indicators, level="commune", province_code=args.province)
        reads.append((time.perf_counter() - started) * 1000)
    page = _time_dashboard_page(args.province, args.reads)

    # Freshness: one visit through the real service, then the commune's number.
    delay_ms = _visit_to_dashboard_delay(args.province)
    incremental = _incremental(
        args.province, indicators, every_indicator, day, changed_communes=args.changed_communes
    )

    result = {
        "vendor": connection.vendor,
        "people": args.people,
        "visits": visits,
        "activity": activity,
        "indicators": len(indicators),
        "indicators_without_hand_sql": sorted(
            {i.code for i in every_indicator} - {i.code for i in indicators}
        ),
        "units": units,
        "engine_seconds": round(engine_s, 3),
        "hand_sql_seconds": round(sql_s, 3),
        "ratio": round(engine_s / sql_s, 3) if sql_s else None,
        "mismatches": mismatches,
        "dashboard_first_refresh_seconds": round(first_refresh_s, 2),
        "dashboard_data_p50_ms": round(_percentile(reads, 0.5), 1),
        "dashboard_data_p95_ms": round(_percentile(reads, 0.95), 1),
        "dashboard_page": page,
        "visit_to_dashboard_ms": round(delay_ms, 1),
        "incremental": incremental,
    }
    BENCH_OUT.mkdir(parents=True, exist_ok=True)
    out = BENCH_OUT / f"indicators-{connection.vendor}-{args.people}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    if mismatches:
        raise SystemExit("The engine and the hand-written SQL disagree: " + "; ".join(mismatches))
    if incremental["mismatches"]:
        raise SystemExit(
            "The incremental numbers and the hand-written SQL disagree: "
            + "; ".join(incremental["mismatches"])
        )


def _time_dashboard_page(province_code: int, reads: int) -> dict[str, Any] | None:
    """The province dashboard page through Django's test client: a campaign with a target on every
    indicator, read by a province staff member."""
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from langso.accounts.models import Role, RoleAssignment, User
    from langso.campaigns.models import Campaign, Indicator, Target

    today = datetime.date.today()
    campaign, created = Campaign.objects.get_or_create(
        name="Bench: cao điểm 100 ngày",
        province_id=province_code,
        defaults={
            "starts_on": today - datetime.timedelta(days=30),
            "ends_on": today + datetime.timedelta(days=70),
        },
    )
    if created:
        for indicator in Indicator.objects.filter(is_active=True):
            Target.objects.create(
                campaign=campaign,
                indicator=indicator,
                value=60 if indicator.display == "percent" else 10,
                deadline=campaign.ends_on,
            )
    try:
        url = reverse("campaigns:dashboard", args=[campaign.pk])
    except NoReverseMatch:
        return None
    user, _ = User.objects.get_or_create(username="bench.province", defaults={"full_name": "Bench"})
    RoleAssignment.objects.get_or_create(user=user, role=Role.PROVINCE_STAFF, province_id=province_code)
    client = Client()
    client.force_login(user)
    # Province staff pass a second factor: a real TOTP device, verified in the session as after sign-in.
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    from django.core.cache import cache

    # Cold: the first read after the numbers changed builds the boards; later reads share them.
    cold = []
    for _ in range(5):
        cache.clear()
        started = time.perf_counter()
        client.get(url, HTTP_HOST="127.0.0.1")
        cold.append((time.perf_counter() - started) * 1000)
    times = []
    for _ in range(reads):
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST="127.0.0.1")
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            return {"status": response.status_code}
    return {
        "url": url,
        "targets": campaign.targets.count(),
        "bytes": len(response.content),
        "p50_ms": round(_percentile(times, 0.5), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "cold_median_ms": round(statistics.median(cold), 1),
        "cold_max_ms": round(max(cold), 1),
    }


def _visit_to_dashboard_delay(province_code: int) -> float:
    from django.db import transaction

    from langso.accounts.models import Role, RoleAssignment, User
    from langso.campaigns.models import Indicator
    from langso.campaigns.rollups import unit_values
    from langso.registry.models import Resident
    from langso.teams import services

    person = Resident.objects.filter(province_id=province_code, birth_year__lte=1990).order_by("id").first()
    indicator = Indicator.objects.get(code="visits_week")
    before = unit_values(indicator, level="commune", commune_code=person.commune_id)[str(person.commune_id)]
    user, _ = User.objects.get_or_create(username="bench.member", defaults={"full_name": "Bench"})
    RoleAssignment.objects.get_or_create(user=user, role=Role.COMMUNE_OFFICER, commune_id=person.commune_id)
    user = User.objects.get(pk=user.pk)
    started = time.perf_counter()
    with transaction.atomic():
        services.visit_record(
            acting_user=user,
            data=services.VisitInput(
                id=uuid.uuid4(),
                household_id=person.household_id,
                visited_on=datetime.date.today(),
                present=(person.pk,),
            ),
        )
    after = unit_values(indicator, level="commune", commune_code=person.commune_id)[str(person.commune_id)]
    elapsed = (time.perf_counter() - started) * 1000
    if after.numerator != before.numerator + 1:
        raise SystemExit(f"the new visit did not show: {before} → {after}")
    return elapsed


class _Cpu:
    """CPU seconds of this process and of its PostgreSQL backend (same machine: /proc), from now on."""

    def __init__(self) -> None:
        from django.db import connection

        self.backend = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.backend = cursor.fetchone()[0]
        self.start = self._now()

    def _server(self) -> float:
        if self.backend is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _now(self) -> tuple[float, float, float]:
        return time.perf_counter(), time.process_time(), self._server()

    def since(self) -> dict[str, float]:
        wall, client, server = (b - a for a, b in zip(self.start, self._now(), strict=True))
        return {
            "wall_ms": round(wall * 1000, 1),
            "client_cpu_ms": round(client * 1000, 1),
            "db_cpu_ms": round(server * 1000, 1),
        }


def _record_visit(person: Any) -> None:
    from django.db import transaction

    from langso.accounts.models import Role, RoleAssignment, User
    from langso.teams import services

    user, _ = User.objects.get_or_create(
        username=f"bench.officer.{person.commune_id}", defaults={"full_name": "Bench"}
    )
    RoleAssignment.objects.get_or_create(user=user, role=Role.COMMUNE_OFFICER, commune_id=person.commune_id)
    user = User.objects.get(pk=user.pk)
    with transaction.atomic():
        services.visit_record(
            acting_user=user,
            data=services.VisitInput(
                id=uuid.uuid4(),
                household_id=person.household_id,
                visited_on=datetime.date.today(),
                present=(person.pk,),
            ),
        )


def _incremental(
    province_code: int,
    indicators: list[Any],
    every_indicator: list[Any],
    day: datetime.date,
    *,
    changed_communes: int,
) -> dict[str, Any]:
    """A visit → its commune's and province's numbers; the minute job after changes in N communes; the
    stored numbers against the hand-written SQL."""
    from langso.campaigns.models import CurrentValue, Indicator
    from langso.campaigns.rollups import _read, refresh_stale, unit_values
    from langso.places.models import Commune
    from langso.registry.models import Resident

    communes = list(
        Commune.objects.filter(province_id=province_code).order_by("code").values_list("code", flat=True)
    )
    refresh_stale(communes)  # everything stored (the earlier steps may have left changes)
    visits = Indicator.objects.get(code="visits_week")
    load_before = os.getloadavg()

    # 1. One visit, then the commune's board and the province's board read: the first read refreshes.
    fresh = []
    for commune in communes[:: max(1, len(communes) // 5)][:5]:
        person = Resident.objects.filter(commune_id=commune, birth_year__lte=1990).order_by("id").first()
        before_c = unit_values(visits, level="commune", commune_code=commune).get(str(commune))
        before_p = unit_values(visits, level="province", province_code=province_code)[str(province_code)]
        cpu = _Cpu()
        _record_visit(person)
        recorded = cpu.since()
        after_p = unit_values(visits, level="province", province_code=province_code)[str(province_code)]
        in_province = cpu.since()
        after_c = unit_values(visits, level="commune", commune_code=commune)[str(commune)]
        in_both = cpu.since()
        if (
            after_p.numerator != before_p.numerator + 1
            or after_c.numerator != (before_c.numerator if before_c else 0) + 1
        ):
            raise SystemExit(f"the new visit did not show in commune {commune}: {before_c} → {after_c}")
        fresh.append(
            {
                "commune": commune,
                "recorded": recorded,
                "in_province": in_province,
                "in_commune_and_province": in_both,
            }
        )

    # 2. Visits in N communes (a few households each), then the minute job over the province.
    touched = communes[:changed_communes]
    for commune in touched:
        for person in Resident.objects.filter(commune_id=commune, birth_year__lte=1990).order_by("id")[:3:2]:
            _record_visit(person)
    cpu = _Cpu()
    refreshed = refresh_stale(communes)
    minute_job = cpu.since() | {"communes_refreshed": len(refreshed)}

    # 3. The stored numbers (village and commune rows, the province as added up) against hand-written SQL,
    # and every indicator against a full recompute by the engine.
    # The day the stored numbers are for: the site's (rollups use timezone.localdate()).
    from django.utils import timezone

    day = timezone.localdate()
    hand = hand_compute(indicators, day)
    from langso.campaigns.facts import FactContext
    from langso.campaigns.indicators import compute_all

    full = compute_all(FactContext(day=day, province_code=province_code), every_indicator)
    for indicator in every_indicator:
        if indicator not in indicators:
            hand[indicator.code] = {k: (v.numerator, v.denominator) for k, v in full[indicator.code].items()}
    from langso.places.models import Village

    units = {("commune", str(c)) for c in communes} | {("province", str(province_code))}
    units |= {
        ("village", str(v))
        for v in Village.objects.filter(commune_id__in=communes).values_list("pk", flat=True)
    }
    mismatches = []
    for indicator in every_indicator:
        stored = {
            (level, unit): (n, d)
            for level, unit, n, d in CurrentValue.objects.filter(
                indicator=indicator, commune_code__in=communes
            ).values_list("level", "unit", "numerator", "denominator")
        }
        stored |= {
            ("province", u): (v.numerator, v.denominator)
            for u, v in _read(indicator, "province", communes).items()
        }
        expected = {k: v for k, v in hand[indicator.code].items() if k in units}
        if stored != expected:
            diff = {k for k in set(stored) | set(expected) if stored.get(k) != expected.get(k)}
            mismatches.append(f"{indicator.code}: {len(diff)} units differ, e.g. {sorted(diff, key=str)[:2]}")
    return {
        "visit_to_commune_and_province": fresh,
        "visit_to_commune_and_province_median_ms": statistics.median(
            f["in_commune_and_province"]["wall_ms"] for f in fresh
        ),
        "minute_job": minute_job | {"changed_communes": len(touched)},
        "checked_values": sum(len(hand[i.code]) for i in every_indicator),
        "checked_against_hand_sql": len(indicators),
        "checked_against_full_recompute": len(every_indicator) - len(indicators),
        "mismatches": mismatches,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


if __name__ == "__main__":
    main()
