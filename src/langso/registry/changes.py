"""Reading the per-commune change sequence that phones and dashboards sync against.

Nothing in the code moves it: database triggers do, on every write to a table a worklist or a number
reads (`registry/change_tracking.py`), inside the writer's transaction."""

from __future__ import annotations

from collections.abc import Iterable

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
