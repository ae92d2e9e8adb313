"""The per-commune change sequence that phones sync against (see CommuneChangeCounter)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F

from langso.registry.models import CommuneChangeCounter


def commune_changed(commune_id: int) -> int:
    """Bump the commune's sequence inside the caller's transaction; returns the new value.

    The UPDATE holds the counter row's lock until the caller commits, so a later number can never
    become visible before an earlier one of the same commune."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("commune_changed() must run inside the transaction that makes the change")
    for _attempt in range(2):
        if CommuneChangeCounter.objects.filter(commune_id=commune_id).update(value=F("value") + 1):
            return CommuneChangeCounter.objects.values_list("value", flat=True).get(commune_id=commune_id)
        try:
            with transaction.atomic():
                CommuneChangeCounter.objects.create(commune_id=commune_id, value=1)
            return 1
        except IntegrityError:  # created by a concurrent transaction: bump that row instead
            continue
    raise RuntimeError(f"could not bump the change counter of commune {commune_id}")


def communes_changed(commune_ids: Iterable[int]) -> None:
    # Always in the same order, so two transactions touching the same communes cannot deadlock.
    for commune_id in sorted(set(commune_ids)):
        commune_changed(commune_id)


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
