"""The dry run: every row checked against the rules and the commune's registry; writes nothing."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from langso.core.text import clean_text, fold, fold_compact, vietnamese_sort_key
from langso.places.models import Commune, Coverage, Village, VillageKind
from langso.places.naming import VillageIndex
from langso.places.services import same_village_message
from langso.registry import rules
from langso.registry.imports import changes
from langso.registry.imports.changes import Change
from langso.registry.imports.columns import _BITS
from langso.registry.imports.mapping import Table, parse_table
from langso.registry.imports.reading import Problem, _Formula, _is_blank, _shown
from langso.registry.imports.spool import CheckedRow, SpooledRows
from langso.registry.models import (
    Household,
    ImportKind,
    Poverty,
)
from langso.registry.services import clean_household_input, clean_resident_input

MAX_CELL = 500  # characters; a longer cell is reported (notes may hold up to MAX_NOTES)
MAX_NOTES = 2_000


@dataclass
class CheckResult:
    total: int
    valid: list[CheckedRow]  # a residents' dry run's are a SpooledRows (read from a file, not held)
    problems: list[Problem]
    # Residents' files: households not in the registry yet, by code, made from their rows.
    new_households: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Records already in the registry that the file changes, field by field (the dry run shows them).
    changes: list[Change] = field(default_factory=list)
    layout: dict[str, Any] = field(default_factory=dict)  # her header row and how it was mapped

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
    registry = _Villages(commune)
    # The file's own names, so "Bản Cáu" on one row and "Thôn Bản Cáu" on another are one village.
    seen: VillageIndex[tuple[str, int]] = VillageIndex([], name_of=lambda item: item[0])
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
        elif (earlier := seen.match(name)).candidates:
            problems.append(
                Problem(
                    row,
                    table.header("name"),
                    name,
                    _("Thôn này đã có ở dòng %(row)s của tệp.") % {"row": earlier.candidates[0][1]},
                )
            )
        else:
            # The same village written the same way ("Thôn 03" for "Thôn 3") is updated; the same
            # name with another kind word or none ("Bản Cáu" for "Thôn Bản Cáu") would be a duplicate.
            found = registry.index.match(name)
            if found.exact and found.village is not None:
                data["village_id"] = found.village.pk
            elif found.candidates:
                problems.append(
                    Problem(
                        row,
                        table.header("name"),
                        name,
                        same_village_message(name, " / ".join(v.name for v in found.candidates)),
                    )
                )
        data.setdefault("village_id", None)
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
            if checked_on and checked_on > rules.today():
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
        _one_per_cell(problems, before)
        if len(problems) == before:
            seen.add((name, row))
            valid.append(CheckedRow(row, data, fold(name)))
    result = CheckResult(len(table.rows), valid, problems)
    result.changes = _village_changes(registry, valid)
    return result


def _village_changes(registry: _Villages, rows: list[CheckedRow]) -> list[Change]:
    """The villages of a villages file already in the registry that it changes, field by field."""
    by_id = {v.pk: v for v in registry.index.villages()}
    out: list[Change] = []
    for checked in rows:
        village = by_id.get(checked.data["village_id"])
        if village is None:
            continue
        changed = changes.diff(village, changes.village_values(checked.data, checked.data["given"]))
        if changed:
            out.append(Change(checked.row, "village", village.name, changes.describe(changed)))
    return out


def _one_per_cell(problems: list[Problem], before: int) -> None:
    """Keep the first problem of each cell of the row: a formula cell, once reported, is not also
    "empty" or "not a date" — one clear message per bad cell."""
    seen: set[str] = set()
    kept = []
    for problem in problems[before:]:
        if problem.note or problem.column not in seen:
            kept.append(problem)
            seen.add(problem.column)
    problems[before:] = kept


def _village_lookup(commune: Commune) -> dict[str, Village]:
    return {v.name_folded: v for v in Village.objects.filter(commune=commune)}


class _Villages:
    """The commune's villages, found by any way of writing their names (`places.naming`)."""

    def __init__(self, commune: Commune) -> None:
        self.index: VillageIndex[Village] = VillageIndex(
            Village.objects.filter(commune=commune), name_of=lambda village: village.name
        )
        self._found: dict[str, tuple[Village | None, str]] = {}

    def find(self, written: Any) -> tuple[Village | None, str]:
        """The village a cell means, or None and why: not a village of the commune, or more than one."""
        key = str(written or "")
        if key not in self._found:
            name = clean_text(key)
            found = self.index.match(name)
            if found.village is not None:
                self._found[key] = (found.village, "")
            elif found.ambiguous:
                names = sorted(v.name for v in found.candidates)
                self._found[key] = (
                    None,
                    _("“%(name)s” có thể là %(villages)s: hãy ghi đúng tên thôn.")
                    % {"name": name, "villages": ", ".join(f"“{n}”" for n in names)},
                )
            else:
                self._found[key] = (None, _unknown_village_reason(name))
        return self._found[key]


