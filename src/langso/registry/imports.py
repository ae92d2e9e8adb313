"""Excel/CSV import of villages, households and residents into one commune.

The flow: `job_create` stores the upload; `job_check` reads every row and lists every problem (row,
column, value, reason in Vietnamese) without writing anything to the registry; the user then confirms
with a mode — the whole file only if it has no errors, or only the valid rows — and `job_write`
applies it. Matching keys make a re-import idempotent: villages by folded name in the commune,
households by their code in the commune (the number of the commune's own household book), residents
by CCCD, else by household + folded name + birth year.

Decisions (see also docs/architecture.md):

- **Formula cells are refused.** The workbook is read with `data_only=False`, so a formula cell reads
  as its formula ("=A2&B2") and is reported: "paste as values". Cached results may be stale or absent
  (files written by scripts or LibreOffice without recalculation) and a lookup into another file can be
  silently wrong; the officer's copy-paste-values is explicit. CSV text starting with "=" is refused too.
- **Merged cells are refused** where they cover more than one cell of the columns we read (a "Mã hộ"
  merged over a household's rows): every row of the range is reported, because after unmerging only
  the first row would hold the value. Merges above the header (titles) are ignored.
- **An empty cell never erases** what the registry holds: when a row matches an existing record, only
  the columns the file gives (present and not empty) are compared and updated. "Không" is a value; an
  empty cell is "not given". A stored CCCD in particular is never blanked by an import.
- **Rows**: a row whose required cells are all empty is skipped (one note says how many had other
  cells filled); a partially filled row is an error. Reading stops after 1,000 empty rows in a row.
- **Audit**: one IMPORT entry per job with its counts, plus one CREATE/UPDATE entry per record written
  (bulk inserted, pointing at the job and the row; updates list what changed, sensitive values
  redacted), so a person's trail shows the import. Per-field snapshots of created rows are not copied
  into the trail: the record itself and the kept upload (sha256 in the IMPORT entry) hold them.
- **Writing**: all-or-nothing in one transaction; valid-rows-only in chunks of 5,000, each chunk in
  its own transaction together with the job's progress, so a re-run after a crash resumes after the
  last committed chunk and never writes a chunk twice.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import functools
import hashlib
import io
import json
import logging
import re
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from langso.core import audit
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

logger = logging.getLogger(__name__)

DEFAULT_MAX_ROWS = 200_000
MAX_CELL = 500  # characters; a longer cell is reported (notes may hold up to MAX_NOTES)
MAX_NOTES = 2_000
EMPTY_ROWS_TO_STOP = 1_000
HEADER_SEARCH_ROWS = 30  # the header may sit under a title
MAX_COLUMNS = 200
MAX_STORED_PROBLEMS = 1_000
WRITE_CHUNK = 5_000
PROGRESS_EVERY = 5_000
STALE_MINUTES = 10
MAX_RECOVERIES = 3
MAX_UNZIPPED_BYTES = 1_000_000_000  # a zip bomb is refused before openpyxl inflates it
VALUE_SHOWN = 60
# Columns that number the rows ("STT") are expected and ignored without a note.
_IGNORED_HEADERS = {"stt", "tt", "sott", "sothutu", "so"}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # lazy Vietnamese header, as written in the template
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""
    help: Any = ""

    def names(self) -> set[str]:
        return {fold_compact(str(self.header)), *(fold_compact(a) for a in self.aliases)}


_YES_NO_HELP = gettext_lazy("Có hoặc Không; để trống là Không.")
_COVERAGE_HELP = gettext_lazy("Có, Một phần, Không, hoặc để trống nếu chưa rõ.")
_VILLAGE_ALIASES = ("ten thon", "thon/ban", "thon/ban/to dan pho", "ten thon/ban", "thon, ban", "to dan pho")

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.VILLAGES: (
        Column(
            "name",
            gettext_lazy("Tên thôn"),
            True,
            ("ten thon/ban", "thon", "ten", "thon/ban/to dan pho", "ten thon/ban/to dan pho"),
            "Thôn Bản Cáu",
            gettext_lazy("Tên thôn, bản, buôn, ấp hoặc tổ dân phố. Thôn đã có (cùng tên) được cập nhật."),
        ),
        Column(
            "kind",
            gettext_lazy("Loại"),
            False,
            ("loai thon",),
            "Thôn",
            gettext_lazy("Thôn, Bản, Buôn, Ấp, Tổ dân phố, Khu phố hoặc Khác; để trống là Thôn."),
        ),
        Column(
            "broadband",
            gettext_lazy("Cáp quang"),
            False,
            ("internet cap quang", "bang rong", "bang rong co dinh"),
            "Có",
            _COVERAGE_HELP,
        ),
        Column("mobile_4g", gettext_lazy("4G"), False, ("song 4g",), "Một phần", _COVERAGE_HELP),
        Column("mobile_5g", gettext_lazy("5G"), False, ("song 5g",), "Không", _COVERAGE_HELP),
        Column(
            "coverage_checked_on",
            gettext_lazy("Ngày kiểm tra"),
            False,
            ("ngay kiem tra phu song",),
            "05/03/2026",
            gettext_lazy("Ngày kiểm tra phủ sóng, dạng ngày/tháng/năm."),
        ),
    ),
    ImportKind.HOUSEHOLDS: (
        Column(
            "code",
            gettext_lazy("Mã hộ"),
            True,
            ("ma ho gia dinh", "so ho", "ma so ho"),
            "01-001",
            gettext_lazy("Số hộ trong sổ hộ của xã; không trùng trong xã. Hộ đã có (cùng mã) được cập nhật."),
        ),
        Column(
            "village",
            gettext_lazy("Thôn"),
            True,
            _VILLAGE_ALIASES,
            "Thôn Bản Cáu",
            gettext_lazy("Tên một thôn đã có của xã."),
        ),
        Column("address", gettext_lazy("Địa chỉ"), False, ("dia chi ho",), "Xóm Trên", ""),
        Column(
            "poverty",
            gettext_lazy("Phân loại hộ"),
            False,
            ("ho ngheo/can ngheo", "phan loai", "ho ngheo, can ngheo"),
            "Hộ nghèo",
            gettext_lazy("Hộ nghèo, Hộ cận nghèo, Hộ khó khăn khác, Không; để trống là giữ như cũ."),
        ),
        Column(
            "poverty_year",
            gettext_lazy("Năm rà soát"),
            False,
            ("nam ra soat ho ngheo",),
            "2025",
            gettext_lazy("Năm rà soát hộ nghèo/cận nghèo; bắt buộc với hộ nghèo và cận nghèo."),
        ),
        Column("notes", gettext_lazy("Ghi chú"), False, (), "", ""),
    ),
    ImportKind.RESIDENTS: (
        Column(
            "household_code",
            gettext_lazy("Mã hộ"),
            True,
            ("ma ho gia dinh", "so ho", "ma so ho"),
            "01-001",
            gettext_lazy(
                "Số hộ trong sổ hộ của xã. Hộ chưa có sẽ được tạo nếu dòng ghi cột Thôn (và nếu cần: "
                "Địa chỉ, Phân loại hộ, Năm rà soát)."
            ),
        ),
        Column(
            "full_name",
            gettext_lazy("Họ và tên"),
            True,
            ("ho ten", "ho va ten nguoi dan", "ten", "ho ten nguoi dan"),
            "Hoàng Văn Tuấn",
            gettext_lazy("Họ và tên đầy đủ, có dấu."),
        ),
        Column(
            "birth_date",
            gettext_lazy("Ngày sinh"),
            False,
            ("ngay thang nam sinh", "ngay/thang/nam sinh"),
            "05/03/1960",
            gettext_lazy("Dạng ngày/tháng/năm, ví dụ 05/03/1960. Nếu chỉ biết năm, ghi cột Năm sinh."),
        ),
        Column(
            "birth_year", gettext_lazy("Năm sinh"), False, (), "", gettext_lazy("Bốn chữ số, ví dụ 1962.")
        ),
        Column(
            "sex",
            gettext_lazy("Giới tính"),
            True,
            ("gioi", "nam/nu", "nam, nu"),
            "Nam",
            gettext_lazy("Nam hoặc Nữ."),
        ),
        Column(
            "ethnic_group",
            gettext_lazy("Dân tộc"),
            False,
            (),
            "Tày",
            gettext_lazy("Tên một trong 54 dân tộc, ví dụ Kinh, Tày, Ê-đê, Mông."),
        ),
        Column(
            "cccd",
            gettext_lazy("Số CCCD"),
            False,
            (
                "cccd",
                "so can cuoc",
                "can cuoc cong dan",
                "so dinh danh",
                "so dinh danh ca nhan",
                "so cmnd/cccd",
                "cmnd/cccd",
                "so can cuoc cong dan",
            ),
            "019060001234",
            gettext_lazy("12 chữ số. Nên định dạng cột là Văn bản để giữ số 0 ở đầu."),
        ),
        Column(
            "phone",
            gettext_lazy("Số điện thoại"),
            False,
            ("dien thoai", "sdt", "so dt", "so di dong"),
            "0912345678",
            gettext_lazy("Số di động 10 chữ số, ví dụ 0912 345 678 hoặc +84 912 345 678."),
        ),
        Column(
            "has_disability", gettext_lazy("Khuyết tật"), False, ("nguoi khuyet tat",), "Không", _YES_NO_HELP
        ),
        Column(
            "owns_smartphone",
            gettext_lazy("Có điện thoại thông minh"),
            False,
            ("dien thoai thong minh", "smartphone", "co smartphone"),
            "Có",
            _YES_NO_HELP,
        ),
        Column("is_head", gettext_lazy("Là chủ hộ"), False, ("chu ho",), "Có", _YES_NO_HELP),
        Column(
            "village",
            gettext_lazy("Thôn"),
            False,
            _VILLAGE_ALIASES,
            "Thôn Bản Cáu",
            gettext_lazy("Thôn của hộ; cần khi hộ chưa có trong sổ."),
        ),
        Column("address", gettext_lazy("Địa chỉ"), False, (), "", gettext_lazy("Địa chỉ của hộ mới.")),
        Column(
            "poverty",
            gettext_lazy("Phân loại hộ"),
            False,
            (),
            "",
            gettext_lazy("Của hộ mới: Hộ nghèo, Hộ cận nghèo, Hộ khó khăn khác hoặc để trống."),
        ),
        Column("poverty_year", gettext_lazy("Năm rà soát"), False, (), "", gettext_lazy("Của hộ mới.")),
    ),
}


def _required(kind: str) -> list[str]:
    return [c.key for c in COLUMNS[kind] if c.required]


# Which columns a row gives is kept as a bit mask over the kind's column order (compact in JSON).
_BITS = {kind: {c.key: 1 << i for i, c in enumerate(spec)} for kind, spec in COLUMNS.items()}


def _bit(kind: str, key: str) -> int:
    return _BITS[kind][key]


@dataclass
class Problem:
    row: int
    column: str
    value: str
    reason: str
    note: bool = False  # information only: the row is not an error

    def as_dict(self) -> dict[str, Any]:
        out = {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}
        if self.note:
            out["note"] = True
        return out


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why, in Vietnamese."""


