"""Writing checked rows to the registry in bulk, with one audit entry per record."""

from __future__ import annotations

import contextlib
import datetime
import json
import operator
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from langso.core.db import _converter, uuid7
from langso.core.models import AuditAction, AuditEntry
from langso.core.text import fold, place_sort_key
from langso.places.models import Village
from langso.registry.imports.changes import (
    VILLAGE_FIELDS,
    PeopleInRegistry,
    household_values,
    resident_values,
    village_values,
)
from langso.registry.imports.checking import (
    _PERSON_KEYS,
    CheckedRow,
    _elsewhere_problem,
    _name_fold,
    _name_sort_key,
    _village_lookup,
)
from langso.registry.imports.columns import COLUMNS
from langso.registry.imports.reading import Problem
from langso.registry.models import (
    Household,
    ImportJob,
    ImportKind,
    Resident,
)


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    late: list[Problem] = field(default_factory=list)  # rows the registry refuses since the dry run


class _RegistryChanged(Exception):
    """Raised inside an all-or-nothing write to roll it back."""


# SQLite's page cache while an import writes (KiB; SQLite's own default is 2 MiB). A residents chunk
# goes into a dozen indexes at places its random keys scatter; with the default cache, most of those
# pages are read again from the OS for each chunk (a quarter to a third of the write's time at 20,000
# rows, bench/README.md). The cache is a fixed size, not the file's: memory stays bounded.
SQLITE_WRITE_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def write_cache() -> Iterator[None]:
    """A larger page cache on SQLite for the import's writes, given back afterwards."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{int(SQLITE_WRITE_CACHE_KIB)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


_SENSITIVE = {"cccd", "ethnic_group", "has_disability", "poverty", "poverty_year"}


def _audit_changes(changes: dict[str, tuple[Any, Any]]) -> dict[str, Any]:
    return {
        k: (["•••", "•••"] if k in _SENSITIVE else [_plain(old), _plain(new)])
        for k, (old, new) in changes.items()
    }


def _insert(model: type[Any], rows: list[dict[str, Any]], *, ready: frozenset[str] = frozenset()) -> None:
    """INSERT new rows given as {attname: value} (no model instances: at 100,000 rows their
    construction costs more than the database). Missing values take the field's default; values are
    converted for the database as `langso.core.db.fast_bulk_insert` does, except the columns named in
    `ready`, whose values are already what the database takes (JSON text made once per row)."""
    if not rows:
        return
    from django.db import connections, router

    connection = connections[router.db_for_write(model)]
    # A database-made key (AutoField) is left to the database; a UUID key must be in every row.
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    now = timezone.now()
    getters = []  # (attname, default) in column order
    for f in fields:
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        getters.append((f.attname, now if auto else (None if f.primary_key else f.get_default())))
    # The row over the defaults, its columns picked in order: C loops, not a Python one per column.
    defaults = dict(getters)
    names = [name for name, _default in getters]
    pick = operator.itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    converts = [
        (index, convert)
        for index, f in enumerate(fields)
        if f.attname not in ready and (convert := _converter(f, connection)) is not None
    ]
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    postgres = connection.vendor == "postgresql"
    per = 2000 if postgres else _sqlite_rows_per_statement(connection, len(fields))
    with connection.cursor() as cursor:
        for part in _chunks(rows, per):
            values = []
            for row in part:
                line = list(pick({**defaults, **row}))
                for index, convert in converts:
                    value = line[index]
                    if value is not None:
                        line[index] = convert(value)
                values.append(line)
            if postgres:
                # COPY: the fastest way in, and statement-level triggers (the search names table of
                # migration 0002) run once per batch rather than once per row.
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for line in values:
                        copy.write_row(line)
            else:
                _sqlite_insert_many(cursor.cursor, table, columns, len(fields), values)


def _sqlite_rows_per_statement(connection: Any, width: int) -> int:
    """As many rows per INSERT as SQLite's limit on a statement's parameters allows (32,766 since
    SQLite 3.32; 999 before), at most 500: more saves no time and costs memory."""
    import sqlite3

    connection.ensure_connection()
    try:
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:  # Python before 3.11
        limit = 999
    return max(1, min(500, limit // width))


def _sqlite_insert_many(
    raw_cursor: Any, table: str, columns: str, width: int, values: list[list[Any]]
) -> None:
    """One multi-row INSERT for the rows, not an `executemany` of one-row statements.

    Why: a table with triggers (the change counters) makes SQLite open a statement journal for each
    statement, copying every page the statement touches; with a dozen indexes that is a dozen pages
    a row when each row is its own statement. One statement per 500 rows pays it once: the
    residents' inserts took a third of the time (bench/README.md). The text holds only quoted names
    and "?" placeholders; the values are parameters. The driver's own cursor is used directly: Django's
    wrapper would rewrite tens of thousands of "%s" placeholders each time (and, with DEBUG on, quote every
    value into its query log). Its execute wrappers are skipped too: the only one (`core.replicas`) is for
    PostgreSQL's replicas."""
    import itertools
    import sqlite3

    one = "(" + ", ".join(["?"] * width) + ")"
    sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(values))}"  # noqa: S608
    sqlite3.Cursor.execute(raw_cursor, sql, list(itertools.chain.from_iterable(values)))


