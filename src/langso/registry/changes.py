"""Reading the per-commune change sequence that phones and dashboards sync against.

Nothing in the code moves it: database triggers do, on every write to a table a worklist or a number
reads (`registry/change_tracking.py`), inside the writer's transaction. A writer that touches many
tables in one transaction (a phone's batch) can ask them to hold their bumps (`held_bumps`) and bump
each commune once, last."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection

from langso.registry.change_tracking import COMMUNES, COUNTER, HELD
from langso.registry.models import CommuneChangeCounter


def current_values(commune_ids: Iterable[int]) -> dict[int, int]:
    ids = set(commune_ids)
    values = dict(CommuneChangeCounter.objects.filter(commune_id__in=ids).values_list("commune_id", "value"))
    return {commune_id: values.get(commune_id, 0) for commune_id in ids}


def parse_cursor(text: str | None) -> dict[int, int]:
    """ "2071:15,24301:3" → {2071: 15, 24301: 3}; anything malformed counts as "never synced"."""
    cursor: dict[int, int] = {}
    for part in (text or "").split(","):
        commune, _sep, value = part.partition(":")
        if commune.strip().isdigit() and value.strip().isdigit():
            cursor[int(commune)] = int(value)
    return cursor


def format_cursor(values: dict[int, int]) -> str:
    return ",".join(f"{commune}:{value}" for commune, value in sorted(values.items()))


_HOLDING = "langso_holding_bumps"


@contextmanager
def held_bumps() -> Iterator[None]:
    """Inside a transaction: the change triggers note the communes that the writes of this block touch
    instead of bumping them after each statement, and at the end of the block each of those communes
    is bumped once, in code order.

    Why: a phone's batch writes six or seven tables, and each statement bumped (and locked) the same
    counter row; the first bump held the lock until the commit, so every other batch of the commune
    queued behind the rest of the transaction. Held, a batch bumps each commune once and locks its
    counter only for the bump and the commit. Readers see the same thing as before: the new number
    becomes visible with the commit, together with the rows.

    On an exception nothing is bumped: the block's writes roll back with the transaction (or its
    savepoint, which also undoes the setting). PostgreSQL only: SQLite's triggers run row by row and
    its one writer locks the whole database anyway; there the block changes nothing."""
    if connection.vendor != "postgresql" or getattr(connection, _HOLDING, False):
        yield  # SQLite; or inside another held block, which bumps what this one writes
        return
    if not connection.in_atomic_block:
        raise RuntimeError("held_bumps() needs a transaction: the bumps are made before its commit")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, ',', true)", [HELD])
    setattr(connection, _HOLDING, True)
    try:
        yield
    finally:
        setattr(connection, _HOLDING, False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [HELD])
        held = cursor.fetchone()[0] or ""
        cursor.execute("SELECT set_config(%s, '', true)", [HELD])
        codes = sorted({int(code) for code in held.split(",") if code})
        if codes:
            cursor.execute(
                f"INSERT INTO {COUNTER} (commune_id, value) "  # noqa: S608 - fixed table names
                f"SELECT k.code, 1 FROM {COMMUNES} k WHERE k.code = ANY(%s) ORDER BY k.code "
                f"ON CONFLICT (commune_id) DO UPDATE SET value = {COUNTER}.value + 1",
                [codes],
            )