def _unknown_village_reason(name: str) -> str:
    return (
        _("Xã chưa có thôn này. Hãy thêm thôn trước, hoặc sửa tên cho đúng.")
        if name
        else _("Thôn không được để trống.")
    )


def _unknown_village(table: Table, row: int, column: str, name: str, reason: str = "") -> Problem:
    return Problem(row, table.header(column), _shown(name), reason or _unknown_village_reason(name))


def check_households(table: Table, commune: Commune) -> CheckResult:
    problems = list(table.problems)
    valid: list[CheckedRow] = []
    villages = _Villages(commune)
    seen: dict[str | None, int] = {}
    for row, raw in table.rows:
        before = len(problems)
        raw = _pre_check(table, raw, row, problems)
        try:
            data = clean_household_input(raw)
        except ValidationError as error:
            problems.extend(_field_problems(table, error, raw, row, {}))
            data = {}
        village, reason = villages.find(raw.get("village"))
        if village is None:
            problems.append(
                _unknown_village(table, row, "village", clean_text(str(raw.get("village") or "")), reason)
            )
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
        _one_per_cell(problems, before)
        if len(problems) == before and village is not None:
            seen[code] = row
            data["village_id"] = village.pk
            data["given"] = _given(table, raw)
            valid.append(CheckedRow(row, data, code))
    result = CheckResult(len(table.rows), valid, problems)
    result.changes = _household_changes(commune, valid, villages)
    return result


def _household_changes(commune: Commune, rows: list[CheckedRow], villages: _Villages) -> list[Change]:
    """The households of a households file already in the registry that it changes, field by field."""
    names = {v.pk: v.name for v in villages.index.villages()}
    out: list[Change] = []
    for part in _chunks([r.data["code"] for r in rows]):
        existing = {h.code: h for h in Household.objects.filter(commune=commune, code__in=part)}
        for checked in rows:
            household = existing.get(checked.data["code"])
            if household is None:
                continue
            changed = changes.diff(
                household, changes.household_values(household, checked.data, checked.data["given"])
            )
            if changed:
                out.append(
                    Change(
                        checked.row,
                        "household",
                        _("Hộ %(code)s") % {"code": household.code},
                        changes.describe(changed, names),
                    )
                )
    return out


def _chunks(items: list[Any], size: int = 900) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_RESIDENT_FIELDS = ("full_name", "birth_date", "birth_year", "sex", "ethnic_group", "cccd", "phone")
_FLAG_FIELDS = ("has_disability", "owns_smartphone", "is_head")
_PERSON_KEYS = (*_RESIDENT_FIELDS, *_FLAG_FIELDS, "notes")
# A commune's people share a few thousand full names: each is folded and keyed once.
_name_fold = functools.lru_cache(maxsize=1 << 16)(fold)
_name_sort_key = functools.lru_cache(maxsize=1 << 16)(vietnamese_sort_key)
_HOUSEHOLD_COLUMNS = changes.HOUSEHOLD_COLUMNS


def _household_columns(
    table: Table, raw: dict[str, Any], row: int, code: str, year_elsewhere: Any
) -> tuple[dict[str, Any], list[Problem]]:
    """The household columns a residents row gives (Địa chỉ, Phân loại hộ, Năm rà soát), checked.

    A poor or near-poor household needs its review year, but it may stand on another row of the same
    household, or in the registry already (`year_elsewhere`): members' rows often repeat only the class.
    """
    given = {key for key in _HOUSEHOLD_COLUMNS if key in table.columns and not _is_blank(raw.get(key))}
    if not given:
        return {}, []
    values = {key: raw.get(key) for key in _HOUSEHOLD_COLUMNS}
    if "poverty_year" not in given and year_elsewhere not in (None, ""):
        values["poverty_year"] = year_elsewhere
    try:
        household = clean_household_input({"code": code, **values})
    except ValidationError as error:
        return {}, _field_problems(table, error, raw, row, {"code": "household_code"})
    if "poverty" in given and household["poverty_year"] is not None:
        given.add("poverty_year")
    return {key: household[key] for key in _HOUSEHOLD_COLUMNS if key in given}, []


