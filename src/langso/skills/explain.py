"""The rules in plain Vietnamese, generated from the rules themselves, and what they mean for one person.

Three kinds of rule decide a status: the digital-citizen rule (`SkillRule`, national or a province's
own), the household rule of the 5 basic skills (any skill of each basic group, at "can do alone"), and
each certificate programme's required levels. A rule page lists what the rule asks for; a person's page
says, rule by rule, whether they meet it and exactly what is missing; and `next_skills` turns the gaps
into what to teach next. The same functions feed the numbers (`campaigns/facts.py` reads the same rule
rows), so a page and a dashboard cannot disagree about who meets a rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from langso.registry.models import Resident
from langso.skills.models import (
    BasicSkill,
    Certificate,
    CertificateProgramme,
    CurrentSkillLevel,
    Level,
    RuleKind,
    Skill,
)
from langso.skills.selectors import published_skills, rule_for
from langso.skills.shipped import ONLINE_PROCEDURE_CODES, PROFICIENT_LEVEL

DIGITAL_CITIZEN = "cong-dan-so"
HOUSEHOLD_BASIC = "ho-5-ky-nang-co-ban"
CERTIFICATE_PREFIX = "chung-nhan-"


@dataclass(frozen=True)
class Requirement:
    """One thing a rule asks for: a smartphone, or ONE of `skills` at `level` or above."""

    kind: str  # "smartphone" | "skill" | "any_skill"
    label: str
    skills: tuple[str, ...] = ()
    level: int = 0

    def met_by(self, *, owns_smartphone: bool, levels: dict[str, int]) -> bool:
        if self.kind == "smartphone":
            return owns_smartphone
        return any(levels.get(code, 0) >= self.level for code in self.skills)


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    summary: str
    requirements: tuple[Requirement, ...]
    kind: str  # "digital_citizen" | "household_basic" | "certificate"
    scope_label: str = ""


def _skills() -> dict[str, Skill]:
    return {s.code: s for s in published_skills()}


def level_label(level: int) -> str:
    return _("mức %(n)s – %(label)s") % {
        "n": level,
        "label": Level(level).label if level in Level.values else "",
    }


def _name(skills: dict[str, Skill], code: str) -> str:
    return skills[code].name if code in skills else code


def _skill_requirement(skills: dict[str, Skill], code: str, level: int) -> Requirement:
    return Requirement(
        "skill",
        _("%(skill)s: %(level)s") % {"skill": _name(skills, code), "level": level_label(level)},
        (code,),
        level,
    )


def _any_of(skills: dict[str, Skill], title: str, codes: list[str], level: int) -> Requirement:
    names = ", ".join(_name(skills, c) for c in codes if c in skills) or _("(danh mục chưa có kỹ năng nào)")
    label = _("%(title)s: một trong các kỹ năng %(names)s, đạt %(level)s") % {
        "title": title,
        "names": names,
        "level": level_label(level),
    }
    return Requirement("any_skill", label, tuple(c for c in codes if c in skills), level)


def digital_citizen_rule(province_id: int | None, skills: dict[str, Skill] | None = None) -> Rule:
    skills = skills if skills is not None else _skills()
    row = rule_for(RuleKind.DIGITAL_CITIZEN, province_id)
    requirements: list[Requirement] = []
    if row is None or row.requires_smartphone:
        requirements.append(Requirement("smartphone", _("Có điện thoại thông minh")))
    for code, level in sorted(
        (row.required_levels if row else {}).items(), key=lambda kv: _position(skills, kv[0])
    ):
        requirements.append(_skill_requirement(skills, code, int(level)))
    requirements.append(
        _any_of(
            skills,
            _("Tự làm được ít nhất một thủ tục trực tuyến"),
            list(ONLINE_PROCEDURE_CODES),
            PROFICIENT_LEVEL,
        )
    )
    scope = str(row.province) if row is not None and row.province_id else _("Quy tắc toàn quốc")
    return Rule(
        DIGITAL_CITIZEN,
        _("Công dân số"),
        _("Một người là công dân số khi có đủ tất cả các điều kiện dưới đây."),
        tuple(requirements),
        "digital_citizen",
        scope,
    )


def _position(skills: dict[str, Skill], code: str) -> int:
    return skills[code].position if code in skills else 999


def household_basic_rule(skills: dict[str, Skill] | None = None) -> Rule:
    skills = skills if skills is not None else _skills()
    requirements = []
    for value, label in BasicSkill.choices:
        codes = [c for c, s in skills.items() if s.basic_skill == value]
        requirements.append(_any_of(skills, str(label), codes, PROFICIENT_LEVEL))
    return Rule(
        HOUSEHOLD_BASIC,
        _("Hộ có người thành thạo 5 kỹ năng cơ bản"),
        _(
            "Một hộ đạt khi có ít nhất một thành viên tự làm được cả 5 kỹ năng cơ bản. Mỗi kỹ năng cơ bản "
            "gồm một nhóm kỹ năng trong danh mục: làm được một kỹ năng của nhóm là đủ."
        ),
        tuple(requirements),
        "household_basic",
    )


def certificate_rule(programme: CertificateProgramme, skills: dict[str, Skill] | None = None) -> Rule:
    skills = skills if skills is not None else _skills()
    requirements = tuple(
        _skill_requirement(skills, code, int(level))
        for code, level in sorted(programme.required_levels.items(), key=lambda kv: _position(skills, kv[0]))
    )
    return Rule(
        f"{CERTIFICATE_PREFIX}{programme.pk}",
        programme.name,
        _("Chứng nhận do %(issuer)s cấp khi người học đạt đủ các mức dưới đây; cấp một lần, tự động.")
        % {"issuer": programme.issuer},
        requirements,
        "certificate",
    )


def all_rules(province_id: int | None) -> list[Rule]:
    skills = _skills()
    rules = [digital_citizen_rule(province_id, skills), household_basic_rule(skills)]
    rules += [
        certificate_rule(p, skills) for p in CertificateProgramme.objects.filter(active=True).order_by("pk")
    ]
    return rules


def rule_by_key(key: str, province_id: int | None) -> Rule | None:
    return next((r for r in all_rules(province_id) if r.key == key), None)


# --- One person ------------------------------------------------------------------------------------


@dataclass
class RuleCheck:
    rule: Rule
    met: bool
    missing: list[tuple[Requirement, int]]  # the requirement and the person's best level towards it
    note: str = ""
    certificate: Any = None


@dataclass
class PersonRules:
    checks: list[RuleCheck]
    levels: dict[str, int]
    household_met_by: str = ""  # the member who meets the household rule, if anyone does
    notes: list[str] = field(default_factory=list)


def _best(requirement: Requirement, levels: dict[str, int]) -> int:
    return max((levels.get(c, 0) for c in requirement.skills), default=0)


def check(rule: Rule, *, owns_smartphone: bool, levels: dict[str, int]) -> RuleCheck:
    missing = [
        (r, _best(r, levels))
        for r in rule.requirements
        if not r.met_by(owns_smartphone=owns_smartphone, levels=levels)
    ]
    return RuleCheck(rule, not missing, missing)


def person_rules(resident: Any) -> PersonRules:
    """Every rule for this person: met or not, exactly what is missing, and a note wherever a certificate
    and the digital-citizen status say different things."""
    levels = dict(CurrentSkillLevel.objects.filter(resident=resident).values_list("skill_code", "level"))
    checks = [
        check(r, owns_smartphone=resident.owns_smartphone, levels=levels)
        for r in all_rules(resident.province_id)
    ]
    held = {
        c.programme_id: c
        for c in Certificate.objects.filter(resident=resident, revoked_at__isnull=True).order_by("issued_on")
    }
    citizen = checks[0]
    notes = []
    for item in checks:
        if item.rule.kind != "certificate":
            continue
        certificate = held.get(int(item.rule.key.removeprefix(CERTIFICATE_PREFIX)))
        item.certificate = certificate
        if certificate is not None and not item.met:
            item.note = _(
                "Đã cấp chứng nhận ngày %(day)s theo các mức lúc đó; nay còn thiếu những điều dưới đây "
                "(một ghi nhận đã bị hủy hoặc mức thấp hơn được ghi sau)."
            ) % {"day": certificate.issued_on.strftime("%d/%m/%Y")}
        if (certificate is not None or item.met) and not citizen.met:
            notes.append(
                _(
                    "Có chứng nhận “%(name)s” nhưng chưa là công dân số: hai quy tắc khác nhau, công dân số còn cần %(what)s."
                )
                % {"name": item.rule.title, "what": "; ".join(r.label for r, _lvl in citizen.missing)}
            )
        elif citizen.met and not item.met and certificate is None:
            notes.append(
                _(
                    "Đã là công dân số nhưng chưa đủ điều kiện chứng nhận “%(name)s”: chứng nhận còn cần %(what)s."
                )
                % {"name": item.rule.title, "what": "; ".join(r.label for r, _lvl in item.missing)}
            )
    household = next(c for c in checks if c.rule.kind == "household_basic")
    met_by = ""
    if not household.met:
        others = Resident.objects.filter(household_id=resident.household_id).exclude(pk=resident.pk)
        member_levels: dict[Any, dict[str, int]] = {}
        for pk, code, level in CurrentSkillLevel.objects.filter(resident__in=others).values_list(
            "resident_id", "skill_code", "level"
        ):
            member_levels.setdefault(pk, {})[code] = level
        for other in others:
            if check(
                household.rule, owns_smartphone=other.owns_smartphone, levels=member_levels.get(other.pk, {})
            ).met:
                met_by = other.full_name
                break
    else:
        met_by = resident.full_name
    return PersonRules(checks, levels, met_by, notes)


@dataclass(frozen=True)
class Suggestion:
    skill: Skill
    current: int
    target: int
    because: tuple[str, ...]  # the rules this step moves the person towards
    rule_keys: tuple[str, ...] = ()  # the same rules by key (a phone gets their titles once)


def next_skills(
    resident: Any,
    *,
    limit: int = 3,
    rules: PersonRules | None = None,
    skills: dict[str, Skill] | None = None,
) -> list[Suggestion]:
    """What to teach this person next: each skill a rule still misses, raised one level at a time (a
    volunteer teaches the next step, not the end goal). Skills that close most rules come first; for a
    rule satisfied by any one of several skills, the one the person is closest to."""
    rules = rules or person_rules(resident)
    skills = skills if skills is not None else _skills()
    wanted: dict[str, tuple[int, int, list[Rule]]] = {}  # code → (current, needed, rules)
    household_done = bool(rules.household_met_by)
    for item in rules.checks:
        if item.met or (item.rule.kind == "household_basic" and household_done):
            continue
        for requirement, _best_level in item.missing:
            if requirement.kind == "smartphone" or not requirement.skills:
                continue
            code = max(requirement.skills, key=lambda c: (rules.levels.get(c, 0), -_position(skills, c)))
            current = rules.levels.get(code, 0)
            held = wanted.get(code)
            towards = (held[2] if held else []) + [item.rule]
            wanted[code] = (current, max(requirement.level, held[1] if held else 0), towards)
    ordered = sorted(wanted.items(), key=lambda kv: (-len(kv[1][2]), -kv[1][0], _position(skills, kv[0])))
    return [
        Suggestion(
            skills[code],
            current,
            min(current + 1, needed),
            tuple(dict.fromkeys(r.title for r in towards)),
            tuple(dict.fromkeys(r.key for r in towards)),
        )
        for code, (current, needed, towards) in ordered[:limit]
        if code in skills
    ]


def next_skills_many(
    people: list[Any], levels: dict[Any, dict[str, int]] | None = None, *, limit: int = 2
) -> dict[Any, list[Suggestion]]:
    """`next_skills` for whole households at once (a phone's worklist, a visit form): `people` holds
    every member of their households and `levels` their current levels (read here when not given), so
    the household rule is judged as on a person's page, with a few queries for the lot instead of
    several per person."""
    if levels is None:
        levels = {}
        for pk, code, level in CurrentSkillLevel.objects.filter(
            resident__in=[p.pk for p in people]
        ).values_list("resident_id", "skill_code", "level"):
            levels.setdefault(pk, {})[code] = level
    skills = _skills()
    rules_of: dict[Any, list[Rule]] = {}
    household_rule = household_basic_rule(skills)
    met_by: dict[Any, str] = {}
    for person in people:
        if person.household_id not in met_by or not met_by[person.household_id]:
            found = check(
                household_rule, owns_smartphone=person.owns_smartphone, levels=levels.get(person.pk, {})
            ).met
            met_by[person.household_id] = person.full_name if found else ""
    suggestions = {}
    for person in people:
        if person.province_id not in rules_of:
            rules_of[person.province_id] = all_rules(person.province_id)
        own = levels.get(person.pk, {})
        checks = [
            check(rule, owns_smartphone=person.owns_smartphone, levels=own)
            for rule in rules_of[person.province_id]
        ]
        rules = PersonRules(checks, own, met_by.get(person.household_id, ""))
        suggestions[person.pk] = next_skills(person, limit=limit, rules=rules, skills=skills)
    return suggestions