def _audit_rows(
    job: ImportJob,
    object_type: str,
    items: Iterable[tuple[Any, int, str, dict[str, Any] | None]],
    *,
    person: bool = False,
) -> None:
    """One trail entry per record the import created (changes None) or updated, in bulk."""
    actor = job.created_by
    base = {
        "actor_id": actor.pk,
        "actor_username": actor.get_username()[:150],
        "object_type": object_type,
        "note": f"import {job.pk}",
    }
    create, update = AuditAction.CREATE, AuditAction.UPDATE
    # The changes column as JSON text made here (what json.dumps, which the JSONField would call,
    # writes): a created record's is only its row number.
    _insert(
        AuditEntry,
        [
            {
                **base,
                "action": create if changes is None else update,
                "object_id": str(pk),
                "object_repr": label[:200],
                "resident_id": pk if person else None,
                "changes": json.dumps({"row": row, **changes}) if changes else f'{{"row": {int(row)}}}',
            }
            for pk, row, label, changes in items
        ],
        ready=frozenset({"changes"}),
    )


def _diff(obj: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (getattr(obj, k), v) for k, v in values.items() if getattr(obj, k) != v}


def _write_villages(rows: list[CheckedRow], job: ImportJob, counts: WriteCounts, _specs: Any) -> None:
    commune = job.commune
    existing = _village_lookup(commune)
    fields = VILLAGE_FIELDS
    to_create: list[tuple[Village, int]] = []
    to_update: list[tuple[Village, int, dict[str, Any]]] = []
    now = timezone.now()
    by_id = {str(v.pk): v for v in existing.values()}
    for checked in rows:
        data, given = checked.data, checked.data.get("given", -1)
        # The village the dry run matched ("Thôn 03" for "Thôn 3"), else one of the same folded name.
        village = by_id.get(str(data.get("village_id"))) or existing.get(fold(data["name"]))
        if village is None:
            village = Village(
                commune=commune,
                name=data["name"],
                name_folded=fold(data["name"]),
                sort_key=place_sort_key(data["name"]),
                **{f: data[f] for f in fields},
            )
            existing[village.name_folded] = village
            to_create.append((village, checked.row))
            continue
        changes = _diff(village, village_values(data, given))
        if changes:
            for key, (_old, new) in changes.items():
                setattr(village, key, new)
            village.updated_at = now
            to_update.append((village, checked.row, _audit_changes(changes)))
        else:
            counts.unchanged += 1
    Village.objects.bulk_create([v for v, _row in to_create])
    if to_update:
        Village.objects.bulk_update([v for v, _row, _c in to_update], [*fields, "updated_at"])
    _audit_rows(
        job,
        "places.village",
        [(v.pk, row, v.name, None) for v, row in to_create]
        + [(v.pk, row, v.name, c) for v, row, c in to_update],
    )
    counts.created += len(to_create)
    counts.updated += len(to_update)


