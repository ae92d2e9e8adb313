"""The files a job keeps beside its upload: the dry run's valid rows (so writing need not check the
file again) and every refused row's reasons (for the refused-rows file)."""

from __future__ import annotations

import datetime
import json
import operator
import tempfile
import uuid
from typing import Any

from django.core.files.base import ContentFile, File

from langso.registry.imports import refused
from langso.registry.imports.checking import CheckedRow, CheckResult
from langso.registry.imports.reading import Problem
from langso.registry.imports.writing import _chunks, _plain
from langso.registry.models import ImportJob


def _checked_name(job: ImportJob) -> str:
    return f"{job.file.name}.checked.json"


_DATE_KEYS = ("birth_date", "coverage_checked_on")
SAVED_CHUNK = 1_000  # rows a line of the saved dry run; the write's chunks are a multiple of it


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date | uuid.UUID):
        return _plain(value)
    raise TypeError(type(value).__name__)


def _save_checked(job: ImportJob, result: CheckResult) -> None:
    """Keep the dry run's valid rows beside the file, so writing need not read and check it again.

    JSON lines: a first line with what the rows need (the file's sha256, the keys, the households to
    make), then one line per chunk of `SAVED_CHUNK` rows, each row a list in the order of `keys`, written
    a chunk at a time to a temporary file, so the dry run holds no second copy of its rows as text. A
    chunk a line, not a row a line: json encodes and decodes a list of lists in one C call, where a
    line per row cost a Python call and a decode per row both ways."""
    keys = list(result.valid[0].data) if result.valid else []
    head = {
        "sha256": job.file_sha256,
        "total": result.total,
        "bad_rows": sorted(result.bad_rows),
        "keys": keys,
        "valid": len(result.valid),
        "households": result.new_households,
        "chunk": SAVED_CHUNK,
        "format": 3,
    }
    encode = json.JSONEncoder(ensure_ascii=False, default=_json_value, separators=(",", ":")).encode
    with tempfile.TemporaryFile() as spool:
        spool.write(encode(head).encode("utf-8") + b"\n")
        pick = operator.itemgetter(*keys) if len(keys) > 1 else (lambda data: (data[keys[0]],))
        for part in _chunks(result.valid, SAVED_CHUNK):
            lines = []
            for r in part:
                try:
                    lines.append([r.row, *pick(r.data)])  # one C call for the row's values
                except KeyError:  # a row without some key (none today): its value is null
                    lines.append([r.row, *[r.data.get(k) for k in keys]])
            line = encode(lines)
            spool.write(line.encode("utf-8") + b"\n")
        spool.seek(0)
        storage = job.file.storage
        name = _checked_name(job)
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, File(spool))


def _reasons_name(job: ImportJob) -> str:
    return f"{job.file.name}.reasons.json"


def _save_reasons(job: ImportJob, result: CheckResult) -> None:
    """Every refused row's reasons (all of them, while the job keeps the first problems only), kept with
    the upload for the refused-rows file."""
    payload = {
        "header_row": result.layout.get("header_row", 1),
        "rows": refused.reason_lines(result.problems),
    }
    storage = job.file.storage
    name = _reasons_name(job)
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(json.dumps(payload, ensure_ascii=False).encode("utf-8")))


def job_refused_file(job: ImportJob) -> bytes | None:
    """The refused rows as .xlsx (her rows as written, and the reasons), or None when there are none
    or the upload has been purged."""
    if not job.file or not job.skipped_count:
        return None
    storage = job.file.storage
    name = _reasons_name(job)
    payload: dict[str, Any] = {"header_row": job.layout.get("header_row", 1), "rows": {}}
    if storage.exists(name):
        with storage.open(name, "rb") as handle:
            payload = json.loads(handle.read().decode("utf-8"))
    reasons = {int(row): lines for row, lines in payload["rows"].items()}
    for row, lines in refused.reason_lines(job.problems).items():  # rows refused while writing, too
        reasons.setdefault(row, lines)
    if not reasons:
        return None
    with job.file.open("rb") as handle:
        data = handle.read()
    return refused.refused_rows_xlsx(
        data=data, filename=job.original_name, header_row=int(payload["header_row"]), reasons=reasons
    )


def _drop_checked(job: ImportJob) -> None:
    if job.file:
        storage = job.file.storage
        if storage.exists(_checked_name(job)):
            storage.delete(_checked_name(job))


class _SavedRows:
    """The saved dry run's valid rows, read from its file a line (a chunk of rows) at a time (the
    writers take chunks in order), so writing holds one chunk of rows, not the file's."""

    def __init__(self, job: ImportJob, head: dict[str, Any]) -> None:
        self.job, self.count = job, int(head["valid"])
        self.keys: list[str] = head["keys"]
        self.per_line = int(head["chunk"])
        self.dates = [self.keys.index(k) for k in _DATE_KEYS if k in self.keys]
        self._handle: Any = None
        self._line = 0  # lines read so far
        self._rows: list[CheckedRow] = []  # the rows of the last line read

    def __len__(self) -> int:
        return self.count

    def _open(self) -> None:
        self.close()
        self._handle = self.job.file.storage.open(_checked_name(self.job), "rb")
        self._handle.readline()  # the head
        self._line, self._rows = 0, []

    def _next_line(self) -> list[CheckedRow]:
        line = self._handle.readline()
        if not line:
            return []
        self._line += 1
        keys, dates, rows = self.keys, self.dates, []
        fromisoformat = datetime.date.fromisoformat
        for row, *values in json.loads(line.decode("utf-8")):  # str: json need not guess the encoding
            for index in dates:
                if values[index]:
                    values[index] = fromisoformat(values[index])
            rows.append(CheckedRow(row, dict(zip(keys, values, strict=True))))
        return rows

    def __getitem__(self, part: slice) -> list[CheckedRow]:
        start, stop, _step = part.indices(self.count)
        first_line = start // self.per_line
        if self._handle is None or first_line < self._line - 1:
            self._open()
        out: list[CheckedRow] = []
        while self._line <= first_line:  # skip to the line holding `start`
            self._rows = self._next_line()
        at = (self._line - 1) * self.per_line  # the index of self._rows[0]
        while at < stop and self._rows:
            out.extend(self._rows[max(start - at, 0) : stop - at])
            if at + len(self._rows) >= stop:
                break
            at += len(self._rows)
            self._rows = self._next_line()
        return out

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _load_checked(job: ImportJob) -> CheckResult | None:
    """The saved dry run (its rows read as they are written), or None when there is none (or it is not
    the dry run of this file)."""
    storage = job.file.storage
    name = _checked_name(job)
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        try:
            head = json.loads(handle.readline().decode("utf-8"))
        except ValueError:
            return None
    if head.get("sha256") != job.file_sha256 or head.get("format") != 3:
        return None
    problems = [Problem(row, "", "", "") for row in head["bad_rows"]]
    return CheckResult(head["total"], _SavedRows(job, head), problems, head.get("households", {}))  # type: ignore[arg-type]  # rows read lazily
