"""Excel/CSV import of villages, households and residents into one commune.

The flow: `job_create` stores the upload; `job_check` reads every row and lists every problem (row,
column, value, reason in Vietnamese) without writing anything; the user then confirms with a mode —
the whole file only if it has no errors, or only the valid rows — and `job_write` applies it.
Matching keys make a re-import idempotent: villages by folded name in the commune, households by
their code in the commune, residents by CCCD, else by household + folded name + birth year.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from langso.core import audit
from langso.core.db import fast_bulk_insert
from langso.core.models import AuditAction, AuditEntry
from langso.core.text import clean_text, fold, fold_compact, place_sort_key, vietnamese_sort_key
from langso.places.models import Commune, Coverage, Village, VillageKind
from langso.registry import rules
from langso.registry.models import (
    Household,
    ImportJob,
    ImportKind,
    ImportMode,
    ImportStatus,
    Poverty,
    Resident,
)
from langso.registry.services import clean_household_input, clean_resident_input

MAX_ROWS = 200_000
MAX_CELL = 500
EMPTY_ROWS_TO_STOP = 1_000
MAX_STORED_PROBLEMS = 1_000
WRITE_CHUNK = 2_000


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # lazy Vietnamese header, as written in the template
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""

    def names(self) -> set[str]:
        return {fold_compact(str(self.header)), *(fold_compact(a) for a in self.aliases)}


COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.VILLAGES: (
        Column(
            "name",
            gettext_lazy("Tên thôn"),
            True,
            ("ten thon/ban", "thon", "ten", "thon/ban/to dan pho"),
            "Thôn Bản Cáu",
        ),
        Column("kind", gettext_lazy("Loại"), False, ("loai thon",), "Thôn"),
        Column("broadband", gettext_lazy("Cáp quang"), False, ("internet cap quang", "bang rong"), "Có"),
        Column("mobile_4g", gettext_lazy("4G"), False, ("song 4g",), "Một phần"),
        Column("mobile_5g", gettext_lazy("5G"), False, ("song 5g",), "Không"),
        Column(
            "coverage_checked_on",
            gettext_lazy("Ngày kiểm tra"),
            False,
            ("ngay kiem tra phu song",),
            "05/03/2026",
        ),
    ),
    ImportKind.HOUSEHOLDS: (
        Column("code", gettext_lazy("Mã hộ"), True, ("ma ho gia dinh", "so ho"), "01-001"),
        Column(
            "village",
            gettext_lazy("Thôn"),
            True,
            ("ten thon", "thon/ban", "thon/ban/to dan pho"),
            "Thôn Bản Cáu",
        ),
        Column("address", gettext_lazy("Địa chỉ"), False, ("dia chi ho",), "Xóm Trên"),
        Column(
            "poverty", gettext_lazy("Phân loại hộ"), False, ("ho ngheo/can ngheo", "phan loai"), "Hộ nghèo"
        ),
        Column("poverty_year", gettext_lazy("Năm rà soát"), False, ("nam ra soat ho ngheo",), "2025"),
        Column("notes", gettext_lazy("Ghi chú"), False, (), ""),
    ),
    ImportKind.RESIDENTS: (
        Column("household_code", gettext_lazy("Mã hộ"), True, ("ma ho gia dinh", "so ho"), "01-001"),
        Column(
            "full_name",
            gettext_lazy("Họ và tên"),
            True,
            ("ho ten", "ho va ten nguoi dan", "ten"),
            "Hoàng Văn Tuấn",
        ),
        Column("birth_date", gettext_lazy("Ngày sinh"), False, ("ngay thang nam sinh",), "05/03/1960"),
        Column("birth_year", gettext_lazy("Năm sinh"), False, (), ""),
        Column("sex", gettext_lazy("Giới tính"), True, ("gioi",), "Nam"),
        Column("ethnic_group", gettext_lazy("Dân tộc"), False, (), "Tày"),
        Column(
            "cccd",
            gettext_lazy("Số CCCD"),
            False,
            ("cccd", "so can cuoc", "can cuoc cong dan", "so dinh danh"),
            "019060001234",
        ),
        Column("phone", gettext_lazy("Số điện thoại"), False, ("dien thoai", "sdt", "so dt"), "0912345678"),
        Column("has_disability", gettext_lazy("Khuyết tật"), False, (), "Không"),
        Column(
            "owns_smartphone",
            gettext_lazy("Có điện thoại thông minh"),
            False,
            ("dien thoai thong minh", "smartphone"),
            "Có",
        ),
        Column("is_head", gettext_lazy("Là chủ hộ"), False, ("chu ho",), "Có"),
        Column("village", gettext_lazy("Thôn"), False, ("ten thon", "thon/ban"), "Thôn Bản Cáu"),
        Column("address", gettext_lazy("Địa chỉ"), False, (), ""),
        Column("poverty", gettext_lazy("Phân loại hộ"), False, (), ""),
        Column("poverty_year", gettext_lazy("Năm rà soát"), False, (), ""),
    ),
}


@dataclass
class Problem:
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why, in Vietnamese."""


