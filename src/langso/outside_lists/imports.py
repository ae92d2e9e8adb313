"""Importing an outside list: read with the registry import's reader and column mapping, match each row
to the registry (`matching.py`), and write the entries and the evidence in one transaction.

There is no separate dry run: the list writes nothing to the registry's people except evidence for the
rows matched for certain, and every uncertain row waits for an officer. A row whose identity (`key`:
source, CCCD or folded name + birth date, course or certificate, date) an earlier list of the province
already brought is counted as known and not entered again, so importing the same file twice, or a
month's list that repeats last month's people, changes nothing; the very same file is refused at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.access import Perm, scope_for
from langso.accounts.models import User
from langso.core import audit
from langso.core.dates import parse_date_vn
from langso.core.models import AuditAction
from langso.core.text import clean_text, fold, fold_compact
from langso.outside_lists import matching, services
from langso.outside_lists.columns import COLUMNS, NOT_LEVEL_2
from langso.outside_lists.models import EntryStatus, ListEntry, ListSource, ListStatus, OutsideList
from langso.places.models import Commune, Province
from langso.registry import rules
from langso.registry.imports import FileRefused, MappingNeeded, Problem, layouts, parse_table, sniff_format
from langso.registry.models import Resident

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000


def layout_kind(source: str) -> str:
    """The list kind its remembered column mappings are kept under."""
    return f"outside_{source}"


@dataclass
class Read:
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    layout: dict[str, Any] = field(default_factory=dict)
    total: int = 0


def _clean_row(
    source: str, number: int, raw: dict[str, Any], header: Any
) -> tuple[dict[str, Any], list[Problem]]:
    """A row's values as the matcher wants them, or its problems (Vietnamese, per column)."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    try:
        values["full_name"] = rules.normalize_name(raw.get("full_name"))
    except ValidationError as error:
        problems.append(
            Problem(number, header("full_name"), str(raw.get("full_name") or ""), " ".join(error.messages))
        )
    born, year = raw.get("birth_date"), raw.get("birth_year")
    if born in (None, "") and isinstance(year, str) and any(sep in year for sep in "/-."):
        born, year = year, None  # police lists often write the whole birth date under "Năm sinh"
    try:
        values["birth_date"], values["birth_year"] = rules.normalize_birth(born, year)
    except ValidationError as error:
        problems.append(
            Problem(number, header("birth_date"), str(raw.get("birth_date") or ""), " ".join(error.messages))
        )
    try:
        values["cccd"] = rules.normalize_optional_cccd(raw.get("cccd")) or ""
    except ValidationError as error:
        problems.append(Problem(number, header("cccd"), str(raw.get("cccd") or ""), " ".join(error.messages)))
    try:
        values["done_on"] = parse_date_vn(raw.get("done_on"))
        if values["done_on"] and values["done_on"] > timezone.localdate():
            raise ValidationError(_("Ngày không được sau hôm nay."))
    except ValidationError as error:
        problems.append(
            Problem(number, header("done_on"), str(raw.get("done_on") or ""), " ".join(error.messages))
        )
    values["village_name"] = clean_text(str(raw.get("village") or ""))[:150]
    values["commune_name"] = clean_text(str(raw.get("commune") or ""))[:150]
    if source == ListSource.PLATFORM:
        parts = [clean_text(str(raw.get(k) or "")) for k in ("course", "certificate")]
        values["detail"] = " · ".join(p for p in parts if p)[:300]
    else:
        state = clean_text(str(raw.get("state") or ""))
        if state and any(word in fold_compact(state) for word in NOT_LEVEL_2):
            problems.append(
                Problem(number, header("state"), state, _("Tài khoản chưa ở mức 2: dòng này bỏ qua."), True)
            )
        values["detail"] = _("Kích hoạt định danh điện tử mức 2")
    if not problems and not values["cccd"] and values.get("birth_year") is None:
        problems.append(
            Problem(number, header("cccd"), "", _("Cần số CCCD hoặc ngày sinh để tìm người này trong sổ."))
        )
    return values, problems


