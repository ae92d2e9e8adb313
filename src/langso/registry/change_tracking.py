"""Database triggers that move a commune's change sequence (`CommuneChangeCounter`) on every write.

Why triggers and not hand-placed calls or Django signals: the sequence must move for *every* write a
phone's worklist or a dashboard number could show. A call placed by hand in each service was forgotten
by the next writer (devices never bumped it); `post_save`/`post_delete` signals miss
`QuerySet.update()`, `bulk_create()`, `bulk_update()` and raw SQL, which imports and programmes use. A
trigger sits on the table itself, so nothing that writes the table can skip it, and it runs inside the
writer's statement, hence inside the writer's transaction: the counter row stays locked until that
transaction commits, and a download that read the counter can never miss a change committed under a
lower number.

A commune that is deleted takes its counter row with it (`FORGET_COMMUNE`, a trigger on the communes
table): the rows deleted before it (its villages, households…) bump its counter on the way, and that
bump must not outlive the commune, whatever order the deletes come in (Django's cascade, or a flush,
whose table order changes from one process to the next).

Each tracked table says how a row reaches its commune (`TrackCommuneChanges` in the migrations):
- `column` holds the commune code itself (`commune_id`), or
- `column` is a key into another table that holds it (`via=(table, key, commune column)`), or
- `scope="province"`: `column` is a province code, every commune of that province moves (NULL: all), or
- `scope="all"`: every commune moves (the skills catalogue, indicator definitions), or
- `scope="units"`: the row names one unit in `province_id`, `commune_id` or `village_id` (a role held
  there); that unit's communes move, all of them for a row naming none (a national role).

PostgreSQL gets one statement-level trigger per event with transition tables (a bulk update of 10,000
rows bumps each commune once), and a transaction that writes many tables may hold the bumps and make
them once, last (`HELD`, `registry.changes.held_bumps`: a phone's batch); SQLite has only row-level
triggers, which is fine for one commune's laptop. Communes are always bumped in code order, so two writers touching the same communes cannot
deadlock on the counter rows. A write whose commune no longer exists (a flush) bumps nothing.

`tests/test_change_tracking.py` derives the tables that facts and worklists read from the SQL they run
and fails when one of them has no trigger, and writes each tracked model through save, bulk_create,
update and delete to see its commune's number move.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations

COUNTER = "registry_communechangecounter"
COMMUNES = "places_commune"
PREFIX = "langso_cc_"
IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def _name(table: str, event: str) -> str:
    return f"{PREFIX}{table}_{event}"


class TrackCommuneChanges(migrations.operations.base.Operation):
    """Create (forwards) or drop (backwards) the change triggers of one table."""

    reversible = True
    reduces_to_sql = True

    def __init__(
        self,
        table: str,
        column: str,
        via: tuple[str, str, str] | None = None,
        scope: str = "commune",
    ) -> None:
        if scope not in ("commune", "province", "all", "units"):
            raise ValueError(f"unknown scope {scope!r}")
        # Names are written into SQL: only plain identifiers, fixed in the migrations.
        for name in (table, column, *(via or ())):
            if not IDENTIFIER.fullmatch(name):
                raise ValueError(f"not a plain SQL identifier: {name!r}")
        self.table, self.column, self.via, self.scope = table, column, via, scope

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"table": self.table, "column": self.column}
        if self.via:
            kwargs["via"] = self.via
        if self.scope != "commune":
            kwargs["scope"] = self.scope
        return self.__class__.__name__, [], kwargs

    def describe(self) -> str:
        return f"Track commune changes of {self.table}"

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for statement in create_sql(schema_editor.connection.vendor, self):
            schema_editor.execute(statement, params=None)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for statement in drop_sql(schema_editor.connection.vendor, self.table):
            schema_editor.execute(statement, params=None)


# --- SQL --------------------------------------------------------------------------------------------


def _communes_of_rows(op: TrackCommuneChanges, rows: str) -> str:
    """A SELECT of the commune codes that the rows of `rows` (a table or a one-row alias) belong to."""
    if op.scope == "all":
        return f"SELECT c.code AS cc FROM {COMMUNES} c WHERE EXISTS (SELECT 1 FROM {rows})"  # noqa: S608
    if op.scope == "units":
        return (
            f"SELECT c.code AS cc FROM {COMMUNES} c WHERE EXISTS (SELECT 1 FROM {rows} r "  # noqa: S608
            "WHERE r.province_id = c.province_id OR r.commune_id = c.code "
            "OR (r.province_id IS NULL AND r.commune_id IS NULL AND r.village_id IS NULL)) "
            f"UNION SELECT v.commune_id AS cc FROM {rows} r JOIN places_village v ON v.id = r.village_id"
        )
    if op.scope == "province":
        return (
            f"SELECT c.code AS cc FROM {COMMUNES} c WHERE EXISTS (SELECT 1 FROM {rows} r "  # noqa: S608
            f"WHERE r.{op.column} IS NULL OR r.{op.column} = c.province_id)"
        )
    if op.via:
        via_table, via_key, via_commune = op.via
        return (
            f"SELECT v.{via_commune} AS cc FROM {rows} r "  # noqa: S608
            f"JOIN {via_table} v ON v.{via_key} = r.{op.column}"
        )
    return f"SELECT r.{op.column} AS cc FROM {rows} r"  # noqa: S608


def _bump(selects: list[str]) -> str:
    union = " UNION ".join(selects)
    return (
        f"INSERT INTO {COUNTER} (commune_id, value) "  # noqa: S608
        f"SELECT DISTINCT x.cc, 1 FROM ({union}) x "
        f"WHERE x.cc IS NOT NULL AND EXISTS (SELECT 1 FROM {COMMUNES} k WHERE k.code = x.cc) "
        f"ORDER BY x.cc "
        f"ON CONFLICT (commune_id) DO UPDATE SET value = {COUNTER}.value + 1"
    )


# A transaction that writes many tables at once (a phone's batch) may hold its bumps: while this
# setting (local to the transaction) is not empty, the PostgreSQL triggers append their communes to it
# instead of bumping, and `registry.changes.held_bumps` bumps each of them once just before the commit.
HELD = "langso.held_communes"


def _pg_bump_or_hold(selects: list[str]) -> str:
    union = " UNION ".join(selects)
    hold = (
        f"PERFORM set_config('{HELD}', held || coalesce((SELECT string_agg(DISTINCT x.cc::text, ',') "  # noqa: S608
        f"|| ',' FROM ({union}) x WHERE x.cc IS NOT NULL), ''), true)"
    )
    return f"IF held <> '' THEN {hold}; ELSE {_bump(selects)}; END IF"


def _sqlite_row(prefix: str, op: TrackCommuneChanges) -> str:
    # SQLite's trigger body cannot name NEW/OLD as a table: one row made of the columns it needs.
    columns = {"province_id", "commune_id", "village_id"} if op.scope == "units" else {op.column}
    row = ", ".join(f"{prefix}.{c} AS {c}" for c in sorted(columns))
    return f"(SELECT {row})"


def create_sql(vendor: str, op: TrackCommuneChanges) -> list[str]:
    statements = drop_sql(vendor, op.table)
    if vendor == "postgresql":
        events = {
            "ins": ("INSERT", "REFERENCING NEW TABLE AS langso_new", ["langso_new"]),
            "upd": (
                "UPDATE",
                "REFERENCING OLD TABLE AS langso_old NEW TABLE AS langso_new",
                ["langso_old", "langso_new"],
            ),
            "del": ("DELETE", "REFERENCING OLD TABLE AS langso_old", ["langso_old"]),
        }
        for short, (event, referencing, tables) in events.items():
            name = _name(op.table, short)
            body = _pg_bump_or_hold([_communes_of_rows(op, t) for t in tables])
            statements.append(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"DECLARE held text := current_setting('{HELD}', true); BEGIN {body}; RETURN NULL; END $$"
            )
            statements.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {op.table} {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
        return statements
    if vendor == "sqlite":
        events = {"ins": ("INSERT", ["NEW"]), "upd": ("UPDATE", ["OLD", "NEW"]), "del": ("DELETE", ["OLD"])}
        for short, (event, rows) in events.items():
            body = _bump([_communes_of_rows(op, _sqlite_row(r, op)) for r in rows])
            statements.append(
                f"CREATE TRIGGER {_name(op.table, short)} AFTER {event} ON {op.table} "
                f"FOR EACH ROW BEGIN {body}; END"
            )
        return statements
    raise NotImplementedError(f"change tracking has no triggers for {vendor}")


def drop_sql(vendor: str, table: str) -> list[str]:
    names = [_name(table, e) for e in ("ins", "upd", "del")]
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {n} ON {table}" for n in names] + [
            f"DROP FUNCTION IF EXISTS {n}()" for n in names
        ]
    return [f"DROP TRIGGER IF EXISTS {n}" for n in names]


FORGET_COMMUNE = f"{PREFIX}forget_commune"


def forget_commune_drop_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {FORGET_COMMUNE} ON {COMMUNES}",
            f"DROP FUNCTION IF EXISTS {FORGET_COMMUNE}()",
        ]
    return [f"DROP TRIGGER IF EXISTS {FORGET_COMMUNE}"]


def forget_commune_sql(vendor: str) -> list[str]:
    """A trigger that deletes a commune's counter row when the commune itself is deleted."""
    delete = f"DELETE FROM {COUNTER} WHERE commune_id = OLD.code"  # noqa: S608
    statements = forget_commune_drop_sql(vendor)
    if vendor == "postgresql":
        return statements + [
            f"CREATE FUNCTION {FORGET_COMMUNE}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {delete}; RETURN NULL; END $$",
            f"CREATE TRIGGER {FORGET_COMMUNE} AFTER DELETE ON {COMMUNES} "
            f"FOR EACH ROW EXECUTE FUNCTION {FORGET_COMMUNE}()",
        ]
    if vendor == "sqlite":
        return statements + [
            f"CREATE TRIGGER {FORGET_COMMUNE} AFTER DELETE ON {COMMUNES} FOR EACH ROW BEGIN {delete}; END",
        ]
    raise NotImplementedError(f"change tracking has no triggers for {vendor}")


