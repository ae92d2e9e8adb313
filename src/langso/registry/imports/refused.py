"""The refused rows as a file to fix and import again: her header row and her rows exactly as she wrote
them (her headers, her columns, her values), plus one column of reasons in Vietnamese. The reasons
column is ignored when the file comes back (`columns.REASONS_HEADER`)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from langso.registry.imports.columns import REASONS_HEADER
from langso.registry.imports.mapping import is_reasons_header
from langso.registry.imports.reading import MAX_COLUMNS, _column_letter, open_source

REASONS_WIDTH = 60


def reason_lines(problems: Iterable[Any]) -> dict[int, list[str]]:
    """Each refused row's reasons ("Column: reason"), from Problems or their stored dicts; notes left out."""
    out: dict[int, list[str]] = {}
    for problem in problems:
        p = problem if isinstance(problem, dict) else problem.as_dict()
        if p.get("note") or not p.get("row"):
            continue
        text = f"{p['column']}: {p['reason']}" if p.get("column") else str(p["reason"])
        lines = out.setdefault(int(p["row"]), [])
        if text not in lines:
            lines.append(text)
    return out


def _her_value(value: Any) -> Any:
    """A cell as she typed it: numbers stay numbers (1962, not 1962.0), dates stay dates."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    return value


def refused_rows_xlsx(*, data: bytes, filename: str, header_row: int, reasons: dict[int, list[str]]) -> bytes:
    """Her header row and each refused row of the file (in the file's order), with the reasons."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    source = open_source(data, filename)
    try:
        header: list[Any] = []
        picked: list[list[Any]] = []
        last = max(reasons, default=0)
        for index, values in source.rows(header_row, MAX_COLUMNS, last):
            if index == header_row:
                header = list(values)
            elif index in reasons:
                picked.append([index, *values])
    finally:
        source.close()
    # Her columns: up to the last header or value she filled, without an older reasons column.
    drop = {i for i, h in enumerate(header) if h is not None and is_reasons_header(str(h))}
    width = max(
        [i + 1 for i, h in enumerate(header) if h not in (None, "") and i not in drop]
        + [i for row in picked for i, v in enumerate(row) if v not in (None, "") and i - 1 not in drop]
        + [1]
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Dòng bị từ chối")[:31])
    sheet.column_dimensions[_column_letter(width + 1 - len(drop))].width = REASONS_WIDTH
    bold = Font(bold=True)

    def cell(value: Any, *, font: Any = None, wrap: bool = False) -> Any:
        value = _her_value(value)
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters Excel cannot hold
        out = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith("="):
            out.data_type = "s"  # her formula comes back as text: shown, never run
        if font is not None:
            out.font = font
        if wrap:
            out.alignment = Alignment(wrap_text=True, vertical="top")
        return out

    sheet.append(
        [cell(header[i] if i < len(header) else None, font=bold) for i in range(width) if i not in drop]
        + [cell(str(REASONS_HEADER), font=bold)]
    )
    for row in picked:
        values = row[1:]
        sheet.append(
            [cell(values[i] if i < len(values) else None) for i in range(width) if i not in drop]
            + [cell("; ".join(reasons[row[0]]), wrap=True)]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
