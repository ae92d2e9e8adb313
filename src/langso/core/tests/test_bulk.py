"""core.bulk.insert stores what bulk_create stores: every field type a batch writes, columns the same
on every row and columns that differ, one row and many."""

from __future__ import annotations

import uuid

import pytest

from langso.core import bulk
from langso.core.models import AuditEntry

pytestmark = pytest.mark.django_db

FIELDS = ["actor_username", "ip_address", "user_agent", "action", "object_type", "object_id"]
FIELDS += ["object_repr", "resident_id", "changes", "note"]


def _lines(tag: str, count: int) -> list[AuditEntry]:
    return [
        AuditEntry(
            actor_username=f"{tag}-user",
            ip_address="203.0.113.7" if i % 2 else None,
            user_agent="Điện thoại",
            action="create",
            object_type="teams.visit",
            object_id=f"{tag}-{i}",
            object_repr=f"Hộ số {i}",
            resident_id=uuid.uuid4() if i % 3 else None,
            changes={"level": i, "skill": "video_call", "ngày": [1, "2", None]} if i else {},
            note="",
        )
        for i in range(count)
    ]


def _stored(tag: str) -> list[tuple]:
    rows = AuditEntry.objects.filter(actor_username=f"{tag}-user").order_by("object_id")
    return [tuple(getattr(r, f) for f in FIELDS if f != "actor_username") for r in rows]


@pytest.mark.parametrize("count", [1, 7])
def test_insert_stores_what_bulk_create_stores(count):
    fast, slow = _lines("fast", count), _lines("slow", count)
    for a, b in zip(fast, slow, strict=True):
        b.resident_id, b.object_id = a.resident_id, a.object_id.replace("fast", "slow")

    bulk.insert(fast)
    AuditEntry.objects.bulk_create(slow)

    got, expected = _stored("fast"), _stored("slow")
    assert len(got) == count
    assert [row[:4] + row[5:] for row in got] == [
        row[:4] + row[5:] for row in expected
    ]  # all but object_id (tagged)
    times = set(AuditEntry.objects.filter(actor_username="fast-user").values_list("at", flat=True))
    assert len(times) == 1 and next(iter(times)) == fast[0].at  # auto_now_add: set, and on the instances
