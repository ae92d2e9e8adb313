"""Form fields every app shares."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from langso.core.dates import parse_date_vn


class DayField(forms.DateField):
    """A date typed as Vietnamese write it (dd/mm/yyyy), read by the same parser as the Excel import.

    So a form and an imported cell give the same message for the same text: "31/02/1975" is a day
    that does not exist, not a wrong format. A two-digit year is read as strptime's %y does.
    Its widget shows a pre-filled date day first (a plain TextInput would show 2026-12-07).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                format="%d/%m/%Y",
                attrs={"placeholder": _("ngày/tháng/năm"), "inputmode": "numeric", "autocomplete": "off"},
            ),
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        try:
            return parse_date_vn(value, short_year=True)
        except ValidationError as error:
            raise forms.ValidationError(error.messages[0], code=error.code) from error
