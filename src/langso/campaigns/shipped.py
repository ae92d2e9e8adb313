"""The indicators as shipped: `campaigns/content/indicators.toml`, read and checked against the facts.

`install_default_indicators` (campaigns/services.py) puts them into the database after `migrate`.
Every indicator must name facts of `campaigns/facts.py` with parameters those facts take, so a typo
in the file fails at load with the file and the key named instead of a dashboard that breaks later.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from langso.campaigns.facts import FACTS
from langso.campaigns.models import Display, Indicator, UnitLevel
from langso.core.content import Table, content_hash, read_toml

INDICATORS_FILE = Path(__file__).parent / "content" / "indicators.toml"

# The indicator's columns the file sets; `position` follows the file's order and `is_active` is the
# province's choice, so neither is part of what "the shipped version" means.
SHIPPED_FIELDS = (
    "code",
    "name",
    "name_en",
    "description",
    "description_en",
    "numerator",
    "numerator_params",
    "denominator",
    "denominator_params",
    "lowest_level",
    "display",
    "higher_is_better",
)


@dataclass(frozen=True)
class ShippedIndicator:
    values: dict[str, Any]  # SHIPPED_FIELDS → value, as the Indicator row holds them
    hash: str


def row_hash(values: dict[str, Any]) -> str:
    """The fingerprint of an indicator's shipped fields, for a file entry or a database row alike."""
    return content_hash({field: values[field] for field in SHIPPED_FIELDS})


def _fact(table: Table, field: str, *, required: bool) -> tuple[str, dict[str, Any]]:
    name = table.text(field) if required else table.text(field, default="")
    params = table.mapping(f"{field}_params", default={})
    if not name:
        if params:
            raise table.error(f"{field}_params", f"given without a {field}")
        return "", {}
    fact = FACTS.get(name)
    if fact is None:
        raise table.error(field, f"“{name}” is not a fact of campaigns/facts.py")
    unknown = sorted(set(params) - set(fact.params))
    if unknown:
        raise table.error(f"{field}_params", f"“{name}” takes no parameter {', '.join(unknown)}")
    return name, dict(params)


def _indicator(table: Table) -> ShippedIndicator:
    table.only(*SHIPPED_FIELDS)

    def length(field: str) -> int | None:
        return Indicator._meta.get_field(field).max_length  # type: ignore[union-attr]  # a concrete field

    numerator, numerator_params = _fact(table, "numerator", required=True)
    denominator, denominator_params = _fact(table, "denominator", required=False)
    values = {
        "code": table.text("code", max_length=length("code")),
        "name": table.text("name", max_length=length("name")),
        "name_en": table.text("name_en", default="", max_length=length("name_en")),
        "description": table.text("description", default=""),
        "description_en": table.text("description_en", default=""),
        "numerator": numerator,
        "numerator_params": numerator_params,
        "denominator": denominator,
        "denominator_params": denominator_params,
        "lowest_level": table.choice("lowest_level", UnitLevel.values, default=UnitLevel.VILLAGE),
        "display": table.choice("display", Display.values, default=Display.PERCENT),
        "higher_is_better": table.boolean("higher_is_better", default=True),
    }
    if values["display"] == Display.AVERAGE and not denominator:
        raise table.error("denominator", "an average needs a denominator")
    return ShippedIndicator(values, row_hash(values))


def load_indicators(path: Path = INDICATORS_FILE) -> tuple[ShippedIndicator, ...]:
    """Read and check an indicators file; a ContentError names the file and key of the first problem."""
    root = read_toml(path)
    root.only("indicators")
    indicators = tuple(_indicator(t) for t in root.tables("indicators", low=1))
    codes = [i.values["code"] for i in indicators]
    for index, code in enumerate(codes):
        if code in codes[:index]:
            raise root.error(f"indicators #{index + 1}.code", f"“{code}” appears twice")
    return indicators


@cache
def shipped_indicators() -> tuple[ShippedIndicator, ...]:
    return load_indicators(INDICATORS_FILE)