def _shown(value: Any) -> str:
    """A cell as the report shows it: dates as dd/mm/yyyy, long text cut."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return text if len(text) <= VALUE_SHOWN else text[:VALUE_SHOWN] + "…"


# --- reading -------------------------------------------------------------------------------------


def sniff_format(data: bytes, filename: str) -> str:
    """'xlsx' or 'csv' from the content (not only the name), or FileRefused with the reason."""
    name = filename.lower()
    if not data:
        raise FileRefused(_("Tệp trống."))
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(_OLE2):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise FileRefused(
                _(
                    "Tệp Excel có đặt mật khẩu nên không đọc được. Hãy mở tệp, bỏ mật khẩu "
                    "(Tệp → Thông tin → Bảo vệ sổ làm việc), lưu lại rồi tải lên."
                )
            )
        raise FileRefused(
            _("Đây là tệp Excel cũ (.xls). Hãy mở bằng Excel và lưu lại dạng Sổ làm việc Excel (.xlsx).")
        )
    if name.endswith((".xlsx", ".xlsm")):
        raise FileRefused(_("Không đọc được tệp Excel: tệp bị hỏng hoặc không phải tệp .xlsx thật."))
    if name.endswith((".csv", ".txt")):
        return "csv"
    raise FileRefused(
        _("Chỉ nhận tệp .xlsx hoặc .csv. Tệp .xls cũ: hãy mở bằng Excel và lưu lại dạng .xlsx.")
    )


class _Formula(str):
    """An array or data-table formula cell (openpyxl gives objects for those)."""

    __slots__ = ()


def _formula_types() -> tuple[type, ...]:
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    return (ArrayFormula, DataTableFormula)


_FORMULA_TYPES = _formula_types()


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number cell: 19075001234.0 -> "19075001234"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, _FORMULA_TYPES):
        return _Formula("=" + str(getattr(value, "text", "") or "").lstrip("="))
    return value


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _bounds(ref: str) -> tuple[int, int, int, int]:
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(ref)
    return (min_row, min_col, max_row or min_row, max_col or min_col)


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


class _XlsxSource:
    def __init__(self, data: bytes) -> None:
        import openpyxl

        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise FileRefused(_("Không đọc được tệp Excel: tệp bị hỏng hoặc không phải .xlsx.")) from exc
        if unpacked > MAX_UNZIPPED_BYTES:
            raise FileRefused(_("Tệp Excel giải nén ra quá lớn: hãy chia thành nhiều tệp nhỏ hơn."))
        self.archive = archive
        try:
            self.book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds of errors on broken files
            raise FileRefused(
                _("Không đọc được tệp Excel: tệp bị hỏng, có mật khẩu, hoặc không phải .xlsx.")
            ) from exc
        visible = [ws for ws in self.book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        if not visible and self.book.worksheets:
            raise FileRefused(
                _("Mọi trang tính trong tệp đều đang bị ẩn: hãy bỏ ẩn trang có dữ liệu, lưu lại rồi tải lên.")
            )
        if not visible:
            raise FileRefused(_("Tệp Excel không có trang tính nào."))
        self.sheet = visible[0]
        self.other_sheets = [ws.title for ws in visible[1:] if fold_compact(ws.title) != "huongdan"]
        # Some programs write a wrong size into the file; read what is there instead.
        self.sheet.reset_dimensions()
        self._merges: list[tuple[int, int, int, int]] | None = None

    def rows(self, start: int, width: int, stop: int | None = None) -> Iterator[tuple[int, Any]]:
        """(row number, `width` values) for each row from `start`, missing rows as empty ones."""
        index = start
        try:
            for index, values in self._parsed_rows(start, width, stop):
                yield index, values
        except FileRefused:
            raise
        except Exception as exc:
            raise FileRefused(
                _("Tệp Excel bị lỗi gần dòng %(row)s: hãy mở tệp và lưu lại.") % {"row": index}
            ) from exc

    def _parsed_rows(self, start: int, width: int, stop: int | None) -> Iterator[tuple[int, Any]]:
        # openpyxl's own read-only loop, with one difference: its parser has seen the merged ranges
        # (they follow the rows) when the sheet has been read to the end, so we keep them.
        try:
            from openpyxl.worksheet._reader import WorkSheetParser

            book = self.sheet.parent
            source = self.sheet._get_source()
            parser = WorkSheetParser(
                source,
                self.sheet._shared_strings,
                data_only=book.data_only,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
        except (ImportError, AttributeError, TypeError):  # another openpyxl: its public reading
            for offset, values in enumerate(
                self.sheet.iter_rows(min_row=start, max_row=stop, max_col=width, values_only=True)
            ):
                yield start + offset, values
            return
        empty = (None,) * width
        expected = 1
        with source:
            for index, cells in parser.parse():
                if stop is not None and index > stop:
                    return
                while expected < index:  # rows missing from the file are empty rows
                    if expected >= start:
                        yield expected, empty
                    expected += 1
                if index >= start and index >= expected:
                    values = [None] * width
                    for cell in cells:
                        column = cell["column"]
                        if column <= width:
                            values[column - 1] = cell["value"]
                    yield index, values
                expected = max(expected, index + 1)
            merges = getattr(parser, "merged_cells", None)
            self._merges = [_bounds(str(m.ref)) for m in getattr(merges, "mergeCell", None) or []]

    def merged(self) -> list[tuple[int, int, int, int]]:
        """Merged ranges of the sheet as (min_row, min_col, max_row, max_col)."""
        if self._merges is not None:  # seen while reading the rows to the end
            return self._merges
        # Reading stopped early (after many empty rows): look for them after the rows in the file.
        path = getattr(self.sheet, "_worksheet_path", None)
        if not path:
            return []
        tail = b""
        found = False
        try:
            with self.archive.open(path.lstrip("/")) as handle:
                while chunk := handle.read(1 << 20):
                    if found:
                        tail += chunk
                        continue
                    window = tail[-32:] + chunk
                    at = window.find(b"sheetData>")
                    if at >= 0:
                        found, tail = True, window[at:]
                    else:
                        tail = window[-32:]
        except Exception:  # the ranges are a courtesy check: a file openpyxl reads is still read
            return []
        ranges = []
        for match in _MERGE_REF.finditer(tail):
            c1, r1, c2, r2 = match.groups()
            ranges.append(
                (int(r1), _column_number(c1), int(r2 or r1), _column_number(c2 or c1)),
            )
        return ranges

    def close(self) -> None:
        self.book.close()
        self.archive.close()


def _decode_csv(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    head = data[:4000]
    if head.count(b"\x00") > len(head) // 4:  # UTF-16 without its mark
        encoding = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        try:
            return data.decode(encoding), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("cp1258"), "cp1258"
    except UnicodeDecodeError as exc:
        raise FileRefused(_("Không đọc được tệp CSV: hãy lưu tệp với bảng mã UTF-8.")) from exc


class _CsvSource:
    def __init__(self, data: bytes) -> None:
        self.other_sheets: list[str] = []  # a CSV has one table
        self.text, self.encoding = _decode_csv(data)
        # A NUL character means nothing in a CSV and PostgreSQL text cannot hold one (the write failed).
        self.text = self.text.replace("\x00", "")
        try:
            self.dialect: Any = csv.Sniffer().sniff(self.text[:8192], delimiters=",;\t")
        except csv.Error:
            self.dialect = csv.excel

    def rows(self, start: int, width: int, stop: int | None = None) -> Iterator[tuple[int, list[Any]]]:
        index = 0
        try:
            for index, values in enumerate(csv.reader(io.StringIO(self.text), self.dialect), start=1):
                if stop is not None and index > stop:
                    return
                if index >= start:
                    yield (
                        index,
                        values[:width] if len(values) >= width else values + [None] * (width - len(values)),
                    )
        except csv.Error as exc:
            raise FileRefused(
                _("Tệp CSV bị lỗi gần dòng %(row)s (dấu ngoặc kép không đóng, hoặc ô quá dài).")
                % {"row": index + 1}
            ) from exc

    def merged(self) -> list[tuple[int, int, int, int]]:
        return []

    def close(self) -> None:
        pass


def read_table(data: bytes, filename: str) -> Iterator[tuple[int, list[Any]]]:
    """Every row of the file's first sheet as (row number as Excel shows it, values)."""
    source = _XlsxSource(data) if sniff_format(data, filename) == "xlsx" else _CsvSource(data)
    try:
        for index, values in source.rows(1, MAX_COLUMNS):
            yield index, [_cell_value(v) for v in values]
    finally:
        source.close()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class Table:
    kind: str
    columns: dict[str, int]  # key -> position
    headers: dict[str, str]  # key -> header as written in the file
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    merged: dict[int, tuple[str, str]] = field(default_factory=dict)  # row -> (column header, range)

    def header(self, key: str) -> str:
        """The column as the file names it, or as the template does when the file lacks it."""
        if key in self.headers:
            return self.headers[key]
        column = next((c for c in COLUMNS[self.kind] if c.key == key), None)
        return str(column.header) if column else key


