"""The dry run's valid rows kept in a temporary file as they are checked, not in memory.

A residents' file of 100,000 rows held its valid rows as dicts until the end of the dry run (about
1.2 KB a row: 120 MB), because some checks need the whole file (a household's review year on a later
row, CCCDs held in another commune, the changes to people already in the registry). Now each row goes
to the file as it passes, a JSON line per `SAVED_CHUNK` rows (a list of `[row, *values]`, encoded by one
C call a line); the checks after the rows use a compact index the checker keeps (row, household, CCCD)
and read the rows back only when they need their values. The job's saved dry run is this same file
with a head line: saving copies its lines, rewriting only a line that lost a row or gained a value
after the rows were checked (`drop`, `patch`).
"""

from __future__ import annotations

import bisect
import datetime
import json
import operator
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

SAVED_CHUNK = 1_000  # rows a line; the write's chunks are a multiple of it
_DATE_KEYS = ("birth_date", "coverage_checked_on")


@dataclass
class CheckedRow:
    row: int
    data: dict[str, Any]
    key: Any = None


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(type(value).__name__)


def encoder() -> Callable[[Any], str]:
    return json.JSONEncoder(ensure_ascii=False, default=_json_value, separators=(",", ":")).encode


class RowLines:
    """Rows read back from JSON lines, each a list of `[row, *values]` in the order of `keys`; line i
    holds `counts[i]` rows. Iterated, or sliced in order (the writers take chunks one after another):
    a slice goes on from the last line read, so writing holds one line of rows, not the file's.
    Subclasses say how to read line i (`_line`) and all lines in order (`_lines`)."""

    def __init__(self, keys: list[str], counts: list[int]) -> None:
        self.keys = keys
        self.dates = [keys.index(k) for k in _DATE_KEYS if k in keys]
        self._set_counts(counts)
        self._cached: tuple[int, list[CheckedRow]] = (-1, [])

    def _set_counts(self, counts: list[int]) -> None:
        self.counts = counts
        self.count = sum(counts)
        self._starts = [0]  # the index of each line's first row
        for n in counts[:-1]:
            self._starts.append(self._starts[-1] + n)

    def __len__(self) -> int:
        return self.count

    def _line(self, number: int) -> bytes:
        raise NotImplementedError

    def _lines(self) -> Iterator[bytes]:
        raise NotImplementedError

    def _values(self, line: bytes) -> list[list[Any]]:
        return json.loads(line.decode("utf-8"))  # str: json need not guess the encoding

    def _decode(self, line: bytes) -> list[CheckedRow]:
        keys, dates, rows = self.keys, self.dates, []
        fromisoformat = datetime.date.fromisoformat
        for row, *values in self._values(line):
            for index in dates:
                if values[index]:
                    values[index] = fromisoformat(values[index])
            rows.append(CheckedRow(row, dict(zip(keys, values, strict=True))))
        return rows

    def __iter__(self) -> Iterator[CheckedRow]:
        for line in self._lines():
            yield from self._decode(line)

    def _rows_of(self, number: int) -> list[CheckedRow]:
        if self._cached[0] != number:
            self._cached = (number, self._decode(self._line(number)))
        return self._cached[1]

    def __getitem__(self, part: slice | int) -> Any:
        if isinstance(part, int):
            index = part + self.count if part < 0 else part
            if not 0 <= index < self.count:
                raise IndexError(part)
            return self[index : index + 1][0]
        start, stop, _step = part.indices(self.count)
        out: list[CheckedRow] = []
        if start >= stop:
            return out
        number = bisect.bisect_right(self._starts, start) - 1  # the line holding `start`
        while number < len(self.counts) and (at := self._starts[number]) < stop:
            if self.counts[number]:
                out.extend(self._rows_of(number)[max(start - at, 0) : stop - at])
            number += 1
        return out

    def close(self) -> None:
        self._cached = (-1, [])


