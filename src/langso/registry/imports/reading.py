"""Reading a file: its format, its first sheet's rows as values (xlsx or csv), and the problem
and refusal types every stage reports with."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from langso.core.text import fold_compact

logger = logging.getLogger(__name__)

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
    """A formula cell, as "=" and its text: reported, never read as data (see the package docstring)."""

    __slots__ = ()


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number cell: 19075001234.0 -> "19075001234"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


# The sheet's XML is scanned (streamed, in C) for formula and error cells, which python-calamine reads
# as their cached results or as empty cells; only a sheet that has some is parsed for where they are.
_HINTS = (b"<f>", b"<f ", b":f>", b":f ", b't="e"')
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAX_CELLS = 20_000_000  # rows x columns of the used area: a stray cell far right would cost minutes


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


def _sheet_paths(archive: zipfile.ZipFile) -> list[str]:
    """The worksheet XML paths in workbook order (the order python-calamine lists the sheets in)."""
    from xml.etree import ElementTree

    root_rels = ElementTree.fromstring(archive.read("_rels/.rels"))  # noqa: S314 - our zip, size checked
    book = next(
        (r.get("Target", "") for r in root_rels if r.get("Type", "").endswith("/officeDocument")),
        "xl/workbook.xml",
    ).lstrip("/")
    folder = book.rsplit("/", 1)[0] if "/" in book else ""
    rels_path = f"{folder}/_rels/{book.rsplit('/', 1)[-1]}.rels" if folder else f"_rels/{book}.rels"
    targets = {
        r.get("Id"): r.get("Target", "")
        for r in ElementTree.fromstring(archive.read(rels_path))  # noqa: S314
    }
    paths = []
    for sheet in ElementTree.fromstring(archive.read(book)).iter():  # noqa: S314
        if sheet.tag.endswith("}sheet") or sheet.tag == "sheet":
            target = targets.get(sheet.get(f"{{{_RELS_NS}}}id"), "")
            paths.append(target.lstrip("/") if target.startswith("/") else f"{folder}/{target}".lstrip("/"))
    return paths


def _unescape(text: bytes) -> str:
    from html import unescape

    return unescape(text.decode("utf-8", "replace"))


def _marked_cells(archive: zipfile.ZipFile, path: str) -> dict[tuple[int, int], Any]:
    """Formula cells ("=…") and error cells ("#N/A") by (row, column), both 1-based."""
    try:
        with archive.open(path) as handle:
            tail = b""
            while chunk := handle.read(1 << 20):
                window = tail + chunk
                if any(hint in window for hint in _HINTS):
                    break
                tail = window[-8:]
            else:
                return {}
        xml = archive.read(path)
    except (KeyError, OSError, zipfile.BadZipFile):
        return {}
    marks: dict[tuple[int, int], Any] = {}
    start = xml.find(b"sheetData")
    for match in _CELL.finditer(xml, max(start, 0)):
        attributes, body = match.group(1), match.group(2) or b""
        ref = _REF.search(attributes)
        if ref is None:
            continue
        where = (int(ref.group(2)), _column_number(ref.group(1)))
        formula = _FORMULA.search(body)
        if formula is not None:
            marks[where] = _Formula("=" + _unescape(formula.group(1) or b"").lstrip("="))
        elif _ERROR_TYPE.search(attributes):
            value = _VALUE.search(body)
            marks[where] = _unescape(value.group(1)) if value else "#N/A"
    return marks


class _XlsxSource:
    """The first visible worksheet, read by python-calamine (Rust): the sheet's cells are held by it,
    and handed over one row at a time."""

    def __init__(self, data: bytes) -> None:
        import python_calamine

        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise FileRefused(_("Không đọc được tệp Excel: tệp bị hỏng hoặc không phải .xlsx.")) from exc
        if unpacked > MAX_UNZIPPED_BYTES:
            raise FileRefused(_("Tệp Excel giải nén ra quá lớn: hãy chia thành nhiều tệp nhỏ hơn."))
        self.archive = archive
        try:
            self.book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheets = self.book.sheets_metadata
        except Exception as exc:  # calamine raises its own errors, or zip/xml ones, on broken files
            raise FileRefused(
                _("Không đọc được tệp Excel: tệp bị hỏng, có mật khẩu, hoặc không phải .xlsx.")
            ) from exc
        worksheets = [
            (index, meta)
            for index, meta in enumerate(sheets)
            if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
        visible = [(i, m) for i, m in worksheets if m.visible == python_calamine.SheetVisibleEnum.Visible]
        if not visible and worksheets:
            raise FileRefused(
                _("Mọi trang tính trong tệp đều đang bị ẩn: hãy bỏ ẩn trang có dữ liệu, lưu lại rồi tải lên.")
            )
        if not visible:
            raise FileRefused(_("Tệp Excel không có trang tính nào."))
        index = visible[0][0]
        self.other_sheets = [m.name for _i, m in visible[1:] if fold_compact(m.name) != "huongdan"]
        try:
            self.sheet = self.book.get_sheet_by_index(index)
        except Exception as exc:
            raise FileRefused(_("Không đọc được tệp Excel: tệp bị hỏng hoặc không phải .xlsx.")) from exc
        end = self.sheet.end
        if end is not None and (end[0] + 1) * (end[1] + 1) > MAX_CELLS:
            raise FileRefused(
                _(
                    "Trang tính có dữ liệu tới cột %(column)s, dòng %(row)s: quá rộng để đọc. Hãy xóa các cột "
                    "và dòng thừa (kể cả ô chỉ có khoảng trắng) rồi lưu lại."
                )
                % {"column": _column_letter(end[1] + 1), "row": end[0] + 1}
            )
        try:
            paths = _sheet_paths(archive)
            self._marks = _marked_cells(archive, paths[index]) if index < len(paths) else {}
        except Exception:  # the marks are a check on top: a file calamine reads is still read
            logger.warning("import: could not look for formula cells", exc_info=True)
            self._marks = {}

    @property
    def height(self) -> int:
        """How many rows the sheet has, counting from row 1 (empty rows at the end included)."""
        end = self.sheet.end
        return 0 if end is None else end[0] + 1

    def rows(self, start: int, width: int, stop: int | None = None) -> Iterator[tuple[int, list[Any]]]:
        """(row number, `width` values) for each row from `start`, missing rows as empty ones."""
        first = self.sheet.start
        if first is None:
            return
        # calamine gives rows from row 1, and columns from the first column that holds anything.
        offset = first[1]
        marks = self._marks
        index = 0
        try:
            for index, cells in enumerate(self.sheet.iter_rows(), start=1):
                if stop is not None and index > stop:
                    return
                if index < start:
                    continue
                values = [None] * offset + [None if v == "" else v for v in cells[: max(width - offset, 0)]]
                if len(values) < width:
                    values.extend([None] * (width - len(values)))
                elif offset > width:
                    values = values[:width]
                if marks:
                    for column in range(1, width + 1):
                        mark = marks.get((index, column))
                        if mark is not None:
                            values[column - 1] = mark
                yield index, values
        except FileRefused:
            raise
        except Exception as exc:
            raise FileRefused(
                _("Tệp Excel bị lỗi gần dòng %(row)s: hãy mở tệp và lưu lại.") % {"row": index}
            ) from exc

    def merged(self) -> list[tuple[int, int, int, int]]:
        """Merged ranges of the sheet as (min_row, min_col, max_row, max_col), 1-based."""
        ranges = self.sheet.merged_cell_ranges or []
        return [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in ranges]

    def close(self) -> None:
        # The sheet's cells live in Rust until the last reference goes: let them go now.
        self.sheet = None  # type: ignore[assignment]  # closed: never read again
        self._marks = {}
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
                    cells: list[Any] = values  # the cells read, then None for the missing ones
                    yield (
                        index,
                        cells[:width] if len(cells) >= width else cells + [None] * (width - len(cells)),
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


def open_source(data: bytes, filename: str) -> Any:
    """The file's first sheet (xlsx) or its table (csv), to read rows from; close it when done."""
    return _XlsxSource(data) if sniff_format(data, filename) == "xlsx" else _CsvSource(data)


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="[A-Z]+\d+:[A-Z]+(\d+)"')