def _header_map(kind: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for column in COLUMNS[kind]:
        for name in column.names():
            out.setdefault(name, column.key)
    return out


def _map_header_row(
    kind: str, values: Iterable[Any]
) -> tuple[dict[str, int], dict[str, str], list[str], list[str]]:
    names = _header_map(kind)
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for position, raw in enumerate(values):
        text = clean_text(str(raw)) if raw is not None else ""
        if not text:
            continue
        key = names.get(fold_compact(text))
        if key is None:
            if fold_compact(text) not in _IGNORED_HEADERS:
                unknown.append(text)
        elif key in columns:
            repeated.append(text)
        else:
            columns[key], headers[key] = position, text
    return columns, headers, unknown, repeated


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def parse_table(
    kind: str, data: bytes, filename: str, *, on_progress: Callable[[int], None] | None = None
) -> Table:
    """Find the header row, map its columns, and collect the data rows (empty rows skipped)."""
    spec = COLUMNS[kind]
    required = _required(kind)
    source: Any = _XlsxSource(data) if sniff_format(data, filename) == "xlsx" else _CsvSource(data)
    try:
        return _parse(kind, spec, required, source, on_progress)
    finally:
        source.close()


def _parse(  # noqa: C901 - one pass over the file, kept together
    kind: str,
    spec: tuple[Column, ...],
    required: list[str],
    source: Any,
    on_progress: Callable[[int], None] | None,
) -> Table:
    best: tuple[int, int, Any] | None = None  # (known columns, row, mapping)
    chosen = None
    for index, values in source.rows(1, MAX_COLUMNS, HEADER_SEARCH_ROWS):
        values = [_cell_value(v) for v in values]
        if all(_is_blank(v) for v in values):
            continue
        mapping = _map_header_row(kind, values)
        if all(key in mapping[0] for key in required):
            chosen = (index, mapping)
            break
        if mapping[0] and (best is None or len(mapping[0]) > best[0]):
            best = (len(mapping[0]), index, mapping)
    if chosen is None:
        if best is None:
            raise FileRefused(
                _("Không tìm thấy dòng tiêu đề (tên các cột) trong %(n)s dòng đầu. Hãy dùng tệp mẫu.")
                % {"n": HEADER_SEARCH_ROWS}
            )
        missing = [str(c.header) for c in spec if c.required and c.key not in best[2][0]]
        raise FileRefused(
            _("Thiếu cột bắt buộc: %(columns)s. Hãy dùng tệp mẫu hoặc đặt đúng tên cột.")
            % {"columns": ", ".join(missing)}
        )
    header_index, (columns, headers, unknown, repeated) = chosen
    table = Table(kind=kind, columns=columns, headers=headers)
    if unknown:
        table.problems.append(
            Problem(header_index, ", ".join(unknown)[:200], "", _("Cột không dùng đến, đã bỏ qua."), True)
        )
    if repeated:
        table.problems.append(
            Problem(
                header_index,
                ", ".join(repeated)[:200],
                "",
                _("Cột trùng tên với một cột trước: chỉ đọc cột đầu tiên."),
                True,
            )
        )
    if getattr(source, "encoding", "") == "cp1258":
        table.problems.append(
            Problem(
                header_index,
                "",
                "",
                _("Tệp CSV không phải UTF-8: đã đọc theo bảng mã Windows-1258. Hãy kiểm tra dấu tiếng Việt."),
                True,
            )
        )
    if source.other_sheets:
        table.problems.append(
            Problem(
                header_index,
                "",
                ", ".join(source.other_sheets)[:200],
                _("Chỉ đọc trang tính đầu tiên; các trang khác được bỏ qua."),
                True,
            )
        )
    width = max(columns.values()) + 1
    positions = list(columns.items())
    required_positions = [columns[key] for key in required]
    limit = max_rows()
    empty_run = 0
    only_optional = 0
    for index, values in source.rows(header_index + 1, width):  # each row has `width` values
        for pos in required_positions:
            value = values[pos]
            if value is not None and (value.__class__ is not str or value.strip()):
                break
        else:  # every required cell is empty
            if any(not _is_blank(values[pos]) for _key, pos in positions):
                only_optional += 1
            empty_run += 1
            if empty_run >= EMPTY_ROWS_TO_STOP:
                break
            continue
        empty_run = 0
        if len(table.rows) >= limit:
            raise FileRefused(
                _("Tệp có hơn %(max)s dòng: hãy chia thành nhiều tệp.")
                % {"max": f"{limit:,}".replace(",", ".")}
            )
        table.rows.append(
            (
                index,
                {
                    key: value
                    if (value := values[pos]) is None or value.__class__ is str
                    else _cell_value(value)
                    for key, pos in positions
                },
            )
        )
        if on_progress is not None and len(table.rows) % PROGRESS_EVERY == 0:
            on_progress(len(table.rows))
    if not table.rows and not only_optional:  # a template sent back without filling it in
        raise FileRefused(
            _("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề (dòng %(row)s).") % {"row": header_index}
        )
    _find_merged(table, source.merged(), header_index)
    if only_optional:
        table.problems.append(
            Problem(
                header_index,
                "",
                "",
                _("Bỏ qua %(n)s dòng không có dữ liệu ở các cột bắt buộc (%(columns)s).")
                % {"n": only_optional, "columns": ", ".join(table.header(k) for k in required)},
                True,
            )
        )
    return table


def _find_merged(table: Table, ranges: list[tuple[int, int, int, int]], header_index: int) -> None:
    """Rows crossed by a merged range covering two or more cells of the columns we read."""
    known = {pos + 1: key for key, pos in table.columns.items()}  # 1-based column numbers
    last = header_index + max_rows() + EMPTY_ROWS_TO_STOP
    for min_row, min_col, max_row, max_col in ranges:
        if max_row <= header_index:
            continue  # a title above the header
        keys = [known[c] for c in range(min_col, max_col + 1) if c in known]
        first_row = max(min_row, header_index + 1)
        if not keys or len(keys) * (max_row - first_row + 1) < 2:
            continue
        label = f"{_column_letter(min_col)}{min_row}:{_column_letter(max_col)}{max_row}"
        for row in range(first_row, min(max_row, last) + 1):
            table.merged.setdefault(row, (table.header(keys[0]), label))


# --- checking ------------------------------------------------------------------------------------


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


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    late: list[Problem] = field(default_factory=list)  # rows the registry refuses since the dry run


class _RegistryChanged(Exception):
    """Raised inside an all-or-nothing write to roll it back."""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


_SENSITIVE = {"cccd", "ethnic_group", "has_disability", "poverty", "poverty_year"}


def _audit_changes(changes: dict[str, tuple[Any, Any]]) -> dict[str, Any]:
    return {
        k: (["•••", "•••"] if k in _SENSITIVE else [_plain(old), _plain(new)])
        for k, (old, new) in changes.items()
    }


def _insert(model: type[Any], rows: list[dict[str, Any]]) -> None:
    """INSERT new rows given as {attname: value} (no model instances: at 100,000 rows their
    construction costs more than the database). Missing values take the field's default; values are
    converted for the database as `langso.core.db.fast_bulk_insert` does."""
    if not rows:
        return
    from django.db import connections, router

    from langso.core.db import _converter

    connection = connections[router.db_for_write(model)]
    # A database-made key (AutoField) is left to the database; a UUID key must be in every row.
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    now = timezone.now()
    defaults = {}
    for f in fields:
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        defaults[f.attname] = now if auto else (None if f.primary_key else f.get_default())
    plan = [(f.attname, defaults[f.attname], _converter(f, connection)) for f in fields]
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    with connection.cursor() as cursor:
        for part in _chunks(rows, 1000):
            values = []
            for row in part:
                line = []
                for name, default, convert in plan:
                    value = row.get(name, default)
                    line.append(value if convert is None or value is None else convert(value))
                values.append(line)
            if connection.vendor == "postgresql":
                # COPY: the fastest way in, and statement-level triggers (the search names table of
                # migration 0002) run once per batch rather than once per row.
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for line in values:
                        copy.write_row(line)
            else:
                cursor.executemany(sql, values)


def _audit_rows(
    job: ImportJob,
    object_type: str,
    items: Iterable[tuple[Any, int, str, dict[str, Any] | None]],
    *,
    person: bool = False,
) -> None:
    """One trail entry per record the import created (changes None) or updated, in bulk."""
    actor = job.created_by
    base = {
        "actor_id": actor.pk,
        "actor_username": actor.get_username()[:150],
        "object_type": object_type,
        "note": f"import {job.pk}",
    }
    _insert(
        AuditEntry,
        [
            {
                **base,
                "action": AuditAction.CREATE if changes is None else AuditAction.UPDATE,
                "object_id": str(pk),
                "object_repr": label[:200],
                "resident_id": pk if person else None,
                "changes": {"row": row, **changes} if changes else {"row": row},
            }
            for pk, row, label, changes in items
        ],
    )


def _diff(obj: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (getattr(obj, k), v) for k, v in values.items() if getattr(obj, k) != v}


def _write_villages(rows: list[CheckedRow], job: ImportJob, counts: WriteCounts, _specs: Any) -> None:
    commune = job.commune
    existing = _village_lookup(commune)
    fields = ("kind", "broadband", "mobile_4g", "mobile_5g", "coverage_checked_on")
    to_create: list[tuple[Village, int]] = []
    to_update: list[tuple[Village, int, dict[str, Any]]] = []
    now = timezone.now()
    for checked in rows:
        data, given = checked.data, checked.data.get("given", -1)
        village = existing.get(fold(data["name"]))
        if village is None:
            village = Village(
                commune=commune,
                name=data["name"],
                name_folded=fold(data["name"]),
                sort_key=place_sort_key(data["name"]),
                **{f: data[f] for f in fields},
            )
            existing[village.name_folded] = village
            to_create.append((village, checked.row))
            continue
        changes = _diff(village, {f: data[f] for f in fields if given & _bit(ImportKind.VILLAGES, f)})
        if changes:
            for key, (_old, new) in changes.items():
                setattr(village, key, new)
            village.updated_at = now
            to_update.append((village, checked.row, _audit_changes(changes)))
        else:
            counts.unchanged += 1
    Village.objects.bulk_create([v for v, _row in to_create])
    if to_update:
        Village.objects.bulk_update([v for v, _row, _c in to_update], [*fields, "updated_at"])
    _audit_rows(
        job,
        "places.village",
        [(v.pk, row, v.name, None) for v, row in to_create]
        + [(v.pk, row, v.name, c) for v, row, c in to_update],
    )
    counts.created += len(to_create)
    counts.updated += len(to_update)


_HOUSEHOLD_FIELDS = ("village_id", "address", "poverty", "poverty_year", "notes")


def _write_households(rows: list[CheckedRow], job: ImportJob, counts: WriteCounts, _specs: Any) -> None:
    commune = job.commune
    existing = {
        h.code: h for h in Household.objects.filter(commune=commune, code__in=[r.data["code"] for r in rows])
    }
    to_create: list[tuple[Household, int]] = []
    to_update: list[tuple[Household, int, dict[str, Any]]] = []
    moved: list[Household] = []
    now = timezone.now()
    for checked in rows:
        data, given = checked.data, checked.data.get("given", -1)
        household = existing.get(data["code"])
        if household is None:
            household = Household(
                id=uuid.uuid4(),
                commune=commune,
                province_id=commune.province_id,
                code=data["code"],
                **{f: data[f] for f in _HOUSEHOLD_FIELDS},
            )
            existing[household.code] = household
            to_create.append((household, checked.row))
            continue
        wanted = {"village_id": data["village_id"]}
        for f in ("address", "poverty", "poverty_year", "notes"):
            if given & _bit(ImportKind.HOUSEHOLDS, f):
                wanted[f] = data[f]
        if "poverty" in wanted and "poverty_year" not in wanted and wanted["poverty"] == Poverty.NONE:
            wanted["poverty_year"] = None
        changes = _diff(household, wanted)
        if changes:
            for key, (_old, new) in changes.items():
                setattr(household, key, new)
            household.updated_at = now
            to_update.append((household, checked.row, _audit_changes(changes)))
            if "village_id" in changes:
                moved.append(household)
        else:
            counts.unchanged += 1
    Household.objects.bulk_create([h for h, _row in to_create], batch_size=1000)
    if to_update:
        Household.objects.bulk_update(
            [h for h, _row, _c in to_update],
            ["village", "address", "poverty", "poverty_year", "notes", "updated_at"],
        )
    for household in moved:
        Resident.objects.filter(household=household).update(village_id=household.village_id)
    _audit_rows(
        job,
        "registry.household",
        [(h.pk, row, h.code, None) for h, row in to_create]
        + [(h.pk, row, h.code, c) for h, row, c in to_update],
    )
    counts.created += len(to_create)
    counts.updated += len(to_update)


def _chunks(items: list[Any], size: int = 900) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _resident_values(data: dict[str, Any], given: int, resident: Resident) -> dict[str, Any]:
    """The values an existing resident takes from the row: only the columns the row gives."""
    bit = lambda key: given & _bit(ImportKind.RESIDENTS, key)  # noqa: E731
    values: dict[str, Any] = {"household_id": data["household_id"]}
    for key in ("full_name", "sex", "ethnic_group", "phone", *_FLAG_FIELDS):
        if bit(key):
            values[key] = data[key]
    if bit("cccd"):
        values["cccd"] = data["cccd"]
    if bit("birth_date"):
        values["birth_date"], values["birth_year"] = data["birth_date"], data["birth_year"]
    elif bit("birth_year") and data["birth_year"] != resident.birth_year:
        values["birth_date"], values["birth_year"] = None, data["birth_year"]
    return values


def _write_residents(  # noqa: C901 - matching, creating, updating and heads, in one pass
    rows: list[CheckedRow], job: ImportJob, counts: WriteCounts, specs: dict[str, dict[str, Any]]
) -> None:
    commune = job.commune
    codes = list({r.data["household_code"] for r in rows})
    households: dict[str, tuple[Any, Any]] = {}  # code -> (id, village id)
    for part in _chunks(codes):
        households.update(
            {
                code: (pk, village_id)
                for code, pk, village_id in Household.objects.filter(
                    commune=commune, code__in=part
                ).values_list("code", "pk", "village_id")
            }
        )
    existing_ids = [pk for pk, _village in households.values()]
    new_households: list[dict[str, Any]] = []
    new_household_rows: list[tuple[Any, int, str, None]] = []
    for checked in rows:
        code = checked.data["household_code"]
        spec = specs.get(code)
        if spec and code not in households:
            pk = uuid.uuid4()
            households[code] = (pk, spec["village_id"])
            new_households.append(
                {
                    **spec,
                    "id": pk,
                    "code": code,
                    "commune_id": commune.code,
                    "province_id": commune.province_id,
                }
            )
            new_household_rows.append((pk, checked.row, code, None))
    by_cccd: dict[str, Resident] = {}
    for part in _chunks([r.data["cccd"] for r in rows if r.data.get("cccd")]):
        by_cccd.update({r.cccd: r for r in Resident.objects.filter(cccd__in=part)})
    by_key: dict[tuple[Any, str, int | None], Resident] = {}
    for part in _chunks(existing_ids):
        for r in Resident.objects.filter(household_id__in=part):
            by_key.setdefault((r.household_id, r.name_folded, r.birth_year), r)
    to_create: list[dict[str, Any]] = []
    created_rows: list[tuple[Any, int, str, None]] = []
    to_update: list[tuple[Resident, int, dict[str, Any]]] = []
    heads: dict[Any, Any] = {}  # household id -> resident id
    used: set[Any] = set()
    now = timezone.now()
    cccd_header = str(COLUMNS[ImportKind.RESIDENTS][6].header)
    for checked in rows:
        given = checked.data.get("given", -1)
        data = {k: checked.data[k] for k in _PERSON_KEYS}
        household_id, village_id = households[checked.data["household_code"]]
        data["household_id"] = household_id
        name_folded = _name_fold(data["full_name"])
        resident = by_cccd.get(data["cccd"]) if data["cccd"] else None
        if resident is not None and resident.commune_id != commune.code:
            counts.late.append(_elsewhere_problem(cccd_header, checked))  # taken since the dry run
            continue
        if resident is None:
            candidate = by_key.get((household_id, name_folded, data["birth_year"]))
            # The same person: the registry holds no CCCD for them, or the row omits the one it holds.
            if candidate is not None and (candidate.cccd is None or not data["cccd"]):
                resident = candidate
        if resident is not None and resident.pk in used:
            counts.unchanged += 1
            continue
        if resident is None:
            pk = uuid.uuid4()
            to_create.append(
                {
                    **data,
                    "id": pk,
                    "village_id": village_id,
                    "commune_id": commune.code,
                    "province_id": commune.province_id,
                    "name_folded": name_folded,
                    "sort_key": _name_sort_key(data["full_name"]),
                }
            )
            created_rows.append((pk, checked.row, data["full_name"], None))
        else:
            pk = resident.pk
            values = _resident_values(data, given, resident)
            values["village_id"] = village_id
            changes = _diff(resident, values)
            if changes:
                for key, (_old, new) in changes.items():
                    setattr(resident, key, new)
                resident.name_folded = _name_fold(resident.full_name)
                resident.sort_key = _name_sort_key(resident.full_name)
                resident.updated_at = now
                to_update.append((resident, checked.row, _audit_changes(changes)))
            else:
                counts.unchanged += 1
        used.add(pk)
        if data["is_head"]:
            heads[household_id] = pk
    # New households get their head as they are inserted (the foreign keys are checked at commit).
    for household in new_households:
        household["head_id"] = heads.pop(household["id"], None)
    _insert(Household, new_households)
    _audit_rows(job, "registry.household", new_household_rows)
    _insert(Resident, to_create)
    if to_update:
        Resident.objects.bulk_update(
            [r for r, _row, _c in to_update],
            [*_PERSON_KEYS, "household", "village", "name_folded", "sort_key", "updated_at"],
            batch_size=1000,
        )
    if heads:
        # One head per household: earlier heads step down, then each household points at its head.
        for part in _chunks(list(heads)):
            Resident.objects.filter(household_id__in=part, is_head=True).exclude(
                pk__in=[heads[i] for i in part]
            ).update(is_head=False)
            Household.objects.filter(pk__in=part).update(
                head=Subquery(
                    Resident.objects.filter(household=OuterRef("pk"), is_head=True).values("pk")[:1]
                ),
                updated_at=now,
            )
    _audit_rows(
        job,
        "registry.resident",
        created_rows + [(r.pk, row, r.full_name, c) for r, row, c in to_update],
        person=True,
    )
    counts.created += len(to_create)
    counts.updated += len(to_update)


WRITERS: dict[str, Callable[[list[CheckedRow], ImportJob, WriteCounts, dict[str, Any]], None]] = {
    ImportKind.VILLAGES: _write_villages,
    ImportKind.HOUSEHOLDS: _write_households,
    ImportKind.RESIDENTS: _write_residents,
}


# --- jobs ----------------------------------------------------------------------------------------


def job_create(*, acting_user: Any, kind: str, commune: Commune, upload: UploadedFile) -> ImportJob:
    """Store an upload as a job to check. Refuses at once a file too big or of the wrong type."""
    if kind not in ImportKind.values:
        raise ValidationError(_("Hãy chọn loại dữ liệu."))
    if upload.size and upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            _("Tệp quá lớn (tối đa %(mb)s MB): hãy chia thành nhiều tệp.")
            % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    data = upload.read()
    name = (upload.name or "tep").rsplit("/", 1)[-1]
    try:
        sniff_format(data, name)
    except FileRefused as refusal:
        raise ValidationError(str(refusal)) from refusal
    job = ImportJob(
        kind=kind,
        commune=commune,
        created_by=acting_user,
        original_name=name[:200],
        file_sha256=hashlib.sha256(data).hexdigest(),
        status=ImportStatus.CHECKING,
        heartbeat_at=timezone.now(),
    )
    job.file.save(name, ContentFile(data), save=False)
    job.save()
    return job


def _update(job: ImportJob, *, when: Iterable[str] | None = None, **fields: Any) -> bool:
    """Update the job in the database (only while its status is one of `when`) and in memory."""
    fields.setdefault("heartbeat_at", timezone.now())
    fields["updated_at"] = timezone.now()
    qs = ImportJob.objects.filter(pk=job.pk)
    if when is not None:
        qs = qs.filter(status__in=list(when))
    changed = qs.update(**fields) > 0
    if changed:
        for key, value in fields.items():
            setattr(job, key, value)
    return changed


def _summary(problems: list[Problem]) -> dict[str, Any]:
    errors = [p for p in problems if not p.note]
    return {
        "total": len(errors),
        "rows": len({p.row for p in errors}),
        "by_column": dict(Counter(p.column or "—" for p in errors).most_common()),
    }


def job_check(job: ImportJob) -> ImportJob:
    """Dry run: fill the job's report. Safe to run again; writes nothing to the registry."""
    job.refresh_from_db()
    if job.status != ImportStatus.CHECKING:
        return job
    _update(job, when=[ImportStatus.CHECKING])

    def beat(rows: int) -> None:
        _update(job, when=[ImportStatus.CHECKING], processed_rows=rows)

    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        result = check_file(
            kind=job.kind, commune=job.commune, data=data, filename=job.original_name, on_progress=beat
        )
    except FileRefused as refusal:
        _fail(job, str(refusal), when=[ImportStatus.CHECKING])
        return job
    except Exception:
        logger.exception("import %s: the check failed", job.pk)
        _fail(
            job,
            _("Không kiểm tra được tệp do một lỗi bất ngờ. Hãy lưu lại tệp bằng Excel rồi thử lại."),
            when=[ImportStatus.CHECKING],
        )
        return job
    problems = sorted(result.problems, key=lambda p: (p.row, p.note is False))
    _save_checked(job, result)
    errors = sum(1 for p in problems if not p.note)
    _update(
        job,
        when=[ImportStatus.CHECKING],
        status=ImportStatus.CHECKED,
        total_rows=result.total,
        valid_rows=len(result.valid),
        processed_rows=0,
        skipped_count=len(result.bad_rows),
        problems=[p.as_dict() for p in problems[:MAX_STORED_PROBLEMS]],
        problem_counts=_summary(problems),
        error_message=""
        if len(problems) <= MAX_STORED_PROBLEMS
        else _("Chỉ hiện %(n)s lỗi đầu tiên trên tổng số %(total)s.")
        % {"n": MAX_STORED_PROBLEMS, "total": f"{errors:,}".replace(",", ".")},
    )
    return job


def _checked_name(job: ImportJob) -> str:
    return f"{job.file.name}.checked.json"


_DATE_KEYS = ("birth_date", "coverage_checked_on")


def _save_checked(job: ImportJob, result: CheckResult) -> None:
    """Keep the dry run's valid rows beside the file, so writing need not read and check it again.
    Rows are stored as lists in the order of `keys` (compact, and quick to write and read back)."""
    keys = list(result.valid[0].data) if result.valid else []
    payload = {
        "sha256": job.file_sha256,
        "total": result.total,
        "bad_rows": sorted(result.bad_rows),
        "keys": keys,
        "valid": [[r.row, *[_plain(r.data.get(k)) for k in keys]] for r in result.valid],
        "households": {
            code: {k: _plain(v) for k, v in spec.items()} for code, spec in result.new_households.items()
        },
    }
    storage = job.file.storage
    name = _checked_name(job)
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(json.dumps(payload, ensure_ascii=False).encode("utf-8")))


