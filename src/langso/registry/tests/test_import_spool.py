"""The dry run's valid rows kept in a file (imports.spool): what goes in comes back, in order, less the
rows dropped and with the values patched, read whole or a slice at a time, and saved for the write."""

import datetime
import io

import pytest

from langso.registry.imports import spool
from langso.registry.imports.spool import CheckedRow, SavedRows, SpooledRows


def _rows(numbers):
    return [
        CheckedRow(
            n, {"full_name": f"Người {n}", "birth_date": datetime.date(1990, 1, n % 28 + 1), "cccd": None}
        )
        for n in numbers
    ]


@pytest.fixture
def spooled(monkeypatch):
    monkeypatch.setattr(spool, "SAVED_CHUNK", 3)  # lines of 3 rows
    rows = SpooledRows()
    for checked in _rows(range(2, 12)):  # rows 2-11: lines [2, 3, 4], [5, 6, 7], [8, 9, 10], [11]
        rows.append(checked)
    yield rows
    rows.discard()


def test_rows_come_back_as_they_went_in(spooled):
    assert len(spooled) == 10
    assert list(spooled) == _rows(range(2, 12))  # dates are dates again
    assert spooled[4:8] == _rows(range(6, 10))
    assert spooled[-1] == _rows([11])[0]


def test_dropped_rows_are_left_out_of_reading_slicing_and_the_count(spooled):
    spooled.drop({5, 6, 7, 9})  # the whole second line, and one row of the third
    kept = [2, 3, 4, 8, 10, 11]
    assert len(spooled) == len(kept)
    assert [r.row for r in spooled] == kept
    # Chunks one after another, as the write takes them, across the emptied line.
    assert [[r.row for r in spooled[i : i + 2]] for i in range(0, 6, 2)] == [[2, 3], [4, 8], [10, 11]]


def test_a_patched_value_is_read_back_and_saved(spooled):
    spooled.patch(6, "cccd", "001090000006")
    assert [r.data["cccd"] for r in spooled if r.row == 6] == ["001090000006"]
    assert spooled[4].data["cccd"] == "001090000006"


def test_saved_rows_read_back_the_same_in_chunks_that_do_not_line_up_with_the_lines(spooled):
    spooled.drop({3, 9})
    spooled.patch(11, "full_name", "Người Mười Một")
    out = io.BytesIO()
    spooled.save(out, {"format": 4})
    data = out.getvalue()
    head = __import__("json").loads(data.split(b"\n", 1)[0])
    assert head["counts"] == [2, 3, 2, 1] and head["keys"] == ["full_name", "birth_date", "cccd"]
    saved = SavedRows(head, lambda: io.BytesIO(data))
    assert list(saved) == list(spooled)
    chunks = [saved[i : i + 3] for i in range(0, len(saved), 3)]
    assert [r.row for chunk in chunks for r in chunk] == [2, 4, 5, 6, 7, 8, 10, 11]
    assert chunks[-1][-1].data["full_name"] == "Người Mười Một"
    assert saved[0:2] == list(spooled)[0:2]  # going back reads the file again from its start
