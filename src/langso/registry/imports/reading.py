"""Reading a file: its format, its first sheet's rows as values (xlsx or csv), and the problem
and refusal types every stage reports with."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from langso.core.text import fold_compact

MAX_COLUMNS = 200
MAX_UNZIPPED_BYTES = 1_000_000_000  # a zip bomb is refused before openpyxl inflates it
VALUE_SHOWN = 60
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
