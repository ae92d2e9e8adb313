"""The supplier's Excel list of devices: the same dry run as the registry import, in a small pipeline.

`import_check` reads every row and stores every problem (row, column, value, reason in Vietnamese),
writing nothing; `import_confirm` checks the stored file again against the current data (another import
may have landed meanwhile) and writes, either the whole file only if it has no error or only the valid
rows. Re-importing the same file is idempotent: devices are matched by IMEI. A supplier's file holds a
few thousand rows at most, so both steps run in the request, without the background queue.

The file is read, its columns mapped (the supplier's own headers, or a mapping the officer makes once
and that is remembered), and its refused rows given back as a file, by the registry import's shared
stages (`langso.registry.imports`): the same reader, mapping and refused-rows file for every list.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.core.text import fold_compact
from langso.devices import services
from langso.devices.models import Condition, Device, DeviceImport, DeviceStatus, ImportStatus, Programme
from langso.places.models import Commune
from langso.registry.imports import (
    Column,
    FileRefused,
    MappingNeeded,
    Problem,
    layouts,
    parse_table,
    reason_lines,
    refused_rows_xlsx,
)
from langso.registry.imports.templates import EXAMPLE_PREFIX

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
ALL_OR_NOTHING, VALID_ONLY = "all", "valid_only"

KIND = "devices"  # the list kind its remembered column mappings are kept under
# The template's headers, and other spellings met in suppliers' files (matched after folding).
COLUMNS: tuple[Column, ...] = (
    Column(
        "imei",
        gettext_lazy("IMEI"),
        True,
        ("imei1", "so imei", "ma imei", "imei so 1", "imei 1"),
        "490154203237518",
    ),
    Column(
        "model_name",
        gettext_lazy("Mẫu máy"),
        True,
        ("model", "ten may", "dong may", "loai may", "mau ma", "model_name", "ten thiet bi"),
        "Itel A50",
    ),
    Column(
        "sim_number",
        gettext_lazy("Số thuê bao SIM"),
        False,
        ("sim", "so sim", "so thue bao", "so dien thoai", "msisdn", "sim_number"),
        "0912345678",
    ),
    Column("condition", gettext_lazy("Tình trạng"), False, ("tinh trang may", "condition"), "Mới"),
)
CONDITIONS = {
    "": Condition.NEW,
    "moi": Condition.NEW,
    "new": Condition.NEW,
    "moi100": Condition.NEW,
    "dadung": Condition.GOOD,
    "cutot": Condition.GOOD,
    "dadungcontot": Condition.GOOD,
    "tot": Condition.GOOD,
    "good": Condition.GOOD,
    "hong": Condition.DAMAGED,
    "loi": Condition.DAMAGED,
    "damaged": Condition.DAMAGED,
}


@dataclass
class Checked:
    total: int = 0
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # valid rows: (row, values)
    problems: list[Problem] = field(default_factory=list)
    layout: dict[str, Any] = field(default_factory=dict)  # her header row and how it was mapped


def check(
    data: bytes, filename: str, programme: Programme, *, commune: Commune | None = None, layout: Any = None
) -> Checked:
    """Every problem of the file; the valid rows with their normalised values. Writes nothing.
    FileRefused, or MappingNeeded when the officer must say which column holds what."""
    result = Checked()
    if len(data) > MAX_BYTES:
        raise FileRefused(_("Tệp quá lớn (tối đa 2 MB). Hãy chia thành nhiều tệp."))
    table = parse_table(
        KIND,
        data,
        filename,
        spec=COLUMNS,
        layout=layout if layout and layout.get("chosen") else None,
        remembered=layouts.recall(commune=commune, kind=KIND),
    )
    result.layout = table.layout
    header = table.header
    seen: dict[str, int] = {}
    parsed = []
    for number, raw in table.rows:
        result.total += 1
        if result.total > MAX_ROWS:
            raise FileRefused(_("Tệp có quá nhiều dòng (tối đa 20.000)."))
        problems = []
        condition = CONDITIONS.get(fold_compact(str(raw.get("condition") or "")))
        if condition is None:
            problems.append(
                Problem(
                    number,
                    header("condition"),
                    str(raw.get("condition")),
                    _("Tình trạng ghi là Mới, Đã dùng hoặc Hỏng."),
                )
            )
            condition = Condition.NEW
        try:
            clean = services.device_values(
                imei=raw.get("imei"),
                model_name=raw.get("model_name"),
                sim_number=raw.get("sim_number"),
                condition=condition,
            )
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                problems.append(Problem(number, header(key), str(raw.get(key) or ""), " ".join(messages)))
            clean = None
        if clean is not None:
            if clean["imei"] in seen:
                problems.append(
                    Problem(
                        number,
                        header("imei"),
                        clean["imei"],
                        _("IMEI trùng với dòng %(row)s của tệp.") % {"row": seen[clean["imei"]]},
                    )
                )
            else:
                seen[clean["imei"]] = number
        result.problems.extend(problems)
        if not problems and clean is not None:
            parsed.append((number, clean))
    # IMEIs already held by another programme: one query for the whole file.
    elsewhere = dict(
        Device.objects.filter(imei__in=[c["imei"] for _n, c in parsed])
        .exclude(programme=programme)
        .values_list("imei", "programme__name")
    )
    for number, clean in parsed:
        if clean["imei"] in elsewhere:
            result.problems.append(
                Problem(
                    number,
                    header("imei"),
                    clean["imei"],
                    _(
                        "IMEI này đã được nhập cho chương trình khác (%(name)s): một máy không thể thuộc hai chương trình."
                    )
                    % {"name": elsewhere[clean["imei"]]},
                )
            )
        else:
            result.rows.append((number, clean))
    # Notes met while reading (the template's example row, rows without the required cells).
    result.problems.extend(p for p in table.problems if p.note)
    result.problems.sort(key=lambda p: (p.row, not p.note))
    return result


def _refused_file(data: bytes, filename: str, result: Checked) -> bytes:
    reasons = reason_lines(result.problems)
    if not reasons:
        return b""
    return refused_rows_xlsx(
        data=data, filename=filename, header_row=result.layout.get("header_row", 1), reasons=reasons
    )


def import_check(
    *, acting_user: User, programme: Programme, commune: Commune | None, filename: str, data: bytes
) -> DeviceImport:
    """Store the file and its dry-run report (or its layout, when the officer must map its columns).
    FileRefused when the file as a whole cannot be read."""
    services._require_inventory(acting_user, programme, commune)
    job = DeviceImport(
        programme=programme, commune=commune, created_by=acting_user, original_name=filename[:200], data=data
    )
    try:
        _record(job, check(data, filename, programme, commune=commune))
    except MappingNeeded as needed:
        job.status, job.layout = ImportStatus.MAPPING, needed.layout
        job.problems = []
    job.save()
    return job


def _record(job: DeviceImport, result: Checked) -> None:
    """The dry run's numbers, problems, layout and refused-rows file on the job (not saved)."""
    job.status = ImportStatus.CHECKED
    job.layout = {**result.layout, "chosen": bool(job.layout.get("chosen"))}
    job.total_rows, job.valid_rows = result.total, len(result.rows)
    job.skipped_count = result.total - len(result.rows)
    job.problems = [p.as_dict() for p in result.problems[:1000]]
    job.refused = _refused_file(bytes(job.data), job.original_name, result)


