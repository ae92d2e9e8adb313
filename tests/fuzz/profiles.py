"""Hypothesis profiles for the bad-input suite.

The everyday run (`make test`, SQLite and PostgreSQL) is derandomised and keeps no example database,
so CI sees the same examples every time and cannot flake; `make fuzz` (LANGSO_FUZZ=long) is random,
runs many more examples, and remembers failing ones in var/hypothesis/examples (var/ is ignored by
git).
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase

LONG = os.environ.get("LANGSO_FUZZ", "") == "long"
# Hypothesis' own caches and the long run's examples live under var/ (ignored by git), not in a
# .hypothesis directory at the root of the repository.
HOME = Path(__file__).resolve().parents[2] / "var" / "hypothesis"
set_hypothesis_home_dir(str(HOME))
# How many times more examples the long run tries than the everyday one.
LONG_FACTOR = 20

_COMMON = {
    "deadline": None,  # a request through the whole Django stack has no meaningful time bound
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
    "print_blob": True,
}

settings.register_profile("langso-everyday", derandomize=True, database=None, max_examples=50, **_COMMON)
settings.register_profile(
    "langso-long",
    derandomize=False,
    database=DirectoryBasedExampleDatabase(str(HOME / "examples")),
    max_examples=50 * LONG_FACTOR,
    **_COMMON,
)


def load() -> None:
    settings.load_profile("langso-long" if LONG else "langso-everyday")


def examples(everyday: int) -> int:
    """The number of examples for a test: `everyday` in the everyday run, many more with make fuzz."""
    return everyday * LONG_FACTOR if LONG else everyday
