"""The dry run: every row checked against the rules and the commune's registry; writes nothing."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.core.text import clean_text, fold, fold_compact, vietnamese_sort_key
from langso.places.models import Commune, Coverage, Village, VillageKind
from langso.registry import rules
from langso.registry.imports.columns import _BITS
from langso.registry.imports.mapping import Table, parse_table
from langso.registry.imports.reading import Problem, _Formula, _is_blank, _shown
from langso.registry.models import (
    Household,
    ImportKind,
    Resident,
)
from langso.registry.services import clean_household_input, clean_resident_input

MAX_CELL = 500  # characters; a longer cell is reported (notes may hold up to MAX_NOTES)
MAX_NOTES = 2_000


@dataclass
class CheckedRow:
    row: int
    data: dict[str, Any]
    key: Any = None


@dataclass
class CheckResult:
    total: int
    valid: list[CheckedRow]
    problems: list[Problem]
    # Residents' files: households not in the registry yet, by code, made from their rows.
    new_households: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems if not p.note}


_COVERAGE_WORDS = {
    "co": Coverage.YES,
    "yes": Coverage.YES,
    "x": Coverage.YES,
    "day": Coverage.YES,
    "daydu": Coverage.YES,
    "motphan": Coverage.PARTIAL,
    "partial": Coverage.PARTIAL,
    "khong": Coverage.NO,
    "no": Coverage.NO,
    "": Coverage.UNKNOWN,
    "chuaro": Coverage.UNKNOWN,
}
_KIND_WORDS = {fold_compact(str(label)): value for value, label in VillageKind.choices}


# Error values a spreadsheet shows for a broken formula.
_EXCEL_ERRORS = frozenset(
    {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"}
)


def _pre_check(table: Table, raw: dict[str, Any], row: int, problems: list[Problem]) -> dict[str, Any]:
    """Cell-level checks common to every kind: merged cells, formulas and oversized cells."""
    if row in table.merged:
        header, label = table.merged[row]
        problems.append(
            Problem(
                row,
                header,
                label,
                _("Ô gộp (%(range)s): hãy bỏ gộp ô và ghi giá trị vào từng dòng.") % {"range": label},
            )
        )
    for value in raw.values():
        if (
            value is not None
            and isinstance(value, str)
            and (value[:1] == "=" or value[:1] == "#" or len(value) > MAX_CELL)
        ):
            break
    else:
        return raw  # the usual row: nothing to clean
    cleaned = {}
    for key, value in raw.items():
        if isinstance(value, _Formula) or (isinstance(value, str) and value.startswith("=")):
            problems.append(
                Problem(
                    row,
                    table.header(key),
                    _shown(value),
                    _("Ô chứa công thức. Hãy sao chép và dán dạng giá trị (Paste Values)."),
                )
            )
            value = None
        elif isinstance(value, str) and value.strip().upper() in _EXCEL_ERRORS:
            # What a broken formula left behind (pasted as values, or saved to CSV): not a name or a year.
            problems.append(
                Problem(
                    row,
                    table.header(key),
                    _shown(value),
                    _(
                        "Ô này có lỗi của Excel (%(error)s) thay cho dữ liệu: hãy sửa ô này trong tệp rồi tải tệp lên lại."
                    )
                    % {"error": value.strip()},
                )
            )
            value = None
        elif isinstance(value, str) and len(value) > (MAX_NOTES if key == "notes" else MAX_CELL):
            problems.append(
                Problem(
                    row,
                    table.header(key),
                    _shown(value),
                    _("Ô quá dài (hơn %(max)s ký tự).") % {"max": MAX_NOTES if key == "notes" else MAX_CELL},
                )
            )
            value = None
        cleaned[key] = value
    return cleaned


def _given(table: Table, raw: dict[str, Any]) -> int:
    bits = _BITS[table.kind]
    mask = 0
    for key, value in raw.items():
        if value is not None and (value.__class__ is not str or value.strip()):
            mask |= bits[key]
    return mask


def _field_problems(
    table: Table, error: ValidationError, raw: dict[str, Any], row: int, field_to_column: dict[str, str]
) -> list[Problem]:
    out = []
    for field_name, messages in error.message_dict.items():
        column = field_to_column.get(field_name, field_name)
        if field_name == "birth_date" and _is_blank(raw.get("birth_date")) and "birth_year" in table.columns:
            column = "birth_year"  # only the year was given: point at it
        for message in messages:
            out.append(Problem(row, table.header(column), _shown(raw.get(column)), message))
    return out


def check_villages(table: Table, commune: Commune) -> CheckResult:
    problems = list(table.problems)
    valid: list[CheckedRow] = []
    seen: dict[str, int] = {}
    for row, raw in table.rows:
        before = len(problems)
        raw = _pre_check(table, raw, row, problems)
        name = clean_text(str(raw.get("name") or ""))
        data: dict[str, Any] = {"name": name, "given": _given(table, raw)}
        if not name:
            problems.append(Problem(row, table.header("name"), "", _("Tên thôn không được để trống.")))
        elif len(name) > 100:
            problems.append(
                Problem(row, table.header("name"), _shown(name), _("Tên thôn dài quá 100 ký tự."))
            )
        elif fold(name) in seen:
            problems.append(
                Problem(
                    row,
                    table.header("name"),
                    name,
                    _("Thôn này đã có ở dòng %(row)s của tệp.") % {"row": seen[fold(name)]},
                )
            )
        kind = fold_compact(str(raw.get("kind") or "thon"))
        data["kind"] = _KIND_WORDS.get(kind)
        if data["kind"] is None:
            problems.append(
                Problem(
                    row,
                    table.header("kind"),
                    _shown(raw.get("kind")),
                    _("Loại phải là Thôn, Bản, Buôn, Ấp, Tổ dân phố, Khu phố hoặc Khác."),
                )
            )
        for key in ("broadband", "mobile_4g", "mobile_5g"):
            value = _COVERAGE_WORDS.get(fold_compact(str(raw.get(key) or "")))
            if value is None:
                problems.append(
                    Problem(
                        row,
                        table.header(key),
                        _shown(raw.get(key)),
                        _("Ghi Có, Một phần, Không hoặc để trống."),
                    )
                )
            data[key] = value
        try:
            checked_on = rules.parse_date_vn(raw.get("coverage_checked_on"))
            if checked_on and checked_on > timezone.localdate():
                raise ValidationError(_("Ngày kiểm tra không được sau ngày hôm nay."))
            data["coverage_checked_on"] = checked_on
        except ValidationError as error:
            problems.append(
                Problem(
                    row,
                    table.header("coverage_checked_on"),
                    _shown(raw.get("coverage_checked_on")),
                    error.messages[0],
                )
            )
        if len(problems) == before:
            seen[fold(name)] = row
            valid.append(CheckedRow(row, data, fold(name)))
    return CheckResult(len(table.rows), valid, problems)


def _village_lookup(commune: Commune) -> dict[str, Village]:
    return {v.name_folded: v for v in Village.objects.filter(commune=commune)}


def _unknown_village(table: Table, row: int, column: str, name: str) -> Problem:
    return Problem(
        row,
        table.header(column),
        _shown(name),
        _("Xã chưa có thôn này. Hãy thêm thôn trước, hoặc sửa tên cho đúng.")
        if name
        else _("Thôn không được để trống."),
    )


def check_households(table: Table, commune: Commune) -> CheckResult:
    problems = list(table.problems)
    valid: list[CheckedRow] = []
    villages = _village_lookup(commune)
    seen: dict[str, int] = {}
    for row, raw in table.rows:
        before = len(problems)
        raw = _pre_check(table, raw, row, problems)
        try:
            data = clean_household_input(raw)
        except ValidationError as error:
            problems.extend(_field_problems(table, error, raw, row, {}))
            data = {}
        village_name = clean_text(str(raw.get("village") or ""))
        village = villages.get(fold(village_name))
        if village is None:
            problems.append(_unknown_village(table, row, "village", village_name))
        code = data.get("code")
        if code and code in seen:
            problems.append(
                Problem(
                    row,
                    table.header("code"),
                    code,
                    _("Mã hộ này đã có ở dòng %(row)s của tệp.") % {"row": seen[code]},
                )
            )
        if len(problems) == before and village is not None:
            seen[code] = row
            data["village_id"] = village.pk
            data["given"] = _given(table, raw)
            valid.append(CheckedRow(row, data, code))
    return CheckResult(len(table.rows), valid, problems)


_RESIDENT_FIELDS = ("full_name", "birth_date", "birth_year", "sex", "ethnic_group", "cccd", "phone")
_FLAG_FIELDS = ("has_disability", "owns_smartphone", "is_head")
_PERSON_KEYS = (*_RESIDENT_FIELDS, *_FLAG_FIELDS)
# A commune's people share a few thousand full names: each is folded and keyed once.
_name_fold = functools.lru_cache(maxsize=1 << 16)(fold)
_name_sort_key = functools.lru_cache(maxsize=1 << 16)(vietnamese_sort_key)


def _new_household(
    table: Table, raw: dict[str, Any], row: int, code: str, villages: dict[str, Village]
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A household that does not exist yet, made from the row's Thôn and household columns."""
    village_name = clean_text(str(raw.get("village") or ""))
    village = villages.get(fold(village_name))
    if village is None:
        if not village_name:
            reason = _("Xã chưa có hộ mang mã này. Để tạo hộ mới, hãy ghi cột Thôn đúng tên một thôn của xã.")
            return None, [Problem(row, table.header("household_code"), code, reason)]
        return None, [_unknown_village(table, row, "village", village_name)]
    try:
        household = clean_household_input(
            {
                "code": code,
                "address": raw.get("address"),
                "poverty": raw.get("poverty"),
                "poverty_year": raw.get("poverty_year"),
            }
        )
    except ValidationError as error:
        return None, _field_problems(table, error, raw, row, {"code": "household_code"})
    household.pop("code")
    household["village_id"] = village.pk
    return household, []


