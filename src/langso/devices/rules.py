"""Pure rules of a smartphone programme: IMEI check digits, follow-up dates, eligibility and priority.

No database here: the functions take plain facts, so every rule is tested on its own and the candidate
list, the import and the forms share one statement of it. Messages are in plain Vietnamese.
"""

from __future__ import annotations

import calendar
import datetime
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from langso.devices.models import Programme

KINH = "01"
FOLLOW_UP_MONTHS = (1, 3, 6)

# --- IMEI ---------------------------------------------------------------------------------------------


def luhn_check_digit(first_14: str) -> int:
    """The 15th digit of an IMEI (the Luhn algorithm over the first 14)."""
    total = 0
    for index, char in enumerate(reversed(first_14)):
        digit = int(char)
        if index % 2 == 0:  # from the right, every other digit starting with the last is doubled
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def normalize_imei(raw: object) -> str:
    """An IMEI as 15 digits, or a ValidationError saying what is wrong with it.

    Spaces, dashes, slashes and dots that suppliers print between groups are dropped; anything else
    (letters, a 14- or 16-digit number, a wrong check digit) is refused."""
    text = re.sub(r"[\s\-/.]", "", str(raw or ""))
    if not text:
        raise ValidationError(_("Thiếu số IMEI."), code="imei_missing")
    if not text.isdigit():
        raise ValidationError(_("IMEI chỉ gồm chữ số (15 chữ số), không có chữ cái."), code="imei_letters")
    if len(text) != 15:
        raise ValidationError(
            _("IMEI phải có đúng 15 chữ số; số này có %(n)s chữ số.") % {"n": len(text)}, code="imei_length"
        )
    if luhn_check_digit(text[:14]) != int(text[14]):
        raise ValidationError(
            _("Chữ số kiểm tra (số cuối) của IMEI không đúng: có thể gõ nhầm một chữ số."), code="imei_check"
        )
    return text


# --- Follow-ups ---------------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the last day of the month when that month is shorter (31/01 → 28/02)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def follow_up_dates(handed_over_on: datetime.date) -> dict[int, datetime.date]:
    return {months: add_months(handed_over_on, months) for months in FOLLOW_UP_MONTHS}


# --- Eligibility and priority -------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    id: uuid.UUID | str
    birth_year: int | None
    owns_smartphone: bool = False
    has_disability: bool = False
    ethnic_group: str = ""

    def age(self, today: datetime.date) -> int | None:
        return today.year - self.birth_year if self.birth_year else None


@dataclass(frozen=True)
class HouseholdFacts:
    id: uuid.UUID | str
    poverty: str
    poverty_year: int | None
    members: tuple[PersonFacts, ...] = ()
    # Already given a device (or cash) by another programme: the household, or these persons.
    supported_before: bool = False
    persons_supported_before: frozenset = frozenset()
    # A team member's home visit found nobody with a smartphone.
    visit_found_no_phone: bool = False


@dataclass(frozen=True)
class Rules:
    poverty_classes: frozenset[str] = frozenset({"poor", "near_poor"})
    poverty_max_age_years: int = 2
    min_age: int = 18
    require_no_smartphone: bool = True
    exclude_earlier_recipients: bool = True
    per_adult: bool = False
    elderly_age: int = 60
    weight_poor: int = 20
    weight_near_poor: int = 10
    weight_elderly: int = 15
    weight_disability: int = 15
    weight_minority: int = 10
    weight_no_phone_visit: int = 10

    @classmethod
    def of(cls, programme: Programme) -> Rules:
        """The rules of a Programme row."""
        p = programme
        return cls(
            poverty_classes=frozenset(p.poverty_classes or ()),
            poverty_max_age_years=p.poverty_max_age_years,
            min_age=p.min_age,
            require_no_smartphone=p.require_no_smartphone,
            exclude_earlier_recipients=p.exclude_earlier_recipients,
            per_adult=p.per == "adult",
            elderly_age=p.elderly_age,
            weight_poor=p.weight_poor,
            weight_near_poor=p.weight_near_poor,
            weight_elderly=p.weight_elderly,
            weight_disability=p.weight_disability,
            weight_minority=p.weight_minority,
            weight_no_phone_visit=p.weight_no_phone_visit,
        )


@dataclass(frozen=True)
class Reason:
    code: str
    points: int

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "points": self.points}


@dataclass
class Assessment:
    household_id: uuid.UUID | str
    resident_id: uuid.UUID | str | None
    eligible: bool
    score: int = 0
    reasons: list[Reason] = field(default_factory=list)  # the priorities that gave points
    refusals: list[str] = field(default_factory=list)  # codes of the rules not met
    oldest_birth_year: int | None = None


