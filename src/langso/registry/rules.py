"""The registry's rules, as pure functions shared by forms, services and the Excel import.

Each `normalize_*` returns the stored form of a value or raises ValidationError with a message in
plain Vietnamese; `resident_problems` checks the facts of one person against each other.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import functools
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.core import dates
from langso.core.ethnicity import match_ethnic_group
from langso.core.text import clean_text, fold, name_in_title_case, split_parenthesised
from langso.core.validators import check_cccd_consistency, normalize_cccd, normalize_phone
from langso.registry.models import Poverty, Sex

MIN_BIRTH_YEAR = 1900
ADULT_AGE = 18

# Today's date, fixed for the length of an import's check: reading the time zone and the clock for
# each of 100,000 rows cost about 25 µs a row, and one file is checked against one day.
_TODAY: contextvars.ContextVar[datetime.date | None] = contextvars.ContextVar("langso_today", default=None)


def today() -> datetime.date:
    """The local date, or the day fixed by `one_day` around this call."""
    return _TODAY.get() or timezone.localdate()


@contextlib.contextmanager
def one_day() -> Iterator[datetime.date]:
    """Within the block, `today()` is the date it started on (a batch of rows checked as of one day)."""
    day = today()
    token = _TODAY.set(day)
    try:
        yield day
    finally:
        _TODAY.reset(token)


def normalize_name(raw: Any) -> str:
    """A person's name as stored: clean, and in title case when typed ALL CAPS or all small."""
    return _name_of(str(raw or ""))


@functools.lru_cache(maxsize=1 << 16)  # a list repeats its names: each spelling is checked once
def _name_of(raw: str) -> str:
    name = name_in_title_case(raw)
    if not name:
        raise ValidationError(_("Họ và tên không được để trống."), code="required")
    if len(name) > 100:
        raise ValidationError(_("Họ và tên dài quá 100 ký tự."), code="max_length")
    if any(ch.isdigit() for ch in name):
        raise ValidationError(_("Họ và tên không được chứa chữ số."), code="name_digits")
    if not any(ch.isalpha() for ch in name):
        raise ValidationError(_("Họ và tên phải có chữ cái."), code="name_letters")
    if "(" in name or ")" in name or "[" in name or "]" in name:
        raise ValidationError(
            _("Họ và tên có dấu ngoặc không khép: hãy sửa lại, ghi chú để trong ngoặc đơn (…)."),
            code="name_brackets",
        )
    return name


def merge_notes(notes: Any, extra: str) -> str:
    """Notes with one more line added, unless they already say it ("bố chủ hộ" is not added twice)."""
    notes = str(notes or "").strip()
    extra = clean_text(extra)
    if not extra or fold(extra) in fold(notes):
        return notes
    return f"{notes}; {extra}" if notes else extra


def split_name_note(raw: Any) -> tuple[Any, str]:
    """A name with a note in brackets, split: "Giàng A Dính (bố chủ hộ)" -> ("Giàng A Dính", "bố chủ hộ").

    Lists often say who a person is to the head beside the name; the note belongs in the person's
    notes, not in the name that search, sorting and certificates use. Non-text values pass through.
    """
    if not isinstance(raw, str) or ("(" not in raw and "[" not in raw):
        return raw, ""
    return split_parenthesised(raw)


_SEX_WORDS = {
    "nam": Sex.MALE,
    "male": Sex.MALE,
    "m": Sex.MALE,
    "trai": Sex.MALE,
    "nu": Sex.FEMALE,
    "nữ": Sex.FEMALE,
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
    "gai": Sex.FEMALE,
}


@functools.lru_cache(maxsize=256)
def _sex_of(key: str) -> str:
    return _sex_checked(key)


def normalize_sex(raw: Any) -> str:
    return _sex_of(str(raw or ""))


def _sex_checked(raw: Any) -> str:
    key = fold(str(raw or "")).strip()
    if not key:
        raise ValidationError(_("Giới tính không được để trống (ghi Nam hoặc Nữ)."), code="required")
    if key in _SEX_WORDS:
        return _SEX_WORDS[key]
    raise ValidationError(_("Giới tính phải là Nam hoặc Nữ."), code="sex_invalid")


def normalize_ethnic_group(raw: Any) -> str:
    return _ethnic_of("" if raw is None else str(raw))


@functools.lru_cache(maxsize=1024)
def _ethnic_of(raw: str) -> str:
    if raw is None or str(raw).strip() == "":
        return ""
    code = match_ethnic_group(str(raw))
    if code is None:
        raise ValidationError(
            _("Không nhận ra dân tộc “%(value)s”. Hãy ghi tên một trong 54 dân tộc, ví dụ Kinh, Ê-đê, Mông."),
            code="ethnic_unknown",
            params={"value": str(raw)[:40]},
        )
    return code


def parse_date_vn(raw: Any) -> datetime.date | None:
    """A date as Vietnamese write it (05/03/2025 is 5 March), or an Excel date cell (core.dates)."""
    return dates.parse_date_vn(raw)