def read_list(
    source: str, data: bytes, filename: str, *, commune: Commune | None, layout: dict[str, Any] | None = None
) -> Read:
    """Every row of the file, cleaned; problems per row. Raises FileRefused or MappingNeeded."""
    kind = layout_kind(source)
    table = parse_table(
        kind,
        data,
        filename,
        spec=COLUMNS[source],
        layout=layout if layout and layout.get("chosen") else None,
        remembered=layouts.recall(commune=commune, kind=kind),
    )
    result = Read(layout=table.layout)
    for number, raw in table.rows:
        result.total += 1
        if result.total > MAX_ROWS:
            raise FileRefused(_("Tệp có quá nhiều dòng (tối đa 50.000): hãy chia thành nhiều tệp."))
        values, problems = _clean_row(source, number, raw, table.header)
        result.problems.extend(problems)
        if not problems:
            result.rows.append((number, values))
    result.problems.extend(p for p in table.problems if p.note)
    result.problems.sort(key=lambda p: (p.row, not p.note))
    return result


def row_key(source: str, values: dict[str, Any]) -> str:
    """The row's identity: the same person, the same course or activation, the same day."""
    who = values["cccd"] or f"{fold(values['full_name'])}|{values['birth_date'] or values['birth_year']}"
    what = fold(values.get("detail", "")) if source == ListSource.PLATFORM else ""
    text = f"{source}|{who}|{what}|{values.get('done_on') or ''}"
    return hashlib.sha256(text.encode()).hexdigest()


def _may_import(user: User, province: Province, commune: Commune | None) -> None:
    scope = scope_for(user, Perm.OUTSIDE_LISTS)
    if scope.everything or province.code in scope.province_codes:
        return
    if commune is not None and commune.code in scope.commune_codes:
        return
    raise PermissionDenied


def list_upload(
    *, acting_user: User, source: str, province: Province, commune: Commune | None, upload: UploadedFile
) -> OutsideList:
    """Store the file and import it (or wait for its columns to be mapped). ValidationError with a
    Vietnamese message for a file that cannot be taken."""
    if source not in ListSource.values:
        raise ValidationError(_("Hãy chọn loại danh sách."))
    _may_import(acting_user, province, commune)
    if upload.size and upload.size > MAX_BYTES:
        raise ValidationError(_("Tệp quá lớn (tối đa 5 MB): hãy chia thành nhiều tệp."))
    data = upload.read()
    name = (upload.name or "tep").rsplit("/", 1)[-1][:200]
    try:
        sniff_format(data, name)
    except FileRefused as refusal:
        raise ValidationError(str(refusal)) from refusal
    sha = hashlib.sha256(data).hexdigest()
    earlier = (
        OutsideList.objects.filter(province=province, source=source, file_sha256=sha, status=ListStatus.DONE)
        .order_by("created_at")
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            _("Tệp này đã được nhập ngày %(day)s (%(name)s): nhập lại không thay đổi gì.")
            % {
                "day": timezone.localtime(earlier.created_at).strftime("%d/%m/%Y"),
                "name": earlier.original_name,
            }
        )
    outside = OutsideList(
        source=source,
        province=province,
        commune=commune,
        created_by=acting_user,
        original_name=name,
        file_sha256=sha,
        status=ListStatus.MAPPING,
    )
    outside.file.save(name, ContentFile(data), save=False)
    try:
        read = read_list(source, data, name, commune=commune)
    except MappingNeeded as needed:
        outside.layout = needed.layout
        outside.save()
        return outside
    except FileRefused as refusal:
        outside.file.delete(save=False)
        raise ValidationError(str(refusal)) from refusal
    with transaction.atomic():
        outside.save()
        _write(acting_user, outside, read)
    return outside


def list_map_columns(*, acting_user: User, outside: OutsideList, fields: list[str]) -> OutsideList:
    """The officer's mapping of the list's columns: remembered, then the list imported."""
    if outside.created_by_id != acting_user.pk:
        raise PermissionDenied
    if outside.status != ListStatus.MAPPING or not outside.layout.get("headers"):
        raise ValidationError(_("Danh sách này đã được xử lý."))
    headers = [str(h) for h in outside.layout["headers"]]
    fields = layouts.clean_fields(COLUMNS[outside.source], headers, fields)
    outside.file.open("rb")
    try:
        data = outside.file.read()
    finally:
        outside.file.close()
    layout = {**outside.layout, "fields": fields, "chosen": True}
    try:
        read = read_list(outside.source, data, outside.original_name, commune=outside.commune, layout=layout)
    except FileRefused as refusal:
        raise ValidationError(str(refusal)) from refusal
    with transaction.atomic():
        layouts.remember(
            acting_user=acting_user,
            commune=outside.commune,
            kind=layout_kind(outside.source),
            headers=headers,
            fields=fields,
        )
        outside.layout = {**read.layout, "chosen": True}
        outside.save()
        _write(acting_user, outside, read)
    return outside


