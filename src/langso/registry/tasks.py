"""Background work for big imports (django-tasks; the database backend needs no broker).

Both tasks are idempotent: they act only on a job in the expected state, so a task run twice, or a
job re-queued by `import_recover` after its worker died, does no harm.
"""

from __future__ import annotations

from django_tasks import task

from langso.registry.models import ImportJob


@task()
def check_import(job_id: str) -> None:
    # Inside: the import package enqueues these tasks, so it imports this module at load time.
    from langso.registry.imports import job_check

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        job_check(job)


@task()
def write_import(job_id: str) -> None:
    # Inside: the import package imports this module (see above).
    from langso.registry.imports import job_write

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        job_write(job)