_HOUSEHOLD_FIELDS = ("village_id", "address", "poverty", "poverty_year", "notes")


def _write_households(rows: list[CheckedRow], job: ImportJob, counts: WriteCounts, _specs: Any) -> None:
    commune = job.commune
    existing = {
        h.code: h for h in Household.objects.filter(commune=commune, code__in=[r.data["code"] for r in rows])
    }
    to_create: list[tuple[Household, int]] = []
    to_update: list[tuple[Household, int, dict[str, Any]]] = []
    moved: list[Household] = []
    now = timezone.now()
    for checked in rows:
        data, given = checked.data, checked.data.get("given", -1)
        household = existing.get(data["code"])
        if household is None:
            household = Household(
                id=uuid7(),
                commune=commune,
                province_id=commune.province_id,
                code=data["code"],
                **{f: data[f] for f in _HOUSEHOLD_FIELDS},
            )
            existing[household.code] = household
            to_create.append((household, checked.row))
            continue
        changes = _diff(household, household_values(household, data, given))
        if changes:
            for key, (_old, new) in changes.items():
                setattr(household, key, new)
            household.updated_at = now
            to_update.append((household, checked.row, _audit_changes(changes)))
            if "village_id" in changes:
                moved.append(household)
        else:
            counts.unchanged += 1
    Household.objects.bulk_create([h for h, _row in to_create], batch_size=1000)
    if to_update:
        Household.objects.bulk_update(
            [h for h, _row, _c in to_update],
            ["village", "address", "poverty", "poverty_year", "notes", "updated_at"],
        )
    for household in moved:
        Resident.objects.filter(household=household).update(village_id=household.village_id)
    _audit_rows(
        job,
        "registry.household",
        [(h.pk, row, h.code, None) for h, row in to_create]
        + [(h.pk, row, h.code, c) for h, row, c in to_update],
    )
    counts.created += len(to_create)
    counts.updated += len(to_update)


