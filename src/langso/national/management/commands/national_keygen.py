"""Make the province's Ed25519 key pair for signing its daily packages (on the province's server):
the private key goes to a file only the service user reads (LANGSO_NATIONAL_PRIVATE_KEY_FILE); the
public key is printed, for the national administrator to register (admin site, *Khóa ký của tỉnh*)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from langso.national import keys


class Command(BaseCommand):
    help = "Tạo cặp khóa Ed25519 để tỉnh ký gói số liệu gửi lên máy chủ quốc gia."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, help="The private key file to write (PEM).")
        parser.add_argument("--force", action="store_true", help="Replace an existing key file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"])
        if path.exists() and not options["force"]:
            raise CommandError(
                f"Tệp {path} đã có: giữ khóa cũ, hoặc chạy lại với --force để thay (rồi đăng ký khóa "
                "công khai mới với máy chủ quốc gia)."
            )
        private_pem, public_key = keys.generate()
        try:
            # Created readable by its owner only, before a byte of the key is written.
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(descriptor, 0o600)
            with os.fdopen(descriptor, "w", encoding="ascii") as out:
                out.write(private_pem)
        except OSError as error:
            raise CommandError(f"Không ghi được tệp khóa: {error}") from None
        self.stdout.write(f"Đã ghi khóa bí mật vào {path} (chỉ chủ tệp được đọc).")
        self.stdout.write("Khóa công khai, gửi quản trị viên máy chủ quốc gia để đăng ký:")
        self.stdout.write(public_key)
