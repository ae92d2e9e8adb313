"""Dates as Vietnamese write them (day first), shared by every form and the Excel import.

One parser, so a form and an imported cell say the same thing about the same text: "31/02/1975" is a
day that does not exist, "12/25/1975" has no month 25, "1960" is a year where a date was expected.
"""

from __future__ import annotations

import calendar
import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Day, month, year with one kind of separator: 05/03/1960, 5-3-1960, 05.03.1960 (and a two-digit year
# where the caller allows it). ASCII digits only: \d takes other scripts' digits too.
_DAY_FIRST = re.compile(r"([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_YEAR = re.compile(r"[0-9]{4}")
# A date written out by a program often carries midnight: "1975-02-28 00:00:00", "05/03/1960 0:00".
_TIME_TAIL = re.compile(r"[ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$")


def _format_error(text: str) -> ValidationError:
    return ValidationError(
        _("Ngày “%(value)s” không đúng dạng ngày/tháng/năm, ví dụ 05/03/1960."),
        code="date_format",
        params={"value": text[:30]},
    )


def _calendar_day(text: str, year: int, month: int, day: int) -> datetime.date:
    """The day, or a message naming what is wrong with it: the month, or a day the month lacks."""
    if not 1 <= month <= 12:
        raise ValidationError(
            _("Ngày “%(value)s” không có trên lịch: không có tháng %(month)s (ghi ngày trước, tháng sau)."),
            code="date_month",
            params={"value": text[:30], "month": month},
        )
    if year < 1 or day < 1:
        raise ValidationError(
            _("Ngày “%(value)s” không có trên lịch."), code="date_unreal", params={"value": text[:30]}
        )
    try:
        return datetime.date(year, month, day)  # the usual day: no need to count the month's days
    except ValueError:
        last = calendar.monthrange(year, month)[1]
        if day > last:
            raise ValidationError(
                _("Ngày %(value)s không có trên lịch: tháng %(month)s năm %(year)s chỉ có %(days)s ngày."),
                code="date_unreal",
                params={"value": text[:30], "month": month, "year": year, "days": last},
            ) from None
        raise


def _full_year(digits: str) -> int:
    if len(digits) == 4:
        return int(digits)
    # Two digits, as strptime's %y reads them: 00-68 are 2000-2068, 69-99 are 1969-1999.
    short = int(digits)
    return 2000 + short if short <= 68 else 1900 + short


def parse_date_vn(raw: Any, *, short_year: bool = False) -> datetime.date | None:
    """A date as Vietnamese write it (05/03/2025 is 5 March), ISO (2025-03-05), or a date cell.

    Blank is None. A text that is not a date raises ValidationError saying why, in Vietnamese: a day
    the calendar lacks is named as such rather than called a wrong format. A two-digit year ("05/03/25")
    is read only where the caller allows it (forms about recent events, not birth dates).
    """
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = str(raw).strip()
    if not text:
        return None
    found = _DAY_FIRST.fullmatch(text) or _DAY_FIRST.fullmatch(_TIME_TAIL.sub("", text))
    if found and (len(found[4]) == 4 or short_year):
        return _calendar_day(text, _full_year(found[4]), int(found[3]), int(found[1]))
    found = _ISO.fullmatch(text) or _ISO.fullmatch(_TIME_TAIL.sub("", text))
    if found:
        return _calendar_day(text, int(found[1]), int(found[2]), int(found[3]))
    if _YEAR.fullmatch(text):
        raise ValidationError(
            _("“%(value)s” là một năm, chưa phải ngày: hãy ghi đủ ngày/tháng/năm, ví dụ 05/03/%(value)s."),
            code="date_year_only",
            params={"value": text},
        )
    raise _format_error(text)


def year_alone(raw: Any) -> int | None:
    """The year when a cell meant as a date holds only a year: "1960", " 1960 ", or the number 1962.

    Elderly people's birth dates are often known only by the year, and officers type the year in the
    date column. Any other value is None (it is a date, or not a year).
    """
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int):
        return raw if 1000 <= raw <= 9999 else None
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() and 1000 <= raw <= 9999 else None
    if isinstance(raw, str):
        text = raw.strip()
        if text.endswith(".0"):  # a number cell read as text by a CSV or an old reader
            text = text[:-2]
        return int(text) if _YEAR.fullmatch(text) else None
    return None
