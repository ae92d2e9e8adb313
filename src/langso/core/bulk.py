"""Insert many new rows of one model in one statement, without `bulk_create`'s per-value compilation.

`bulk_create` builds its SQL value by value (pre_save, get_db_prep_save, a placeholder each): for a
phone's batch, some 3,000 values in seven tables, that was a third of the request's CPU. Here each
column is one list: on PostgreSQL one array per column (`INSERT … SELECT * FROM unnest(…)`, one
statement whatever the number of rows), on SQLite one `executemany`. Values of plain types (UUIDs,
text, numbers, booleans, dates) go to the driver as they are on PostgreSQL; every other value goes
through its field's `get_db_prep_save`, as Django would.

What it does not do, unlike `bulk_create`: send signals, call `save()`, or set an auto-increment
primary key back on the instances (a caller that needs the key sets a UUID itself).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

# Field types whose Python values psycopg adapts as Django would (the column's array is cast to the
# column's type): no per-value conversion on PostgreSQL.
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallAutoField",
    "SmallIntegerField",
    "TextField",
    "UUIDField",
}


# Values compared with == to find a column that is the same on every row (others: by identity).
_SAME_WHEN_EQUAL = (str, int, bool, datetime.date, uuid.UUID)


def _column_values(field: models.Field, objs: Sequence[models.Model], connection: Any) -> list[Any]:
    attname = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        # What pre_save does on an insert: the instance gets the time too.
        now = timezone.now() if isinstance(field, models.DateTimeField) else timezone.localdate()
        for obj in objs:
            setattr(obj, attname, now)
    values = [getattr(obj, attname) for obj in objs]
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    if connection.vendor == "postgresql" and target.get_internal_type() in _PLAIN:
        return values
    if _same_on_every_row(values):  # the time of the batch, the request's address: converted once
        return [field.get_db_prep_save(values[0], connection)] * len(values)
    return [field.get_db_prep_save(value, connection) for value in values]


def _same_on_every_row(values: list[Any]) -> bool:
    first = values[0]
    return all(value is first for value in values) or (
        isinstance(first, _SAME_WHEN_EQUAL) and values.count(first) == len(values)
    )


def _pg_insert(
    table: str, names: str, fields: list[models.Field], columns: list[list[Any]], connection: Any
) -> tuple[str, list[Any]]:
    """One INSERT … SELECT: a column whose rows all hold the same value (the recorder, the time, a
    flag) is sent once; every other column is one array, all unnested together."""
    selected: list[str] = []
    scalars: list[Any] = []
    arrays: list[str] = []
    array_values: list[list[Any]] = []
    for index, (field, values) in enumerate(zip(fields, columns, strict=True)):
        db_type = field.db_type(connection)
        if _same_on_every_row(values):
            selected.append(f"%s::{db_type}")
            scalars.append(values[0])
        else:
            selected.append(f"u.c{index}")
            arrays.append(f"%s::{db_type}[]")
            array_values.append(values)
    if arrays:
        aliases = ", ".join(s for s in selected if s.startswith("u."))
        source = f"unnest({', '.join(arrays)}) AS u({aliases.replace('u.', '')})"
    else:
        source = "generate_series(1, %s)"
        array_values = [len(columns[0])]  # type: ignore[list-item]  # the number of rows
    sql = f"INSERT INTO {table} ({names}) SELECT {', '.join(selected)} FROM {source}"  # noqa: S608
    return sql, [*scalars, *array_values]


def insert(objs: Sequence[models.Model]) -> None:
    """INSERT these new instances of one model (not saved yet) in one statement."""
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    pk = meta.pk
    fields = [
        f
        for f in meta.concrete_fields
        # An auto-increment key left empty, and a generated column, are the database's to fill.
        if not (f is pk and isinstance(f, models.AutoField) and getattr(objs[0], f.attname) is None)
        and not getattr(f, "generated", False)
    ]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    columns = [_column_values(f, objs, connection) for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(*_pg_insert(quote(meta.db_table), names, fields, columns, connection))
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})",  # noqa: S608
                list(zip(*columns, strict=True)),
            )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