def _drop_checked(job: ImportJob) -> None:
    if job.file:
        storage = job.file.storage
        if storage.exists(_checked_name(job)):
            storage.delete(_checked_name(job))


def _load_checked(job: ImportJob) -> CheckResult | None:
    """The saved dry run, or None when there is none (or it is not the dry run of this file)."""
    storage = job.file.storage
    name = _checked_name(job)
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        payload = json.loads(handle.read().decode("utf-8"))
    if payload.get("sha256") != job.file_sha256 or "keys" not in payload:
        return None
    keys = payload["keys"]
    dates = [k for k in _DATE_KEYS if k in keys]
    valid = []
    for row, *values in payload["valid"]:
        data = dict(zip(keys, values, strict=True))
        for key in dates:
            if data[key]:
                data[key] = datetime.date.fromisoformat(data[key])
        valid.append(CheckedRow(row, data))
    problems = [Problem(row, "", "", "") for row in payload["bad_rows"]]
    return CheckResult(payload["total"], valid, problems, payload.get("households", {}))


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
        if not job.valid_rows:
            raise ValidationError(_("Tệp không có dòng hợp lệ nào để ghi."))
        job.mode = mode
        job.status = ImportStatus.QUEUED
        job.heartbeat_at = timezone.now()  # waiting in the queue counts as alive
        job.save(update_fields=["mode", "status", "heartbeat_at", "updated_at"])
    return job


