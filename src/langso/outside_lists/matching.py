"""Who in the registry a row of an outside list is: by CCCD, then by name + birth date + village.

Only two answers are taken without an officer: the row's CCCD is a registry person's and the names
fold to the same letters; or the folded name, the full birth date and the village all meet in exactly
one person (whose CCCD, if the registry has one, does not say otherwise). Everything between — the
same name and birth date but no village to tell, a birth year only, two people who fit, a CCCD whose
holder has another name — waits on the review list with the people it could be. A person is never
merged on a guess; a row that fits no one is "not found" and reported per commune.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from langso.places.naming import VillageIndex
from langso.registry.models import Resident

MAX_CANDIDATES = 10


@dataclass
class Row:
    full_name: str
    name_folded: str
    birth_date: datetime.date | None = None
    birth_year: int | None = None
    cccd: str = ""
    village_name: str = ""


@dataclass
class Match:
    status: str  # "matched" | "review" | "unmatched"
    resident: Resident | None = None
    candidates: list[Resident] = field(default_factory=list)
    how: str = ""
    reason: str = ""


def _village_fits(resident: Resident, village_name: str) -> bool:
    """The row's village is the person's village, written any way a commune writes it; an address
    ("Thôn Bản Cáu, xã Nghĩa Tá") is tried part by part."""
    index = VillageIndex([resident.village], lambda v: v.name)
    parts = [village_name, *(p for p in village_name.split(",") if p.strip())]
    return any(index.match(part.strip()).village is not None for part in parts)


def match_row(row: Row, people: QuerySet[Resident]) -> Match:
    """The person `row` is among `people` (the list's units), or the ones it could be."""
    if row.cccd:
        holder = people.select_related("village").filter(cccd=row.cccd).first()
        if holder is not None:
            if holder.name_folded == row.name_folded:
                return Match("matched", holder, [holder], "cccd")
            return Match(
                "review",
                candidates=[holder],
                reason=_("Số CCCD khớp với một người trong sổ nhưng họ tên khác."),
            )
    if not row.name_folded or (row.birth_date is None and row.birth_year is None):
        return Match("unmatched", reason=_("Không có số CCCD trùng và thiếu ngày sinh để tìm theo tên."))
    year = row.birth_date.year if row.birth_date else row.birth_year
    same_name = list(
        people.select_related("village")
        .filter(name_folded=row.name_folded)
        .filter(Q(birth_year=year) | Q(birth_date__year=year))
        .order_by("sort_key")[: MAX_CANDIDATES + 1]
    )
    if not same_name:
        return Match("unmatched")
    candidates = same_name[:MAX_CANDIDATES]
    # A registry CCCD that differs from the row's says this is someone else of the same name.
    other_cccd = [p for p in candidates if row.cccd and p.cccd and p.cccd != row.cccd]
    exact = [
        p
        for p in candidates
        if row.birth_date is not None and p.birth_date == row.birth_date and p not in other_cccd
    ]
    if row.village_name:
        exact = [p for p in exact if _village_fits(p, row.village_name)]
    if len(exact) == 1 and row.village_name and len(same_name) <= MAX_CANDIDATES:
        return Match("matched", exact[0], exact, "name_birth_village")
    return Match("review", candidates=exact or candidates, reason=_review_reason(row, exact, candidates))


def _review_reason(row: Row, exact: list[Any], candidates: list[Any]) -> str:
    if len(exact) > 1:
        return _("Có %(n)s người cùng họ tên, ngày sinh và thôn: cần chọn đúng người.") % {"n": len(exact)}
    if exact and not row.village_name:
        return _("Cùng họ tên và ngày sinh, nhưng tệp không ghi thôn để chắc chắn.")
    if row.birth_date is None:
        return _("Tệp chỉ ghi năm sinh: cùng họ tên và năm sinh, cần xác nhận.")
    if row.cccd and all(p.cccd and p.cccd != row.cccd for p in candidates):
        return _("Cùng họ tên nhưng số CCCD trong sổ khác với tệp.")
    return _("Cùng họ tên và năm sinh nhưng ngày sinh hoặc thôn không khớp: cần xác nhận.")
