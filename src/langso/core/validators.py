"""Validators for Vietnamese identity data, with messages a commune officer understands."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Province codes that open a CCCD number (the 63 provinces of birth registration before 2025).
CCCD_PROVINCE_CODES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)


@dataclass(frozen=True)
class CccdFacts:
    province_code: str
    sex: str  # "male" | "female"
    birth_year: int


# Compiled once: parse_cccd runs twice for each person of an import.
_CCCD_SEPARATORS = re.compile(r"[\s.\-]")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
_TEN_DIGITS = re.compile(r"[0-9]{10}")


def parse_cccd(raw: str) -> CccdFacts:
    """Check the form of a CCCD number and read what it encodes."""
    if raw.__class__ is str and len(raw) == 12 and raw.isascii() and raw.isdigit():
        number = raw  # the usual case (an import checks each number twice): no pattern to run
    else:
        number = _CCCD_SEPARATORS.sub("", str(raw or ""))
        if not _TWELVE_DIGITS.fullmatch(number):  # not \d: it takes other scripts' digits too
            raise ValidationError(_("Số CCCD phải gồm đúng 12 chữ số."), code="cccd_format")
    return _cccd_facts(number[:6])


@functools.lru_cache(maxsize=4096)  # the facts are in the first six digits: a few thousand values
def _cccd_facts(head: str) -> CccdFacts:
    province = head[:3]
    if province not in CCCD_PROVINCE_CODES:
        raise ValidationError(
            _("Ba chữ số đầu của số CCCD (%(code)s) không phải mã tỉnh nơi đăng ký khai sinh."),
            code="cccd_province",
            params={"code": province},
        )
    century_sex = int(head[3])
    century = 1900 + (century_sex // 2) * 100
    sex = "male" if century_sex % 2 == 0 else "female"
    return CccdFacts(province_code=province, sex=sex, birth_year=century + int(head[4:6]))


def normalize_cccd(raw: str) -> str:
    number = raw if raw.__class__ is str and raw.isdigit() else _CCCD_SEPARATORS.sub("", str(raw or ""))
    parse_cccd(number)
    return number


def check_cccd_consistency(number: str, *, sex: str | None, birth_year: int | None) -> None:
    facts = parse_cccd(number)
    errors = []
    if sex and sex in {"male", "female"} and facts.sex != sex:
        errors.append(
            ValidationError(
                _("Chữ số thứ 4 của số CCCD cho biết giới tính %(cccd_sex)s, khác với giới tính đã nhập."),
                code="cccd_sex",
                params={"cccd_sex": _("nam") if facts.sex == "male" else _("nữ")},
            )
        )
    if birth_year and facts.birth_year != birth_year:
        errors.append(
            ValidationError(
                _("Số CCCD cho biết năm sinh %(cccd_year)s, khác với năm sinh đã nhập (%(year)s)."),
                code="cccd_birth_year",
                params={"cccd_year": facts.birth_year, "year": birth_year},
            )
        )
    if errors:
        raise ValidationError(errors)


def mask_cccd(number: str | None) -> str:
    if not number:
        return ""
    return "•" * (len(number) - 4) + number[-4:]


_MOBILE_PREFIXES = ("03", "05", "07", "08", "09")


def normalize_phone(raw: str | None) -> str:
    """Return a mobile number as 0xxxxxxxxx, accepting +84/84, spaces, dots, dashes and brackets."""
    if raw is None:
        return ""
    text = str(raw).strip()
    if not text:
        return ""
    digits = _PHONE_SEPARATORS.sub("", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif len(digits) == 9 and digits[0] in "35789":
        # Excel drops the leading zero of a number typed as a number.
        digits = "0" + digits
    if not _TEN_DIGITS.fullmatch(digits):  # not \d: it takes other scripts' digits too
        raise ValidationError(
            _("Số điện thoại di động phải có 10 chữ số, ví dụ 0912 345 678 hoặc +84 912 345 678."),
            code="phone_format",
        )
    if not digits.startswith(_MOBILE_PREFIXES):
        raise ValidationError(
            _("Số điện thoại di động phải bắt đầu bằng 03, 05, 07, 08 hoặc 09."), code="phone_prefix"
        )
    return digits