def job_cancel(*, acting_user: Any, job: ImportJob) -> ImportJob:
    """Cancel before writing starts. Nothing has been written to the registry at that point."""
    cancellable = [ImportStatus.CHECKED, ImportStatus.CHECKING, ImportStatus.QUEUED]
    if not _update(job, when=cancellable, status=ImportStatus.CANCELLED, finished_at=timezone.now()):
        job.refresh_from_db()
        if job.status != ImportStatus.CANCELLED:
            raise ValidationError(_("Lần nhập này đã bắt đầu ghi hoặc đã xong, không hủy được."))
    _drop_checked(job)
    return job


def _fail(job: ImportJob, message: str, *, when: Iterable[str]) -> None:
    if _update(job, when=when, status=ImportStatus.FAILED, error_message=message, finished_at=timezone.now()):
        _drop_checked(job)


def job_write(job: ImportJob) -> ImportJob:
    """Apply a confirmed job. Idempotent: a finished job is left alone, and matching keys make a
    re-run create nothing new; valid-rows-only resumes after the last chunk it committed."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.WRITING, heartbeat_at=timezone.now(), updated_at=timezone.now()
    )
    job.refresh_from_db()
    if not claimed:
        return job
    try:
        result = _load_checked(job)
        if result is None:  # no saved dry run (or it no longer matches): check the file again
            with job.file.open("rb") as handle:
                result = check_file(
                    kind=job.kind, commune=job.commune, data=handle.read(), filename=job.original_name
                )
        if job.mode == ImportMode.ALL_OR_NOTHING:
            _write_all(job, result)
        else:
            _write_valid_only(job, result)
    except Exception:
        logger.exception("import %s: writing failed", job.pk)
        job.refresh_from_db()
        if job.mode == ImportMode.ALL_OR_NOTHING:
            message = _("Ghi thất bại do một lỗi bất ngờ; không có gì được ghi. Hãy thử nhập lại.")
        else:
            message = _(
                "Ghi thất bại do một lỗi bất ngờ sau %(n)s dòng. Nhập lại cùng tệp sẽ ghi tiếp, không tạo trùng."
            ) % {"n": job.processed_rows}
        _fail(job, message, when=[ImportStatus.WRITING])
    job.refresh_from_db()
    return job


def _late_report(job: ImportJob, late: list[Problem]) -> dict[str, Any]:
    """The job's report with the rows the registry refused while writing (a CCCD taken since)."""
    problems = (job.problems + [p.as_dict() for p in late])[: MAX_STORED_PROBLEMS + len(late)]
    counts = dict(job.problem_counts or {})
    by_column = dict(counts.get("by_column", {}))
    for p in late:
        by_column[p.column] = by_column.get(p.column, 0) + 1
    counts.update(total=counts.get("total", 0) + len(late), rows=counts.get("rows", 0) + len(late))
    counts["by_column"] = by_column
    return {
        "problems": sorted(problems, key=lambda p: p["row"]),
        "problem_counts": counts,
        "skipped_count": job.skipped_count + len(late),
    }


