"""The monthly restore drill, recorded: restore a backup into a scratch database (never the live one),
compare every table's row count with its manifest, and write the result where the operations page
shows it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from langso.core.database_url import forget_database, parse_database_url, register_database
from langso.operations.backup import BackupError, restore
from langso.operations.models import MaintenanceKind
from langso.operations.runs import run_record

SCRATCH = "restore_drill"


def _same_database(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    if a["ENGINE"] != b["ENGINE"]:
        return False
    if "sqlite3" in a["ENGINE"]:
        return Path(str(a["NAME"])).expanduser().absolute() == Path(str(b["NAME"])).expanduser().absolute()
    return (str(a["NAME"]), str(a.get("HOST") or ""), str(a.get("PORT") or "")) == (
        str(b["NAME"]),
        str(b.get("HOST") or ""),
        str(b.get("PORT") or ""),
    )


class Command(BaseCommand):
    help = (
        "Restore a backup into a scratch database given by --into (a database URL; never the live "
        "database), compare its row counts with the manifest, and record the drill for the operations page."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="The backup file (its .manifest.json must be beside it).")
        parser.add_argument(
            "--into",
            required=True,
            help="The scratch database: postgres://…/langso_restore_test or sqlite:////tmp/restore-test.sqlite3",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"]).expanduser()
        scratch = parse_database_url(options["into"])
        if _same_database(scratch, connections[DEFAULT_DB_ALIAS].settings_dict):
            raise CommandError(
                _("--into là cơ sở dữ liệu đang chạy. Diễn tập phải khôi phục vào một bản nháp.")
            )
        register_database(SCRATCH, options["into"])
        try:
            report = restore(path, using=SCRATCH)
        except BackupError as exc:
            run_record(kind=MaintenanceKind.RESTORE_DRILL, ok=False, detail=f"{path}: {exc}")
            raise CommandError(str(exc)) from exc
        finally:
            forget_database(SCRATCH)
        total = sum((report.manifest.get("row_counts") or {}).values())
        if not report.ok:
            differing = ", ".join(table for table, _expected, _actual in report.mismatches[:10])
            detail = _("%(path)s: số dòng khác bản sao lưu ở các bảng %(tables)s") % {
                "path": path,
                "tables": differing,
            }
            run_record(kind=MaintenanceKind.RESTORE_DRILL, ok=False, detail=detail, rows=total)
            raise CommandError(detail)
        run_record(kind=MaintenanceKind.RESTORE_DRILL, ok=True, detail=str(path.absolute()), rows=total)
        self.stdout.write(
            self.style.SUCCESS(
                _("Diễn tập khôi phục đạt: %(tables)s bảng, %(rows)s dòng, khớp với bản sao lưu.")
                % {"tables": len(report.manifest.get("row_counts") or {}), "rows": total}
            )
        )
