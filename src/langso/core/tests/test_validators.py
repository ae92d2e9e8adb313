import pytest
from django.core.exceptions import ValidationError

from langso.core.ethnicity import match_ethnic_group
from langso.core.validators import check_cccd_consistency, mask_cccd, normalize_phone, parse_cccd


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("(+84) 38-123-4567", "0381234567"),
        ("912345678", "0912345678"),
        ("0084 912345678", "0912345678"),
    ],
)
def test_mobile_numbers_are_normalised_to_ten_digits_starting_with_zero(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["0212345678", "091234567", "09123456789", "abc", "+1 650 555 0100"])
def test_numbers_that_are_not_vietnamese_mobiles_are_refused_with_a_vietnamese_message(raw):
    with pytest.raises(ValidationError) as error:
        normalize_phone(raw)
    assert "điện thoại" in error.value.messages[0]


def test_a_cccd_number_tells_province_sex_and_birth_year():
    facts = parse_cccd("066185001234")
    assert (facts.province_code, facts.sex, facts.birth_year) == ("066", "female", 1985)
    assert parse_cccd("019200001234").birth_year == 2000
    assert parse_cccd("019200001234").sex == "male"


@pytest.mark.parametrize("raw", ["12345", "0661850012345", "06618500123a", "999185001234"])
def test_malformed_cccd_numbers_are_refused(raw):
    with pytest.raises(ValidationError):
        parse_cccd(raw)


def test_a_cccd_that_contradicts_sex_or_birth_year_is_refused():
    with pytest.raises(ValidationError) as error:
        check_cccd_consistency("066185001234", sex="male", birth_year=1990)
    assert len(error.value.messages) == 2
    check_cccd_consistency("066185001234", sex="female", birth_year=1985)


def test_a_masked_cccd_shows_only_the_last_four_digits():
    assert mask_cccd("066185001234") == "••••••••1234"
    assert mask_cccd(None) == ""


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Kinh", "01"),
        ("Ê-đê", "12"),
        ("Ede", "12"),
        ("ê đê", "12"),
        ("Rhade", "12"),
        ("H'Mông", "08"),
        ("Mông", "08"),
        ("Tày", "02"),
        ("khmer", "05"),
        ("Gia Rai", "10"),
        ("12", "12"),
        ("Bru - Vân Kiều", "23"),
    ],
)
def test_ethnic_groups_are_recognised_in_the_spellings_people_use(raw, code):
    assert match_ethnic_group(raw) == code


def test_an_unknown_ethnic_group_is_not_guessed():
    assert match_ethnic_group("Klingon") is None
    assert match_ethnic_group("55") is None
