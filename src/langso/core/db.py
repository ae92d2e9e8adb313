"""Database helpers: Vietnamese folding inside SQLite, and the right collation on each backend."""

from __future__ import annotations

from django.db.backends.signals import connection_created
from django.dispatch import receiver

from langso.core.text import fold


@receiver(connection_created)
def register_sqlite_functions(sender, connection, **kwargs):  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        # SQLite's lower() and LIKE fold ASCII only; vn_fold gives SQL the same folding as Python.
        connection.connection.create_function("vn_fold", 1, fold, deterministic=True)