class SpooledRows(RowLines):
    """The valid rows of a dry run as it checks them: `append` each, `drop` the rows a check after the
    rows refuses, `patch` a value found after the rows; then read them, or `save` them as a job's dry
    run. Dropped rows and patches are applied as lines are read (and written again only when saved)."""

    def __init__(self) -> None:
        super().__init__([], [])
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the rows
        self._encode = encoder()
        self._pending: list[list[Any]] = []
        self._per_line = SAVED_CHUNK
        self._firsts: list[int] = []  # each line's first row number (rows come in increasing order)
        self._offsets: list[int] = [0]  # each line's position in the file, and the end
        self._dropped: set[int] = set()
        self._patches: dict[int, dict[str, Any]] = {}
        self._dirty: set[int] = set()  # lines with a dropped or patched row
        self._pick: Callable[[dict[str, Any]], Any] | None = None

    def append(self, checked: CheckedRow) -> None:
        if self._pick is None:
            keys = self.keys = list(checked.data)
            self.dates = [keys.index(k) for k in _DATE_KEYS if k in keys]
            self._pick = operator.itemgetter(*keys) if len(keys) > 1 else (lambda data: (data[keys[0]],))
        try:
            values = self._pick(checked.data)  # one C call for the row's values
        except KeyError:  # a row without some key (none today): its value is null
            values = [checked.data.get(k) for k in self.keys]
        self._pending.append([checked.row, *values])
        self.count += 1
        if len(self._pending) >= self._per_line:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        self._file.seek(self._offsets[-1])
        self._file.write(self._encode(self._pending).encode("utf-8") + b"\n")
        self._offsets.append(self._file.tell())
        self._firsts.append(self._pending[0][0])
        self._set_counts([*self.counts, len(self._pending)])
        self._pending = []

    def _line(self, number: int) -> bytes:
        self._flush()
        self._file.seek(self._offsets[number])
        return self._file.read(self._offsets[number + 1] - self._offsets[number])

    def _lines(self) -> Iterator[bytes]:
        self._flush()
        for number in range(len(self.counts)):
            yield self._line(number)

    def _values(self, line: bytes) -> list[list[Any]]:
        values = super()._values(line)
        if self._dropped or self._patches:
            values = [r for r in values if r[0] not in self._dropped]
            for r in values:
                for key, value in self._patches.get(r[0], {}).items():
                    r[self.keys.index(key) + 1] = value
        return values

    def _line_of(self, row: int) -> int:
        self._flush()
        return bisect.bisect_right(self._firsts, row) - 1

    def drop(self, rows: set[int]) -> None:
        """Leave out these rows (refused by a check that needed the whole file). Each was appended."""
        self._flush()
        counts = list(self.counts)
        for row in rows - self._dropped:
            line = self._line_of(row)
            counts[line] -= 1
            self._dirty.add(line)
        self._dropped |= rows
        self._set_counts(counts)
        self.close()

    def patch(self, row: int, key: str, value: Any) -> None:
        """Set one value of an appended row (household columns that change a household)."""
        self._patches.setdefault(row, {})[key] = value
        self._dirty.add(self._line_of(row))
        self.close()

    def save(self, out: IO[bytes], head: dict[str, Any]) -> None:
        """Write the rows as a job's saved dry run: the head line (with the keys and each line's count),
        then the lines, as they are unless a row of theirs was dropped or patched."""
        self._flush()
        kept = [n for n in range(len(self.counts)) if self.counts[n]]
        out.write(
            self._encode({**head, "keys": self.keys, "counts": [self.counts[n] for n in kept]}).encode(
                "utf-8"
            )
            + b"\n"
        )
        for number in kept:
            line = self._line(number)
            if number in self._dirty:
                line = self._encode(self._values(line)).encode("utf-8") + b"\n"
            out.write(line)

    def discard(self) -> None:
        self.close()
        self._file.close()


class SavedRows(RowLines):
    """A job's saved dry run (`SpooledRows.save`), read a line at a time through one handle."""

    def __init__(self, head: dict[str, Any], open_file: Callable[[], IO[bytes]]) -> None:
        super().__init__(list(head["keys"]), [int(n) for n in head["counts"]])
        self._open_file = open_file
        self._handle: IO[bytes] | None = None
        self._next = 0  # the line `_handle` reads next

    def _open(self) -> IO[bytes]:
        handle = self._open_file()
        handle.readline()  # the head
        return handle

    def _lines(self) -> Iterator[bytes]:
        with self._open() as handle:
            for _number in self.counts:
                yield handle.readline()

    def _line(self, number: int) -> bytes:
        if self._handle is None or number < self._next:
            self.close()
            self._handle, self._next = self._open(), 0
        while self._next < number:
            self._handle.readline()
            self._next += 1
        self._next += 1
        return self._handle.readline()

    def close(self) -> None:
        super().close()
        if self._handle is not None:
            self._handle.close()
            self._handle = None