# --- reading -------------------------------------------------------------------------------------


def _cell_text(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRefused(
            _("Không đọc được tệp Excel: tệp hỏng, có mật khẩu, hoặc không phải .xlsx.")
        ) from exc
    sheet = book.worksheets[0]
    for index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield index, [_cell_text(v) for v in row]
    book.close()


def _read_csv(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    for encoding in ("utf-8-sig", "utf-16", "cp1258"):
        try:
            text = data.decode(encoding)
            if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
                continue
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefused(_("Không đọc được tệp CSV: hãy lưu tệp với bảng mã UTF-8."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for index, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        yield index, list(row)


def read_table(data: bytes, filename: str) -> Iterator[tuple[int, list[Any]]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith(".csv"):
        return _read_csv(data)
    raise FileRefused(
        _("Chỉ nhận tệp .xlsx hoặc .csv. Tệp .xls cũ: hãy mở bằng Excel và lưu lại dạng .xlsx.")
    )


def _is_empty(values: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


@dataclass
class Table:
    columns: dict[str, int]  # key -> position
    headers: dict[str, str]  # key -> header as written in the file
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def parse_table(kind: str, data: bytes, filename: str) -> Table:
    """Find the header row, map its columns, and collect the data rows (empty rows skipped)."""
    spec = COLUMNS[kind]
    rows = read_table(data, filename)
    header_row: list[Any] | None = None
    header_index = 0
    for index, values in rows:
        if not _is_empty(values):
            header_row, header_index = values, index
            break
        if index > 50:
            break
    if header_row is None:
        raise FileRefused(_("Tệp không có dòng tiêu đề. Hãy dùng tệp mẫu."))
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[str] = []
    for position, raw in enumerate(header_row):
        text = clean_text(str(raw or ""))
        if not text:
            continue
        key = next((c.key for c in spec if fold_compact(text) in c.names()), None)
        if key is None:
            unknown.append(text)
        elif key not in columns:
            columns[key], headers[key] = position, text
    missing = [str(c.header) for c in spec if c.required and c.key not in columns]
    if missing:
        raise FileRefused(
            _("Thiếu cột bắt buộc: %(columns)s. Hãy dùng tệp mẫu hoặc đặt đúng tên cột.")
            % {"columns": ", ".join(missing)}
        )
    table = Table(columns=columns, headers=headers)
    if unknown:
        table.problems.append(
            Problem(header_index, ", ".join(unknown)[:100], "", _("Cột không dùng đến, đã bỏ qua."))
        )
    empty_run = 0
    for index, values in rows:
        if _is_empty(values):
            empty_run += 1
            if empty_run >= EMPTY_ROWS_TO_STOP:
                break
            continue
        empty_run = 0
        if len(table.rows) >= MAX_ROWS:
            raise FileRefused(
                _("Tệp có hơn %(max)s dòng: hãy chia thành nhiều tệp.")
                % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        table.rows.append(
            (index, {key: values[pos] if pos < len(values) else None for key, pos in columns.items()})
        )
    return table


# --- checking ------------------------------------------------------------------------------------


@dataclass
class CheckedRow:
    row: int
    data: dict[str, Any]
    key: Any


@dataclass
class CheckResult:
    total: int
    valid: list[CheckedRow]
    problems: list[Problem]

    @property
    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems if p.reason != _("Cột không dùng đến, đã bỏ qua.")}


_COVERAGE_WORDS = {
    "co": Coverage.YES,
    "yes": Coverage.YES,
    "x": Coverage.YES,
    "motphan": Coverage.PARTIAL,
    "partial": Coverage.PARTIAL,
    "khong": Coverage.NO,
    "no": Coverage.NO,
    "": Coverage.UNKNOWN,
    "chuaro": Coverage.UNKNOWN,
}
_KIND_WORDS = {fold_compact(str(label)): value for value, label in VillageKind.choices}


def _pre_check(
    raw: dict[str, Any], headers: dict[str, str], row: int, problems: list[Problem]
) -> dict[str, Any]:
    """Cell-level checks common to every kind: formulas and oversized cells."""
    cleaned = {}
    for key, value in raw.items():
        if isinstance(value, str) and value.startswith("="):
            problems.append(
                Problem(
                    row,
                    headers[key],
                    value[:60],
                    _("Ô chứa công thức. Hãy sao chép và dán dạng giá trị (Paste Values)."),
                )
            )
            value = None
        elif isinstance(value, str) and len(value) > MAX_CELL:
            problems.append(
                Problem(
                    row,
                    headers[key],
                    value[:60] + "…",
                    _("Ô quá dài (hơn %(max)s ký tự).") % {"max": MAX_CELL},
                )
            )
            value = None
        cleaned[key] = value
    return cleaned


def _field_problems(
    error: ValidationError,
    headers: dict[str, str],
    raw: dict[str, Any],
    row: int,
    field_to_column: dict[str, str],
) -> list[Problem]:
    out = []
    for field_name, messages in error.message_dict.items():
        column = field_to_column.get(field_name, field_name)
        header = headers.get(column, column)
        value = raw.get(column)
        for message in messages:
            out.append(Problem(row, header, "" if value is None else str(value)[:60], message))
    return out


def check_villages(table: Table, commune: Commune) -> CheckResult:
    problems = list(table.problems)
    valid: list[CheckedRow] = []
    seen: dict[str, int] = {}
    for row, raw in table.rows:
        raw = _pre_check(raw, table.headers, row, problems)
        name = clean_text(str(raw.get("name") or ""))
        data: dict[str, Any] = {"name": name}
        row_problems: list[Problem] = []
        if not name:
            row_problems.append(Problem(row, table.headers["name"], "", _("Tên thôn không được để trống.")))
        elif fold(name) in seen:
            row_problems.append(
                Problem(
                    row,
                    table.headers["name"],
                    name,
                    _("Thôn này đã có ở dòng %(row)s của tệp.") % {"row": seen[fold(name)]},
                )
            )
        kind = fold_compact(str(raw.get("kind") or "thon"))
        data["kind"] = _KIND_WORDS.get(kind)
        if data["kind"] is None:
            row_problems.append(
                Problem(
                    row,
                    table.headers.get("kind", ""),
                    str(raw.get("kind")),
                    _("Loại phải là Thôn, Bản, Buôn, Ấp, Tổ dân phố, Khu phố hoặc Khác."),
                )
            )
        for key in ("broadband", "mobile_4g", "mobile_5g"):
            value = _COVERAGE_WORDS.get(fold_compact(str(raw.get(key) or "")))
            if value is None:
                row_problems.append(
                    Problem(
                        row,
                        table.headers.get(key, key),
                        str(raw.get(key))[:60],
                        _("Ghi Có, Một phần, Không hoặc để trống."),
                    )
                )
            data[key] = value
        try:
            data["coverage_checked_on"] = rules.parse_date_vn(raw.get("coverage_checked_on"))
        except ValidationError as error:
            row_problems.append(
                Problem(
                    row,
                    table.headers.get("coverage_checked_on", ""),
                    str(raw.get("coverage_checked_on"))[:60],
                    error.messages[0],
                )
            )
        if row_problems:
            problems.extend(row_problems)
        else:
            seen[fold(name)] = row
            valid.append(CheckedRow(row, data, fold(name)))
    return CheckResult(len(table.rows), valid, problems)


def _village_lookup(commune: Commune) -> dict[str, Village]:
    return {v.name_folded: v for v in Village.objects.filter(commune=commune)}


def check_households(table: Table, commune: Commune) -> CheckResult:
    problems = list(table.problems)
    valid: list[CheckedRow] = []
    villages = _village_lookup(commune)
    seen: dict[str, int] = {}
    mapping = {
        "code": "code",
        "poverty": "poverty",
        "poverty_year": "poverty_year",
        "address": "address",
        "notes": "notes",
    }
    for row, raw in table.rows:
        raw = _pre_check(raw, table.headers, row, problems)
        row_problems: list[Problem] = []
        try:
            data = clean_household_input(raw)
        except ValidationError as error:
            row_problems += _field_problems(error, table.headers, raw, row, mapping)
            data = {}
        village_name = clean_text(str(raw.get("village") or ""))
        village = villages.get(fold(village_name))
        if village is None:
            row_problems.append(
                Problem(
                    row,
                    table.headers["village"],
                    village_name,
                    _("Xã chưa có thôn này. Hãy thêm thôn trước, hoặc sửa tên cho đúng.")
                    if village_name
                    else _("Thôn không được để trống."),
                )
            )
        code = data.get("code")
        if code and code in seen:
            row_problems.append(
                Problem(
                    row,
                    table.headers["code"],
                    code,
                    _("Mã hộ này đã có ở dòng %(row)s của tệp.") % {"row": seen[code]},
                )
            )
        if row_problems:
            problems.extend(row_problems)
        else:
            seen[code] = row
            data["village_id"] = village.pk
            valid.append(CheckedRow(row, data, code))
    return CheckResult(len(table.rows), valid, problems)


_RESIDENT_FIELDS = ("full_name", "birth_date", "birth_year", "sex", "ethnic_group", "cccd", "phone")
_FLAG_FIELDS = ("has_disability", "owns_smartphone", "is_head")


def check_residents(table: Table, commune: Commune) -> CheckResult:
    problems = list(table.problems)
    valid: list[CheckedRow] = []
    villages = _village_lookup(commune)
    existing_households = dict(Household.objects.filter(commune=commune).values_list("code", "village_id"))
    cccd_rows: dict[str, int] = {}
    new_households: dict[str, dict[str, Any]] = {}
    for row, raw in table.rows:
        raw = _pre_check(raw, table.headers, row, problems)
        row_problems: list[Problem] = []
        data: dict[str, Any] = {}
        flags: dict[str, bool] = {}
        for flag in _FLAG_FIELDS:
            try:
                flags[flag] = rules.normalize_yes_no(raw.get(flag))
            except ValidationError as error:
                row_problems.append(
                    Problem(row, table.headers.get(flag, flag), str(raw.get(flag))[:60], error.messages[0])
                )
        try:
            data = clean_resident_input({**{k: raw.get(k) for k in _RESIDENT_FIELDS}, **flags})
        except ValidationError as error:
            row_problems += _field_problems(error, table.headers, raw, row, {f: f for f in _RESIDENT_FIELDS})
        household_code = clean_text(str(raw.get("household_code") or ""))
        if not household_code:
            row_problems.append(
                Problem(row, table.headers["household_code"], "", _("Mã hộ không được để trống."))
            )
        elif household_code not in existing_households and household_code not in new_households:
            # A household that does not exist yet is created from the row's village and household columns.
            village = villages.get(fold(str(raw.get("village") or "")))
            if village is None:
                row_problems.append(
                    Problem(
                        row,
                        table.headers["household_code"],
                        household_code,
                        _(
                            "Xã chưa có hộ mang mã này. Để tạo hộ mới, hãy ghi cột Thôn đúng tên một thôn của xã."
                        ),
                    )
                )
            else:
                try:
                    household = clean_household_input(
                        {
                            "code": household_code,
                            "address": raw.get("address"),
                            "poverty": raw.get("poverty"),
                            "poverty_year": raw.get("poverty_year"),
                        }
                    )
                except ValidationError as error:
                    row_problems += _field_problems(
                        error,
                        table.headers,
                        raw,
                        row,
                        {"poverty": "poverty", "poverty_year": "poverty_year", "code": "household_code"},
                    )
                else:
                    household["village_id"] = village.pk
                    new_households[household_code] = household
        row_village = clean_text(str(raw.get("village") or ""))
        household_village = existing_households.get(household_code) or (
            new_households.get(household_code) or {}
        ).get("village_id")
        if (
            household_code
            and row_village
            and household_village
            and villages.get(fold(row_village)) is not None
            and (villages[fold(row_village)].pk != household_village)
        ):
            row_problems.append(
                Problem(
                    row,
                    table.headers.get("village", "village"),
                    row_village,
                    _("Hộ %(code)s ở thôn khác trong sổ; sửa tên thôn hoặc mã hộ.")
                    % {"code": household_code},
                )
            )
        elif (
            household_code
            and row_village
            and villages.get(fold(row_village)) is None
            and (household_code in existing_households or household_code in new_households)
        ):
            row_problems.append(
                Problem(
                    row,
                    table.headers.get("village", "village"),
                    row_village,
                    _("Xã chưa có thôn này. Hãy thêm thôn trước, hoặc sửa tên cho đúng."),
                )
            )
        cccd = data.get("cccd")
        if cccd and cccd in cccd_rows:
            row_problems.append(
                Problem(
                    row,
                    table.headers.get("cccd", "cccd"),
                    cccd,
                    _("Số CCCD này đã có ở dòng %(row)s của tệp.") % {"row": cccd_rows[cccd]},
                )
            )
        if row_problems:
            problems.extend(row_problems)
            continue
        if cccd:
            cccd_rows[cccd] = row
        data["household_code"] = household_code
        data["new_household"] = new_households.get(household_code)
        valid.append(
            CheckedRow(row, data, cccd or (household_code, fold(data["full_name"]), data["birth_year"]))
        )
    # A CCCD held by someone in another commune: refused without saying where.
    numbers = [r.data["cccd"] for r in valid if r.data.get("cccd")]
    elsewhere: set[str] = set()
    for start in range(0, len(numbers), 900):
        elsewhere |= set(
            Resident.objects.filter(cccd__in=numbers[start : start + 900])
            .exclude(commune=commune)
            .values_list("cccd", flat=True)
        )
    if elsewhere:
        kept = []
        for checked in valid:
            if checked.data.get("cccd") in elsewhere:
                problems.append(
                    Problem(
                        checked.row,
                        table.headers.get("cccd", "cccd"),
                        checked.data["cccd"],
                        _("Số CCCD này đã có trong sổ ở nơi khác. Liên hệ cán bộ xã nơi người đó đang ở."),
                    )
                )
            else:
                kept.append(checked)
        valid = kept
    return CheckResult(len(table.rows), valid, problems)


CHECKERS = {
    ImportKind.VILLAGES: check_villages,
    ImportKind.HOUSEHOLDS: check_households,
    ImportKind.RESIDENTS: check_residents,
}


def check_file(*, kind: str, commune: Commune, data: bytes, filename: str) -> CheckResult:
    """Read and check a whole file. Writes nothing."""
    table = parse_table(kind, data, filename)
    return CHECKERS[kind](table, commune)


# --- writing -------------------------------------------------------------------------------------


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _write_villages(rows: list[CheckedRow], commune: Commune, counts: WriteCounts) -> None:
    existing = _village_lookup(commune)
    fields = ("kind", "broadband", "mobile_4g", "mobile_5g", "coverage_checked_on")
    to_create, to_update = [], []
    for checked in rows:
        data = checked.data
        village = existing.get(fold(data["name"]))
        if village is None:
            to_create.append(
                Village(
                    commune=commune,
                    name=data["name"],
                    name_folded=fold(data["name"]),
                    sort_key=place_sort_key(data["name"]),
                    **{f: data[f] for f in fields},
                )
            )
        elif any(getattr(village, f) != data[f] for f in fields):
            for f in fields:
                setattr(village, f, data[f])
            to_update.append(village)
        else:
            counts.unchanged += 1
    Village.objects.bulk_create(to_create)
    Village.objects.bulk_update(to_update, [*fields, "updated_at"]) if to_update else None
    counts.created += len(to_create)
    counts.updated += len(to_update)


def _write_households(rows: list[CheckedRow], commune: Commune, counts: WriteCounts) -> None:
    existing = {
        h.code: h for h in Household.objects.filter(commune=commune, code__in=[r.data["code"] for r in rows])
    }
    fields = ("village_id", "address", "poverty", "poverty_year", "notes")
    to_create, to_update = [], []
    for checked in rows:
        data = checked.data
        household = existing.get(data["code"])
        if household is None:
            to_create.append(Household(commune=commune, province_id=commune.province_id, **data))
        elif any(getattr(household, f) != data[f] for f in fields):
            for f in fields:
                setattr(household, f, data[f])
            to_update.append(household)
        else:
            counts.unchanged += 1
    Household.objects.bulk_create(to_create)
    if to_update:
        Household.objects.bulk_update(to_update, [*[f.removesuffix("_id") for f in fields], "updated_at"])
        for household in to_update:
            Resident.objects.filter(household=household).exclude(village_id=household.village_id).update(
                village_id=household.village_id
            )
    counts.created += len(to_create)
    counts.updated += len(to_update)


_COMPARED = (*_RESIDENT_FIELDS, *_FLAG_FIELDS, "household_id")


def _write_residents(rows: list[CheckedRow], commune: Commune, counts: WriteCounts, job: ImportJob) -> None:
    codes = {r.data["household_code"] for r in rows}
    households = {h.code: h for h in Household.objects.filter(commune=commune, code__in=codes)}
    new = []
    for checked in rows:
        spec = checked.data.get("new_household")
        code = checked.data["household_code"]
        if spec and code not in households:
            households[code] = Household(commune=commune, province_id=commune.province_id, **spec)
            new.append(households[code])
    fast_bulk_insert(Household, new)
    numbers = [r.data["cccd"] for r in rows if r.data.get("cccd")]
    by_cccd = {r.cccd: r for r in Resident.objects.filter(cccd__in=numbers)} if numbers else {}
    by_key = {
        (r.household_id, r.name_folded, r.birth_year): r
        for r in Resident.objects.filter(household__in=[h.pk for h in households.values()], cccd__isnull=True)
    }
    to_create, to_update, heads = [], [], {}
    for checked in rows:
        data = {k: v for k, v in checked.data.items() if k not in ("household_code", "new_household")}
        household = households[checked.data["household_code"]]
        data["household_id"] = household.pk
        resident = (
            by_cccd.get(data["cccd"])
            if data.get("cccd")
            else by_key.get((household.pk, fold(data["full_name"]), data["birth_year"]))
        )
        if resident is None:
            resident = Resident(
                **data,
                village_id=household.village_id,
                commune_id=commune.code,
                province_id=commune.province_id,
                name_folded=fold(data["full_name"]),
                sort_key=vietnamese_sort_key(data["full_name"]),
            )
            to_create.append(resident)
        elif any(getattr(resident, f) != data[f] for f in _COMPARED):
            for key, value in data.items():
                setattr(resident, key, value)
            resident.village_id = household.village_id
            resident.name_folded = fold(resident.full_name)
            resident.sort_key = vietnamese_sort_key(resident.full_name)
            to_update.append(resident)
        else:
            counts.unchanged += 1
        if data.get("is_head"):
            heads[household.pk] = resident
    fast_bulk_insert(Resident, to_create)
    if to_update:
        Resident.objects.bulk_update(
            to_update,
            [*[f.removesuffix("_id") for f in _COMPARED], "village", "name_folded", "sort_key", "updated_at"],
            batch_size=1000,
        )
    if heads:
        # One head per household: earlier heads step down, then each household points at its head.
        ids = list(heads)
        for start in range(0, len(ids), 900):
            part = ids[start : start + 900]
            Resident.objects.filter(household_id__in=part, is_head=True).exclude(
                pk__in=[heads[i].pk for i in part]
            ).update(is_head=False)
            Household.objects.filter(pk__in=part).update(
                head=Subquery(
                    Resident.objects.filter(household=OuterRef("pk"), is_head=True).values("pk")[:1]
                )
            )
    created_ids = {r.pk for r in to_create}
    # Each person's trail shows the import that created or changed them.
    fast_bulk_insert(
        AuditEntry,
        [
            AuditEntry(
                actor=job.created_by,
                actor_username=job.created_by.get_username(),
                action=AuditAction.CREATE if resident.pk in created_ids else AuditAction.UPDATE,
                object_type="registry.resident",
                object_id=str(resident.pk),
                object_repr=resident.full_name[:200],
                resident_id=resident.pk,
                note=f"import {job.pk}",
            )
            for resident in [*to_create, *to_update]
        ],
        batch_size=1000,
    )
    counts.created += len(to_create)
    counts.updated += len(to_update)


def _write_chunk(job: ImportJob, rows: list[CheckedRow], counts: WriteCounts) -> None:
    if job.kind == ImportKind.VILLAGES:
        _write_villages(rows, job.commune, counts)
    elif job.kind == ImportKind.HOUSEHOLDS:
        _write_households(rows, job.commune, counts)
    else:
        _write_residents(rows, job.commune, counts, job)


# --- jobs ----------------------------------------------------------------------------------------


def job_create(*, acting_user: Any, kind: str, commune: Commune, upload: UploadedFile) -> ImportJob:
    if upload.size and upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": settings.IMPORT_MAX_BYTES // 1_000_000}
        )
    data = upload.read()
    job = ImportJob(
        kind=kind,
        commune=commune,
        created_by=acting_user,
        original_name=upload.name[:200],
        file_sha256=hashlib.sha256(data).hexdigest(),
        status=ImportStatus.CHECKING,
    )
    upload.seek(0)
    job.file.save(upload.name, upload, save=False)
    job.save()
    return job


def _heartbeat(job: ImportJob, **fields: Any) -> None:
    fields["heartbeat_at"] = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    for key, value in fields.items():
        setattr(job, key, value)


def job_check(job: ImportJob) -> ImportJob:
    """Dry run: fill the job's report. Safe to run again; writes nothing to the registry."""
    job.refresh_from_db()
    if job.status != ImportStatus.CHECKING:
        return job
    _heartbeat(job)
    try:
        with job.file.open("rb") as handle:
            result = check_file(
                kind=job.kind, commune=job.commune, data=handle.read(), filename=job.original_name
            )
    except FileRefused as refusal:
        _heartbeat(job, status=ImportStatus.FAILED, error_message=str(refusal), finished_at=timezone.now())
        return job
    bad = result.bad_rows
    problems = sorted(result.problems, key=lambda p: p.row)
    _save_checked(job, result)
    _heartbeat(
        job,
        status=ImportStatus.CHECKED,
        total_rows=result.total,
        valid_rows=len(result.valid),
        skipped_count=len(bad),
        problems=[p.as_dict() for p in problems[:MAX_STORED_PROBLEMS]],
        error_message=""
        if len(problems) <= MAX_STORED_PROBLEMS
        else _("Chỉ hiện %(n)s lỗi đầu tiên trên tổng số %(total)s.")
        % {"n": MAX_STORED_PROBLEMS, "total": len(problems)},
    )
    return job


def _checked_name(job: ImportJob) -> str:
    return f"{job.file.name}.checked.json"


def _encode(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return {"__date__": value.isoformat()}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "__date__" in value:
            return datetime.date.fromisoformat(value["__date__"])
        return {k: _decode(v) for k, v in value.items()}
    return value


def _save_checked(job: ImportJob, result: CheckResult) -> None:
    """Keep the dry run's valid rows beside the file, so writing need not read and check it again."""
    payload = {
        "sha256": job.file_sha256,
        "total": result.total,
        "bad_rows": sorted(result.bad_rows),
        "valid": [[r.row, _encode(r.data)] for r in result.valid],
    }
    storage = job.file.storage
    name = _checked_name(job)
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(json.dumps(payload, ensure_ascii=False).encode("utf-8")))


def _load_checked(job: ImportJob) -> CheckResult | None:
    storage = job.file.storage
    name = _checked_name(job)
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        payload = json.loads(handle.read().decode("utf-8"))
    if payload.get("sha256") != job.file_sha256:
        return None
    valid = [CheckedRow(row, _decode(data), None) for row, data in payload["valid"]]
    if job.kind == ImportKind.RESIDENTS:
        # The registry may have changed since the dry run: a CCCD now held elsewhere is skipped.
        numbers = [r.data["cccd"] for r in valid if r.data.get("cccd")]
        taken: set[str] = set()
        for start in range(0, len(numbers), 900):
            taken |= set(
                Resident.objects.filter(cccd__in=numbers[start : start + 900])
                .exclude(commune_id=job.commune_id)
                .values_list("cccd", flat=True)
            )
        valid = [r for r in valid if r.data.get("cccd") not in taken]
    problems = [Problem(row, "", "", "") for row in payload["bad_rows"]]
    return CheckResult(payload["total"], valid, problems)


def job_confirm(*, acting_user: Any, job: ImportJob, mode: str) -> ImportJob:
    """Record the user's choice. The whole file is written only when it has no errors."""
    if mode not in ImportMode.values:
        raise ValidationError(_("Hãy chọn cách ghi dữ liệu."))
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportStatus.CHECKED:
            raise ValidationError(_("Lần nhập này không còn chờ xác nhận."))
        if mode == ImportMode.ALL_OR_NOTHING and job.skipped_count:
            raise ValidationError(
                _(
                    "Tệp còn %(n)s dòng lỗi: không thể ghi cả tệp. Sửa tệp rồi nhập lại, "
                    "hoặc chọn chỉ ghi các dòng hợp lệ."
                )
                % {"n": job.skipped_count}
            )
        job.mode = mode
        job.status = ImportStatus.QUEUED
        job.save(update_fields=["mode", "status", "updated_at"])
    return job


def job_cancel(*, acting_user: Any, job: ImportJob) -> ImportJob:
    updated = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportStatus.CHECKED, ImportStatus.CHECKING]
    ).update(status=ImportStatus.CANCELLED, finished_at=timezone.now())
    job.refresh_from_db()
    if not updated and job.status != ImportStatus.CANCELLED:
        raise ValidationError(_("Lần nhập này đã được ghi, không hủy được."))
    return job


def job_write(job: ImportJob) -> ImportJob:
    """Apply a confirmed job. Idempotent: matching keys make a re-run create nothing new."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.WRITING, heartbeat_at=timezone.now()
    )
    job.refresh_from_db()
    if not claimed and job.status != ImportStatus.WRITING:
        return job
    result = _load_checked(job)
    if result is None:  # no saved dry run (or it no longer matches): check the file again
        with job.file.open("rb") as handle:
            result = check_file(
                kind=job.kind, commune=job.commune, data=handle.read(), filename=job.original_name
            )
    counts = WriteCounts()
    if job.mode == ImportMode.ALL_OR_NOTHING:
        if result.bad_rows:
            _heartbeat(
                job,
                status=ImportStatus.FAILED,
                finished_at=timezone.now(),
                error_message=_("Tệp đã thay đổi và có lỗi: không ghi gì cả."),
            )
            return job
        with transaction.atomic():  # all or nothing
            _write_chunk(job, result.valid, counts)
            _finish(job, counts, len(result.valid))
    else:
        for start in range(0, len(result.valid), WRITE_CHUNK):
            chunk = result.valid[start : start + WRITE_CHUNK]
            with transaction.atomic():
                _write_chunk(job, chunk, counts)
                _heartbeat(job, processed_rows=start + len(chunk))
        with transaction.atomic():
            _finish(job, counts, len(result.valid))
    return job


def _finish(job: ImportJob, counts: WriteCounts, processed: int) -> None:
    _heartbeat(
        job,
        status=ImportStatus.DONE,
        processed_rows=processed,
        created_count=counts.created,
        updated_count=counts.updated,
        unchanged_count=counts.unchanged,
        finished_at=timezone.now(),
    )
    audit.record(
        actor=job.created_by,
        action=AuditAction.IMPORT,
        obj=job,
        changes={
            "kind": job.kind,
            "commune": job.commune_id,
            "mode": job.mode,
            "file": job.original_name,
            "sha256": job.file_sha256,
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "skipped": job.skipped_count,
        },
    )


def job_is_stale(job: ImportJob, *, minutes: int = 10) -> bool:
    """A job whose worker died: still CHECKING or WRITING but no heartbeat for a while."""
    if job.status not in (ImportStatus.CHECKING, ImportStatus.WRITING, ImportStatus.QUEUED):
        return False
    last = job.heartbeat_at or job.updated_at
    return last < timezone.now() - datetime.timedelta(minutes=minutes)


def poverty_label(value: str) -> str:
    return str(Poverty(value).label) if value in Poverty.values else value


def template_xlsx(kind: str) -> bytes:
    """The template to download: headers, one example row, and a sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = str(ImportKind(kind).label).replace("/", "-")[:31]
    spec = COLUMNS[kind]
    sheet.append([str(c.header) for c in spec])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([c.example for c in spec])
    for index, column in enumerate(spec, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
            12, len(str(column.header)) + 4
        )
        sheet.cell(2, index).number_format = "@"  # text: keeps leading zeros of CCCD and phone numbers
    help_sheet = book.create_sheet(_("Hướng dẫn"))
    help_sheet.append([_("Cột"), _("Bắt buộc"), _("Ví dụ")])
    for column in spec:
        help_sheet.append([str(column.header), _("Có") if column.required else _("Không"), column.example])
    help_sheet.append([])
    help_sheet.append(
        [_("Ngày ghi dạng ngày/tháng/năm, ví dụ 05/03/1960. Dòng ví dụ ở trang đầu có thể xóa.")]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
