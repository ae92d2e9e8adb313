"""Import jobs: create, check (dry run), confirm, write, cancel, recover, purge."""

from __future__ import annotations

import contextlib
import datetime
import gc
import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.places.models import Commune
from langso.registry import tasks
from langso.registry.imports import layouts
from langso.registry.imports.changes import stored as stored_changes
from langso.registry.imports.checking import CheckResult, check_file
from langso.registry.imports.columns import COLUMNS
from langso.registry.imports.mapping import MappingNeeded
from langso.registry.imports.reading import FileRefused, Problem, count_rows, sniff_format
from langso.registry.imports.spool import RowLines, SpooledRows
from langso.registry.imports.store import (
    _drop_checked,
    _load_checked,
    _reasons_name,
    _save_checked,
    _save_reasons,
)
from langso.registry.imports.writing import WRITERS, WriteCounts, _chunks, _RegistryChanged, write_cache
from langso.registry.models import (
    ImportJob,
    ImportKind,
    ImportMode,
    ImportStatus,
)

logger = logging.getLogger(__name__)

MAX_STORED_PROBLEMS = 1_000
WRITE_CHUNK = 5_000
STALE_MINUTES = 10
MAX_RECOVERIES = 3


def job_create(*, acting_user: User, kind: str, commune: Commune, upload: UploadedFile) -> ImportJob:
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
        total_rows=count_rows(data, name),  # until the dry run counts the data rows
    )
    job.file.save(name, ContentFile(data), save=False)
    job.save()
    return job


@contextlib.contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """Python's cycle collector off while a job checks or writes its rows, back on after.

    Why: the dry run keeps every valid row (a dict and its values) until the end, and each of the
    collector's full passes walks all of them: at 20,000 rows it cost a fifth to a quarter of the
    import's CPU, more as files grow (bench/README.md). The rows hold no reference cycles; reference
    counting frees them as before. If another thread had already turned it off, it is left off."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


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
        with _without_cycle_collector():
            result = _check(job, on_progress=beat)
    except MappingNeeded as needed:
        _update(
            job,
            when=[ImportStatus.CHECKING],
            status=ImportStatus.MAPPING,
            layout=needed.layout,
            processed_rows=0,
            problems=[],
            problem_counts={},
            error_message=_(
                "Chưa nhận ra cột của các trường bắt buộc: %(fields)s. Hãy cho biết mỗi cột của tệp ghi gì."
            )
            % {"fields": ", ".join(needed.missing)},
        )
        return job
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
    shown_changes, changes_total = stored_changes(result.changes)
    try:
        _save_checked(job, result)
    finally:
        if isinstance(result.valid, SpooledRows):
            result.valid.discard()  # its temporary file, now copied to the job's saved dry run
    errors = sum(1 for p in problems if not p.note)
    _save_reasons(job, result)
    _update(
        job,
        when=[ImportStatus.CHECKING],
        status=ImportStatus.CHECKED,
        layout={**result.layout, "chosen": bool(job.layout.get("chosen"))},
        total_rows=result.total,
        valid_rows=len(result.valid),
        processed_rows=0,
        skipped_count=len(result.bad_rows),
        problems=[p.as_dict() for p in problems[:MAX_STORED_PROBLEMS]],
        problem_counts=_summary(problems),
        changes=shown_changes,
        changes_total=changes_total,
        error_message=""
        if len(problems) <= MAX_STORED_PROBLEMS
        else _("Chỉ hiện %(n)s lỗi đầu tiên trên tổng số %(total)s.")
        % {"n": MAX_STORED_PROBLEMS, "total": f"{errors:,}".replace(",", ".")},
    )
    return job


def _check(job: ImportJob, on_progress: Callable[[int], None] | None = None) -> CheckResult:
    """The dry run of the job's file, with the columns as the officer mapped them (or as remembered)."""
    with job.file.open("rb") as handle:
        data = handle.read()
    return check_file(
        kind=job.kind,
        commune=job.commune,
        data=data,
        filename=job.original_name,
        on_progress=on_progress,
        layout=job.layout if job.layout.get("chosen") else None,
        remembered=layouts.recall(commune=job.commune, kind=job.kind),
    )


