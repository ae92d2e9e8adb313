"""The bad-input suite: Hypothesis profiles (see profiles.py) and shared fixtures."""

from __future__ import annotations

from tests.fuzz import profiles

profiles.load()
