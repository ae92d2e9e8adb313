from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from langso.operations.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Apply the retention rules to personal data (visit photos, walk-in names, expired citizen codes, "
        "old import files, audit entries beyond the legal period). Run it nightly from cron; "
        "--dry-run only counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be removed; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        outcomes = apply_retention(dry_run=options["dry_run"])
        verb = "would remove" if options["dry_run"] else "removed"
        for outcome in outcomes:
            self.stdout.write(f"{verb} {outcome.count}: {outcome.label}")
        if not options["dry_run"]:
            self.stdout.write(self.style.SUCCESS("Retention applied; one audit entry recorded."))