def list_cancel(*, acting_user: User, outside: OutsideList) -> None:
    if outside.created_by_id != acting_user.pk:
        raise PermissionDenied
    if outside.status == ListStatus.MAPPING:
        outside.status = ListStatus.CANCELLED
        outside.save(update_fields=["status", "updated_at"])


def _communes_by_name(province: Province) -> dict[str, Commune]:
    """The province's communes by folded name, with and without their kind word ("Xã Nghĩa Tá")."""
    out: dict[str, Commune] = {}
    for commune in Commune.objects.filter(province=province):
        folded = fold_compact(commune.name)
        out.setdefault(folded, commune)
        for word in ("xa", "phuong", "thitran", "dackhu"):
            if folded.startswith(word) and len(folded) > len(word):
                out.setdefault(folded[len(word) :], commune)
    return out


def _write(acting_user: User, outside: OutsideList, read: Read) -> None:
    """Match every valid row and write the entries and evidence (inside the caller's transaction)."""
    province = outside.province
    communes = _communes_by_name(province) if outside.commune is None else {}
    known = set(
        ListEntry.objects.filter(
            province=province, key__in=[row_key(outside.source, v) for _n, v in read.rows]
        )
        .exclude(status=EntryStatus.UNMATCHED)
        .values_list("key", flat=True)
    )
    counts = {"matched": 0, "review": 0, "unmatched": 0, "known": 0}
    seen: set[str] = set()
    for number, values in read.rows:
        key = row_key(outside.source, values)
        if key in known or key in seen:
            counts["known"] += 1
            continue
        seen.add(key)
        commune = outside.commune
        if commune is None and values["commune_name"]:
            commune = communes.get(fold_compact(values["commune_name"]))
            if commune is None:
                commune = communes.get(fold_compact(values["commune_name"].split(",")[0]))
        people = Resident.objects.filter(province=province)
        if commune is not None:
            people = people.filter(commune=commune)
        row = matching.Row(
            full_name=values["full_name"],
            name_folded=fold(values["full_name"]),
            birth_date=values["birth_date"],
            birth_year=values["birth_year"],
            cccd=values["cccd"],
            village_name=values["village_name"],
        )
        found = matching.match_row(row, people)
        if commune is None:
            owners = {p.commune_id for p in ([found.resident] if found.resident else found.candidates)}
            if len(owners) == 1:
                commune = Commune.objects.get(pk=owners.pop())
        entry, _created = ListEntry.objects.update_or_create(
            province=province,
            key=key,
            defaults={
                "outside_list": outside,
                "row": number,
                "source": outside.source,
                "commune": commune,
                "full_name": values["full_name"],
                "name_folded": row.name_folded,
                "birth_date": values["birth_date"],
                "birth_year": values["birth_year"],
                "cccd": values["cccd"],
                "village_name": values["village_name"],
                "commune_name": values["commune_name"],
                "detail": values["detail"],
                "done_on": values["done_on"],
                "status": found.status,
                "reason": found.reason[:300],
                "match_how": found.how,
                "resident": found.resident,
                "candidates": [str(p.pk) for p in found.candidates],
            },
        )
        counts[found.status] += 1
        if found.resident is not None:
            services.evidence_write(acting_user=acting_user, entry=entry, resident=found.resident)
    outside.status = ListStatus.DONE
    outside.total_rows = read.total
    outside.matched_count, outside.review_count = counts["matched"], counts["review"]
    outside.unmatched_count, outside.known_count = counts["unmatched"], counts["known"]
    outside.refused_count = len({p.row for p in read.problems if not p.note})
    outside.problems = [p.as_dict() for p in read.problems[:1000]]
    outside.save()
    audit.record(
        actor=acting_user,
        action=AuditAction.IMPORT,
        obj=outside,
        changes={
            "source": outside.source,
            "sha256": outside.file_sha256,
            "rows": read.total,
            **counts,
            "refused": outside.refused_count,
        },
        note=str(outside.commune or province)[:300],
    )
