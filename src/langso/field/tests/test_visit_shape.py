"""The field app sends a visit in the server's one shape of a visit (teams.visits.VisitData).

The phone's screens.js builds the record by hand; this reads what it builds, so a field added on one
side and not the other fails here rather than in a commune with no signal. The browser test
(tests/browser/test_field_offline.py) checks the same on the wire.
"""

from __future__ import annotations

import re
from pathlib import Path

from langso.teams.visits import VisitData

SCREENS = Path(__file__).resolve().parents[1] / "static" / "field" / "screens.js"


def _visit_screen() -> str:
    source = SCREENS.read_text(encoding="utf-8")
    start = source.index("async function screenVisit(")
    end = source.index("\n  async function ", start + 1)
    return source[start:end]


def _sent_keys(screen: str) -> set[str]:
    """The keys of the `data` object the visit screen puts in the outbox, and those it adds after."""
    literal = re.search(r"const data = \{\n(?P<body>.*?)\n\s*\};", screen, re.DOTALL)
    assert literal is not None, "screens.js no longer builds the visit as `const data = {...}`"
    keys = {m.group(1) for m in re.finditer(r"^\s*(\w+)\s*(?::|,)", literal.group("body"), re.MULTILINE)}
    return keys | set(re.findall(r"\bdata\.(\w+)\s*=", screen))


def test_the_field_app_sends_a_visit_with_exactly_the_fields_of_the_servers_visit_shape():
    screen = _visit_screen()
    assert 'enqueue(id, "visit", data' in screen
    assert _sent_keys(screen) == set(VisitData.model_fields)


def test_the_reading_of_screens_js_sees_a_missing_or_extra_field():
    """The check above can fail: a key dropped from the object, or one the server does not know."""
    screen = _visit_screen()
    assert "notes" not in _sent_keys(screen.replace('        notes: (f.get("notes")', "        //"))
    assert "mood" in _sent_keys(screen.replace("        updates,\n", "        updates,\n        mood: 1,\n"))
