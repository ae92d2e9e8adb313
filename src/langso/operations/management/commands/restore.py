from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from langso.operations.backup import BackupError, check_backup, restore


class Command(BaseCommand):
    help = (
        "Replace the configured database with a backup made by `backup`, after checking its manifest "
        "(same database kind, intact file, no migration newer than this code); then compare row counts. "
        "Stop the application and the worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The backup file (its .manifest.json must be beside it).")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm: the current data is replaced by the backup."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"]).expanduser()
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            manifest = check_backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        target = connection.settings_dict["NAME"]
        self.stdout.write(
            _("Bản sao lưu %(vendor)s tạo lúc %(at)s; sẽ thay toàn bộ dữ liệu của %(target)s.")
            % {"vendor": manifest["vendor"], "at": manifest.get("created_at"), "target": target}
        )
        if not options["yes"]:
            raise CommandError(
                _(
                    "Chưa khôi phục gì. Dừng ứng dụng (langso) và tiến trình nền (langso-worker), "
                    "rồi chạy lại lệnh với --yes."
                )
            )
        if connection.vendor == "sqlite":
            self.stdout.write(
                _("Ứng dụng và tiến trình nền phải đang dừng: tệp cơ sở dữ liệu sẽ được thay thế.")
            )
        try:
            report = restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if report.previous_copy:
            self.stdout.write(
                _("Dữ liệu cũ được giữ ở %(path)s (xóa khi đã chắc chắn).") % {"path": report.previous_copy}
            )
        if not report.ok:
            for table, expected, actual in report.mismatches:
                self.stderr.write(
                    _("Bảng %(table)s: bản sao lưu có %(expected)s dòng, sau khi khôi phục có %(actual)s.")
                    % {"table": table, "expected": expected, "actual": actual}
                )
            raise CommandError(_("Đã khôi phục nhưng số dòng không khớp bản sao lưu; xem các dòng trên."))
        total = sum(report.manifest["row_counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã khôi phục: %(tables)s bảng, %(rows)s dòng, khớp với bản sao lưu.")
                % {"tables": len(report.manifest["row_counts"]), "rows": total}
            )
        )
        self.stdout.write(
            _(
                "Nếu bản sao lưu cũ hơn phần mềm, chạy `migrate` trước khi mở lại ứng dụng, rồi kiểm tra /healthz."
            )
        )