def import_map_columns(*, acting_user: User, job: DeviceImport, fields: list[str]) -> DeviceImport:
    """The officer's mapping of the supplier's columns: remembered, then the file checked again."""
    if job.created_by_id != acting_user.pk:
        raise PermissionDenied
    if job.status not in (ImportStatus.MAPPING, ImportStatus.CHECKED) or not job.layout.get("headers"):
        raise ValidationError(_("Tệp này đã được xử lý."))
    headers = [str(h) for h in job.layout["headers"]]
    fields = layouts.clean_fields(COLUMNS, headers, fields)
    with transaction.atomic():
        layouts.remember(
            acting_user=acting_user, commune=job.commune, kind=KIND, headers=headers, fields=fields
        )
        job.layout = {**job.layout, "fields": fields, "chosen": True}
        _record(
            job,
            check(bytes(job.data), job.original_name, job.programme, commune=job.commune, layout=job.layout),
        )
        job.save()
    return job


def import_confirm(*, acting_user: User, job: DeviceImport, mode: str) -> DeviceImport:
    """Write the checked file (checked again now). Devices already in the programme are matched by IMEI:
    updated while in stock, left alone once handed over."""
    if job.created_by_id != acting_user.pk:
        raise PermissionDenied
    if job.status != ImportStatus.CHECKED:
        raise ValidationError(_("Tệp này đã được xử lý."))
    if mode not in (ALL_OR_NOTHING, VALID_ONLY):
        raise ValidationError(_("Hãy chọn cách ghi."))
    programme = job.programme
    result = check(bytes(job.data), job.original_name, programme, commune=job.commune, layout=job.layout)
    if mode == ALL_OR_NOTHING and result.problems:
        _record(job, result)
        job.save(update_fields=["problems", "valid_rows", "skipped_count", "refused", "layout", "updated_at"])
        raise ValidationError(
            _("Tệp còn lỗi nên không ghi cả tệp được. Hãy sửa tệp, hoặc chỉ ghi các dòng hợp lệ.")
        )
    created = updated = unchanged = 0
    with transaction.atomic():
        held = {
            d.imei: d
            for d in Device.objects.select_for_update().filter(imei__in=[c["imei"] for _n, c in result.rows])
        }
        new = []
        for _number, clean in result.rows:
            device = held.get(clean["imei"])
            if device is None:
                new.append(Device(programme=programme, commune=job.commune, **clean))
                continue
            changes = {k: v for k, v in clean.items() if getattr(device, k) != v and (k != "sim_number" or v)}
            if not changes or device.status != DeviceStatus.IN_STOCK:
                unchanged += 1
                continue
            for k, v in changes.items():
                setattr(device, k, v)
            device.save()
            updated += 1
        Device.objects.bulk_create(new, batch_size=500)
        created = len(new)
        job.status = ImportStatus.DONE
        job.created_count, job.updated_count, job.unchanged_count = created, updated, unchanged
        job.skipped_count = result.total - len(result.rows)
        job.problems = [p.as_dict() for p in result.problems[:1000]]
        job.refused = _refused_file(bytes(job.data), job.original_name, result)
        job.data = b""  # the file is not kept once written (its refused rows are, to be fixed)
        job.save()
        audit.record(
            actor=acting_user,
            action=AuditAction.IMPORT,
            obj=job,
            changes={
                "created": created,
                "updated": updated,
                "unchanged": unchanged,
                "skipped": job.skipped_count,
            },
            note=str(programme)[:300],
        )
    return job