def reason_label(code: str) -> str:
    """A priority or a rule not met, as an officer reads it."""
    labels = {
        "poor": _("Hộ nghèo"),
        "near_poor": _("Hộ cận nghèo"),
        "elderly": _("Người cao tuổi"),
        "disability": _("Người khuyết tật"),
        "minority": _("Dân tộc thiểu số"),
        "no_phone_visit": _("Tổ công nghệ số ghi nhận chưa có điện thoại"),
        "manual": _("Cán bộ bổ sung"),
        "not_poverty_class": _("Không thuộc diện hộ được xét"),
        "poverty_year_missing": _("Chưa có năm rà soát hộ nghèo/cận nghèo"),
        "poverty_year_old": _("Kết quả rà soát hộ nghèo/cận nghèo đã quá cũ"),
        "too_young": _("Chưa đủ tuổi nhận máy"),
        "no_adult": _("Hộ không có ai đủ tuổi nhận máy"),
        "has_smartphone": _("Hộ đã có điện thoại thông minh"),
        "owns_smartphone": _("Người này đã có điện thoại thông minh"),
        "supported_before": _("Đã được hỗ trợ bởi chương trình trước"),
    }
    return labels.get(code, code)


def _household_refusals(facts: HouseholdFacts, rules: Rules, today: datetime.date) -> list[str]:
    refusals = []
    if facts.poverty not in rules.poverty_classes:
        refusals.append("not_poverty_class")
    elif facts.poverty_year is None:
        refusals.append("poverty_year_missing")
    elif facts.poverty_year < today.year - rules.poverty_max_age_years:
        refusals.append("poverty_year_old")
    if rules.require_no_smartphone and any(m.owns_smartphone for m in facts.members):
        refusals.append("has_smartphone")
    return refusals


def _poverty_reason(facts: HouseholdFacts, rules: Rules) -> list[Reason]:
    if facts.poverty == "poor" and rules.weight_poor:
        return [Reason("poor", rules.weight_poor)]
    if facts.poverty == "near_poor" and rules.weight_near_poor:
        return [Reason("near_poor", rules.weight_near_poor)]
    return []


def _person_reasons(people: Iterable[PersonFacts], rules: Rules, today: datetime.date) -> list[Reason]:
    people = list(people)
    reasons = []
    if rules.weight_elderly and any((p.age(today) or 0) >= rules.elderly_age for p in people):
        reasons.append(Reason("elderly", rules.weight_elderly))
    if rules.weight_disability and any(p.has_disability for p in people):
        reasons.append(Reason("disability", rules.weight_disability))
    if rules.weight_minority and any(p.ethnic_group and p.ethnic_group != KINH for p in people):
        reasons.append(Reason("minority", rules.weight_minority))
    return reasons


def _is_adult(person: PersonFacts, rules: Rules, today: datetime.date) -> bool:
    age = person.age(today)
    return age is not None and age >= rules.min_age


def assess(facts: HouseholdFacts, rules: Rules, today: datetime.date) -> list[Assessment]:
    """Who in this household may receive, with the score and its reasons, or why not.

    The score is computed for the ineligible too: an officer who adds someone by hand sees it.

    One assessment for the household (one device per household), or one per adult member (one per
    adult). A per-household score counts the priorities of everyone in the household, because the
    phone is shared; a per-adult score counts the person's own, plus the household's poverty."""
    base = _household_refusals(facts, rules, today)
    if rules.exclude_earlier_recipients and facts.supported_before:
        base.append("supported_before")
    extra = (
        [Reason("no_phone_visit", rules.weight_no_phone_visit)]
        if (facts.visit_found_no_phone and rules.weight_no_phone_visit)
        else []
    )
    if not rules.per_adult:
        refusals = list(base)
        if not any(_is_adult(m, rules, today) for m in facts.members):
            refusals.append("no_adult")
        reasons = _poverty_reason(facts, rules) + _person_reasons(facts.members, rules, today) + extra
        years = [m.birth_year for m in facts.members if m.birth_year]
        return [
            Assessment(
                facts.id,
                None,
                eligible=not refusals,
                score=sum(r.points for r in reasons),
                reasons=reasons,
                refusals=refusals,
                oldest_birth_year=min(years) if years else None,
            )
        ]
    out = []
    for person in facts.members:
        refusals = list(base)
        if not _is_adult(person, rules, today):
            refusals.append("too_young")
        if person.owns_smartphone and "has_smartphone" not in refusals:
            refusals.append("owns_smartphone")
        if rules.exclude_earlier_recipients and person.id in facts.persons_supported_before:
            refusals.append("supported_before")
        reasons = _poverty_reason(facts, rules) + _person_reasons([person], rules, today) + extra
        out.append(
            Assessment(
                facts.id,
                person.id,
                eligible=not refusals,
                score=sum(r.points for r in reasons),
                reasons=reasons,
                refusals=list(dict.fromkeys(refusals)),
                oldest_birth_year=person.birth_year,
            )
        )
    return out


def ranked(assessments: Iterable[Assessment]) -> list[Assessment]:
    """Eligible ones, highest score first; among equals the oldest person first (then a stable key)."""
    return sorted(
        (a for a in assessments if a.eligible),
        key=lambda a: (-a.score, a.oldest_birth_year or 9999, str(a.household_id), str(a.resident_id or "")),
    )
