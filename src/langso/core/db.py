"""Database helpers: Vietnamese folding inside SQLite, and the right collation on each backend."""

from __future__ import annotations

import datetime
import os
import time
import uuid
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.dispatch import receiver

from langso.core.text import fold


@receiver(connection_created)
def register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        # SQLite's lower() and LIKE fold ASCII only; vn_fold gives SQL the same folding as Python.
        connection.connection.create_function("vn_fold", 1, fold, deterministic=True)


def uuid7() -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7): the Unix time in milliseconds, then 74 random bits.

    For keys written in bulk (an import's residents and households, and the audit entries that name
    them): consecutive keys sort together, so each index on them (the primary key, the members'
    household, the audit entries' object and resident) takes a batch at its end instead of in pages
    scattered over the whole index, as random version-4 keys do. An import's writes into those indexes
    took 15-30 % less time (bench/README.md). The key reveals when the record was made, which the
    record's created_at says anyway."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (
        (millis & 0xFFFF_FFFF_FFFF) << 80
        | 0x7 << 76  # version
        | ((rand >> 62) & 0xFFF) << 64
        | 0b10 << 62  # the RFC's variant
        | rand & 0x3FFF_FFFF_FFFF_FFFF
    )
    return uuid.UUID(int=value)


_PASS_THROUGH = {
    "CharField",
    "TextField",
    "SlugField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "BigIntegerField",
    "BooleanField",
}


def fast_bulk_insert(model: type[models.Model], objs: list[models.Model], *, batch_size: int = 1000) -> None:
    """Insert new rows with one prepared statement per batch, skipping the ORM's per-value work.

    For the big imports: Django's bulk_create prepares every value through the field API, which costs
    more than the database. Values are converted the same way (get_db_prep_save) for the field types
    that need it; plain text, numbers and booleans go as they are. No signals, no returned ids: the
    objects must carry their own primary keys (our UUIDs do).
    """
    if not objs:
        return
    from django.db import connections, router
    from django.utils import timezone

    using = router.db_for_write(model)
    connection = connections[using]
    # Database-generated keys (AutoField) are left to the database.
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                if getattr(obj, field.attname) is None:
                    setattr(obj, field.attname, now)
    converters = [_converter(field, connection) for field in fields]
    quote = connection.ops.quote_name
    # Only quoted table and column names from the model go into the text; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    use_copy = connection.vendor == "postgresql"
    copy_sql = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    attnames = [f.attname for f in fields]
    pairs = list(zip(attnames, converters, strict=True))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            rows = []
            for obj in objs[start : start + batch_size]:
                row = []
                for name, convert in pairs:
                    value = getattr(obj, name)
                    row.append(value if convert is None else convert(value))
                rows.append(row)
            if use_copy:
                # COPY: the fastest way in, and statement-level triggers (the search names table) run
                # once per batch instead of once per row.
                with cursor.cursor.copy(copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(sql, rows)


def _uuid_hex(value: Any) -> str | None:
    if value is None:
        return None
    return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(str(value)).hex


def _converter(field: models.Field, connection: Any) -> Any:
    """The cheapest correct conversion of a field's Python value to what the database driver takes."""
    kind = field.get_internal_type()
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]  # a relation's
    if kind in _PASS_THROUGH:
        return None
    native_uuid = connection.features.has_native_uuid_field
    if target.get_internal_type() == "UUIDField":
        if native_uuid:
            return None
        texts: dict[str, str | None] = {}

        def uuid_hex(value: Any) -> str | None:  # a key given as text (a village's, read from JSON)
            if value.__class__ is uuid.UUID:  # recurs on every row: parsed once
                return value.hex
            key = str(value)
            if key not in texts:
                texts[key] = _uuid_hex(value)
            return texts[key]

        return uuid_hex
    if target.get_internal_type() in _PASS_THROUGH | {"AutoField", "BigAutoField"}:
        return None
    if kind == "DateField":
        # psycopg takes dates; SQLite's backend stores str(date), which is its ISO form.
        if connection.vendor == "postgresql":
            return None

        def date_text(value: Any) -> Any:  # a plain date (not a datetime) needs no more than this
            if value.__class__ is datetime.date:
                return value.isoformat()
            return field.get_db_prep_save(value, connection)

        return date_text
    if kind == "DateTimeField":
        memo: dict[Any, Any] = {}

        def datetime_value(value: Any) -> Any:  # an import stamps every row with the same moment
            if value not in memo:
                memo[value] = field.get_db_prep_save(value, connection)
            return memo[value]

        return datetime_value
    return lambda value: field.get_db_prep_save(value, connection)