def _quick_commits(quick: bool = True) -> None:
    """PostgreSQL: this transaction's commit need not wait for the disk. A crash may lose the last
    chunks written, together with the progress that names them (same transaction): the import then
    resumes before them. The database stays consistent either way.

    `quick=False` takes it back for the transaction that records the job as done (the setting in force
    at commit decides): the officer is told "done", so a crash right after must not undo it. Found by
    tests/faults: an immediate stop of PostgreSQL the instant a job showed done put it back to writing."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL synchronous_commit TO {'OFF' if quick else 'ON'}")


def _write_all(job: ImportJob, result: CheckResult) -> None:
    if result.bad_rows:  # checked again because the dry run's result was gone, and now has errors
        _fail(
            job,
            _("Tệp có lỗi khi kiểm tra lại: không ghi gì cả. Hãy nhập lại tệp."),
            when=[ImportStatus.WRITING],
        )
        return
    counts = WriteCounts()
    try:
        with transaction.atomic():  # all or nothing
            # The job's row stays locked while writing (PostgreSQL): a second worker waits, then finds it done.
            locked = (
                ImportJob.objects.select_for_update().filter(pk=job.pk, status=ImportStatus.WRITING).first()
            )
            if locked is None:
                return
            _quick_commits()
            for chunk in _chunks(result.valid, WRITE_CHUNK):
                WRITERS[job.kind](chunk, job, counts, result.new_households)
                if counts.late:
                    raise _RegistryChanged
            _finish(job, counts, len(result.valid))
    except _RegistryChanged:
        job.refresh_from_db()
        _update(job, when=[ImportStatus.WRITING], **_late_report(job, counts.late))
        _fail(
            job,
            _(
                "Sổ đã thay đổi từ lúc kiểm tra: không ghi gì cả. Các dòng bị từ chối ở dưới; hãy chọn "
                "chỉ ghi các dòng hợp lệ trong một lần nhập mới, hoặc sửa tệp rồi nhập lại."
            ),
            when=[ImportStatus.WRITING],
        )


def _write_valid_only(job: ImportJob, result: CheckResult) -> None:
    total = len(result.valid)
    while True:
        with transaction.atomic():
            # Each chunk commits together with the progress that names it: a re-run starts after it.
            locked = ImportJob.objects.select_for_update().filter(pk=job.pk).first()
            if locked is None or locked.status != ImportStatus.WRITING:
                return
            _quick_commits()
            start = locked.processed_rows
            counts = WriteCounts(locked.created_count, locked.updated_count, locked.unchanged_count)
            if start >= total:
                _finish(locked, counts, total)
                return
            chunk = result.valid[start : start + WRITE_CHUNK]
            WRITERS[job.kind](chunk, job, counts, result.new_households)
            _update(
                job,
                processed_rows=start + len(chunk),
                created_count=counts.created,
                updated_count=counts.updated,
                unchanged_count=counts.unchanged,
                **(_late_report(locked, counts.late) if counts.late else {}),
            )


def _finish(job: ImportJob, counts: WriteCounts, processed: int) -> None:
    _quick_commits(False)  # "done" is what the officer is told: its commit waits for the WAL
    _update(
        job,
        status=ImportStatus.DONE,
        processed_rows=processed,
        created_count=counts.created,
        updated_count=counts.updated,
        unchanged_count=counts.unchanged,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
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
            "rows": job.total_rows,
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "skipped": job.skipped_count,
        },
        note=f"import {job.pk}",
    )
    transaction.on_commit(lambda: _drop_checked(job))


RUNNING = (ImportStatus.CHECKING, ImportStatus.QUEUED, ImportStatus.WRITING)


def job_is_stale(job: ImportJob, *, minutes: int = STALE_MINUTES) -> bool:
    """A job whose worker died: still checking, queued or writing, but no heartbeat for a while."""
    if job.status not in RUNNING:
        return False
    last = job.heartbeat_at or job.updated_at
    return last < timezone.now() - datetime.timedelta(minutes=minutes)


def job_recover(job: ImportJob, *, minutes: int = STALE_MINUTES, max_attempts: int = MAX_RECOVERIES) -> str:
    """Re-queue a job whose worker died, or fail it after `max_attempts` tries.

    Returns "fresh" (nothing to do), "requeued" or "failed". Guarded by a conditional update on the
    job's status and last heartbeat, so two recoverers (cron and the page) cannot both act, and a
    worker that was only slow keeps its job. An all-or-nothing write that died left nothing behind
    (its transaction rolled back); a valid-rows write resumes after its last committed chunk.
    """
    from langso.registry.tasks import check_import, write_import

    job.refresh_from_db()
    if not job_is_stale(job, minutes=minutes):
        return "fresh"
    same = Q(pk=job.pk, status=job.status)
    same &= Q(heartbeat_at=job.heartbeat_at) if job.heartbeat_at else Q(heartbeat_at__isnull=True)
    if job.attempts >= max_attempts:
        if job.status == ImportStatus.CHECKING:
            message = _("Không kiểm tra xong tệp sau %(n)s lần thử. Hãy chia tệp nhỏ hơn rồi nhập lại.")
        elif job.mode == ImportMode.ALL_OR_NOTHING:
            message = _("Không ghi xong sau %(n)s lần thử; không có gì được ghi. Hãy nhập lại tệp.")
        else:
            message = _(
                "Không ghi xong sau %(n)s lần thử. Các dòng đã ghi được giữ; nhập lại cùng tệp sẽ ghi tiếp."
            )
        changed = ImportJob.objects.filter(same).update(
            status=ImportStatus.FAILED,
            error_message=message % {"n": job.attempts + 1},
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if changed:
            _drop_checked(job)
        return "failed" if changed else "fresh"
    status = ImportStatus.CHECKING if job.status == ImportStatus.CHECKING else ImportStatus.QUEUED
    changed = ImportJob.objects.filter(same).update(
        status=status, attempts=job.attempts + 1, heartbeat_at=timezone.now(), updated_at=timezone.now()
    )
    if not changed:
        return "fresh"
    task = check_import if status == ImportStatus.CHECKING else write_import
    task.enqueue(str(job.pk))
    return "requeued"


def purge_files(*, days: int) -> int:
    """Delete the uploaded files of jobs finished more than `days` ago (the report and counts stay)."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    purged = 0
    for job in ImportJob.objects.filter(finished_at__lt=cutoff).exclude(file=""):
        _drop_checked(job)
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
        purged += 1
    return purged


