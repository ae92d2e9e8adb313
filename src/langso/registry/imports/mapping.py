"""Finding the header row, mapping its columns to fields, and collecting the data rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from langso.core.text import clean_text, fold_compact
from langso.registry.imports.columns import COLUMNS, Column, _required
from langso.registry.imports.reading import (
    MAX_COLUMNS,
    FileRefused,
    Problem,
    _cell_value,
    _column_letter,
    _CsvSource,
    _is_blank,
    _XlsxSource,
    sniff_format,
)

DEFAULT_MAX_ROWS = 200_000
EMPTY_ROWS_TO_STOP = 1_000
HEADER_SEARCH_ROWS = 30  # the header may sit under a title
PROGRESS_EVERY = 5_000
# Columns that number the rows ("STT") are expected and ignored without a note.
_IGNORED_HEADERS = {"stt", "tt", "sott", "sothutu", "so"}


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


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
