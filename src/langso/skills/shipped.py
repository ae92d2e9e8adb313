"""The skills catalogue and its rules as shipped: `skills/content/catalogue.toml`, read and checked.

The file is the reviewed source; `install_default_catalogue` (skills/services.py) puts it into the
database after `migrate`. The rule constants below (what "proficient" means, which skills are online
procedures) are read from the same file when this module is imported, so a broken file stops the
application at start with the file and the key named, never halfway through a page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from langso.core.content import Table, content_hash, read_toml
from langso.skills.models import BasicSkill, Level, Skill, SkillArea, VnDomain

CATALOGUE_FILE = Path(__file__).parent / "content" / "catalogue.toml"


@dataclass(frozen=True)
class ShippedSkill:
    code: str
    area: str
    name: str
    name_en: str
    digcomp: str
    vn_domain: int
    basic_skill: str = ""
    description: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class ShippedCatalogue:
    skills: tuple[ShippedSkill, ...]
    proficient_level: int
    online_procedures: tuple[str, ...]
    digital_citizen_levels: dict[str, int]
    household_basic_level: int
    # The fingerprint of the parsed file: a catalogue version installed from it records it, so the
    # install step knows when the shipped catalogue changed.
    hash: str

    def as_data(self) -> dict[str, Any]:
        return asdict(self)


def _max_length(field: str) -> int:
    return int(Skill._meta.get_field(field).max_length or 0)  # type: ignore[union-attr]  # a concrete field


def _skill(table: Table) -> ShippedSkill:
    table.only(*ShippedSkill.__dataclass_fields__)
    code = table.text("code", max_length=_max_length("code"))
    if not code.replace("_", "").isalnum() or not code.isascii() or code != code.lower():
        raise table.error("code", f"“{code}” must be lower-case ASCII letters, digits and _")
    digcomp = table.text("digcomp", max_length=_max_length("digcomp"))
    if digcomp.count(".") != 1 or not all(part.isdigit() for part in digcomp.split(".")):
        raise table.error("digcomp", f"“{digcomp}” must be a DigComp competence such as 2.1")
    return ShippedSkill(
        code=code,
        area=table.choice("area", SkillArea.values),
        name=table.text("name", max_length=_max_length("name")),
        name_en=table.text("name_en", max_length=_max_length("name_en")),
        digcomp=digcomp,
        vn_domain=table.integer("vn_domain", low=min(VnDomain.values), high=max(VnDomain.values)),
        basic_skill=table.choice("basic_skill", ["", *BasicSkill.values], default=""),
        description=table.text("description", default=""),
        description_en=table.text("description_en", default=""),
    )


def load_catalogue(path: Path = CATALOGUE_FILE) -> ShippedCatalogue:
    """Read and check a catalogue file; a ContentError names the file and key of the first problem."""
    root = read_toml(path)
    root.only("rules", "skills")
    skills = tuple(_skill(t) for t in root.tables("skills", low=1))
    codes = [s.code for s in skills]
    for index, code in enumerate(codes):
        if code in codes[:index]:
            raise root.error(f"skills #{index + 1}.code", f"“{code}” appears twice")
    rules = root.table("rules")
    rules.only("proficient_level", "online_procedures", "digital_citizen_levels", "household_basic_level")
    levels = (min(Level.values), max(Level.values))
    procedures = rules.texts("online_procedures")
    citizen = rules.mapping("digital_citizen_levels")
    for code in [*procedures, *citizen]:
        if code not in codes:
            raise rules.error("online_procedures" if code in procedures else "digital_citizen_levels",
                              f"“{code}” is not a skill of this catalogue")  # fmt: skip
    for code, level in citizen.items():
        if isinstance(level, bool) or not isinstance(level, int) or not levels[0] <= level <= levels[1]:
            raise rules.error(
                f"digital_citizen_levels.{code}", f"must be a level from {levels[0]} to {levels[1]}"
            )
    catalogue = ShippedCatalogue(
        skills=skills,
        proficient_level=rules.integer("proficient_level", low=levels[0], high=levels[1]),
        online_procedures=tuple(procedures),
        digital_citizen_levels=dict(citizen),
        household_basic_level=rules.integer("household_basic_level", low=levels[0], high=levels[1]),
        hash="",
    )
    data = catalogue.as_data()
    data.pop("hash")
    return ShippedCatalogue(**{**catalogue.__dict__, "hash": content_hash(data)})


@cache
def shipped_catalogue() -> ShippedCatalogue:
    return load_catalogue(CATALOGUE_FILE)


# The rules the code applies, from the shipped file (read once, at import).
PROFICIENT_LEVEL: int = shipped_catalogue().proficient_level
ONLINE_PROCEDURE_CODES: tuple[str, ...] = shipped_catalogue().online_procedures
