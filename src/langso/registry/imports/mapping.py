"""Finding the header row, mapping her columns to fields, and handing over the data rows.

A header is recognised after folding case, diacritics and punctuation ("Số CMND/CCCD", "SỐ CMND-CCCD"
and "so cmnd cccd" are one header). When the required columns are not all recognised, the file's
layout (its header row, headers and a few sample rows) comes back in `MappingNeeded` and the officer
maps each of her columns to a field or to nothing; that choice is remembered for the commune and the
same headers (`header_signature`), so her next file with the same layout goes straight through.

The data rows are not collected in a list: `Table.rows` hands them over one at a time while the
source reads them, so the checks hold one row, not the file, on top of what the reader holds.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from langso.core.text import clean_text, fold, fold_compact
from langso.registry.imports.columns import (
    COLUMNS,
    HEAD_WORDS,
    REASONS_HEADER,
    RELATION,
    RELATION_HEADERS,
    RELATION_LABEL,
    Column,
)
from langso.registry.imports.reading import (
    MAX_COLUMNS,
    FileRefused,
    Problem,
    _cell_value,
    _column_letter,
    _is_blank,
    open_source,
)

DEFAULT_MAX_ROWS = 200_000
EMPTY_ROWS_TO_STOP = 1_000
HEADER_SEARCH_ROWS = 30  # the header may sit under a title
PROGRESS_EVERY = 1_000
SAMPLE_ROWS = 3
# Columns that number the rows ("STT") are expected and ignored without a note.
_IGNORED_HEADERS = {"stt", "tt", "sott", "sothutu", "so"}
_EXAMPLE_MARK = re.compile(r"\(?\s*vi du\s*[:)\-–]")  # "Ví dụ:" starts the template's example row


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def is_reasons_header(text: str) -> bool:
    """The reasons column a refused-rows file adds (ignored when the file comes back)."""
    folded = fold_compact(text)
    return folded.startswith("lydobituchoi") or folded == fold_compact(str(REASONS_HEADER))


def _ignored(folded: str) -> bool:
    return folded in _IGNORED_HEADERS or is_reasons_header(folded)


class MappingNeeded(Exception):
    """The required columns were not all recognised: the officer maps the columns (see `layout`)."""

    def __init__(self, layout: dict[str, Any], missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.layout = layout
        self.missing = missing


def header_signature(headers: list[str]) -> str:
    """The same headers in the same order give the same signature, whatever their case or accents."""
    folded = [fold_compact(h) for h in headers]
    folded = ["" if _ignored(h) and h not in _IGNORED_HEADERS else h for h in folded]
    while folded and not folded[-1]:
        folded.pop()
    return hashlib.sha256("|".join(folded).encode()).hexdigest()


class _Rows:
    """The data rows, read as they are iterated (once); `len()` is the count read so far."""

    def __init__(self, produce: Callable[[], Iterator[tuple[int, dict[str, Any]]]]) -> None:
        self._produce = produce
        self.count = 0
        self._used = False

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        if self._used:
            raise RuntimeError("the rows of a file are read once")
        self._used = True
        for item in self._produce():
            self.count += 1
            yield item

    def __len__(self) -> int:
        return self.count


@dataclass
class Table:
    kind: str
    columns: dict[str, int]  # key -> position
    headers: dict[str, str]  # key -> header as written in the file
    rows: Any = field(default_factory=list)  # (row, {key: value}) pairs: a list, or _Rows read once
    problems: list[Problem] = field(default_factory=list)
    merged: dict[int, tuple[str, str]] = field(default_factory=dict)  # row -> (column header, range)
    spec: tuple[Column, ...] = ()
    # Her header row: {"header_row", "headers", "fields"} (fields: a key, RELATION or "" per column).
    layout: dict[str, Any] = field(default_factory=dict)
    relation: bool = False  # the is_head column is her "Quan hệ với chủ hộ": "Chủ hộ" means head

    def header(self, key: str) -> str:
        """The column as the file names it, or as the template does when the file lacks it."""
        if key in self.headers:
            return self.headers[key]
        column = next((c for c in (self.spec or COLUMNS[self.kind]) if c.key == key), None)
        return str(column.header) if column else key


def header_names(spec: tuple[Column, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for column in spec:
        for name in column.names():
            out.setdefault(name, column.key)
    if any(c.key == "is_head" for c in spec):
        for name in RELATION_HEADERS:
            out.setdefault(name, RELATION)
    return out


def field_choices(spec: tuple[Column, ...]) -> list[tuple[str, str]]:
    """The fields a column can be mapped to, for the mapping form."""
    choices = [(c.key, str(c.header)) for c in spec]
    if any(c.key == "is_head" for c in spec):
        choices.append((RELATION, str(RELATION_LABEL)))
    return choices


def layout_rows(layout: dict[str, Any]) -> list[dict[str, Any]]:
    """Each of her columns for the mapping form: its header, a few of its values, its field now."""
    headers = [str(h) for h in layout.get("headers", [])]
    fields = list(layout.get("fields", [])) + [""] * len(headers)
    samples = layout.get("samples", [])
    return [
        {
            "index": i,
            "header": header or _("(cột %(n)s không có tên)") % {"n": i + 1},
            "samples": [row[i] for row in samples if i < len(row) and row[i]][:3],
            "field": fields[i],
        }
        for i, header in enumerate(headers)
    ]


def _texts(values: list[Any]) -> list[str]:
    texts = [clean_text(str(v)) if not _is_blank(v) else "" for v in values]
    while texts and not texts[-1]:
        texts.pop()
    return texts


def _recognise(names: dict[str, str], headers: list[str]) -> list[str]:
    """A field (or "") for each header; a field met twice keeps its first column."""
    fields, seen = [], set()
    for text in headers:
        key = names.get(fold_compact(text), "") if text else ""
        if key and key in seen:
            key = ""
        seen.add(key)
        fields.append(key)
    return fields


def _likely_header(candidates: list[tuple[int, list[str]]]) -> tuple[int, list[str]] | None:
    """With no header recognised: the first row about as wide as the widest of the first rows (titles
    above the header fill one or two cells)."""
    if not candidates:
        return None
    widest = max(sum(1 for t in texts if t) for _i, texts in candidates)
    for index, texts in candidates:
        filled = sum(1 for t in texts if t)
        if filled >= 2 and filled >= 0.6 * widest:
            return index, texts
    return None


def _target(key: str) -> str:
    return "is_head" if key == RELATION else key


def _has_required(spec: tuple[Column, ...], fields: list[str]) -> bool:
    given = {_target(f) for f in fields}
    return all(c.key in given for c in spec if c.required)


def parse_table(
    kind: str,
    data: bytes,
    filename: str,
    *,
    layout: dict[str, Any] | None = None,
    remembered: Callable[[str], list[str] | None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    spec: tuple[Column, ...] | None = None,
) -> Table:
    """Find the header row and map its columns; `Table.rows` then reads the data rows (empty rows
    skipped) as they are iterated, closing the file at the end.

    `layout` is a mapping the officer chose for this file; `remembered(signature)` gives the one she
    chose before for the same headers. Raises FileRefused, or MappingNeeded when the required columns
    are not all known."""
    spec = spec or COLUMNS[kind]
    source = open_source(data, filename)
    try:
        table = _header(kind, spec, source, layout, remembered)
    except BaseException:
        source.close()
        raise
    table.rows = _Rows(lambda: _data_rows(table, source, on_progress))
    return table


def _header(  # noqa: C901 - the ways a header row is found, in order
    kind: str,
    spec: tuple[Column, ...],
    source: Any,
    layout: dict[str, Any] | None,
    remembered: Callable[[str], list[str] | None] | None,
) -> Table:
    names = header_names(spec)
    candidates: list[tuple[int, list[str]]] = []
    for index, values in source.rows(1, MAX_COLUMNS, HEADER_SEARCH_ROWS):
        texts = _texts([_cell_value(v) for v in values])
        if any(texts):
            candidates.append((index, texts))
    chosen: tuple[int, list[str], list[str]] | None = None
    saved = False
    if layout and layout.get("fields"):
        row = int(layout["header_row"])
        texts = next((t for i, t in candidates if i == row), list(layout.get("headers", [])))
        fields = list(layout["fields"]) + [""] * max(0, len(texts) - len(layout["fields"]))
        chosen = (row, texts, fields[: max(len(texts), len(layout["fields"]))])
    else:
        best: tuple[int, int, list[str], list[str]] | None = None
        for index, texts in candidates:
            fields = _recognise(names, texts)
            known = sum(1 for f in fields if f)
            if _has_required(spec, fields):
                chosen = (index, texts, fields)
                break
            if known and (best is None or known > best[0]):
                best = (known, index, texts, fields)
        if chosen is None and best is not None:
            chosen = (best[1], best[2], best[3])
        elif chosen is None:
            likely = _likely_header(candidates)
            if likely is not None:
                chosen = (likely[0], likely[1], [""] * len(likely[1]))
        if chosen is None:
            raise FileRefused(
                _("Không tìm thấy dòng tiêu đề (tên các cột) trong %(n)s dòng đầu. Hãy dùng tệp mẫu.")
                % {"n": HEADER_SEARCH_ROWS}
            )
        if remembered is not None:
            before = remembered(header_signature(chosen[1]))
            if before:
                fields = list(before)[: len(chosen[1])] + [""] * max(0, len(chosen[1]) - len(before))
                chosen, saved = (chosen[0], chosen[1], fields), True
    header_index, texts, fields = chosen
    layout_out = {"header_row": header_index, "headers": texts, "fields": fields}
    if not _has_required(spec, fields):
        layout_out["samples"] = [
            _texts([_cell_value(v) for v in values])[: len(texts)]
            for _i, values in source.rows(header_index + 1, len(texts), header_index + SAMPLE_ROWS)
        ]
        missing = [str(c.header) for c in spec if c.required and c.key not in {_target(f) for f in fields}]
        raise MappingNeeded(layout_out, missing)
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for position, (text, key) in enumerate(zip(texts, fields, strict=False)):
        if not text and not key:
            continue
        target = _target(key)
        if not target:
            if not _ignored(fold_compact(text)) and not saved and not (layout and layout.get("fields")):
                unknown.append(text)
            continue
        if target in columns:
            repeated.append(text)
            continue
        columns[target], headers[target] = position, text or str(target)
    table = Table(kind=kind, columns=columns, headers=headers, spec=spec, layout=layout_out)
    head = columns.get("is_head")
    table.relation = head is not None and head < len(fields) and fields[head] == RELATION
    if saved:
        table.problems.append(
            Problem(header_index, "", "", _("Đã dùng cách ghép cột đã lưu cho các cột này của xã."), True)
        )
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
    _find_merged(table, source.merged(), header_index)
    return table


def _example_values(spec: tuple[Column, ...]) -> dict[str, str]:
    return {c.key: c.example for c in spec if c.example}


def _is_example(raw: dict[str, Any], examples: dict[str, str], first: str) -> bool:
    """The template's example row: marked "Ví dụ" (today's template), or, from an older template, a
    row of the template's full layout holding every example value."""
    value = raw.get(first)
    if isinstance(value, str) and value.lstrip("( ")[:1] in "Vv" and _EXAMPLE_MARK.match(fold(value[:16])):
        return True
    if len(examples) < 3 or not isinstance(value, str) or value.strip() != examples.get(first):
        return False
    # The template's whole layout, each example cell as the template wrote it.
    return all(key in raw and str(raw[key] or "").strip() == examples[key] for key in examples)


