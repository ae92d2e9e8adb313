"""The English catalogue is complete, and the compiled catalogue the app loads matches it."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import langso

LOCALE = Path(langso.__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES"


def _entries() -> list[dict[str, object]]:
    """A small reader of django.po: enough to see each entry's msgid, translations and flags."""
    entries: list[dict[str, object]] = []
    current: dict[str, object] = {}
    key = ""
    for raw in (LOCALE / "django.po").read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if "msgid" in current:
                entries.append(current)
            current, key = {}, ""
        elif line.startswith("#,"):
            current["flags"] = line[2:]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] = str(current[key]) + ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return [e for e in entries if e.get("msgid")]


def test_every_interface_string_has_an_english_translation_and_none_is_a_guess():
    entries = _entries()
    assert len(entries) > 1000
    missing = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in str(e.get("flags", ""))]
    assert not missing, f"untranslated: {missing[:10]}"
    assert not fuzzy, f"guessed by gettext, to be checked: {fuzzy[:10]}"


def test_the_compiled_catalogue_holds_what_the_source_says():
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        e["msgid"] for e in _entries() if "msgstr" in e and compiled.gettext(str(e["msgid"])) != e["msgstr"]
    ]
    assert not stale, f"django.mo is older than django.po (run `make messages`): {stale[:5]}"
