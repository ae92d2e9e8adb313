"""Reads of skills: a person's current levels and status, using the pure rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from langso.accounts.models import User
from langso.registry.models import Resident
from langso.skills.models import CatalogueStatus, RuleKind, Skill, SkillRecord, SkillRule
from langso.skills.rules import (
    CitizenStatus,
    CurrentLevel,
    Observation,
    current_levels,
    digital_citizen_status,
)
from langso.skills.services import published_version


def rule_for(kind: str, province_id: int | None) -> SkillRule | None:
    """The province's own rule when it has one, otherwise the national rule."""
    rules = {
        r.province_id: r
        for r in SkillRule.objects.filter(Q(province_id=province_id) | Q(province__isnull=True), kind=kind)
    }
    return rules.get(province_id) or rules.get(None)


def resident_levels(resident: Resident) -> dict[str, CurrentLevel]:
    history = SkillRecord.objects.filter(resident=resident).values_list(
        "skill_code", "level", "evidence", "recorded_on", "created_at"
    )
    ordered = sorted(history, key=lambda row: row[4])
    return current_levels(
        Observation(code, level, evidence, day, order)
        for order, (code, level, evidence, day, _at) in enumerate(ordered)
    )


@dataclass(frozen=True)
class SkillLine:
    skill: Skill
    current: CurrentLevel | None


@dataclass(frozen=True)
class ResidentSkills:
    lines: list[SkillLine]
    status: CitizenStatus
    skills_by_code: dict[str, Skill]


def resident_skills(*, resident: Resident) -> ResidentSkills:
    levels = resident_levels(resident)
    skills = list(Skill.objects.filter(version=published_version()).order_by("position"))
    rule = rule_for(RuleKind.DIGITAL_CITIZEN, resident.province_id)
    status = digital_citizen_status(
        owns_smartphone=resident.owns_smartphone,
        levels=levels,
        required_levels=rule.required_levels if rule else {},
        requires_smartphone=rule.requires_smartphone if rule else True,
    )
    return ResidentSkills(
        [SkillLine(s, levels.get(s.code)) for s in skills], status, {s.code: s for s in skills}
    )


def draft_version() -> Any:
    from langso.skills.models import CatalogueVersion

    return CatalogueVersion.objects.filter(status=CatalogueStatus.DRAFT).first()


@dataclass(frozen=True)
class SkillCount:
    skill: Skill
    reached: int  # people at `level` or above
    recorded: int  # people with any record


def skill_counts(*, user: User, level: int = 3, commune_code: int | None = None) -> list[SkillCount]:
    """For the steering committee: how many people in the user's units reached each skill."""
    from django.db.models import Count

    from langso.accounts.access import Perm, scope_for
    from langso.skills.models import CurrentSkillLevel

    scope = scope_for(user, Perm.REGISTRY_VIEW)
    rows = CurrentSkillLevel.objects.filter(
        scope.q(province="province_id", commune="commune_id", village="village_id")
    )
    if commune_code:
        rows = rows.filter(commune_id=commune_code)
    totals = {
        row["skill_code"]: row
        for row in rows.values("skill_code").annotate(
            recorded=Count("id"), reached=Count("id", filter=Q(level__gte=level))
        )
    }
    skills = Skill.objects.filter(version=published_version()).order_by("position")
    return [
        SkillCount(s, totals.get(s.code, {}).get("reached", 0), totals.get(s.code, {}).get("recorded", 0))
        for s in skills
    ]


@dataclass(frozen=True)
class MonthlyProgress:
    months: list[str]  # "2026-11"
    # skill area → cumulative count, per month, of (person, skill) pairs that reached the level
    by_area: dict[str, list[int]]
    by_skill: dict[str, list[int]]