_VALUE_END = re.compile(rb"</(?:\w+:)?(?:v|is)>")
_CELL_ROW = re.compile(rb'<c\b[^>]*?\br="[A-Z]{1,3}(\d+)"')


def _last_row_with_value(archive: zipfile.ZipFile, path: str) -> int | None:
    """The row of the sheet's last cell that holds a value, found by streaming its XML a megabyte at a
    time (no dimension written, as openpyxl's write-only mode does): a fraction of a full read. None
    when the XML is not as expected (prefixed tags, cells without a reference): the sheet is read."""
    previous, holder = b"", b""
    with archive.open(path) as handle:
        while chunk := handle.read(1 << 20):
            window = previous + chunk  # a cell is far smaller than a megabyte: none is cut in two
            if _VALUE_END.search(chunk) or _VALUE_END.search(window, max(len(previous) - 16, 0)):
                holder = window
            previous = chunk
    ends = [match.start() for match in _VALUE_END.finditer(holder)]
    if not ends:
        return None
    start = holder.rfind(b"<c ", 0, ends[-1])
    found = _CELL_ROW.match(holder, start) if start >= 0 else None
    return int(found.group(1)) if found else None


def count_rows(data: bytes, filename: str) -> int:
    """How many rows the file's first sheet (or CSV) has, titles and empty rows included: decides
    whether the background worker checks it. 0 when the file cannot be read (the check will say why).
    An .xlsx says its used range at the start of the sheet (Excel, LibreOffice and openpyxl write it):
    read from there in a few kilobytes; else the sheet is read."""
    try:
        if sniff_format(data, filename) == "csv":
            return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            paths = _sheet_paths(archive)
            if paths:
                with archive.open(paths[0]) as handle:
                    found = _DIMENSION.search(handle.read(4096))
                if found:
                    return int(found.group(1))
                last = _last_row_with_value(archive, paths[0])
                if last is not None:
                    return last
        source = _XlsxSource(data)
    except (FileRefused, zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError):
        return 0
    try:
        return source.height
    finally:
        source.close()


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