def import_cancel(*, acting_user: User, job: DeviceImport) -> DeviceImport:
    if job.created_by_id != acting_user.pk:
        raise PermissionDenied
    if job.status in (ImportStatus.CHECKED, ImportStatus.MAPPING):
        job.status = ImportStatus.CANCELLED
        job.data = b""
        job.save(update_fields=["status", "data", "updated_at"])
    return job


def template_xlsx() -> bytes:
    """The file to give the supplier: the columns, an example row, and how to fill them."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = cast("Worksheet", book.active)  # a new workbook's one sheet
    sheet.title = _("Danh sách máy")[:31]
    sheet.append([str(c.header) for c in COLUMNS])
    sheet.append([EXAMPLE_PREFIX + "490154203237518", "Itel A50", "0912345678", _("Mới")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:  # the example row: marked, grey, and skipped by the import
        cell.font = Font(italic=True, color="666666")
    for letter in "ABCD":
        sheet.column_dimensions[letter].width = 22
        sheet.column_dimensions[letter].number_format = "@"
    for cell in sheet[2]:
        cell.number_format = "@"
    help_sheet = book.create_sheet(_("Hướng dẫn"))
    for line in (
        _("Mỗi máy một dòng. Dòng 1 là tên cột: giữ nguyên."),
        _("Dòng 2 (bắt đầu bằng “Ví dụ:”) là dòng ví dụ: khi nhập luôn được bỏ qua, có thể giữ hoặc xóa."),
        _(
            "IMEI: 15 chữ số in trên hộp hoặc bấm *#06#; số cuối là chữ số kiểm tra nên gõ nhầm sẽ bị phát hiện."
        ),
        _("Ghi IMEI và số SIM dạng văn bản để Excel không làm mất số 0 đầu hoặc đổi thành dạng 4,9E+14."),
        _("Tình trạng: Mới, Đã dùng hoặc Hỏng. Để trống là Mới."),
        _("Nhập lại cùng một tệp không tạo máy trùng: máy được nhận ra bằng IMEI."),
    ):
        help_sheet.append([line])
    help_sheet.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
