"""Background work for guides (django-tasks; the database backend needs no broker).

`build_guide_audio` is idempotent: it makes only the readings that are missing or stale, so running it
twice, or while a page makes one reading on demand, does no harm.
"""

from __future__ import annotations

from django_tasks import task

from langso.guides.audio import build_all


@task()
def build_guide_audio() -> dict[str, object]:
    return build_all(force=False).as_dict()
