from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(using: str = "default", **kwargs: Any) -> None:
    # The shared database cache (production's default) needs its table; making it on every
    # `migrate` means no deployment forgets it. It does nothing for Redis or memory caches.
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "langso.core"
    label = "core"
    verbose_name = _("Lõi hệ thống")

    def ready(self) -> None:
        from langso.core import checks, db  # noqa: F401  (registers deploy checks and SQLite functions)

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="langso-create-cache-table")
