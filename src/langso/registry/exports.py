"""Excel export of any filtered registry list, scoped to the user's units and safe against formula
injection.

Written with openpyxl's write-only mode into a temporary file, so a province-sized list streams in
little memory; `*_xlsx_file` functions return that file (for a FileResponse), `*_xlsx` its bytes.

Decisions:
- **Scope**: the list selectors (the same filters as the pages) intersected with the user's
  REGISTRY_EXPORT scope: a user sees in the file exactly what they may export, nothing else.
- **CCCD**: masked (••••••••1234) as on the screen. The full number only on request with a written
  reason, and only where the user holds REVEAL_CCCD (commune officers for their commune, so an exported
  file can be corrected and imported back, matching people by CCCD). The export's audit entry records
  the filters, the row count and whether full numbers were included (with the reason); a full-number
  file also gets a reveal entry, as a person's page does; one entry per export rather than per person.
- **Sensitive columns** (ethnic group, disability, poverty status) only for users with SENSITIVE_VIEW.
- **Formula injection**: text starting with = + - @ tab or CR gets a leading apostrophe, so neither
  Excel nor a later CSV save runs it. Phone numbers are stored as 0xxxxxxxxx, so they are untouched.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from langso.accounts.access import Perm, Scope, has_perm, scope_for
from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.places.models import Commune, Village
from langso.registry import selectors

# A cell starting with one of these is read by spreadsheet programs as a formula (CSV/DDE injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SPOOL_BYTES = 8 * 1024 * 1024


def safe_cell(value: Any) -> Any:
    """Neutralise text that a spreadsheet would run as a formula, by prefixing an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _write(headers: list[str], rows: Iterable[list[Any]], title: str) -> tuple[IO[bytes], int]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(headers)
    count = 0
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
        count += 1
    handle = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to the response
    book.save(handle)
    handle.seek(0)
    return handle, count


def _read(handle: IO[bytes]) -> bytes:
    with handle:
        return handle.read()


def _filters_for_audit(params: Any) -> dict[str, Any]:
    return {k: str(v)[:100] for k, v in params.items() if v}


REVEAL_REASON_MIN = 5


def residents_xlsx_file(*, acting_user: User, params: Any, reveal_reason: str = "") -> tuple[IO[bytes], int]:
    """The residents the user may export under the list's filters (`params`: the query string).

    CCCD numbers are masked, as on the screen, unless the user may see full numbers and gives a reason
    (`reveal_reason`): then the file holds the full numbers of the people inside that user's
    reveal scope, and the trail gets a reveal entry with the reason next to the export entry, as when
    a person's number is revealed on their page."""
    reveal_reason = " ".join(reveal_reason.split())[:300]
    if reveal_reason and len(reveal_reason) < REVEAL_REASON_MIN:
        raise ValidationError(_("Hãy ghi rõ lý do cần số CCCD đầy đủ."), code="reason")
    filters = selectors.ResidentFilters.from_params(params)
    qs = selectors.resident_list(user=acting_user, filters=filters).filter(
        selectors.resident_scope_q(acting_user, Perm.REGISTRY_EXPORT)
    )
    reveal = scope_for(acting_user, Perm.REVEAL_CCCD) if reveal_reason else Scope()
    full_cccd = not reveal.is_empty

    def may_reveal(r: Any) -> bool:
        return (
            reveal.everything
            or r.province_id in reveal.province_codes
            or r.commune_id in reveal.commune_codes
            or r.village_id in reveal.village_ids
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

    handle, count = _write(headers, rows(), _("Người dân"))
    audit.record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        object_type="registry.resident",
        changes={"filters": _filters_for_audit(params), "rows": count, "full_cccd": full_cccd},
        note=reveal_reason if full_cccd else "",
    )
    if full_cccd:
        audit.record(
            actor=acting_user,
            action=AuditAction.REVEAL,
            object_type="registry.resident",
            object_repr=_("Số CCCD đầy đủ trong tệp Excel"),
            changes={"filters": _filters_for_audit(params), "rows": count},
            note=reveal_reason,
        )
    return handle, count


def residents_xlsx(*, acting_user: User, params: Any, reveal_reason: str = "") -> tuple[bytes, int]:
    handle, count = residents_xlsx_file(acting_user=acting_user, params=params, reveal_reason=reveal_reason)
    return _read(handle), count


def households_xlsx_file(*, acting_user: User, params: Any) -> tuple[IO[bytes], int]:
    """The households the user may export under the list's filters, in the import template's columns."""
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
            row: list[Any] = [h.code, h.village.name, h.address, h.head.full_name if h.head else "", h.notes]
            if sensitive:
                row += [h.get_poverty_display(), h.poverty_year]
            yield row

    handle, count = _write(headers, rows(), _("Hộ gia đình"))
    audit.record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        object_type="registry.household",
        changes={"filters": _filters_for_audit(params), "rows": count},
    )
    return handle, count


def households_xlsx(*, acting_user: User, params: Any) -> tuple[bytes, int]:
    handle, count = households_xlsx_file(acting_user=acting_user, params=params)
    return _read(handle), count


def villages_xlsx_file(*, acting_user: User, commune: Commune) -> tuple[IO[bytes], int]:
    """A commune's villages with their coverage, in the import template's columns (the caller has
    checked that the commune is inside the user's export scope)."""
    labels = {"yes": _("Có"), "partial": _("Một phần"), "no": _("Không"), "unknown": ""}
    headers = [_("Tên thôn"), _("Loại"), _("Cáp quang"), _("4G"), _("5G"), _("Ngày kiểm tra")]

    def rows() -> Iterable[list[Any]]:
        for v in Village.objects.filter(commune=commune).order_by("sort_key").iterator(chunk_size=2000):
            yield [
                v.name,
                v.get_kind_display(),
                labels.get(v.broadband, ""),
                labels.get(v.mobile_4g, ""),
                labels.get(v.mobile_5g, ""),
                v.coverage_checked_on.strftime("%d/%m/%Y") if v.coverage_checked_on else "",
            ]

    handle, count = _write(headers, rows(), _("Thôn-bản"))
    audit.record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        object_type="places.village",
        changes={"filters": {"commune": commune.code}, "rows": count},
    )
    return handle, count


def export_filename(stem: str) -> str:
    return f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
