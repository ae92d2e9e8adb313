"""What a file changes in people and households already in the registry, field by field.

The dry run lists every existing record a file will change (old → new) so the officer confirms
knowing what she overwrites; the writer applies the same values, computed by the same functions here,
so what the dry run shows is what is written. Two rules of re-imports live here too: an empty cell
never erases, and a name is never replaced by a worse-cased copy of itself ("Nông Minh Quý" stays
when the file says "NÔNG MINH QUÝ").
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from langso.core.ethnicity import EthnicGroup
from langso.core.text import better_cased
from langso.core.validators import mask_cccd
from langso.places.models import Coverage, VillageKind
from langso.registry import rules
from langso.registry.imports.columns import _bit
from langso.registry.models import Household, ImportKind, Poverty, Resident, Sex

# The fields of a person and of a household a file can change, in the order they are shown.
PERSON_FIELDS = (
    "full_name",
    "birth_date",
    "birth_year",
    "sex",
    "ethnic_group",
    "cccd",
    "phone",
    "has_disability",
    "owns_smartphone",
    "is_head",
    "notes",
)
FLAG_FIELDS = ("has_disability", "owns_smartphone", "is_head")
HOUSEHOLD_COLUMNS = ("address", "poverty", "poverty_year")
# How many changed records the job keeps to show (all are counted).
MAX_STORED_CHANGES = 1_000


@dataclass
class Change:
    """One existing record the file changes: which row, what record, and each field's old and new value."""

    row: int
    kind: str  # "resident" | "household" | "village"
    label: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "object": self.kind,
            "label": self.label,
            "fields": [list(item) for item in self.fields],
        }


def resident_values(data: dict[str, Any], given: int, resident: Resident) -> dict[str, Any]:
    """The values an existing person takes from a row: only the columns the row gives.

    A name keeps its better-cased stored form when the row's differs only in case; a note (her Ghi chú
    column, or one taken out of the name) is added to the person's notes rather than replacing them.
    """
    bit = lambda key: given & _bit(ImportKind.RESIDENTS, key)  # noqa: E731
    values: dict[str, Any] = {"household_id": data["household_id"]}
    if bit("full_name"):
        values["full_name"] = better_cased(resident.full_name, data["full_name"])
    # Her Ghi chú column and a note taken out of the name: added to the notes, never erasing them.
    if data.get("notes"):
        values["notes"] = rules.merge_notes(resident.notes, data["notes"])
    for key in ("sex", "ethnic_group", "phone", *FLAG_FIELDS):
        if bit(key):
            values[key] = data[key]
    if bit("cccd"):
        values["cccd"] = data["cccd"]
    if bit("birth_date") and data["birth_date"] is not None:
        values["birth_date"], values["birth_year"] = data["birth_date"], data["birth_year"]
    elif (bit("birth_date") or bit("birth_year")) and data["birth_year"] != resident.birth_year:
        # Only a year (in either column): it replaces a date of another year, and keeps a date of the
        # same year (a list that knows only the year says nothing against the day the registry holds).
        values["birth_date"], values["birth_year"] = None, data["birth_year"]
    return values


def household_values(household: Household, data: dict[str, Any], given: int) -> dict[str, Any]:
    """The values an existing household takes from a row of a households file."""
    wanted = {"village_id": data["village_id"]}
    for key in ("address", "poverty", "poverty_year", "notes"):
        if given & _bit(ImportKind.HOUSEHOLDS, key):
            wanted[key] = data[key]
    if "poverty" in wanted and "poverty_year" not in wanted and wanted["poverty"] == Poverty.NONE:
        wanted["poverty_year"] = None
    return wanted


VILLAGE_FIELDS = ("kind", "broadband", "mobile_4g", "mobile_5g", "coverage_checked_on")


def village_values(data: dict[str, Any], given: int) -> dict[str, Any]:
    """The values an existing village takes from a row of a villages file: only the columns it gives."""
    return {key: data[key] for key in VILLAGE_FIELDS if given & _bit(ImportKind.VILLAGES, key)}


def household_column_values(fields: dict[str, Any]) -> dict[str, Any]:
    """The values a household takes from the household columns of a residents file (only those given)."""
    wanted = dict(fields)
    if "poverty" in wanted and "poverty_year" not in wanted and wanted["poverty"] == Poverty.NONE:
        wanted["poverty_year"] = None
    return wanted