def _chunks(items: list[Any], size: int = 900) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write_residents(  # noqa: C901 - matching, creating, updating and heads, in one pass
    rows: list[CheckedRow], job: ImportJob, counts: WriteCounts, specs: dict[str, dict[str, Any]]
) -> None:
    commune = job.commune
    codes = list({r.data["household_code"] for r in rows})
    households: dict[str, tuple[Any, Any]] = {}  # code -> (id, village id)
    for part in _chunks(codes):
        households.update(
            {
                code: (pk, village_id)
                for code, pk, village_id in Household.objects.filter(
                    commune=commune, code__in=part
                ).values_list("code", "pk", "village_id")
            }
        )
    existing_ids = [pk for pk, _village in households.values()]
    new_households: list[dict[str, Any]] = []
    new_household_rows: list[tuple[Any, int, str, None]] = []
    for checked in rows:
        code = checked.data["household_code"]
        spec = specs.get(code)
        if spec and code not in households:
            pk = uuid7()
            households[code] = (pk, spec["village_id"])
            new_households.append(
                {
                    **spec,
                    "id": pk,
                    "code": code,
                    "commune_id": commune.code,
                    "province_id": commune.province_id,
                }
            )
            new_household_rows.append((pk, checked.row, code, None))
    people = PeopleInRegistry([r.data["cccd"] for r in rows if r.data.get("cccd")], existing_ids, _chunks)
    household_fields: dict[Any, tuple[int, dict[str, Any]]] = {}
    to_create: list[dict[str, Any]] = []
    created_rows: list[tuple[Any, int, str, None]] = []
    to_update: list[tuple[Resident, int, dict[str, Any]]] = []
    heads: dict[Any, Any] = {}  # household id -> resident id
    used: set[Any] = set()
    now = timezone.now()
    cccd_header = str(COLUMNS[ImportKind.RESIDENTS][6].header)
    for checked in rows:
        given = checked.data.get("given", -1)
        data = {k: checked.data[k] for k in _PERSON_KEYS}
        household_id, village_id = households[checked.data["household_code"]]
        data["household_id"] = household_id
        name_folded = _name_fold(data["full_name"])
        resident = people.match(data["cccd"], household_id, name_folded, data["birth_year"])
        if resident is not None and resident.commune_id != commune.code:
            counts.late.append(_elsewhere_problem(cccd_header, checked))  # taken since the dry run
            continue
        if checked.data.get("household_fields"):
            household_fields[household_id] = (checked.row, checked.data["household_fields"])
        if resident is not None and resident.pk in used:
            counts.unchanged += 1
            continue
        if resident is None:
            pk = uuid7()
            to_create.append(
                {
                    **data,
                    "id": pk,
                    "village_id": village_id,
                    "commune_id": commune.code,
                    "province_id": commune.province_id,
                    "name_folded": name_folded,
                    "sort_key": _name_sort_key(data["full_name"]),
                }
            )
            created_rows.append((pk, checked.row, data["full_name"], None))
        else:
            pk = resident.pk
            values = resident_values(data, given, resident)
            values["village_id"] = village_id
            changes = _diff(resident, values)
            if changes:
                for key, (_old, new) in changes.items():
                    setattr(resident, key, new)
                resident.name_folded = _name_fold(resident.full_name)
                resident.sort_key = _name_sort_key(resident.full_name)
                resident.updated_at = now
                to_update.append((resident, checked.row, _audit_changes(changes)))
            else:
                counts.unchanged += 1
        used.add(pk)
        if data["is_head"]:
            heads[household_id] = pk
    # New households get their head as they are inserted (the foreign keys are checked at commit).
    for household in new_households:
        household["head_id"] = heads.pop(household["id"], None)
    _insert(Household, new_households)
    _audit_rows(job, "registry.household", new_household_rows)
    _insert(Resident, to_create)
    if to_update:
        Resident.objects.bulk_update(
            [r for r, _row, _c in to_update],
            [*_PERSON_KEYS, "household", "village", "name_folded", "sort_key", "updated_at"],
            batch_size=1000,
        )
    if household_fields:
        _update_household_columns(job, household_fields, now)
    if heads:
        # One head per household: earlier heads step down, then each household points at its head.
        for part in _chunks(list(heads)):
            Resident.objects.filter(household_id__in=part, is_head=True).exclude(
                pk__in=[heads[i] for i in part]
            ).update(is_head=False)
            Household.objects.filter(pk__in=part).update(
                head=Subquery(
                    Resident.objects.filter(household=OuterRef("pk"), is_head=True).values("pk")[:1]
                ),
                updated_at=now,
            )
    _audit_rows(
        job,
        "registry.resident",
        created_rows + [(r.pk, row, r.full_name, c) for r, row, c in to_update],
        person=True,
    )
    counts.created += len(to_create)
    counts.updated += len(to_update)


def _update_household_columns(
    job: ImportJob, fields: dict[Any, tuple[int, dict[str, Any]]], now: Any
) -> None:
    """The household columns of a residents file, on households already in the registry (the dry run
    showed them as changes); audited like the households file's updates."""
    updated = []
    for part in _chunks(list(fields)):
        for household in Household.objects.filter(pk__in=part):
            row, values = fields[household.pk]
            changes = _diff(household, values)
            if changes:
                for key, (_old, new) in changes.items():
                    setattr(household, key, new)
                household.updated_at = now
                updated.append((household, row, _audit_changes(changes)))
    if updated:
        Household.objects.bulk_update(
            [h for h, _row, _c in updated], ["address", "poverty", "poverty_year", "updated_at"]
        )
        _audit_rows(job, "registry.household", [(h.pk, row, h.code, c) for h, row, c in updated])


WRITERS: dict[str, Callable[[list[CheckedRow], ImportJob, WriteCounts, dict[str, Any]], None]] = {
    ImportKind.VILLAGES: _write_villages,
    ImportKind.HOUSEHOLDS: _write_households,
    ImportKind.RESIDENTS: _write_residents,
}


# --- jobs ----------------------------------------------------------------------------------------
