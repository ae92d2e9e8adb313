import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from langso.core.dates import parse_date_vn, year_alone
from langso.core.forms import DayField


def _refusal(raw, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse_date_vn(raw, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("05/03/1960", datetime.date(1960, 3, 5)),
        ("5/3/1960", datetime.date(1960, 3, 5)),
        ("05-03-1960", datetime.date(1960, 3, 5)),
        ("05.03.1960", datetime.date(1960, 3, 5)),
        (" 29/02/2024 ", datetime.date(2024, 2, 29)),
        ("1960-03-05", datetime.date(1960, 3, 5)),
        ("1975-02-28 00:00:00", datetime.date(1975, 2, 28)),
        ("28/02/1975 0:00", datetime.date(1975, 2, 28)),
        (datetime.datetime(1960, 3, 5, 9, 30), datetime.date(1960, 3, 5)),
        (datetime.date(1960, 3, 5), datetime.date(1960, 3, 5)),
        (None, None),
        ("", None),
        ("   ", None),
    ],
)
def test_a_date_is_read_day_first_in_every_usual_spelling(raw, day):
    assert parse_date_vn(raw) == day


def test_a_day_the_month_lacks_is_named_as_a_day_not_on_the_calendar():
    error = _refusal("31/02/1975")
    assert error.code == "date_unreal"
    assert error.messages == ["Ngày 31/02/1975 không có trên lịch: tháng 2 năm 1975 chỉ có 28 ngày."]
    assert "chỉ có 30 ngày" in _refusal("31/04/2020").messages[0]
    assert "chỉ có 28 ngày" in _refusal("29/02/2023").messages[0]  # not a leap year
    assert _refusal("1975-02-31").code == "date_unreal"
    assert _refusal("00/03/1960").code == "date_unreal"


def test_a_month_over_twelve_says_the_day_comes_first():
    error = _refusal("12/25/1975")
    assert error.code == "date_month"
    assert "không có tháng 25" in error.messages[0]
    assert "ngày trước, tháng sau" in error.messages[0]


def test_a_year_alone_where_a_date_is_expected_says_it_is_a_year():
    error = _refusal("1960")
    assert error.code == "date_year_only"
    assert "là một năm" in error.messages[0]


@pytest.mark.parametrize("raw", ["ngày 5 tháng 3", "5/3", "05/03/19600", "٠٥/٠٣/١٩٦٠", "abc", "05/03-1960"])
def test_other_text_is_a_wrong_format_with_an_example(raw):
    error = _refusal(raw)
    assert error.code == "date_format"
    assert "ví dụ 05/03/1960" in error.messages[0]


def test_two_digit_years_are_read_only_where_the_caller_allows_them():
    assert _refusal("05/03/25").code == "date_format"
    assert parse_date_vn("05/03/25", short_year=True) == datetime.date(2025, 3, 5)
    assert parse_date_vn("05/03/75", short_year=True) == datetime.date(1975, 3, 5)
    assert _refusal("31/02/25", short_year=True).code == "date_unreal"


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("1960", 1960),
        (" 1960 ", 1960),
        ("1962.0", 1962),
        (1962, 1962),
        (1962.0, 1962),
        (1962.5, None),
        (True, None),
        ("05/03/1960", None),
        ("60", None),
        (25000, None),
        (None, None),
        (datetime.date(1960, 1, 1), None),
    ],
)
def test_year_alone_reads_a_year_written_where_a_date_was_expected(raw, year):
    assert year_alone(raw) == year


class _Form(forms.Form):
    day = DayField()
    other = DayField(required=False)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_forms_read_dates_with_the_same_parser_and_say_the_same_thing(language):
    with translation.override(language):
        good = _Form({"day": "05/03/2025", "other": ""})
        assert good.is_valid()
        assert good.cleaned_data == {"day": datetime.date(2025, 3, 5), "other": None}
        assert _Form({"day": "05/03/25"}).is_valid()
    with translation.override("vi"):
        bad = _Form({"day": "31/02/1975"})
        assert not bad.is_valid()
        assert bad.errors["day"] == ["Ngày 31/02/1975 không có trên lịch: tháng 2 năm 1975 chỉ có 28 ngày."]
        assert "không có tháng 13" in _Form({"day": "01/13/2020"}).errors["day"][0]
        assert _Form({"day": ""}).errors["day"]  # required still applies
