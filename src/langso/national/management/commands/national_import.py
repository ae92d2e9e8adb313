"""Receive a package handed over as a file (`national_export` on the province's side): the same
checks as over the network — signature, data-dictionary version, idempotent storage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from langso.national.models import Via
from langso.national.package import PackageError
from langso.national.services import package_receive


class Command(BaseCommand):
    help = "Nhận gói số liệu của tỉnh từ tệp (máy chủ quốc gia)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The package file.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            raw = Path(options["file"]).read_bytes()
        except OSError as error:
            raise CommandError(f"Không đọc được tệp: {error}") from None
        try:
            receipt = package_receive(raw, via=Via.FILE)
        except PackageError as refusal:
            raise CommandError(refusal.message) from None
        self.stdout.write(
            f"Tỉnh {receipt.province_code}, ngày {receipt.day:%d/%m/%Y}, phiên bản {receipt.version}: {receipt.status}"
        )
