"""The pure rules: IMEI check digits, follow-up dates, eligibility and priority with their reasons."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from langso.devices.rules import (
    HouseholdFacts,
    PersonFacts,
    Rules,
    add_months,
    assess,
    follow_up_dates,
    luhn_check_digit,
    normalize_imei,
    ranked,
    reason_label,
)
from langso.devices.tests.factories import imei

TODAY = datetime.date(2026, 11, 15)


def person(pid="p", year=1980, **kw):
    return PersonFacts(pid, year, **kw)


def household(hid="h", poverty="poor", year=2025, members=None, **kw):
    return HouseholdFacts(hid, poverty, year, tuple(members if members is not None else [person()]), **kw)


# --- IMEI ---


def test_a_published_imei_passes_its_check_digit():
    # The IMEI used as the example in 3GPP TS 23.003 and on Wikipedia.
    assert normalize_imei("49-015420-323751-8") == "490154203237518"
    assert luhn_check_digit("49015420323751") == 8


def test_an_imei_with_a_wrong_check_digit_is_refused_with_a_vietnamese_reason():
    with pytest.raises(ValidationError) as error:
        normalize_imei("490154203237517")
    assert "chữ số kiểm tra" in error.value.messages[0].lower()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("49015420323751", "imei_length"),
        ("4901542032375180", "imei_length"),
        ("49015420323751A", "imei_letters"),
        ("", "imei_missing"),
    ],
)
def test_an_imei_of_14_or_16_digits_or_with_letters_is_refused(raw, code):
    with pytest.raises(ValidationError) as error:
        normalize_imei(raw)
    assert error.value.code == code


def test_every_factory_imei_is_valid():
    for n in range(1, 200):
        assert normalize_imei(imei(n)) == imei(n)


# --- Follow-ups ---


def test_follow_ups_fall_one_three_and_six_months_after_the_handover():
    assert follow_up_dates(datetime.date(2026, 3, 10)) == {
        1: datetime.date(2026, 4, 10),
        3: datetime.date(2026, 6, 10),
        6: datetime.date(2026, 9, 10),
    }


def test_a_handover_on_a_month_end_gives_the_last_day_of_shorter_months():
    assert follow_up_dates(datetime.date(2026, 8, 31)) == {
        1: datetime.date(2026, 9, 30),
        3: datetime.date(2026, 11, 30),
        6: datetime.date(2027, 2, 28),
    }
    assert add_months(datetime.date(2027, 12, 31), 2) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)


# --- Eligibility ---


def test_a_poor_household_without_a_smartphone_is_eligible_with_its_poverty_reason():
    [a] = assess(household(), Rules(), TODAY)
    assert a.eligible and a.score == 20
    assert [r.code for r in a.reasons] == ["poor"]
    assert reason_label("poor") == "Hộ nghèo"


@pytest.mark.parametrize(
    ("facts", "refusal"),
    [
        (household(poverty="none"), "not_poverty_class"),
        (household(poverty="disadvantaged"), "not_poverty_class"),
        (household(year=None), "poverty_year_missing"),
        (household(year=2023), "poverty_year_old"),
        (household(members=[person(owns_smartphone=True)]), "has_smartphone"),
        (household(members=[person(year=2012)]), "no_adult"),
        (household(members=[]), "no_adult"),
        (household(supported_before=True), "supported_before"),
    ],
)
def test_each_rule_not_met_makes_the_household_ineligible_and_says_why(facts, refusal):
    [a] = assess(facts, Rules(), TODAY)
    assert not a.eligible
    assert refusal in a.refusals
    assert reason_label(refusal) != refusal  # a Vietnamese sentence, not the code


def test_an_assessment_two_years_old_is_still_accepted_but_three_is_not():
    assert assess(household(year=2024), Rules(poverty_max_age_years=2), TODAY)[0].eligible
    assert not assess(household(year=2023), Rules(poverty_max_age_years=2), TODAY)[0].eligible


def test_rules_can_be_relaxed_by_the_programme():
    rules = Rules(
        require_no_smartphone=False,
        exclude_earlier_recipients=False,
        poverty_classes=frozenset({"disadvantaged"}),
    )
    facts = household(poverty="disadvantaged", members=[person(owns_smartphone=True)], supported_before=True)
    assert assess(facts, rules, TODAY)[0].eligible


def test_priorities_add_their_weights_once_per_household():
    members = [
        person("a", 1950, ethnic_group="12"),
        person("b", 1948, has_disability=True),
        person("c", 1990, ethnic_group="01"),
    ]
    [a] = assess(household(members=members, visit_found_no_phone=True), Rules(), TODAY)
    assert {r.code: r.points for r in a.reasons} == {
        "poor": 20,
        "elderly": 15,
        "disability": 15,
        "minority": 10,
        "no_phone_visit": 10,
    }
    assert a.score == 70


def test_kinh_and_an_unknown_ethnic_group_are_not_counted_as_minority():
    members = [person("a", ethnic_group="01"), person("b", ethnic_group="")]
    [a] = assess(household(members=members), Rules(), TODAY)
    assert "minority" not in [r.code for r in a.reasons]


def test_elderly_means_the_programme_age_or_older():
    assert "elderly" in [
        r.code
        for r in assess(household(members=[person(year=1966)]), Rules(elderly_age=60), TODAY)[0].reasons
    ]
    assert "elderly" not in [
        r.code
        for r in assess(household(members=[person(year=1967)]), Rules(elderly_age=60), TODAY)[0].reasons
    ]


def test_per_adult_gives_one_assessment_per_person_with_their_own_priorities():
    members = [person("old", 1950), person("young", 1995, has_disability=True), person("child", 2015)]
    found = {
        a.resident_id: a
        for a in assess(household(poverty="near_poor", members=members), Rules(per_adult=True), TODAY)
    }
    assert found["old"].eligible and found["old"].score == 10 + 15
    assert found["young"].eligible and found["young"].score == 10 + 15
    assert not found["child"].eligible and found["child"].refusals == ["too_young"]


def test_per_adult_refuses_a_person_already_supported_but_not_the_rest_of_the_household():
    members = [person("a", 1960), person("b", 1970)]
    facts = household(members=members, persons_supported_before=frozenset({"a"}))
    rules = Rules(per_adult=True, require_no_smartphone=False)
    found = {a.resident_id: a.eligible for a in assess(facts, rules, TODAY)}
    assert found == {"a": False, "b": True}


def test_ranking_puts_the_highest_score_first_then_the_oldest():
    rules = Rules()
    facts = [
        household("h1", "near_poor", members=[person("x", 1985)]),
        household("h2", "poor", members=[person("y", 1980)]),
        household("h3", "poor", members=[person("z", 1970)]),
        household("h4", "none"),
    ]
    order = [a.household_id for a in ranked(a for f in facts for a in assess(f, rules, TODAY))]
    assert order == ["h3", "h2", "h1"]
