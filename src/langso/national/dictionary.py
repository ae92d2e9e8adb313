"""The data dictionary a province and the national instance must share: which counts a day's package
carries (the facts the shipped indicators are made of, with their parameters) and its version.

The national instance computes every indicator from these counts the same way a province does
(`campaigns.indicators.compute`), so both sides must mean the same thing by "adults_vneid2". The
version is a revision number people bump when a fact's meaning changes in code (which no hash can
see), followed by a hash of what the code declares (the facts, their parameters and the indicators'
formulas): a release that adds a fact or changes a formula changes the version by itself.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from langso.campaigns.facts import FACTS
from langso.campaigns.shipped import shipped_indicators


def _indicators() -> list[dict[str, Any]]:
    """The shipped indicators (campaigns/content/indicators.toml), as their rows hold them."""
    return [indicator.values for indicator in shipped_indicators()]


# Bump when a fact keeps its name and parameters but counts something else (e.g. "adult" from 16).
REVISION = 1


def fact_key(name: str, params: dict[str, Any] | None) -> str:
    """One count's name in a package: the fact, then its parameters in a fixed order."""
    if not params:
        return name
    return name + "?" + "&".join(f"{k}={params[k]}" for k in sorted(params))


def parse_fact_key(key: str) -> tuple[str, dict[str, str]]:
    name, _sep, query = key.partition("?")
    params = dict(part.split("=", 1) for part in query.split("&")) if query else {}
    return name, params


@cache
def fact_specs() -> dict[str, tuple[str, dict[str, Any]]]:
    """Every count the shipped indicators use, each once: key → (fact, parameters as declared)."""
    specs: dict[str, tuple[str, dict[str, Any]]] = {}
    for spec in _indicators():
        for side in ("numerator", "denominator"):
            if spec.get(side):
                params = dict(spec.get(f"{side}_params") or {})
                specs[fact_key(spec[side], params)] = (spec[side], params)
    return dict(sorted(specs.items()))


def fact_keys() -> tuple[str, ...]:
    return tuple(fact_specs())


@cache
def dictionary_version() -> str:
    declared = {
        "facts": {key: list(FACTS[parse_fact_key(key)[0]].paths) for key in fact_keys()},
        "indicators": [
            [
                spec["code"],
                fact_key(spec["numerator"], spec.get("numerator_params")),
                fact_key(spec["denominator"], spec.get("denominator_params"))
                if spec.get("denominator")
                else "",
                spec.get("lowest_level", "village"),
                spec.get("display", "percent"),
            ]
            for spec in _indicators()
        ],
    }
    digest = hashlib.sha256(json.dumps(declared, sort_keys=True).encode()).hexdigest()[:12]
    return f"{REVISION}-{digest}"