def poverty_label(value: str) -> str:
    return str(Poverty(value).label) if value in Poverty.values else value


def template_xlsx(kind: str) -> bytes:
    """The template to download: headers and an example row, and a sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = str(ImportKind(kind).label).replace("/", "-")[:31]
    spec = COLUMNS[kind]
    sheet.append([str(c.header) for c in spec])
    sheet.append([c.example for c in spec])
    sheet.freeze_panes = "A2"
    text_columns = {"code", "household_code", "cccd", "phone", "birth_date", "coverage_checked_on"}
    choices = {
        "sex": '"Nam,Nữ"',
        "has_disability": '"Có,Không"',
        "owns_smartphone": '"Có,Không"',
        "is_head": '"Có,Không"',
        "broadband": '"Có,Một phần,Không"',
        "mobile_4g": '"Có,Một phần,Không"',
        "mobile_5g": '"Có,Một phần,Không"',
        "poverty": '"Hộ nghèo,Hộ cận nghèo,Hộ khó khăn khác,Không"',
    }
    for index, column in enumerate(spec, start=1):
        letter = _column_letter(index)
        header = sheet.cell(1, index)
        header.font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(12, len(str(column.header)) + 4)
        if column.key in text_columns:
            # Text: Excel keeps the leading zeros of CCCD and phone numbers, and dates as typed.
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(2, index).number_format = "@"
        if column.key in choices:
            validation = DataValidation(type="list", formula1=choices[column.key], allow_blank=True)
            validation.error = _("Hãy chọn một giá trị trong danh sách.")
            validation.showErrorMessage = False  # other spellings are accepted by the import too
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}5000")
    help_sheet = book.create_sheet(_("Hướng dẫn"))
    help_sheet.append([_("Cột"), _("Bắt buộc"), _("Cách ghi"), _("Ví dụ")])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in spec:
        help_sheet.append(
            [str(column.header), _("Có") if column.required else _("Không"), str(column.help), column.example]
        )
    help_sheet.append([])
    for line in (
        _("Dòng 1 là tên cột: giữ nguyên. Các cột có thể đổi thứ tự; cột không dùng đến được bỏ qua."),
        _("Dòng ví dụ ở trang đầu có thể xóa. Mỗi người (hoặc hộ, thôn) một dòng; không gộp ô."),
        _("Ngày ghi dạng ngày/tháng/năm, ví dụ 05/03/1960. Không dùng công thức: hãy dán dạng giá trị."),
        _("Nhập lại cùng một tệp không tạo bản ghi trùng: bản ghi đã có được cập nhật."),
        _("Ô để trống không xóa dữ liệu đã có trong sổ."),
    ):
        help_sheet.append([line])
    help_sheet.column_dimensions["A"].width = 26
    help_sheet.column_dimensions["B"].width = 10
    help_sheet.column_dimensions["C"].width = 70
    help_sheet.column_dimensions["D"].width = 18
    for row in help_sheet.iter_rows(min_row=2, max_col=3):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
