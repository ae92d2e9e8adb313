"""Excel export of any filtered registry list, scoped to the user's units and safe against formula
injection. Written with openpyxl's write-only mode so a province-sized list streams in little memory."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from langso.accounts.access import Perm, has_perm, scope_for
from langso.core import audit
from langso.core.models import AuditAction
from langso.registry import selectors

# A cell starting with one of these is read by spreadsheet programs as a formula (CSV/DDE injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralise text that a spreadsheet would run as a formula, by prefixing an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _write(headers: list[str], rows: Iterable[list[Any]], title: str) -> tuple[bytes, int]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(headers)
    count = 0
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
        count += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count


def residents_xlsx(*, acting_user: Any, params: Any) -> tuple[bytes, int]:
    """The residents the user may see under the given list filters; CCCD masked unless they may reveal it."""
    filters = selectors.ResidentFilters.from_params(params)
    qs = selectors.resident_list(user=acting_user, filters=filters).filter(
        selectors.resident_scope_q(acting_user, Perm.REGISTRY_EXPORT)
    )
    reveal = scope_for(acting_user, Perm.REVEAL_CCCD)
    full_cccd = not reveal.is_empty

    def may_reveal(r: Any) -> bool:
        return (
            reveal.everything
            or r.province_id in reveal.province_codes
            or (r.commune_id in reveal.commune_codes or r.village_id in reveal.village_ids)
        )

    sensitive = has_perm(acting_user, Perm.SENSITIVE_VIEW)
    headers = [
        _("Mã hộ"),
        _("Họ và tên"),
        _("Ngày sinh"),
        _("Năm sinh"),
        _("Giới tính"),
        _("Số CCCD"),
        _("Số điện thoại"),
        _("Có điện thoại thông minh"),
        _("Là chủ hộ"),
        _("Thôn"),
        _("Xã/phường"),
    ]
    if sensitive:
        headers += [_("Dân tộc"), _("Khuyết tật"), _("Phân loại hộ")]
    yes, no = _("Có"), _("Không")

    def rows() -> Iterable[list[Any]]:
        for r in qs.select_related("household", "village", "commune").iterator(chunk_size=2000):
            row = [
                r.household.code,
                r.full_name,
                r.birth_date.strftime("%d/%m/%Y") if r.birth_date else "",
                r.birth_year,
                r.get_sex_display(),
                (r.cccd or "") if may_reveal(r) else r.masked_cccd,
                r.phone,
                yes if r.owns_smartphone else no,
                yes if r.is_head else no,
                r.village.name,
                r.commune.name,
            ]
            if sensitive:
                row += [
                    r.get_ethnic_group_display(),
                    yes if r.has_disability else no,
                    r.household.get_poverty_display(),
                ]
            yield row

    content, count = _write(headers, rows(), _("Người dân"))
    audit.record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        object_type="registry.resident",
        changes={"filters": {k: v for k, v in params.items() if v}, "rows": count, "full_cccd": full_cccd},
    )
    return content, count


def households_xlsx(*, acting_user: Any, params: Any) -> tuple[bytes, int]:
    filters = selectors.HouseholdFilters.from_params(params)
    qs = selectors.household_list(user=acting_user, filters=filters).filter(
        selectors.resident_scope_q(acting_user, Perm.REGISTRY_EXPORT)
    )
    sensitive = has_perm(acting_user, Perm.SENSITIVE_VIEW)
    headers = [_("Mã hộ"), _("Thôn"), _("Địa chỉ"), _("Chủ hộ"), _("Ghi chú")]
    if sensitive:
        headers += [_("Phân loại hộ"), _("Năm rà soát")]

    def rows() -> Iterable[list[Any]]:
        for h in qs.iterator(chunk_size=2000):
            row = [h.code, h.village.name, h.address, h.head.full_name if h.head else "", h.notes]
            if sensitive:
                row += [h.get_poverty_display(), h.poverty_year]
            yield row

    content, count = _write(headers, rows(), _("Hộ gia đình"))
    audit.record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        object_type="registry.household",
        changes={"filters": {k: v for k, v in params.items() if v}, "rows": count},
    )
    return content, count


def export_filename(stem: str) -> str:
    return f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
