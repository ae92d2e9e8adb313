"""What a drill-down list says about each person beyond their name (what they still lack for the
indicator), and the list as an Excel file. The rows themselves come from selectors.drill_rows."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, cast

from django.utils.translation import gettext as _
from openpyxl import Workbook

from langso.campaigns.models import Indicator
from langso.campaigns.selectors import DrillRow, DrillUnit
from langso.registry.exports import safe_cell
from langso.skills.models import CurrentSkillLevel, Level, RuleKind, Skill, SkillRule
from langso.skills.services import published_version
from langso.skills.shipped import ONLINE_PROCEDURE_CODES, PROFICIENT_LEVEL

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# At most this many skills are named in one person's line: a phone shows two lines, not a table.
LACKS_SHOWN = 3


def indicator_skill_codes(indicator: Indicator) -> list[str]:
    """The skills an indicator's numerator looks at (see campaigns.facts), in catalogue order."""
    code = indicator.code
    if code == "adults_vneid2":
        return ["vneid_level2"]
    if code == "adults_cashless":
        return ["qr_payment", "money_transfer", "bank_app"]
    if code == "adults_online_procedure":
        return list(ONLINE_PROCEDURE_CODES)
    if code == "digital_citizens":
        rule = SkillRule.objects.filter(kind=RuleKind.DIGITAL_CITIZEN, province__isnull=True).first()
        return sorted(rule.required_levels) if rule else []
    if code.startswith("skills_"):
        version = published_version()
        return list(
            Skill.objects.filter(version=version, area=code.removeprefix("skills_")).values_list(
                "code", flat=True
            )
        )
    return []


def lacks_by_resident(indicator: Indicator, residents: list[Any]) -> dict[Any, str]:
    """For each person still missing: no smartphone, and each relevant skill not yet done alone (its
    current level), e.g. "chưa có điện thoại thông minh · Kích hoạt định danh điện tử mức 2: làm được
    khi có người giúp". Two queries for the whole page."""
    codes = indicator_skill_codes(indicator)
    names = dict(
        Skill.objects.filter(version=published_version(), code__in=codes).values_list("code", "name")
    )
    levels: dict[Any, dict[str, int]] = {}
    for resident_id, code, level in CurrentSkillLevel.objects.filter(
        resident_id__in=[r.pk for r in residents], skill_code__in=codes
    ).values_list("resident_id", "skill_code", "level"):
        levels.setdefault(resident_id, {})[code] = level
    level_labels = dict(Level.choices)
    out: dict[Any, str] = {}
    for resident in residents:
        parts = [] if resident.owns_smartphone else [_("chưa có điện thoại thông minh")]
        have = levels.get(resident.pk, {})
        below = [c for c in codes if have.get(c, 0) < PROFICIENT_LEVEL]
        for code in below[:LACKS_SHOWN]:
            current = have.get(code)
            state = level_labels[current].lower() if current else _("chưa học")
            parts.append(f"{names.get(code, code)}: {state}")
        if len(below) > LACKS_SHOWN:
            parts.append(_("và %(n)s kỹ năng khác") % {"n": len(below) - LACKS_SHOWN})
        out[resident.pk] = " · ".join(str(p) for p in parts)
    return out


def drill_xlsx(*, indicator: Indicator, unit: DrillUnit, rows: list[DrillRow], missing: bool) -> bytes:
    """The list as the screen shows it (name, place, what is missing): names and places only, never an
    identity number."""
    book = Workbook()
    sheet = cast("Worksheet", book.active)  # a new workbook's one sheet
    sheet.title = (_("Còn thiếu") if missing else _("Đã đạt"))[:31]
    sheet.append([safe_cell(f"{indicator.name} — {unit.name}")])
    sheet.append([_("Họ tên / tên"), _("Nơi ở"), _("Còn thiếu")])
    for row in rows:
        sheet.append([safe_cell(row.title), safe_cell(row.place), safe_cell(row.lacks)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