def check_residents(table: Table, commune: Commune) -> CheckResult:  # noqa: C901 - one rule after another
    problems = list(table.problems)
    valid: list[CheckedRow] = []
    villages = _village_lookup(commune)
    existing_households = dict(Household.objects.filter(commune=commune).values_list("code", "village_id"))
    cccd_rows: dict[str, int] = {}
    key_rows: dict[tuple[str, str, int | None], tuple[int, str | None]] = {}
    head_rows: dict[str, int] = {}
    new_households: dict[str, dict[str, Any]] = {}
    yes_no: dict[Any, bool | str] = {}  # the few spellings of yes and no, each checked once

    def flag_value(value: Any) -> bool | str:
        key = value if value is None or isinstance(value, str | bool) else str(value)
        if key not in yes_no:
            try:
                yes_no[key] = rules.normalize_yes_no(value)
            except ValidationError as error:
                yes_no[key] = error.messages[0]
        return yes_no[key]

    named: dict[str, tuple[str, Village | None]] = {}

    def village_named(value: Any) -> tuple[str, Village | None]:
        key = str(value or "")
        if key not in named:
            name = clean_text(key)
            named[key] = (name, villages.get(fold(name)))
        return named[key]

    for row, raw in table.rows:
        before = len(problems)
        raw = _pre_check(table, raw, row, problems)
        data: dict[str, Any] = {}
        flags: dict[str, bool] = {}
        for flag in _FLAG_FIELDS:
            value = flag_value(raw.get(flag))
            if isinstance(value, bool):
                flags[flag] = value
            else:
                problems.append(Problem(row, table.header(flag), _shown(raw.get(flag)), value))
        try:
            data = clean_resident_input({**{k: raw.get(k) for k in _RESIDENT_FIELDS}, **flags})
        except ValidationError as error:
            problems.extend(_field_problems(table, error, raw, row, {}))
        code = clean_text(str(raw.get("household_code") or ""))
        household_village = None
        if not code:
            problems.append(Problem(row, table.header("household_code"), "", _("Mã hộ không được để trống.")))
        elif len(code) > 30:
            problems.append(
                Problem(row, table.header("household_code"), _shown(code), _("Mã hộ dài quá 30 ký tự."))
            )
        elif code in existing_households:
            household_village = existing_households[code]
        elif code in new_households:
            household_village = new_households[code]["village_id"]
        else:
            spec, found = _new_household(table, raw, row, code, villages)
            problems.extend(found)
            if spec is not None:
                new_households[code] = spec
                household_village = spec["village_id"]
        row_village, village = village_named(raw.get("village"))
        if household_village is not None and row_village:
            if village is None:
                problems.append(_unknown_village(table, row, "village", row_village))
            elif village.pk != household_village:
                problems.append(
                    Problem(
                        row,
                        table.header("village"),
                        row_village,
                        _("Hộ %(code)s ở thôn khác trong sổ; sửa tên thôn hoặc mã hộ.") % {"code": code},
                    )
                )
        cccd = data.get("cccd")
        if cccd and cccd in cccd_rows:
            problems.append(
                Problem(
                    row,
                    table.header("cccd"),
                    cccd,
                    _("Số CCCD này đã có ở dòng %(row)s của tệp.") % {"row": cccd_rows[cccd]},
                )
            )
        person_key = (code, _name_fold(data.get("full_name") or ""), data.get("birth_year"))
        earlier = key_rows.get(person_key) if data and code else None
        # Two rows with the same household, name and birth year are one person, unless two
        # different CCCD numbers say otherwise.
        if earlier is not None and not (cccd and earlier[1] and cccd != earlier[1]):
            problems.append(
                Problem(
                    row,
                    table.header("full_name"),
                    data["full_name"],
                    _("Người này (cùng hộ, họ tên và năm sinh) đã có ở dòng %(row)s của tệp.")
                    % {"row": earlier[0]},
                )
            )
        if data.get("is_head") and code in head_rows:
            problems.append(
                Problem(
                    row,
                    table.header("is_head"),
                    _shown(raw.get("is_head")),
                    _("Hộ %(code)s đã có chủ hộ ở dòng %(row)s của tệp.")
                    % {"code": code, "row": head_rows[code]},
                )
            )
        if len(problems) > before:
            continue
        if cccd:
            cccd_rows[cccd] = row
        key_rows.setdefault(person_key, (row, cccd))
        if data["is_head"]:
            head_rows[code] = row
        data["household_code"] = code
        data["given"] = _given(table, raw)
        valid.append(CheckedRow(row, data, cccd or person_key))
    # A CCCD held by someone in another commune: refused without saying where.
    elsewhere = _cccd_elsewhere([r.data["cccd"] for r in valid if r.data.get("cccd")], commune.code)
    if elsewhere:
        kept = []
        for checked in valid:
            if checked.data.get("cccd") in elsewhere:
                problems.append(_elsewhere_problem(table.header("cccd"), checked))
            else:
                kept.append(checked)
        valid = kept
    # The households to make, whichever of their rows is written first (in whichever chunk).
    wanted = {r.data["household_code"] for r in valid}
    new = {code: spec for code, spec in new_households.items() if code in wanted}
    return CheckResult(len(table.rows), valid, problems, new)


def _cccd_elsewhere(numbers: list[str], commune_code: int) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(numbers), 900):
        taken |= set(
            Resident.objects.filter(cccd__in=numbers[start : start + 900])
            .exclude(commune_id=commune_code)
            .values_list("cccd", flat=True)
        )
    return taken


def _elsewhere_problem(header: str, checked: CheckedRow) -> Problem:
    return Problem(
        checked.row,
        header,
        checked.data["cccd"],
        _("Số CCCD này đã có trong sổ ở nơi khác. Liên hệ cán bộ xã nơi người đó đang ở."),
    )


CHECKERS: dict[str, Callable[[Table, Commune], CheckResult]] = {
    ImportKind.VILLAGES: check_villages,
    ImportKind.HOUSEHOLDS: check_households,
    ImportKind.RESIDENTS: check_residents,
}


def check_file(
    *,
    kind: str,
    commune: Commune,
    data: bytes,
    filename: str,
    on_progress: Callable[[int], None] | None = None,
) -> CheckResult:
    """Read and check a whole file. Writes nothing."""
    table = parse_table(kind, data, filename, on_progress=on_progress)
    return CHECKERS[kind](table, commune)


# --- writing -------------------------------------------------------------------------------------
