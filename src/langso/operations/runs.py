"""Recording what a backup, a restore drill or a national send did, for the operations page."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.utils import timezone

from langso.operations.models import MaintenanceKind, MaintenanceRun

logger = logging.getLogger(__name__)


def run_record(
    *,
    kind: MaintenanceKind,
    ok: bool,
    detail: str = "",
    size_bytes: int | None = None,
    rows: int | None = None,
) -> MaintenanceRun | None:
    """Store one run. A database that cannot take the row (it is what failed) loses the line, not the
    command's own result: the command still says what happened and exits as it would."""
    try:
        return MaintenanceRun.objects.create(
            kind=kind,
            ok=ok,
            finished_at=timezone.now(),
            detail=detail[:4000],
            size_bytes=size_bytes,
            rows=rows,
        )
    except DatabaseError:
        logger.warning("could not record the %s run", kind, exc_info=True)
        return None
