"""A phone's batch, record by record: who recorded it, whether its key still counts, and which path
stores it.

A record is stored only under its own recorder, with that person's live key; one that comes with a
revoked key is held for a commune officer (teams.phone_records.hold). Runs of plain visits, the bulk of
a day's work, are checked and written together (field.visit_batch); every other record goes through
teams.phone_records one by one, in its place, so what one record does is seen by the records after it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from langso.accounts.access import Perm, has_perm
from langso.field import visit_batch
from langso.teams.models import DeviceToken
from langso.teams.phone_records import Result, has_nul, hold, store_record
from langso.teams.visits import VisitInput, visit_input


def recorder_mismatch_message() -> str:
    return _(
        "Bản ghi này do người khác ghi trên máy này. Chỉ gửi được bằng khóa của chính người đã ghi, "
        "khi người đó kết nối lại máy; máy vẫn giữ bản ghi cho họ."
    )


def receive(
    *, device: DeviceToken, record_id: uuid.UUID, kind: str, data: dict[str, Any], recorded_by: str | None
) -> Result:
    """A record as it arrives from a phone with `device`'s key: checked for its recorder, then stored,
    or held for an officer when the key was revoked."""
    if recorded_by is not None and recorded_by != str(device.user_id):
        return Result("rejected", {"recorded_by": [recorder_mismatch_message()]})
    if not device.is_live:
        return hold(device=device, record_id=record_id, kind=kind, data=data)
    return store_record(user=device.user, device=device, record_id=record_id, kind=kind, data=data)


@dataclass(frozen=True)
class Incoming:
    """One record of a phone's batch, as the API read it."""

    id: uuid.UUID
    kind: str
    data: dict[str, Any]
    recorded_by: str | None = None


def receive_batch(*, device: DeviceToken, records: list[Incoming]) -> list[Result]:
    """A phone's batch, one result per record in order. Runs of plain visits (the bulk of a day's
    work) are checked and written together (field.visit_batch: a fixed number of queries whatever the
    run's length); everything else, and every visit that corrects a fact, goes through `receive`
    one by one, in its place, so what one record does is seen by the records after it."""
    results: list[Result | None] = [None] * len(records)
    bulk = device.is_live and has_perm(device.user, Perm.VISIT_RECORD)
    run: list[tuple[int, VisitInput]] = []
    in_run: set[uuid.UUID] = set()

    def flush() -> None:
        outcomes = visit_batch.store_visits(user=device.user, device=device, visits=[v for _i, v in run])
        for (index, _visit), (status, errors, notes) in zip(run, outcomes, strict=True):
            results[index] = Result(status, errors, notes)  # type: ignore[arg-type]
        run.clear()
        in_run.clear()

    for index, record in enumerate(records):
        visit = _plain_visit(device, record) if bulk else None
        if visit is not None and visit.id in in_run:
            flush()  # the same UUID twice: the second sees the first as stored
        if visit is None:
            if run:
                flush()
            results[index] = receive(
                device=device,
                record_id=record.id,
                kind=record.kind,
                data=record.data,
                recorded_by=record.recorded_by,
            )
        else:
            run.append((index, visit))
            in_run.add(visit.id)
    if run:
        flush()
    return [r for r in results if r is not None]


def _plain_visit(device: DeviceToken, record: Incoming) -> VisitInput | None:
    """The record as a visit the batch path can take, or None for the path of one record at a time
    (other kinds, someone else's record, unreadable data, and the rare visit that corrects a fact or
    finds the household without a smartphone: those lock and compare what they change)."""
    if record.kind != "visit" or has_nul(record.data):
        return None
    if record.recorded_by is not None and record.recorded_by != str(device.user_id):
        return None
    try:
        visit = visit_input(record.id, record.data)
    except (ValueError, ValidationError):  # pydantic's ValidationError is a ValueError
        return None
    return None if visit.updates or visit.no_phone else visit
