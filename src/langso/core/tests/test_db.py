import time
import uuid

from langso.core.db import uuid7


def test_uuid7_is_a_version_7_rfc_uuid():
    key = uuid7()
    assert key.version == 7
    assert key.variant == uuid.RFC_4122


def test_uuid7_keys_sort_in_the_order_they_were_made():
    made = []
    for _ in range(5):
        made.append(uuid7())
        time.sleep(0.002)  # a millisecond apart at least: within one millisecond the order is random
    assert sorted(made) == made
    assert sorted(k.hex for k in made) == [k.hex for k in made]  # SQLite stores the hex text


def test_uuid7_keys_made_together_differ():
    assert len({uuid7() for _ in range(10_000)}) == 10_000
