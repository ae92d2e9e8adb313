import datetime

from django import forms
from django.template import Context, Template
from django.utils import translation


class _DateForm(forms.Form):
    day = forms.DateField()


def test_vietnamese_dates_are_read_day_first():
    with translation.override("vi"):
        form = _DateForm({"day": "05/03/2025"})
        assert form.is_valid()
        assert form.cleaned_data["day"] == datetime.date(2025, 3, 5)
        assert _DateForm({"day": "25/03/2025"}).is_valid()


def test_numbers_are_grouped_with_dots_and_decimals_use_a_comma_in_vietnamese():
    with translation.override("vi"):
        rendered = Template("{% load l10n %}{{ n|localize }} {{ d|date:'SHORT_DATE_FORMAT' }}").render(
            Context({"n": 1234.5, "d": datetime.date(2025, 3, 5)})
        )
    assert rendered == "1.234,5 05/03/2025"