def _new_household(
    table: Table, raw: dict[str, Any], row: int, code: str, villages: _Villages
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A household that does not exist yet, in the row's Thôn (its other columns come later)."""
    village, reason = villages.find(raw.get("village"))
    if village is None:
        village_name = clean_text(str(raw.get("village") or ""))
        if not village_name:
            reason = _("Xã chưa có hộ mang mã này. Để tạo hộ mới, hãy ghi cột Thôn đúng tên một thôn của xã.")
            return None, [Problem(row, table.header("household_code"), code, reason)]
        return None, [_unknown_village(table, row, "village", village_name, reason)]
    return {"village_id": village.pk, "address": "", "poverty": Poverty.NONE, "poverty_year": None}, []


@dataclass
class _HouseholdInFile:
    """What a residents file says about one household: its rows, its head's row, its columns."""

    first_row: int
    head_row: int | None = None  # a valid row marking the head
    refused_head_row: int | None = None  # a refused row marking the head
    columns: dict[str, Any] = field(
        default_factory=dict
    )  # the head's row's, else the first row's giving each
    sources: dict[str, int] = field(default_factory=dict)  # the row each column comes from
    head_keys: set[str] = field(default_factory=set)
    columns_row: int | None = None  # the row that carries them when they change an existing household
    columns_from_head: bool = False
    differing_rows: list[int] = field(default_factory=list)  # rows whose household columns say otherwise


def check_residents(table: Table, commune: Commune) -> CheckResult:  # noqa: C901 - one rule after another
    problems = list(table.problems)
    # The valid rows go to a file as they pass; the checks after the rows use this index of them
    # (row, household code, CCCD) and read the rows back only for the people already in the registry.
    valid = SpooledRows()
    index: list[tuple[int, str, str | None]] = []
    villages = _Villages(commune)
    existing_households = {
        code: (pk, village_id, head_id, poverty_year)
        for code, pk, village_id, head_id, poverty_year in Household.objects.filter(
            commune=commune
        ).values_list("code", "pk", "village_id", "head_id", "poverty_year")
    }
    # A household's review year from any of its rows (members' rows often give only the class), and
    # the rows that gave a poor or near-poor class with no year yet: refused at the end unless a later
    # row of the household gives the year (the rows are read once, as they stream).
    years: dict[str, Any] = {}
    yearless: dict[int, tuple[str, Problem]] = {}
    cccd_rows: dict[str, int] = {}
    key_rows: dict[tuple[str, str, int | None], tuple[int, str | None]] = {}
    head_rows: dict[str, int] = {}
    new_households: dict[str, dict[str, Any]] = {}
    in_file: dict[str, _HouseholdInFile] = {}
    recased: list[tuple[int, str, str]] = []  # rows whose name was typed in one case
    notes: list[Problem] = []
    yes_no: dict[Any, bool | str] = {}  # the few spellings of yes and no, each checked once

    def flag_value(value: Any) -> bool | str:
        key = value if value is None or isinstance(value, str | bool) else str(value)
        if key not in yes_no:
            try:
                yes_no[key] = rules.normalize_yes_no(value)
            except ValidationError as error:
                yes_no[key] = error.messages[0]
        return yes_no[key]

    texts: dict[Any, str] = {}  # household codes and village names repeat: each cleaned once
    # A household's members repeat its columns (Phân loại hộ…): each household's are checked once.
    household_keys = [key for key in _HOUSEHOLD_COLUMNS if key in table.columns]
    household_memo: dict[tuple[Any, ...], dict[str, Any]] = {}

    def household_columns_of(
        raw: dict[str, Any], row: int, code: str, year: Any
    ) -> tuple[dict[str, Any], list[Problem]]:
        if not household_keys:
            return {}, []
        key = (code, year, *[raw.get(k) for k in household_keys])
        known = household_memo.get(key)
        if known is not None:
            return dict(known), []
        columns, found = _household_columns(table, raw, row, code, year)
        if not found:
            household_memo[key] = columns
        return dict(columns), found

    def text_of(value: Any) -> str:
        try:
            return texts[value]
        except KeyError:
            texts[value] = cleaned = clean_text(str(value or ""))
            return cleaned

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
            data = clean_resident_input(
                {**{k: raw.get(k) for k in _RESIDENT_FIELDS}, "notes": raw.get("notes"), **flags}
            )
        except ValidationError as error:
            problems.extend(_field_problems(table, error, raw, row, {}))
        code = text_of(raw.get("household_code"))
        household_village = None
        household_columns: dict[str, Any] = {}
        if not code:
            problems.append(Problem(row, table.header("household_code"), "", _("Mã hộ không được để trống.")))
        elif len(code) > 30:
            problems.append(
                Problem(row, table.header("household_code"), _shown(code), _("Mã hộ dài quá 30 ký tự."))
            )
        else:
            if "poverty_year" in table.columns and not _is_blank(raw.get("poverty_year")):
                years.setdefault(code, raw.get("poverty_year"))
            year = years.get(code)
            if year is None and code in existing_households:
                year = existing_households[code][3]
            household_columns, found = household_columns_of(raw, row, code, year)
            if found:
                provisional, again = _household_columns(table, raw, row, code, rules.today().year)
                if again:
                    problems.extend(found)
                else:  # only the year is missing: it may come on a later row of the household
                    yearless[row] = (code, found[0])
                    household_columns = {k: v for k, v in provisional.items() if k != "poverty_year"}
            if code in existing_households:
                household_village = existing_households[code][1]
            elif code in new_households:
                household_village = new_households[code]["village_id"]
            else:
                spec, found = _new_household(table, raw, row, code, villages)
                problems.extend(found)
                if spec is not None:
                    new_households[code] = spec
                    household_village = spec["village_id"]
        row_village = text_of(raw.get("village"))
        if household_village is not None and row_village:
            village, reason = villages.find(raw.get("village"))
            if village is None:
                problems.append(_unknown_village(table, row, "village", row_village, reason))
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
        _one_per_cell(problems, before)
        if len(problems) > before:
            if code and flags.get("is_head"):
                in_file.setdefault(code, _HouseholdInFile(row)).refused_head_row = row
            continue
        if cccd:
            cccd_rows[cccd] = row
        key_rows.setdefault(person_key, (row, cccd))
        household = in_file.setdefault(code, _HouseholdInFile(row))
        if data["is_head"]:
            head_rows[code] = row
            household.head_row = row
        if household_columns:
            _household_columns_from(household, household_columns, row, bool(data["is_head"]))
        written = raw.get("full_name")
        if (
            isinstance(written, str)
            and written != data["full_name"]
            and clean_text(rules.split_name_note(written)[0]) != data["full_name"]
        ):
            recased.append((row, clean_text(written), data["full_name"]))
        name_note = rules.split_name_note(written)[1]
        if name_note:
            notes.append(
                Problem(
                    row,
                    table.header("full_name"),
                    _shown(written),
                    _("Ghi chú “%(note)s” được tách khỏi họ tên và lưu vào ghi chú của người này.")
                    % {"note": clean_text(name_note)},
                    note=True,
                )
            )
        data["household_code"] = code
        data["household_fields"] = {}
        data["given"] = _given(table, raw)
        valid.append(CheckedRow(row, data))
        index.append((row, code, cccd))
    dropped = _refuse_yearless(index, problems, yearless, years, in_file)
    # A CCCD held by someone in another commune: refused without saying where.
    elsewhere = _cccd_elsewhere([c for r, _code, c in index if c and r not in dropped], commune.code)
    if elsewhere:
        header = table.header("cccd")
        for row, _code, cccd in index:
            if cccd in elsewhere and row not in dropped:
                problems.append(_elsewhere_problem(header, CheckedRow(row, {"cccd": cccd})))
                dropped.add(row)
    if dropped:
        valid.drop(dropped)
        index = [item for item in index if item[0] not in dropped]
    # The households to make, whichever of their rows is written first (in whichever chunk).
    first_rows: dict[str, int] = {}
    for row, code, _cccd in index:
        first_rows.setdefault(code, row)
    new = {code: spec for code, spec in new_households.items() if code in first_rows}
    for code, spec in new.items():
        spec.update(in_file[code].columns)
    result = CheckResult(len(table.rows), valid, problems, new)  # type: ignore[arg-type]  # rows in a file
    if any(code in existing_households for code in first_rows):
        result.changes = _resident_changes(table, commune, valid, existing_households, in_file, villages)
    notes.extend(_household_notes(table, first_rows, existing_households, new, in_file))
    if recased:
        notes.append(_recased_note(table, recased))
    result.problems.extend(notes)
    return result


def _refuse_yearless(
    index: list[tuple[int, str, str | None]],
    problems: list[Problem],
    yearless: dict[int, tuple[str, Problem]],
    years: dict[str, Any],
    in_file: dict[str, _HouseholdInFile],
) -> set[int]:
    """Refuse the rows that gave a poor or near-poor class when no row of the household gave its year;
    returns the valid rows refused."""
    refused = {row: problem for row, (code, problem) in yearless.items() if code not in years}
    if not refused:
        return set()
    problems.extend(refused.values())
    dropped = set()
    for row, code, _cccd in index:
        if row not in refused:
            continue
        dropped.add(row)
        household = in_file[code]
        if household.head_row == row:
            household.head_row, household.refused_head_row = None, row
        for key in [k for k, source in household.sources.items() if source == row]:
            del household.columns[key], household.sources[key]
    return dropped


def _household_columns_from(
    household: _HouseholdInFile, columns: dict[str, Any], row: int, head: bool
) -> None:
    """Gather a household's columns from its rows: the head's row decides, other rows fill what it
    leaves empty; rows that say otherwise are noted."""
    if household.columns_row is None or (head and not household.columns_from_head):
        household.columns_row, household.columns_from_head = row, head
    for key, value in columns.items():
        if key not in household.columns or (head and key not in household.head_keys):
            if key in household.columns and household.columns[key] != value:
                household.differing_rows.append(household.sources[key])
            household.columns[key], household.sources[key] = value, row
            if head:
                household.head_keys.add(key)
        elif household.columns[key] != value:
            household.differing_rows.append(row)


def _resident_changes(
    table: Table,
    commune: Commune,
    rows: SpooledRows,
    existing_households: dict[str, tuple[Any, Any, Any, Any]],
    in_file: dict[str, _HouseholdInFile],
    villages: _Villages,
) -> list[Change]:
    """Every person and household already in the registry that the file changes, field by field.

    Matches people as the writer does (`changes.PeopleInRegistry`) and computes the same values
    (`changes.resident_values`). The household columns of a row (Địa chỉ, Phân loại hộ, Năm rà soát)
    change an existing household: the row that carries them gets them in `household_fields`.
    """
    out: list[Change] = []
    codes = {pk: code for code, (pk, *_rest) in existing_households.items()}
    touched: dict[Any, None] = {}  # the households in the registry the file names, in order
    numbers, kept = [], set()
    for r in rows:  # one pass over the spooled rows for what the matching needs
        if r.data.get("cccd"):
            numbers.append(r.data["cccd"])
        if r.data["household_code"] in existing_households:
            touched[existing_households[r.data["household_code"]][0]] = None
            kept.add(r.row)
    if not touched:
        return out
    people = changes.PeopleInRegistry(numbers, list(touched), _chunks)
    # Households of other people a CCCD matches (a person moving between households) are named too.
    missing = {r.household_id for r in people.by_cccd.values()} - set(codes)
    if missing:
        codes.update(dict(Household.objects.filter(pk__in=missing).values_list("pk", "code")))
    used: set[Any] = set()
    for checked in rows:
        code = checked.data["household_code"]
        if code not in existing_households:
            continue
        household_id = existing_households[code][0]
        data = {k: checked.data[k] for k in _PERSON_KEYS}
        data["household_id"] = household_id
        resident = people.match(data["cccd"], household_id, _name_fold(data["full_name"]), data["birth_year"])
        if resident is None or resident.pk in used or resident.commune_id != commune.code:
            continue
        used.add(resident.pk)
        changed = changes.diff(resident, changes.resident_values(data, checked.data["given"], resident))
        if changed:
            out.append(Change(checked.row, "resident", resident.full_name, changes.describe(changed, codes)))
    # Household columns on households already in the registry: applied, and shown.
    wanted = [code for code in in_file if code in existing_households and in_file[code].columns]
    for part in _chunks(wanted):
        for household in Household.objects.filter(commune=commune, code__in=part):
            source = in_file[household.code]
            values = changes.household_column_values(source.columns)
            changed = changes.diff(household, values)
            if changed and source.columns_row in kept:
                rows.patch(source.columns_row, "household_fields", values)
                out.append(
                    Change(
                        source.columns_row,
                        "household",
                        _("Hộ %(code)s") % {"code": household.code},
                        changes.describe(changed),
                    )
                )
    return out


def _household_notes(
    table: Table,
    first_rows: dict[str, int],
    existing_households: dict[str, tuple[Any, Any, Any, Any]],
    new: dict[str, dict[str, Any]],
    in_file: dict[str, _HouseholdInFile],
) -> list[Problem]:
    """Warnings about households: one left without a head, one made by a member's row while its
    head's row is refused, rows of one household whose household columns disagree. `first_rows`: each
    household's first valid row."""
    out: list[Problem] = []
    first_valid = {code: CheckedRow(row, {}) for code, row in first_rows.items()}
    header = table.header("household_code")
    if "is_head" not in table.columns:
        # No column says who the heads are: one note for the file rather than one per household.
        headless = [
            code
            for code in first_valid
            if not (code in existing_households and existing_households[code][2] is not None)
        ]
        if headless:
            out.append(
                Problem(
                    first_valid[headless[0]].row,
                    table.header("is_head"),
                    "",
                    ngettext(
                        "Tệp không có cột Là chủ hộ: %(n)s hộ sẽ chưa có chủ hộ.",
                        "Tệp không có cột Là chủ hộ: %(n)s hộ sẽ chưa có chủ hộ.",
                        len(headless),
                    )
                    % {"n": len(headless)},
                    note=True,
                )
            )
    for code, checked in first_valid.items() if "is_head" in table.columns else ():
        household = in_file[code]
        if household.head_row is not None:
            continue
        has_head = code in existing_households and existing_households[code][2] is not None
        if has_head:
            continue
        if household.refused_head_row is not None:
            reason = (
                _(
                    "Hộ %(code)s sẽ được tạo từ dòng này trong khi dòng của chủ hộ (dòng %(row)s) có lỗi: "
                    "hộ sẽ chưa có chủ hộ. Hãy sửa dòng %(row)s rồi nhập lại."
                )
                if code in new
                else _(
                    "Dòng của chủ hộ %(code)s (dòng %(row)s) có lỗi: hộ vẫn chưa có chủ hộ. Hãy sửa dòng %(row)s rồi nhập lại."
                )
            ) % {"code": code, "row": household.refused_head_row}
        elif code in new:
            reason = _("Hộ %(code)s sẽ được tạo mà không có ai được ghi là chủ hộ (cột Là chủ hộ).") % {
                "code": code
            }
        else:
            reason = _("Hộ %(code)s chưa có chủ hộ, và tệp không ghi ai là chủ hộ.") % {"code": code}
        out.append(Problem(checked.row, header, code, reason, note=True))
    for code, household in in_file.items():
        if household.differing_rows and code in first_valid:
            out.append(
                Problem(
                    household.columns_row or first_valid[code].row,
                    table.header("poverty") if "poverty" in table.columns else header,
                    code,
                    _(
                        "Các dòng của hộ %(code)s ghi thông tin hộ (địa chỉ, phân loại hộ, năm rà soát) khác nhau "
                        "(dòng %(rows)s): dùng thông tin ở dòng này."
                    )
                    % {
                        "code": code,
                        "rows": ", ".join(str(r) for r in sorted(set(household.differing_rows))),
                    },
                    note=True,
                )
            )
    return out


def _recased_note(table: Table, recased: list[tuple[int, str, str]]) -> Problem:
    row, written, stored = recased[0]
    return Problem(
        row,
        table.header("full_name"),
        _shown(written),
        ngettext(
            "%(n)s họ tên viết toàn chữ hoa hoặc toàn chữ thường được ghi lại với chữ đầu mỗi tiếng viết hoa, "
            "ví dụ “%(written)s” thành “%(stored)s”.",
            "%(n)s họ tên viết toàn chữ hoa hoặc toàn chữ thường được ghi lại với chữ đầu mỗi tiếng viết hoa, "
            "ví dụ “%(written)s” thành “%(stored)s”.",
            len(recased),
        )
        % {"n": len(recased), "written": written, "stored": stored},
        note=True,
    )


def _cccd_elsewhere(numbers: list[str], commune_code: int) -> set[str]:
    return changes.cccds_in_registry(numbers, outside_commune=commune_code)


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
    layout: dict[str, Any] | None = None,
    remembered: Callable[[str], list[str] | None] | None = None,
) -> CheckResult:
    """Read and check a whole file. Writes nothing. FileRefused, or MappingNeeded when the officer
    must say which of her columns holds what."""
    table = parse_table(kind, data, filename, on_progress=on_progress, layout=layout, remembered=remembered)
    header_notes = len(table.problems)
    with rules.one_day():  # every row checked as of the day the check started
        result = CHECKERS[kind](table, commune)
    result.problems.extend(table.problems[header_notes:])  # notes met while reading the rows
    result.layout = table.layout
    return result