def normalize_birth(date_raw: Any, year_raw: Any) -> tuple[datetime.date | None, int | None]:
    """The birth date and year. A year alone in the date ("1960", or the number 1962 in an Excel
    cell) is the year of birth: elderly people often know no more, and officers write it there."""
    day = today()
    year_in_date = dates.year_alone(date_raw)
    if year_in_date is not None:
        year_given = None if year_raw in (None, "") else dates.year_alone(year_raw)
        if year_given is not None and year_given != year_in_date:
            raise ValidationError(
                _("Năm sinh (%(year)s) khác với năm ghi ở cột ngày sinh (%(date_year)s)."),
                code="birth_mismatch",
                params={"year": year_given, "date_year": year_in_date},
            )
        date_raw = None
        if year_raw in (None, "") or year_given is not None:
            year_raw = year_in_date
    birth_date = parse_date_vn(date_raw)
    birth_year: int | None = None
    if year_raw not in (None, ""):
        try:
            birth_year = int(float(str(year_raw).strip()))
        except (ValueError, OverflowError) as exc:  # "abc", "nan"; "inf" and "1e400" overflow
            raise ValidationError(
                _("Năm sinh “%(value)s” phải là một số có 4 chữ số, ví dụ 1962."),
                code="year_format",
                params={"value": str(year_raw)[:20]},
            ) from exc
    if birth_date is not None:
        if birth_date > day:
            raise ValidationError(_("Ngày sinh không được sau ngày hôm nay."), code="birth_future")
        if birth_year is not None and birth_year != birth_date.year:
            raise ValidationError(
                _("Năm sinh (%(year)s) khác với năm trong ngày sinh (%(date_year)s)."),
                code="birth_mismatch",
                params={"year": birth_year, "date_year": birth_date.year},
            )
        birth_year = birth_date.year
    if birth_year is not None and not (MIN_BIRTH_YEAR <= birth_year <= day.year):
        raise ValidationError(
            _("Năm sinh %(year)s không hợp lệ (phải từ %(min)s đến %(max)s)."),
            code="year_range",
            params={"year": birth_year, "min": MIN_BIRTH_YEAR, "max": day.year},
        )
    return birth_date, birth_year


def normalize_optional_cccd(raw: Any) -> str | None:
    if raw is None:
        return None
    text = str(raw).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell read as float
        text = text[:-2]
    if not text:
        return None
    if text.isascii() and text.isdigit() and (len(text) == 11 or (len(text) == 10 and text[0] != "0")):
        # Excel drops the leading zeros of a CCCD typed as a number (one, or two for 001-008).
        text = text.zfill(12)
    return normalize_cccd(text)


def normalize_optional_phone(raw: Any) -> str:
    if raw is None:
        return ""
    text = str(raw).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return normalize_phone(text)


_YES = {"co", "x", "yes", "y", "1", "true", "dung", "roi"}
_NO = {"khong", "no", "n", "0", "false", "", "chua"}


def normalize_yes_no(raw: Any) -> bool:
    if raw is None or raw == "":
        return False
    return _yes_no_of(raw if isinstance(raw, bool) else str(raw))


@functools.lru_cache(maxsize=256)
def _yes_no_of(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    key = fold(str(raw if raw is not None else "")).strip()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValidationError(
        _("Giá trị “%(value)s” phải là Có hoặc Không."), code="yes_no", params={"value": str(raw)[:20]}
    )


_POVERTY_WORDS = {
    "ngheo": Poverty.POOR,
    "honngheo": Poverty.POOR,
    "hongheo": Poverty.POOR,
    "poor": Poverty.POOR,
    "canngheo": Poverty.NEAR_POOR,
    "hocanngheo": Poverty.NEAR_POOR,
    "nearpoor": Poverty.NEAR_POOR,
    "khokhan": Poverty.DISADVANTAGED,
    "hokhokhan": Poverty.DISADVANTAGED,
    "hokhokhankhac": Poverty.DISADVANTAGED,
    "khokhankhac": Poverty.DISADVANTAGED,
    "disadvantaged": Poverty.DISADVANTAGED,
    "": Poverty.NONE,
    "khong": Poverty.NONE,
    "khongthuocdien": Poverty.NONE,
    "none": Poverty.NONE,
}


def normalize_poverty(raw: Any) -> str:
    from langso.core.text import fold_compact

    key = fold_compact(str(raw or ""))
    if key in _POVERTY_WORDS:
        return _POVERTY_WORDS[key]
    if raw in Poverty.values:
        return str(raw)
    raise ValidationError(
        _(
            "Phân loại hộ “%(value)s” không hợp lệ: ghi Hộ nghèo, Hộ cận nghèo, Hộ khó khăn khác hoặc để trống."
        ),
        code="poverty_invalid",
        params={"value": str(raw)[:30]},
    )


def normalize_poverty_year(raw: Any, poverty: str) -> int | None:
    if raw in (None, ""):
        if poverty in (Poverty.POOR, Poverty.NEAR_POOR):
            raise ValidationError(
                _("Hộ nghèo và cận nghèo phải ghi năm rà soát."), code="poverty_year_required"
            )
        return None
    try:
        year = int(float(str(raw).strip()))
    except (ValueError, OverflowError) as exc:  # "abc", "nan"; "inf" and "1e400" overflow
        raise ValidationError(_("Năm rà soát phải là một năm, ví dụ 2025."), code="year_format") from exc
    this_year = today().year
    if not 2000 <= year <= this_year:
        raise ValidationError(
            _("Năm rà soát %(year)s không hợp lệ (từ 2000 đến %(max)s)."),
            code="year_range",
            params={"year": year, "max": this_year},
        )
    return year


def check_cccd_against_person(cccd: str | None, *, sex: str | None, birth_year: int | None) -> None:
    if cccd:
        check_cccd_consistency(cccd, sex=sex, birth_year=birth_year)
