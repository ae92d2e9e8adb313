"""Install or update the shipped content (catalogue, guide languages, guides, indicators); `migrate`
runs the same step at its end. Prints what changed and what waits for province staff to review."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from langso.core.content import ContentError
from langso.operations.content import database_is_current, install_content


class Command(BaseCommand):
    help = "Install or update the shipped guides, skills catalogue and indicators (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not database_is_current():
            raise CommandError(
                "The database has migrations to apply: run `manage.py migrate` (it installs the content)."
            )
        try:
            report = install_content()
        except ContentError as error:
            raise CommandError(f"A shipped content file is not valid: {error}") from error
        self.stdout.write(f"Skills catalogue: version {report.catalogue_version} published.")
        self.stdout.write(f"Guide languages added: {report.languages_added}.")
        self.stdout.write(f"Guides installed or updated: {', '.join(report.guides) or 'none'}.")
        self.stdout.write(f"Indicators installed or updated: {', '.join(report.indicators) or 'none'}.")
        if report.guides_to_review:
            self.stdout.write(
                "Edited by the province, shipped version changed (review on the guide's edit page): "
                + ", ".join(report.guides_to_review)
            )
        if report.indicators_to_review:
            self.stdout.write(
                "Indicators changed locally whose shipped version changed (kept): "
                + ", ".join(report.indicators_to_review)
            )
        if report.catalogue_to_review:
            self.stdout.write(
                "The published catalogue was made by province staff and the shipped catalogue changed: "
                "start a draft on the catalogue page to bring in the new skills."
            )