def diff(obj: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (getattr(obj, k), v) for k, v in values.items() if getattr(obj, k) != v}


# --- how a value is shown --------------------------------------------------------------------------


def _labels() -> dict[str, str]:
    return {
        "full_name": _("Họ và tên"),
        "birth_date": _("Ngày sinh"),
        "birth_year": _("Năm sinh"),
        "sex": _("Giới tính"),
        "ethnic_group": _("Dân tộc"),
        "cccd": _("Số CCCD"),
        "phone": _("Số điện thoại"),
        "has_disability": _("Khuyết tật"),
        "owns_smartphone": _("Có điện thoại thông minh"),
        "is_head": _("Là chủ hộ"),
        "notes": _("Ghi chú"),
        "household_id": _("Hộ"),
        "village_id": _("Thôn"),
        "address": _("Địa chỉ"),
        "poverty": _("Phân loại hộ"),
        "poverty_year": _("Năm rà soát"),
        "kind": _("Loại"),
        "broadband": _("Cáp quang"),
        "mobile_4g": _("4G"),
        "mobile_5g": _("5G"),
        "coverage_checked_on": _("Ngày kiểm tra"),
    }


def shown(key: str, value: Any, names: dict[Any, str] | None = None) -> str:
    """A value as the officer reads it: labels for codes, dd/mm/yyyy dates, a masked CCCD, "—" for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if key == "cccd":
        return mask_cccd(str(value))
    if key == "sex":
        return str(Sex(value).label) if value in Sex.values else str(value)
    if key == "ethnic_group":
        return str(EthnicGroup(value).label) if value in EthnicGroup.values else str(value)
    if key == "poverty":
        return str(Poverty(value).label) if value in Poverty.values else str(value)
    if key == "kind":
        return str(VillageKind(value).label) if value in VillageKind.values else str(value)
    if key in ("broadband", "mobile_4g", "mobile_5g"):
        return str(Coverage(value).label) if value in Coverage.values else str(value)
    if names is not None and key in ("household_id", "village_id"):
        return names.get(value) or names.get(str(value)) or "—"
    return str(value)


def describe(
    changes: dict[str, tuple[Any, Any]], names: dict[Any, str] | None = None
) -> list[tuple[str, str, str]]:
    """Each changed field as (label, old, new), in the order fields are shown on a person's page."""
    labels = _labels()
    order = {key: index for index, key in enumerate(labels)}
    out = []
    for key in sorted(changes, key=lambda k: order.get(k, len(order))):
        old, new = changes[key]
        if key == "birth_year" and "birth_date" in changes:
            old_date, new_date = changes["birth_date"]
            if old_date is not None and new_date is not None:
                continue  # the date says it
        out.append((labels.get(key, key), shown(key, old, names), shown(key, new, names)))
    return out


def stored(changes: Iterable[Change]) -> tuple[list[dict[str, Any]], int]:
    """The changes as the job keeps them: the first MAX_STORED_CHANGES, in row order, and their count."""
    ordered = sorted(changes, key=lambda change: (change.row, change.kind))
    return [c.as_dict() for c in ordered[:MAX_STORED_CHANGES]], len(ordered)


# --- matching the people of a file to the registry -------------------------------------------------


class PeopleInRegistry:
    """The people a file's rows may be, loaded once: by CCCD anywhere, and by household, folded name
    and birth year within the file's existing households. The writer and the dry run match alike."""

    def __init__(self, cccds: list[str], household_ids: list[Any], chunks: Callable[..., Any]) -> None:
        self.by_cccd: dict[str, Resident] = {}
        for part in chunks(cccds):
            self.by_cccd.update({r.cccd: r for r in Resident.objects.filter(cccd__in=part)})  # type: ignore[misc]  # cccd__in: never None
        self.by_key: dict[tuple[Any, str, int | None], Resident] = {}
        for part in chunks(household_ids):
            for r in Resident.objects.filter(household_id__in=part):
                self.by_key.setdefault((r.household_id, r.name_folded, r.birth_year), r)

    def match(
        self, cccd: str | None, household_id: Any, name_folded: str, birth_year: int | None
    ) -> Resident | None:
        resident = self.by_cccd.get(cccd) if cccd else None
        if resident is None:
            candidate = self.by_key.get((household_id, name_folded, birth_year))
            # The same person: the registry holds no CCCD for them, or the row omits the one it holds.
            if candidate is not None and (candidate.cccd is None or not cccd):
                resident = candidate
        return resident
