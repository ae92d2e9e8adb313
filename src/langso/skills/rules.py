"""Pure rules over a person's skill history: the current level of each skill, the digital-citizen
status with exactly what is missing, and the household rule for the 5 basic skills."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from langso.skills.models import EVIDENCE_STRENGTH, BasicSkill
from langso.skills.shipped import ONLINE_PROCEDURE_CODES, PROFICIENT_LEVEL


@dataclass(frozen=True)
class Observation:
    skill_code: str
    level: int
    evidence: str
    recorded_on: datetime.date
    order: int = 0  # insertion order breaks the last ties


@dataclass(frozen=True)
class CurrentLevel:
    skill_code: str
    level: int
    evidence: str
    recorded_on: datetime.date


def current_levels(history: Iterable[Observation]) -> dict[str, CurrentLevel]:
    """The current level of each skill is the level of its latest record.

    Skills can be lost as well as gained, so a later, lower record counts. Records of the same day are
    ranked by the strength of their evidence (certificate > quiz > observed > self-reported), then by
    the order they were made.
    """
    latest: dict[str, tuple[tuple[datetime.date, int, int], Observation]] = {}
    for obs in history:
        rank = (obs.recorded_on, EVIDENCE_STRENGTH.get(obs.evidence, 0), obs.order)
        held = latest.get(obs.skill_code)
        if held is None or rank >= held[0]:
            latest[obs.skill_code] = (rank, obs)
    return {
        code: CurrentLevel(code, obs.level, obs.evidence, obs.recorded_on)
        for code, (_rank, obs) in latest.items()
    }


@dataclass(frozen=True)
class Missing:
    kind: str  # "smartphone" | "skill" | "online_procedure"
    skill_code: str = ""
    needed_level: int = 0
    current_level: int = 0


@dataclass(frozen=True)
class CitizenStatus:
    is_digital_citizen: bool
    missing: list[Missing] = field(default_factory=list)


def digital_citizen_status(
    *,
    owns_smartphone: bool,
    levels: dict[str, CurrentLevel],
    required_levels: dict[str, int],
    requires_smartphone: bool = True,
    requires_online_procedure: bool = True,
) -> CitizenStatus:
    """Check the digital-citizen rule and say exactly what is missing."""
    missing: list[Missing] = []
    if requires_smartphone and not owns_smartphone:
        missing.append(Missing("smartphone"))
    for code, needed in required_levels.items():
        have = levels[code].level if code in levels else 0
        if have < needed:
            missing.append(Missing("skill", code, needed, have))
    if requires_online_procedure and not any(
        code in levels and levels[code].level >= PROFICIENT_LEVEL for code in ONLINE_PROCEDURE_CODES
    ):
        missing.append(Missing("online_procedure", needed_level=PROFICIENT_LEVEL))
    return CitizenStatus(not missing, missing)


def proficient_in_basic_skills(
    levels: dict[str, CurrentLevel], basic_skill_of: dict[str, str], level: int = PROFICIENT_LEVEL
) -> set[str]:
    """Which of the 5 basic skills a person masters: any catalogue skill of that group at `level` or above."""
    return {
        basic_skill_of[code]
        for code, current in levels.items()
        if basic_skill_of.get(code) and current.level >= level
    }


def household_meets_basic_rule(
    members_levels: Iterable[dict[str, CurrentLevel]],
    basic_skill_of: dict[str, str],
    level: int = PROFICIENT_LEVEL,
) -> bool:
    """At least one member proficient in all 5 basic skills."""
    every = set(BasicSkill.values)
    return any(
        proficient_in_basic_skills(levels, basic_skill_of, level) >= every for levels in members_levels
    )
