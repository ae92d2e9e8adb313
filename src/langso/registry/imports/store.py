"""The files a job keeps beside its upload: the dry run's valid rows (so writing need not check the
file again) and every refused row's reasons (for the refused-rows file)."""

from __future__ import annotations

import datetime
import json
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


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date | uuid.UUID):
        return _plain(value)
    raise TypeError(type(value).__name__)


def _save_checked(job: ImportJob, result: CheckResult) -> None:
    """Keep the dry run's valid rows beside the file, so writing need not read and check it again.

    JSON lines: a first line with what the rows need (the file's sha256, the keys, the households to
    make), then one line per row as a list in the order of `keys`, written one at a time to a temporary
    file, so the dry run holds no second copy of its rows as text."""
    keys = list(result.valid[0].data) if result.valid else []
    head = {
        "sha256": job.file_sha256,
        "total": result.total,
        "bad_rows": sorted(result.bad_rows),
        "keys": keys,
        "valid": len(result.valid),
        "households": result.new_households,
        "format": 2,
    }
    encode = json.JSONEncoder(ensure_ascii=False, default=_json_value, separators=(",", ":")).encode
    with tempfile.TemporaryFile() as spool:
        spool.write(encode(head).encode("utf-8") + b"\n")
        for part in _chunks(result.valid, 5_000):
            lines = [encode([r.row, *[r.data.get(k) for k in keys]]) for r in part]
            spool.write(("\n".join(lines) + "\n").encode("utf-8"))
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
    """The saved dry run's valid rows, read from its file a slice at a time (the writers take chunks
    in order), so writing holds one chunk of rows, not the file's."""

    def __init__(self, job: ImportJob, head: dict[str, Any]) -> None:
        self.job, self.count = job, int(head["valid"])
        self.keys: list[str] = head["keys"]
        self.dates = [k for k in _DATE_KEYS if k in self.keys]
        self._handle: Any = None
        self._at = 0

    def __len__(self) -> int:
        return self.count

    def _open(self) -> None:
        self.close()
        self._handle = self.job.file.storage.open(_checked_name(self.job), "rb")
        self._handle.readline()  # the head
        self._at = 0

    def __getitem__(self, part: slice) -> list[CheckedRow]:
        start, stop, _step = part.indices(self.count)
        if self._handle is None or start < self._at:
            self._open()
        rows = []
        # Not `for line in handle`: Django's File iterates from the start of the file.
        for line in iter(self._handle.readline, b""):
            self._at += 1
            if self._at <= start:
                continue
            row, *values = json.loads(line.decode("utf-8"))  # str: json need not guess the encoding
            data = dict(zip(self.keys, values, strict=True))
            for key in self.dates:
                if data[key]:
                    data[key] = datetime.date.fromisoformat(data[key])
            rows.append(CheckedRow(row, data))
            if self._at >= stop:
                break
        return rows

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
    if head.get("sha256") != job.file_sha256 or head.get("format") != 2:
        return None
    problems = [Problem(row, "", "", "") for row in head["bad_rows"]]
    return CheckResult(head["total"], _SavedRows(job, head), problems, head.get("households", {}))  # type: ignore[arg-type]  # rows read lazily
