"""Hypothesis properties of the rules every form, the API and the Excel import share.

For any input a rule either returns the stored form of the value, or raises Django's ValidationError
with a Vietnamese message: never another exception. Stored forms are fixed points (normalising again
changes nothing), and the many ways people write a valid value all give the same stored form.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from langso.core.ethnicity import EthnicGroup
from langso.core.text import clean_text
from langso.core.validators import (
    CCCD_PROVINCE_CODES,
    check_cccd_consistency,
    mask_cccd,
    normalize_cccd,
    normalize_phone,
    parse_cccd,
)
from langso.registry import rules
from langso.registry.models import Poverty, Sex
from langso.registry.services import clean_household_input, clean_resident_input
from tests.fuzz import profiles

# What a cell, a form field or a JSON value can hold.
ANY_TEXT = st.text(max_size=40)
DIGITISH = st.text(alphabet="0123456789 .-+()٠١²٣𝟘", max_size=16)  # includes non-ASCII digits
CELL = st.one_of(
    st.none(),
    ANY_TEXT,
    DIGITISH,
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["inf", "-inf", "nan", "1e400", "1e3", "١٩٨٠", "1980.0", "²", " 1980 "]),
)
NOISE = st.sampled_from(["", " ", ".", "-", "  "])


def _message_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def outcome(rule: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[str, Any]:
    """("ok", value) or ("refused", messages); any other exception fails the property."""
    try:
        return "ok", rule(*args, **kwargs)
    except ValidationError as error:
        messages = _message_of(error)
        assert messages and all(m.strip() for m in messages), f"{rule.__name__} refused without a message"
        return "refused", messages


def examples(n: int) -> settings:
    return settings(max_examples=profiles.examples(n))


# --- CCCD ------------------------------------------------------------------------------------------

CCCD = st.builds(
    lambda province, century_sex, year, serial: f"{province}{century_sex}{year:02d}{serial:06d}",
    st.sampled_from(sorted(CCCD_PROVINCE_CODES)),
    st.integers(0, 3),
    st.integers(0, 99),
    st.integers(0, 999_999),
)


@examples(150)
@given(CELL)
@example("001" + "٠" * 9)  # Arabic-Indic digits: \d matched them, and they were stored
@example("001" + "𝟘" * 9)
def test_a_cccd_is_twelve_ascii_digits_or_a_clear_refusal(raw):
    kind, value = outcome(normalize_cccd, raw)
    if kind == "ok":
        assert len(value) == 12 and value.isascii() and value.isdigit()
        assert value[:3] in CCCD_PROVINCE_CODES
        assert normalize_cccd(value) == value


@examples(100)
@given(CCCD, st.lists(NOISE, min_size=12, max_size=12))
def test_a_cccd_written_with_spaces_dots_or_dashes_is_stored_as_its_digits(number, separators):
    written = "".join(digit + sep for digit, sep in zip(number, separators, strict=True))
    assert normalize_cccd(written) == number
    assert rules.normalize_optional_cccd(written) == number


@examples(100)
@given(CCCD)
def test_the_facts_read_from_a_cccd_agree_with_it(number):
    facts = parse_cccd(number)
    assert facts.sex == ("male" if int(number[3]) % 2 == 0 else "female")
    assert facts.birth_year % 100 == int(number[4:6])
    check_cccd_consistency(number, sex=facts.sex, birth_year=facts.birth_year)  # no refusal
    masked = mask_cccd(number)
    assert len(masked) == 12 and masked.endswith(number[-4:]) and number[:8] not in masked


@examples(100)
@given(CCCD.filter(lambda n: n[0] == "0"))
def test_a_cccd_typed_as_an_excel_number_keeps_its_leading_zeros(number):
    # Excel shows 001070000123 as 1070000123: openpyxl gives an int (the import makes it text), or a
    # float for a cell formatted as a number.
    assert rules.normalize_optional_cccd(int(number)) == number
    assert rules.normalize_optional_cccd(str(int(number))) == number
    assert rules.normalize_optional_cccd(float(int(number))) == number


@examples(100)
@given(CELL)
def test_an_optional_cccd_never_fails_with_anything_but_a_refusal(raw):
    kind, value = outcome(rules.normalize_optional_cccd, raw)
    if kind == "ok" and value is not None:
        assert value.isascii() and len(value) == 12


# --- phone -----------------------------------------------------------------------------------------

MOBILE = st.builds(
    lambda prefix, rest: f"0{prefix}{rest:08d}", st.sampled_from("35789"), st.integers(0, 99_999_999)
)


@examples(150)
@given(CELL)
@example("09" + "١" * 8)
def test_a_phone_number_is_ten_ascii_digits_or_a_clear_refusal(raw):
    kind, value = outcome(normalize_phone, raw)
    if kind == "ok" and value:
        assert (
            len(value) == 10 and value.isascii() and value.isdigit() and value[:2] in rules_mobile_prefixes()
        )
        assert normalize_phone(value) == value


def rules_mobile_prefixes() -> set[str]:
    return {"03", "05", "07", "08", "09"}


@examples(100)
@given(
    MOBILE, st.sampled_from(["{n}", "+84{r}", "84{r}", "0084{r}", "{r}", "({a}) {b}", "{a}.{b}", "+84 {r}"])
)
def test_every_usual_way_of_writing_a_mobile_number_gives_the_same_number(number, pattern):
    rest = number[1:]
    written = pattern.format(n=number, r=rest, a=number[:4], b=number[4:])
    assert normalize_phone(written) == number
    assert rules.normalize_optional_phone(written) == number


@examples(60)
@given(MOBILE)
def test_a_phone_typed_as_an_excel_number_gets_its_zero_back(number):
    assert rules.normalize_optional_phone(int(number)) == number
    assert rules.normalize_optional_phone(float(int(number))) == number


# --- dates and years -------------------------------------------------------------------------------


@examples(150)
@given(
    st.dates(min_value=datetime.date(1000, 1, 1)),
    st.sampled_from(["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]),
)
def test_a_date_written_the_vietnamese_way_reads_back_as_the_same_day(day, fmt):
    written = day.strftime(fmt).replace("/", "/")
    assume(len(day.strftime("%Y")) == 4)
    assert rules.parse_date_vn(written) == day
    assert rules.parse_date_vn(f"{day.day}/{day.month}/{day.year}") == day  # without leading zeros
    assert rules.parse_date_vn(datetime.datetime.combine(day, datetime.time(9))) == day


@examples(150)
@given(CELL)
def test_a_date_is_a_date_or_a_clear_refusal(raw):
    kind, value = outcome(rules.parse_date_vn, raw)
    if kind == "ok":
        assert value is None or type(value) is datetime.date


@examples(200)
@given(CELL, CELL)
def test_a_birth_date_and_year_give_a_consistent_pair_or_a_clear_refusal(date_raw, year_raw):
    kind, value = outcome(rules.normalize_birth, date_raw, year_raw)
    if kind == "ok":
        birth_date, birth_year = value
        today = timezone.localdate()
        if birth_year is not None:
            assert rules.MIN_BIRTH_YEAR <= birth_year <= today.year
        if birth_date is not None:
            assert birth_date <= today and birth_date.year == birth_year


@examples(100)
@given(CELL, st.sampled_from(Poverty.values))
def test_a_poverty_review_year_is_a_year_or_a_clear_refusal(raw, poverty):
    kind, value = outcome(rules.normalize_poverty_year, raw, poverty)
    if kind == "ok" and value is not None:
        assert 2000 <= value <= timezone.localdate().year


# --- names and words -------------------------------------------------------------------------------


@examples(200)
@given(st.one_of(ANY_TEXT, st.text(min_size=90, max_size=140), CELL))
def test_a_name_is_stored_clean_and_normalising_it_again_changes_nothing(raw):
    kind, value = outcome(rules.normalize_name, raw)
    if kind == "ok":
        assert value == clean_text(value) and 0 < len(value) <= 100
        assert rules.normalize_name(value) == value


_SEX_SPELLINGS = {
    Sex.MALE: ["Nam", "NAM", "nam ", "Male", "M", "trai"],
    Sex.FEMALE: ["Nữ", "NỮ", "nu", "Nư\u0303", "F", "gái"],
}


@examples(100)
@given(CELL)
def test_sex_ethnic_group_poverty_and_yes_no_are_one_of_their_values_or_a_clear_refusal(raw):
    for rule, allowed in (
        (rules.normalize_sex, set(Sex.values)),
        (rules.normalize_ethnic_group, {"", *EthnicGroup.values}),
        (rules.normalize_poverty, set(Poverty.values)),
        (rules.normalize_yes_no, {True, False}),
    ):
        kind, value = outcome(rule, raw)
        if kind == "ok":
            assert value in allowed, (rule.__name__, raw, value)
            if rule is not rules.normalize_yes_no and value:
                assert rule(value) == value  # the stored code reads as itself


@examples(50)
@given(st.sampled_from([(sex, word) for sex, words in _SEX_SPELLINGS.items() for word in words]))
def test_sex_is_read_whatever_the_case_accents_or_unicode_form(pair):
    import unicodedata

    sex, word = pair
    for form in ("NFC", "NFD"):
        assert rules.normalize_sex(unicodedata.normalize(form, word)) == sex


@examples(50)
@given(st.sampled_from(EthnicGroup.choices))
def test_an_ethnic_group_is_read_from_its_name_in_any_case_or_form(choice):
    import unicodedata

    code, label = choice
    for written in (
        str(label),
        str(label).upper(),
        unicodedata.normalize("NFD", str(label)),
        code,
        str(int(code)),
    ):
        assert rules.normalize_ethnic_group(written) == code


# --- whole records ---------------------------------------------------------------------------------

RESIDENT_FIELDS = ("full_name", "birth_date", "birth_year", "sex", "ethnic_group", "cccd", "phone")


@examples(150)
@given(st.fixed_dictionaries({}, optional=dict.fromkeys(RESIDENT_FIELDS, CELL)))
def test_a_persons_facts_are_cleaned_or_refused_field_by_field(data):
    try:
        cleaned = clean_resident_input(data)
    except ValidationError as error:
        assert set(error.message_dict) <= set(RESIDENT_FIELDS)
        assert all(m.strip() for messages in error.message_dict.values() for m in messages)
    else:
        assert clean_resident_input(cleaned) == cleaned  # the stored form is a fixed point


@examples(100)
@given(
    st.fixed_dictionaries(
        {}, optional=dict.fromkeys(("code", "address", "notes", "poverty", "poverty_year"), CELL)
    )
)
def test_a_households_facts_are_cleaned_or_refused_field_by_field(data):
    try:
        cleaned = clean_household_input(data)
    except ValidationError as error:
        assert set(error.message_dict) <= {"code", "poverty", "poverty_year"}
    else:
        assert clean_household_input(cleaned) == cleaned


@pytest.mark.parametrize("raw", ["inf", "1e400", "-1e999", "nan", "²"])
def test_numbers_python_reads_oddly_are_refused_with_a_message(raw):
    """Found by the properties above: these raised OverflowError or ValueError, not a refusal."""
    assert outcome(rules.normalize_birth, None, raw)[0] == "refused"
    assert outcome(rules.normalize_poverty_year, raw, Poverty.POOR)[0] == "refused"
