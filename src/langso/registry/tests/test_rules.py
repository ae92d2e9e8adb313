"""The registry's rules on people as lists write them: names in one case, notes in brackets, a year
where the birth date should be, days the calendar lacks."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from langso.registry import rules
from langso.registry.services import clean_resident_input


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("NÔNG MINH QUÝ", "Nông Minh Quý"),
        ("nông minh quý", "Nông Minh Quý"),
        ("HOÀNG THỊ ĐÀO", "Hoàng Thị Đào"),
        ("Nông Minh Quý", "Nông Minh Quý"),
        ("Lò văn A", "Lò văn A"),
    ],
)
def test_names_in_one_case_are_stored_in_title_case(raw, stored):
    assert rules.normalize_name(raw) == stored


def test_a_name_with_an_unclosed_bracket_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as caught:
        rules.normalize_name("Giàng A Dính (bố chủ hộ")
    assert caught.value.code == "name_brackets"


@pytest.mark.parametrize(
    ("date_raw", "year_raw", "expected"),
    [
        ("1960", None, (None, 1960)),
        (" 1960 ", "", (None, 1960)),
        (1962, None, (None, 1962)),
        (1962.0, None, (None, 1962)),
        ("1962.0", None, (None, 1962)),
        ("1960", "1960", (None, 1960)),
        ("1960", 1960.0, (None, 1960)),
        ("05/03/1960", None, (datetime.date(1960, 3, 5), 1960)),
        (None, "1958", (None, 1958)),
    ],
)
def test_a_year_alone_in_the_birth_date_is_the_year_of_birth(date_raw, year_raw, expected):
    assert rules.normalize_birth(date_raw, year_raw) == expected


def test_a_year_in_the_date_column_that_disagrees_with_the_year_column_is_named():
    with pytest.raises(ValidationError) as caught:
        rules.normalize_birth("1960", "1961")
    assert caught.value.code == "birth_mismatch"
    assert "1961" in caught.value.messages[0] and "1960" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        rules.normalize_birth("1960", "sáu mươi")
    assert caught.value.code == "year_format"


def test_a_year_alone_outside_the_plausible_range_is_refused_as_a_year():
    with pytest.raises(ValidationError) as caught:
        rules.normalize_birth("1850", None)
    assert caught.value.code == "year_range"
    with pytest.raises(ValidationError) as caught:
        rules.normalize_birth(str(datetime.date.today().year + 3), None)
    assert caught.value.code == "year_range"


def test_a_birth_date_that_does_not_exist_is_named_as_such():
    with pytest.raises(ValidationError) as caught:
        rules.normalize_birth("31/02/1975", None)
    assert caught.value.messages == ["Ngày 31/02/1975 không có trên lịch: tháng 2 năm 1975 chỉ có 28 ngày."]


def _person(**data):
    return clean_resident_input({"sex": "Nam", **data})


def test_a_note_in_brackets_after_the_name_goes_to_the_persons_notes():
    cleaned = _person(full_name="GIÀNG A DÍNH (bố chủ hộ)", birth_date="1942")
    assert cleaned["full_name"] == "Giàng A Dính"
    assert cleaned["notes"] == "bố chủ hộ"
    assert (cleaned["birth_date"], cleaned["birth_year"]) == (None, 1942)
    # Notes already given keep theirs, and the same note is not added twice.
    assert _person(full_name="Giàng A Dính (bố chủ hộ)", notes="Đi làm xa")["notes"] == "Đi làm xa; bố chủ hộ"
    assert _person(full_name="Giàng A Dính (bố chủ hộ)", notes="Bố chủ hộ")["notes"] == "Bố chủ hộ"
    assert _person(full_name="Giàng A Dính")["notes"] == ""


def test_one_clear_message_per_bad_field():
    with pytest.raises(ValidationError) as caught:
        _person(full_name="Lò Thị Mai", birth_date="31/02/1975", birth_year="1975")
    assert caught.value.message_dict == {
        "birth_date": ["Ngày 31/02/1975 không có trên lịch: tháng 2 năm 1975 chỉ có 28 ngày."]
    }