def _month_key(day: Any) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def skill_progress_by_month(
    *,
    user: User,
    months: int = 12,
    level: int = 3,
    commune_code: int | None = None,
    village_id: Any = None,
    today: Any = None,
) -> MonthlyProgress:
    """Skills reached over time: for each month, how many (person, skill) pairs had reached `level`
    by its end, counting each pair from the first record at that level. One grouped query."""
    import datetime

    from django.db.models import Count, Exists, OuterRef
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    from langso.accounts.access import Perm, scope_for

    today = today or timezone.localdate()
    scope = scope_for(user, Perm.REGISTRY_VIEW)
    records = SkillRecord.objects.filter(
        scope.q(province="province_id", commune="commune_id", village="village_id"), level__gte=level
    )
    if commune_code:
        records = records.filter(commune_id=commune_code)
    if village_id:
        records = records.filter(village_id=village_id)
    earlier = SkillRecord.objects.filter(
        resident_id=OuterRef("resident_id"),
        skill_code=OuterRef("skill_code"),
        level__gte=level,
        recorded_on__lt=OuterRef("recorded_on"),
    )
    firsts = (
        records.filter(~Exists(earlier))
        .annotate(month=TruncMonth("recorded_on"))
        .values("month", "skill_code")
        .annotate(pairs=Count("resident_id", distinct=True))
    )
    month_keys: list[str] = []
    cursor = datetime.date(today.year, today.month, 1)
    for _ in range(months):
        month_keys.insert(0, _month_key(cursor))
        cursor = (cursor - datetime.timedelta(days=1)).replace(day=1)
    first_key = month_keys[0]
    skills = {s.code: s for s in Skill.objects.filter(version=published_version())}
    per_skill = {code: [0] * months for code in skills}
    before_window = dict.fromkeys(skills, 0)
    for row in firsts:
        code = row["skill_code"]
        if code not in skills or row["month"] is None:
            continue
        key = _month_key(row["month"])
        if key < first_key:
            before_window[code] += row["pairs"]
        elif key in month_keys:
            per_skill[code][month_keys.index(key)] += row["pairs"]
    by_skill: dict[str, list[int]] = {}
    for code, counts in per_skill.items():
        running, series = before_window[code], []
        for count in counts:
            running += count
            series.append(running)
        by_skill[code] = series
    by_area: dict[str, list[int]] = {}
    for code, series in by_skill.items():
        area = skills[code].area
        by_area[area] = [a + b for a, b in zip(by_area.get(area, [0] * months), series, strict=True)]
    return MonthlyProgress(months=month_keys, by_area=by_area, by_skill=by_skill)


@dataclass(frozen=True)
class CitizenCount:
    citizens: int  # adults who meet the national digital-citizen rule today
    adults: int  # adults in the registry of the units


def digital_citizen_count(*, user: User, commune_code: int | None = None) -> CitizenCount:
    """How many adults of the user's units are digital citizens by the national rule (a smartphone and
    every required skill at its level, from the current levels), out of how many adults: the number a
    steering committee asks first. The campaign indicator `digital_citizens` counts the same people."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from langso.accounts.access import Perm, scope_for
    from langso.registry.rules import ADULT_AGE
    from langso.skills.models import CurrentSkillLevel

    scope = scope_for(user, Perm.REGISTRY_VIEW)
    adults = Resident.objects.filter(
        scope.q(province="province_id", commune="commune_id", village="village_id"),
        birth_year__lte=timezone.localdate().year - ADULT_AGE,
    )
    if commune_code:
        adults = adults.filter(commune_id=commune_code)
    rule = rule_for(RuleKind.DIGITAL_CITIZEN, None)
    if rule is None:
        return CitizenCount(citizens=0, adults=adults.count())
    citizens = adults.filter(owns_smartphone=True) if rule.requires_smartphone else adults
    for code, level in sorted(rule.required_levels.items()):
        citizens = citizens.filter(
            Exists(
                CurrentSkillLevel.objects.filter(
                    resident_id=OuterRef("pk"), skill_code=code, level__gte=int(level)
                )
            )
        )
    return CitizenCount(citizens=citizens.count(), adults=adults.count())
