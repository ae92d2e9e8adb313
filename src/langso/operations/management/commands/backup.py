from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from langso.operations.backup import BackupError, backup, default_backup_name, manifest_path_for
from langso.operations.models import MaintenanceKind
from langso.operations.runs import run_record


class Command(BaseCommand):
    help = (
        "Back up the configured database (SQLite: online backup API, gzipped; PostgreSQL: pg_dump "
        "--format=custom) and write a JSON manifest beside it. Never overwrites a file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            required=True,
            help="The file to write, or an existing directory (a dated name is then chosen).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]).expanduser()
        if output.is_dir():
            output = output / default_backup_name(vendor=connections[DEFAULT_DB_ALIAS].vendor)
        try:
            manifest = backup(output)
        except BackupError as exc:
            run_record(kind=MaintenanceKind.BACKUP, ok=False, detail=str(exc))
            raise CommandError(str(exc)) from exc
        total = sum(manifest["row_counts"].values())
        run_record(
            kind=MaintenanceKind.BACKUP,
            ok=True,
            detail=str(output.absolute()),
            size_bytes=manifest["size"],
            rows=total,
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã sao lưu %(vendor)s vào %(path)s (%(size)s byte, %(rows)s dòng trong %(tables)s bảng).")
                % {
                    "vendor": manifest["vendor"],
                    "path": output.absolute(),
                    "size": manifest["size"],
                    "rows": total,
                    "tables": len(manifest["row_counts"]),
                }
            )
        )
        self.stdout.write(_("Tệp mô tả: %(path)s") % {"path": manifest_path_for(output.absolute())})
        self.stdout.write(_("SHA-256: %(sha)s") % {"sha": manifest["sha256"]})
