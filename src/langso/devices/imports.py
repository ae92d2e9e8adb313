"""The supplier's Excel list of devices: the same dry run as the registry import, in a small pipeline.

`import_check` reads every row and stores every problem (row, column, value, reason in Vietnamese),
writing nothing; `import_confirm` checks the stored file again against the current data (another import
may have landed meanwhile) and writes, either the whole file only if it has no error or only the valid
rows. Re-importing the same file is idempotent: devices are matched by IMEI. A supplier's file holds a
few thousand rows at most, so both steps run in the request, without the background queue.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from langso.core import audit
from langso.core.models import AuditAction
from langso.core.text import fold_compact
from langso.devices import services
from langso.devices.models import Condition, Device, DeviceImport, DeviceStatus, ImportStatus, Programme
from langso.places.models import Commune
from langso.registry.imports import FileRefused, Problem, read_table

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
ALL_OR_NOTHING, VALID_ONLY = "all", "valid_only"

# key -> (header in the template, other spellings met in suppliers' files)
COLUMNS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "imei": (gettext_lazy("IMEI"), ("imei1", "soimei", "maimei", "imeiso1")),
    "model_name": (gettext_lazy("Mẫu máy"), ("model", "tenmay", "dongmay", "loaimay", "mauma")),
    "sim_number": (gettext_lazy("Số thuê bao SIM"), ("sim", "sosim", "sothuebao", "sodienthoai", "msisdn")),
    "condition": (gettext_lazy("Tình trạng"), ("tinhtrangmay", "condition")),
}
REQUIRED = ("imei", "model_name")
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


def _header_keys() -> dict[str, str]:
    out = {}
    for key, (header, aliases) in COLUMNS.items():
        out[fold_compact(str(header))] = key
        out[fold_compact(key)] = key
        for alias in aliases:
            out[alias] = key
    return out


def check(data: bytes, filename: str, programme: Programme) -> Checked:
    """Every problem of the file; the valid rows with their normalised values. Writes nothing."""
    result = Checked()
    if len(data) > MAX_BYTES:
        raise FileRefused(_("Tệp quá lớn (tối đa 2 MB). Hãy chia thành nhiều tệp."))
    rows = read_table(data, filename)
    header_row, columns = None, {}
    keys = _header_keys()
    for number, values in rows:
        found = {
            keys[fold_compact(str(v))]: i for i, v in enumerate(values) if v and fold_compact(str(v)) in keys
        }
        if "imei" in found:
            header_row, columns = number, found
            break
    if header_row is None:
        raise FileRefused(_("Không tìm thấy dòng tên cột có cột “IMEI”. Hãy dùng tệp mẫu."))
    missing = [str(COLUMNS[k][0]) for k in REQUIRED if k not in columns]
    if missing:
        raise FileRefused(_("Tệp thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)})
    seen: dict[str, int] = {}
    parsed = []
    for number, values in rows:
        raw = {k: (values[i] if i < len(values) else None) for k, i in columns.items()}
        if all(v is None or not str(v).strip() for v in raw.values()):
            continue
        result.total += 1
        if result.total > MAX_ROWS:
            raise FileRefused(_("Tệp có quá nhiều dòng (tối đa 20.000)."))
        problems = []
        condition = CONDITIONS.get(fold_compact(str(raw.get("condition") or "")))
        if condition is None:
            problems.append(
                Problem(
                    number,
                    str(COLUMNS["condition"][0]),
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
                problems.append(
                    Problem(number, str(COLUMNS[key][0]), str(raw.get(key) or ""), " ".join(messages))
                )
            clean = None
        if clean is not None:
            if clean["imei"] in seen:
                problems.append(
                    Problem(
                        number,
                        str(COLUMNS["imei"][0]),
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
                    str(COLUMNS["imei"][0]),
                    clean["imei"],
                    _(
                        "IMEI này đã được nhập cho chương trình khác (%(name)s): một máy không thể thuộc hai chương trình."
                    )
                    % {"name": elsewhere[clean["imei"]]},
                )
            )
        else:
            result.rows.append((number, clean))
    result.problems.sort(key=lambda p: p.row)
    return result


def import_check(
    *, acting_user: Any, programme: Programme, commune: Commune | None, filename: str, data: bytes
) -> DeviceImport:
    """Store the file and its dry-run report. FileRefused when the file as a whole cannot be read."""
    services._require_inventory(acting_user, programme, commune)
    result = check(data, filename, programme)
    job = DeviceImport.objects.create(
        programme=programme,
        commune=commune,
        created_by=acting_user,
        original_name=filename[:200],
        data=data,
        total_rows=result.total,
        valid_rows=len(result.rows),
        skipped_count=result.total - len(result.rows),
        problems=[p.as_dict() for p in result.problems[:1000]],
    )
    return job


def import_confirm(*, acting_user: Any, job: DeviceImport, mode: str) -> DeviceImport:
    """Write the checked file (checked again now). Devices already in the programme are matched by IMEI:
    updated while in stock, left alone once handed over."""
    if job.created_by_id != acting_user.pk:
        raise PermissionDenied
    if job.status != ImportStatus.CHECKED:
        raise ValidationError(_("Tệp này đã được xử lý."))
    if mode not in (ALL_OR_NOTHING, VALID_ONLY):
        raise ValidationError(_("Hãy chọn cách ghi."))
    programme = job.programme
    result = check(bytes(job.data), job.original_name, programme)
    if mode == ALL_OR_NOTHING and result.problems:
        job.problems = [p.as_dict() for p in result.problems[:1000]]
        job.valid_rows, job.skipped_count = len(result.rows), result.total - len(result.rows)
        job.save(update_fields=["problems", "valid_rows", "skipped_count", "updated_at"])
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
        job.data = b""  # the file is not kept once written
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


def import_cancel(*, acting_user: Any, job: DeviceImport) -> DeviceImport:
    if job.created_by_id != acting_user.pk:
        raise PermissionDenied
    if job.status == ImportStatus.CHECKED:
        job.status = ImportStatus.CANCELLED
        job.data = b""
        job.save(update_fields=["status", "data", "updated_at"])
    return job


def template_xlsx() -> bytes:
    """The file to give the supplier: the columns, an example row, and how to fill them."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Danh sách máy")[:31]
    sheet.append([str(h) for h, _a in COLUMNS.values()])
    sheet.append(["490154203237518", "Itel A50", "0912345678", _("Mới")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter in "ABCD":
        sheet.column_dimensions[letter].width = 22
        sheet.column_dimensions[letter].number_format = "@"
    for cell in sheet[2]:
        cell.number_format = "@"
    help_sheet = book.create_sheet(_("Hướng dẫn"))
    for line in (
        _("Mỗi máy một dòng. Dòng 1 là tên cột: giữ nguyên; dòng ví dụ có thể xóa."),
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