def _has_trigger(connection: Any, name: str) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [name])
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [name])
        return cursor.fetchone() is not None


class ForgetDeletedCommunes(migrations.operations.base.Operation):
    """Create (forwards) or drop (backwards) the trigger that deletes a deleted commune's counter."""

    reversible = True
    reduces_to_sql = True

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__name__, [], {}

    def describe(self) -> str:
        return "Delete a commune's change counter with the commune"

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for statement in forget_commune_sql(schema_editor.connection.vendor):
            schema_editor.execute(statement, params=None)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for statement in forget_commune_drop_sql(schema_editor.connection.vendor):
            schema_editor.execute(statement, params=None)


def tracked_tables(connection: Any) -> set[str]:
    """The tables that carry all three change triggers in this database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE %s",
                [PREFIX + "%"],
            )
        else:
            cursor.execute(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [PREFIX + "%"],
            )
        found: dict[str, set[str]] = {}
        for table, name in cursor.fetchall():
            found.setdefault(table, set()).add(name)
    return {t for t, names in found.items() if names == {_name(t, e) for e in ("ins", "upd", "del")}}


def declared_operations(connection: Any) -> dict[str, TrackCommuneChanges]:
    """The change-tracking operation of every table, as the applied migrations declare it (a later
    declaration of the same table wins)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    plan = []
    for leaf in loader.graph.leaf_nodes():
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    declared: dict[str, TrackCommuneChanges] = {}
    for key in plan:
        if key not in loader.applied_migrations:
            continue
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, TrackCommuneChanges):
                declared[operation.table] = operation
    return declared


