"""Reading the content Làng Số ships as data files (guides, the skills catalogue, indicators).

Content lives in TOML files inside the package (`<app>/content/`), reviewed in diffs like code and
read with `tomllib` from the standard library. Each app has a `shipped.py` that reads its files through
`Table` and turns them into plain objects; every mistake raises `ContentError` naming the file and the
key ("guides/content/guides/qr_payment.toml: steps #2.text: missing"), so a bad edit fails the test
suite and `migrate` at once instead of a page later. This module knows no domain app (it is part of
the foundation); installing the content into the database is each app's `install_*` service, run by
one idempotent step after `migrate` (see docs/content.md).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any


class ContentError(ValueError):
    """A shipped content file that cannot be used: the file, the key and what is wrong."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        where = f"{self.path}: {key}" if key else self.path
        super().__init__(f"{where}: {problem}")


def content_hash(data: Any) -> str:
    """A stable fingerprint of parsed content: the same values give the same hash whatever the file's
    layout, comments or key order, so reformatting a file is not "a new shipped version"."""
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def read_toml(path: Path) -> Table:
    """The whole file as a Table; unreadable or invalid TOML is a ContentError naming the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(path, "", "file not found") from None
    except UnicodeDecodeError as error:
        raise ContentError(path, "", f"not UTF-8 text ({error.reason} at byte {error.start})") from None
    except tomllib.TOMLDecodeError as error:
        raise ContentError(path, "", f"not valid TOML: {error}") from None
    return Table(data, path)


_MISSING = object()


class Table:
    """A TOML table whose reads check the type and name the file and the key path when wrong."""

    def __init__(self, data: dict[str, Any], path: Path, where: str = "") -> None:
        self.data, self.path, self.where = data, path, where

    def _key(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, problem: str) -> ContentError:
        return ContentError(self.path, self._key(key) if key else self.where, problem)

    def only(self, *allowed: str) -> None:
        """Refuse keys the reader does not know: a misspelt key would otherwise be silently ignored."""
        for key in self.data:
            if key not in allowed:
                raise self.error(key, f"unknown key (expected one of: {', '.join(allowed)})")

    def _get(self, key: str, default: Any) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                raise self.error(key, "missing")
            return default
        return value

    def text(self, key: str, *, default: Any = _MISSING, max_length: int | None = None) -> str:
        value = self._get(key, default)
        if not isinstance(value, str):
            raise self.error(key, f"must be a string, not {type(value).__name__}")
        value = value.strip()
        if default is _MISSING and not value:
            raise self.error(key, "must not be empty")
        if max_length is not None and len(value) > max_length:
            raise self.error(key, f"is {len(value)} characters long; at most {max_length}")
        return value

    def integer(
        self, key: str, *, default: Any = _MISSING, low: int | None = None, high: int | None = None
    ) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"must be a whole number, not {type(value).__name__}")
        if (low is not None and value < low) or (high is not None and value > high):
            raise self.error(key, f"is {value}; must be between {low} and {high}")
        return value

    def boolean(self, key: str, *, default: Any = _MISSING) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, "must be true or false")
        return value

    def choice(self, key: str, choices: list[str] | tuple[str, ...], *, default: Any = _MISSING) -> str:
        value = self.text(key, default=default)
        if value not in choices:
            raise self.error(key, f"is “{value}”; must be one of: {', '.join(choices)}")
        return value

    def texts(self, key: str) -> list[str]:
        value = self._get(key, _MISSING)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(key, "must be a list of non-empty strings")
        return [v.strip() for v in value]

    def mapping(self, key: str, *, default: Any = _MISSING) -> dict[str, Any]:
        value = self._get(key, default)
        if not isinstance(value, dict):
            raise self.error(key, "must be a table ({ key = value, ... })")
        return value

    def table(self, key: str) -> Table:
        return Table(self.mapping(key), self.path, self._key(key))

    def tables(self, key: str, *, low: int = 0, high: int | None = None) -> list[Table]:
        """An array of tables (`[[key]]`), each named by its place in the file (`steps #3`, from 1)."""
        value = self._get(key, _MISSING)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(key, f"must be a list of tables ([[{key}]])")
        if len(value) < low or (high is not None and len(value) > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise self.error(key, f"has {len(value)} entries; must have {bound}")
        return [Table(v, self.path, f"{self._key(key)} #{i}") for i, v in enumerate(value, start=1)]
