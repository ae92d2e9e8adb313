from typing import Any

from django.core.management.base import BaseCommand

from langso.accounts.access import permissions_markdown


class Command(BaseCommand):
    help = "Print docs/permissions.md: every address of the app and the roles that may open it."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(permissions_markdown(), ending="")