def _declares_forget(connection: Any) -> bool:
    from django.db.migrations.recorder import MigrationRecorder

    return MigrationRecorder(connection).migration_qs.filter(app="registry", name=FORGET_MIGRATION).exists()


FORGET_MIGRATION = "0009_forget_deleted_commune_counters"


def ensure_change_triggers(using: str = "default") -> list[str]:
    """Create the triggers a migration declared but the database lacks, and return their tables.

    SQLite alters a table by building a new one and dropping the old, which drops its triggers too; a
    later migration that adds a column to a tracked table would silently end its tracking. Run after
    every `migrate` (post_migrate), this puts them back; on PostgreSQL it finds nothing to do."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return []
    existing = set(connection.introspection.table_names())
    installed = tracked_tables(connection)
    missing = [
        op
        for table, op in declared_operations(connection).items()
        if table in existing and table not in installed
    ]
    forget = (
        COMMUNES in existing
        and COUNTER in existing
        and _declares_forget(connection)
        and not _has_trigger(connection, FORGET_COMMUNE)
    )
    # Plain statements (not a schema editor): this also runs inside a test's transaction on SQLite.
    with connection.cursor() as cursor:
        for op in missing:
            for statement in create_sql(connection.vendor, op):
                cursor.execute(statement)
        if forget:
            for statement in forget_commune_sql(connection.vendor):
                cursor.execute(statement)
    return [op.table for op in missing] + ([COMMUNES] if forget else [])


def after_migrate(using: str = "default", **kwargs: Any) -> None:
    """post_migrate handler: a migrate (which passes its plan) may have rebuilt tables; a flush has not."""
    if "plan" in kwargs:
        ensure_change_triggers(using)