def job_map_columns(*, acting_user: User, job: ImportJob, fields: list[str]) -> ImportJob:
    """The officer's mapping of her columns: checked, remembered for the commune, and the file checked
    again with it (the caller runs `job_check`, in the request or the worker)."""
    if job.status not in (ImportStatus.MAPPING, ImportStatus.CHECKED) or not job.layout.get("headers"):
        raise ValidationError(_("Lần nhập này không còn chờ ghép cột."))
    headers = [str(h) for h in job.layout["headers"]]
    fields = layouts.clean_fields(COLUMNS[job.kind], headers, fields)
    with transaction.atomic():
        layouts.remember(
            acting_user=acting_user, commune=job.commune, kind=job.kind, headers=headers, fields=fields
        )
        if not _update(
            job,
            when=[ImportStatus.MAPPING, ImportStatus.CHECKED],
            status=ImportStatus.CHECKING,
            layout={**job.layout, "fields": fields, "chosen": True},
            problems=[],
            problem_counts={},
            error_message="",
            processed_rows=0,
        ):
            raise ValidationError(_("Lần nhập này không còn chờ ghép cột."))
    _drop_checked(job)
    return job


def job_confirm(*, acting_user: User, job: ImportJob, mode: str) -> ImportJob:
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


def job_cancel(*, acting_user: User, job: ImportJob) -> ImportJob:
    """Cancel before writing starts. Nothing has been written to the registry at that point."""
    cancellable = [ImportStatus.MAPPING, ImportStatus.CHECKED, ImportStatus.CHECKING, ImportStatus.QUEUED]
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
            with _without_cycle_collector():
                result = _check(job)
        try:
            with write_cache(), _without_cycle_collector():
                if job.mode == ImportMode.ALL_OR_NOTHING:
                    _write_all(job, result)
                else:
                    _write_valid_only(job, result)
        finally:
            if isinstance(result.valid, SpooledRows):
                result.valid.discard()
            elif isinstance(result.valid, RowLines):
                result.valid.close()
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


def job_waiting_for_worker(job: ImportJob) -> bool:
    """The job's task is still waiting in the database queue: no worker has taken it (none runs)."""
    if "django_tasks_db" not in str(settings.TASKS.get("default", {}).get("BACKEND", "")):
        return False
    from django.db import DatabaseError
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    try:
        return DBTaskResult.objects.filter(
            status=TaskResultStatus.READY,
            task_path__in=["langso.registry.tasks.check_import", "langso.registry.tasks.write_import"],
            args_kwargs__args__0=str(job.pk),
        ).exists()
    except DatabaseError:  # the queue's table is missing or unreachable: say nothing about it
        return False


def job_recover(job: ImportJob, *, minutes: int = STALE_MINUTES, max_attempts: int = MAX_RECOVERIES) -> str:
    """Re-queue a job whose worker died, or fail it after `max_attempts` tries.

    Returns "fresh" (nothing to do), "waiting" (its task is still in the queue: no worker is running,
    so re-queueing or failing it would not help; nothing is changed), "requeued" or "failed". Guarded by a conditional update on the
    job's status and last heartbeat, so two recoverers (cron and the page) cannot both act, and a
    worker that was only slow keeps its job. An all-or-nothing write that died left nothing behind
    (its transaction rolled back); a valid-rows write resumes after its last committed chunk.
    """
    job.refresh_from_db()
    if not job_is_stale(job, minutes=minutes):
        return "fresh"
    if job_waiting_for_worker(job):
        return "waiting"
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
    task = tasks.check_import if status == ImportStatus.CHECKING else tasks.write_import
    task.enqueue(str(job.pk))
    return "requeued"


def purge_files(*, days: int) -> int:
    """Delete the uploaded files of jobs finished more than `days` ago (the report and counts stay)."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    purged = 0
    for job in ImportJob.objects.filter(finished_at__lt=cutoff).exclude(file=""):
        _drop_checked(job)
        if job.file.storage.exists(_reasons_name(job)):
            job.file.storage.delete(_reasons_name(job))
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
        purged += 1
    return purged
