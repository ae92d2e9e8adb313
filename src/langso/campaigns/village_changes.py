"""Database triggers that log which villages changed, so the dashboards' numbers recompute only those.

The commune change sequence (`registry/change_tracking.py`) says *that* a commune changed; a visit
changes one village, mostly one person, and recomputing the whole commune for it took seconds at
1,000,000 people. These triggers sit next to the commune ones (their own names, `langso_vc_…`, and their
own functions: the commune triggers are left exactly as they were) and append to `LOG` one row per
(commune, village) a statement touched:

- a village's id: that village's part of every number is recomputed;
- `OWN` (""): the commune's own part: rows that belong to the commune and no village (group sessions,
  help-desk sessions, quotas, the steering committee);
- `WHOLE` ("*"): the whole commune (the skills catalogue, a rule, a programme, an indicator's definition).

The log is an append-only queue with no unique key, so two writers never wait on each other for it
(unlike the counter row). `campaigns.rollups` takes the rows it read and deletes them inside the
transaction that stores the new numbers; a row committed meanwhile stays for the next refresh.

Each table says how its rows reach villages (`TrackVillageChanges` in the migrations), as a list of
sources, each one of:
- `("row", commune column, village column or None)`: the row's own columns (None: the commune's own part);
- `("via", key column, table, table key, commune column, village column or None)`: through another
  table (a person's present at a visit counts in the village the *person* lives in);
- `("province", column)`: every commune of that province, whole (NULL: every commune);
- `("all",)`: every commune, whole.
A row moved between villages logs both (the old and the new rows are both read).
`tests/test_incremental_numbers.py` checks that every table a fact reads carries these triggers.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from langso.registry.change_tracking import IDENTIFIER

LOG = "campaigns_changedvillage"
COMMUNES = "places_commune"
PREFIX = "langso_vc_"
OWN = ""
WHOLE = "*"

Source = tuple[Any, ...]


def _name(table: str, event: str) -> str:
    return f"{PREFIX}{table}_{event}"


def _check(sources: list[Source]) -> None:
    for source in sources:
        kind, *names = source
        expected = {"row": 2, "via": 5, "province": 1, "all": 0}.get(kind)
        if expected is None or len(names) != expected:
            raise ValueError(f"bad source {source!r}")
        for name in names:
            if name is not None and not IDENTIFIER.fullmatch(name):
                raise ValueError(f"not a plain SQL identifier: {name!r}")


class TrackVillageChanges(migrations.operations.base.Operation):
    """Create (forwards) or drop (backwards) the village-log triggers of one table."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str, sources: list[Source]) -> None:
        if not IDENTIFIER.fullmatch(table):
            raise ValueError(f"not a plain SQL identifier: {table!r}")
        sources = [tuple(s) for s in sources]
        _check(sources)
        self.table, self.sources = table, sources

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__name__, [], {"table": self.table, "sources": self.sources}

    def describe(self) -> str:
        return f"Log the villages changed in {self.table}"

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for statement in create_sql(schema_editor.connection.vendor, self):
            schema_editor.execute(statement, params=None)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for statement in drop_sql(schema_editor.connection.vendor, self.table):
            schema_editor.execute(statement, params=None)


def _village(column: str | None, alias: str) -> str:
    return f"COALESCE(CAST({alias}.{column} AS TEXT), '')" if column else "''"


def _select(source: Source, rows: str) -> str:
    """A SELECT of (cc, vv) pairs for the rows of `rows` (a transition table or a one-row alias)."""
    kind = source[0]
    if kind == "row":
        _k, commune, village = source
        return f"SELECT r.{commune} AS cc, {_village(village, 'r')} AS vv FROM {rows} r"  # noqa: S608
    if kind == "via":
        _k, key, table, table_key, commune, village = source
        return (
            f"SELECT v.{commune} AS cc, {_village(village, 'v')} AS vv FROM {rows} r "  # noqa: S608
            f"JOIN {table} v ON v.{table_key} = r.{key}"
        )
    if kind == "province":
        column = source[1]
        return (
            f"SELECT c.code AS cc, '{WHOLE}' AS vv FROM {COMMUNES} c WHERE EXISTS "  # noqa: S608
            f"(SELECT 1 FROM {rows} r WHERE r.{column} IS NULL OR r.{column} = c.province_id)"
        )
    return f"SELECT c.code AS cc, '{WHOLE}' AS vv FROM {COMMUNES} c WHERE EXISTS (SELECT 1 FROM {rows})"  # noqa: S608