def _data_rows(  # noqa: C901 - one pass over the file, kept together
    table: Table, source: Any, on_progress: Callable[[int], None] | None
) -> Iterator[tuple[int, dict[str, Any]]]:
    spec = table.spec
    header_index = table.layout["header_row"]
    required = [c.key for c in spec if c.required]
    columns = table.columns
    width = max(columns.values()) + 1
    positions = list(columns.items())
    required_positions = [columns[key] for key in required]
    relation = table.relation
    examples = _example_values(spec)
    first = spec[0].key
    skipped_examples = 0
    limit = max_rows()
    empty_run = 0
    only_optional = 0
    count = 0
    try:
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
            raw = {
                key: value if (value := values[pos]) is None or value.__class__ is str else _cell_value(value)
                for key, pos in positions
            }
            if relation:
                head = raw.get("is_head")
                raw["is_head"] = (
                    None if _is_blank(head) else ("Có" if fold_compact(str(head)) in HEAD_WORDS else "Không")
                )
            if _is_example(raw, examples, first):
                skipped_examples += 1
                table.problems.append(
                    Problem(
                        index,
                        "",
                        "",
                        _("Dòng ví dụ của tệp mẫu: đã bỏ qua, không ghi vào sổ."),
                        True,
                    )
                )
                continue
            count += 1
            if count > limit:
                raise FileRefused(
                    _("Tệp có hơn %(max)s dòng: hãy chia thành nhiều tệp.")
                    % {"max": f"{limit:,}".replace(",", ".")}
                )
            yield index, raw
            if on_progress is not None and count % PROGRESS_EVERY == 0:
                on_progress(count)
    finally:
        source.close()
    if not count and skipped_examples and not only_optional:
        raise FileRefused(
            _("Tệp chỉ có dòng ví dụ của tệp mẫu: hãy ghi danh sách của xã vào các dòng dưới dòng tiêu đề.")
        )
    if not count and not only_optional:  # a template sent back without filling it in
        raise FileRefused(
            _("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề (dòng %(row)s).") % {"row": header_index}
        )
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
