"""The files a job keeps beside its upload: the dry run's valid rows (so writing need not check the
file again) and every refused row's reasons (for the refused-rows file)."""

from __future__ import annotations

import json
import tempfile
from typing import Any

from django.core.files.base import ContentFile, File

from langso.registry.imports import refused
from langso.registry.imports.checking import CheckResult
from langso.registry.imports.reading import Problem
from langso.registry.imports.spool import SavedRows, SpooledRows
from langso.registry.models import ImportJob


def _checked_name(job: ImportJob) -> str:
    return f"{job.file.name}.checked.json"


def _save_checked(job: ImportJob, result: CheckResult) -> None:
    """Keep the dry run's valid rows beside the file, so writing need not read and check it again.

    JSON lines (`spool.SpooledRows.save`): a first line with what the rows need (the file's sha256, the
    keys, the households to make, each line's count of rows), then a line per chunk of rows, each row a
    list in the order of the keys. A residents' dry run already holds its rows in that form in a
    temporary file: its lines are copied. A chunk a line, not a row a line: json encodes and decodes a
    list of lists in one C call, where a line per row cost a Python call and a decode per row."""
    held = not isinstance(result.valid, SpooledRows)  # villages and households: held as a list
    if isinstance(result.valid, SpooledRows):
        rows = result.valid
    else:
        rows = SpooledRows()
        for checked in result.valid:
            rows.append(checked)
    head = {
        "sha256": job.file_sha256,
        "total": result.total,
        "bad_rows": sorted(result.bad_rows),
        "valid": len(rows),
        "households": result.new_households,
        "format": 4,
    }
    try:
        with tempfile.TemporaryFile() as spool:
            rows.save(spool, head)
            spool.seek(0)
            storage = job.file.storage
            name = _checked_name(job)
            if storage.exists(name):
                storage.delete(name)
            storage.save(name, File(spool))
    finally:
        if held:
            rows.discard()


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
    if head.get("sha256") != job.file_sha256 or head.get("format") != 4:
        return None
    problems = [Problem(row, "", "", "") for row in head["bad_rows"]]
    rows = SavedRows(head, lambda: storage.open(name, "rb"))
    return CheckResult(head["total"], rows, problems, head.get("households", {}))  # type: ignore[arg-type]  # rows read lazily