def _log(op: TrackVillageChanges, tables: list[str]) -> str:
    union = " UNION ".join(_select(s, t) for t in tables for s in op.sources)
    return (
        f"INSERT INTO {LOG} (commune_id, village) "  # noqa: S608
        f"SELECT DISTINCT x.cc, x.vv FROM ({union}) x WHERE x.cc IS NOT NULL"
    )


def _columns(op: TrackVillageChanges) -> set[str]:
    columns: set[str] = set()
    for source in op.sources:
        if source[0] == "row":
            columns |= {c for c in source[1:] if c}
        elif source[0] in ("via", "province"):
            columns.add(source[1])
    return columns


def _sqlite_row(prefix: str, op: TrackVillageChanges) -> str:
    # SQLite's trigger body cannot name NEW/OLD as a table: one row made of the columns it needs.
    columns = sorted(_columns(op)) or ["rowid"]
    return "(SELECT " + ", ".join(f"{prefix}.{c} AS {c}" for c in columns) + ")"


def create_sql(vendor: str, op: TrackVillageChanges) -> list[str]:
    statements = drop_sql(vendor, op.table)
    if vendor == "postgresql":
        events = {
            "ins": ("INSERT", "REFERENCING NEW TABLE AS langso_vnew", ["langso_vnew"]),
            "upd": (
                "UPDATE",
                "REFERENCING OLD TABLE AS langso_vold NEW TABLE AS langso_vnew",
                ["langso_vold", "langso_vnew"],
            ),
            "del": ("DELETE", "REFERENCING OLD TABLE AS langso_vold", ["langso_vold"]),
        }
        for short, (event, referencing, tables) in events.items():
            name = _name(op.table, short)
            statements.append(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {_log(op, tables)}; RETURN NULL; END $$"
            )
            statements.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {op.table} {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
        return statements
    if vendor == "sqlite":
        events = {"ins": ("INSERT", ["NEW"]), "upd": ("UPDATE", ["OLD", "NEW"]), "del": ("DELETE", ["OLD"])}
        for short, (event, rows) in events.items():
            body = _log(op, [_sqlite_row(r, op) for r in rows])
            statements.append(
                f"CREATE TRIGGER {_name(op.table, short)} AFTER {event} ON {op.table} "
                f"FOR EACH ROW BEGIN {body}; END"
            )
        return statements
    raise NotImplementedError(f"village change log has no triggers for {vendor}")


def drop_sql(vendor: str, table: str) -> list[str]:
    names = [_name(table, e) for e in ("ins", "upd", "del")]
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {n} ON {table}" for n in names] + [
            f"DROP FUNCTION IF EXISTS {n}()" for n in names
        ]
    return [f"DROP TRIGGER IF EXISTS {n}" for n in names]


def logged_tables(connection: Any) -> set[str]:
    """The tables that carry all three village-log triggers in this database."""
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


def declared_operations(connection: Any) -> dict[str, TrackVillageChanges]:
    """The village-log operation of every table, as the applied migrations declare it (a later
    declaration of the same table wins)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    plan: list[Any] = []
    for leaf in loader.graph.leaf_nodes():
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    declared: dict[str, TrackVillageChanges] = {}
    for key in plan:
        if key not in loader.applied_migrations:
            continue
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, TrackVillageChanges):
                declared[operation.table] = operation
    return declared


def ensure_village_triggers(using: str = "default") -> list[str]:
    """Create the village-log triggers a migration declared but the database lacks (SQLite drops a
    table's triggers when a later migration rebuilds it), and return their tables."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return []
    existing = set(connection.introspection.table_names())
    if LOG not in existing:
        return []
    installed = logged_tables(connection)
    missing = [
        op
        for table, op in declared_operations(connection).items()
        if table in existing and table not in installed
    ]
    with connection.cursor() as cursor:
        for op in missing:
            for statement in create_sql(connection.vendor, op):
                cursor.execute(statement)
    return [op.table for op in missing]


def after_migrate(using: str = "default", **kwargs: Any) -> None:
    """post_migrate handler: a migrate (which passes its plan) may have rebuilt tables; a flush has not."""
    if "plan" in kwargs:
        ensure_village_triggers(using)
