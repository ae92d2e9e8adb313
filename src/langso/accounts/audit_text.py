"""The audit trail in words an auditor reads: each entry's changes as labelled lines in Vietnamese
(field names, choices, skills and the records a key points to by their names, dates day first), and the
services' short notes in sentences. Nothing here reads outside the entries the caller already scoped."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from langso.accounts.models import RoleAssignment
from langso.core.models import AuditAction, AuditEntry
from langso.core.validators import mask_cccd

_MASK_KEYS = {"password"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_LABELS = {
    "unit": gettext_noop("đơn vị"),
    "role": gettext_noop("vai trò"),
    "roles": gettext_noop("vai trò"),
    "path": gettext_noop("địa chỉ"),
    "status": gettext_noop("mã trạng thái"),
    "method": gettext_noop("phương thức"),
    "totp_devices": gettext_noop("thiết bị xác thực"),
    "failed_login_count": gettext_noop("số lần đăng nhập sai"),
    "locked_until": gettext_noop("khóa đến"),
    "password": gettext_noop("mật khẩu"),
    "username": gettext_noop("tên đăng nhập"),
    "is_demo": gettext_noop("tài khoản trình diễn"),
    "is_active": gettext_noop("đang hoạt động"),
    "user": gettext_noop("người dùng"),
    # Keys the services write next to a model's own fields (exports, visits, teams, requests).
    "filters": gettext_noop("điều kiện lọc"),
    "rows": gettext_noop("số dòng"),
    "full_cccd": gettext_noop("có số CCCD đầy đủ"),
    "q": gettext_noop("tìm"),
    "village": gettext_noop("thôn/bản"),
    "commune": gettext_noop("xã/phường"),
    "commune_id": gettext_noop("xã/phường"),
    "province_id": gettext_noop("tỉnh/thành phố"),
    "team_id": gettext_noop("tổ"),
    "poverty": gettext_noop("phân loại hộ"),
    "age_group": gettext_noop("nhóm tuổi"),
    "sex": gettext_noop("giới tính"),
    "ethnic_group": gettext_noop("dân tộc"),
    "device": gettext_noop("điện thoại"),
    "recorded_by_id": gettext_noop("người ghi"),
    "created_by_id": gettext_noop("người tạo"),
    "skill": gettext_noop("kỹ năng"),
    "skills": gettext_noop("kỹ năng"),
    "gps": gettext_noop("tọa độ GPS"),
    "households": gettext_noop("hộ gia đình"),
    "assigned_households": gettext_noop("hộ được giao"),
    "procedure": gettext_noop("thủ tục"),
    "outcome": gettext_noop("kết quả"),
    "files": gettext_noop("số tệp"),
    "sections": gettext_noop("phần dữ liệu"),
    "erasure": gettext_noop("xóa theo yêu cầu"),
    "removed": gettext_noop("đã xóa"),
    "anonymised": gettext_noop("đã ẩn danh"),
    "policy": gettext_noop("quy định lưu giữ"),
    "expires_at": gettext_noop("hết hạn lúc"),
    "programme": gettext_noop("chương trình"),
    "quota": gettext_noop("chỉ tiêu"),
    "revoked": gettext_noop("đã thu hồi"),
    "conflict": gettext_noop("xung đột"),
    "withdrawn_on": gettext_noop("ngày rút lại"),
    "visited_on": gettext_noop("ngày đến"),
    "name": gettext_noop("tên"),
    "name_en": gettext_noop("tên tiếng Anh"),
    "issuer": gettext_noop("đơn vị cấp"),
    "required_levels": gettext_noop("mức cần đạt"),
    "active": gettext_noop("đang dùng"),
    "kind": gettext_noop("loại"),
    "page": gettext_noop("trang"),
    # A group session's record (groups.services.session_record) and an invitation list's.
    "place": gettext_noop("nơi tổ chức"),
    "organiser": gettext_noop("đơn vị tổ chức"),
    "registry_people": gettext_noop("người trong sổ có mặt"),
    "walk_ins": gettext_noop("người ngoài sổ có mặt"),
    "people": gettext_noop("số người"),
    "rule": gettext_noop("cách chọn"),
}
# Keys a service writes under another name than the model's field (whose choices give the words).
_FIELD_ALIASES = {"place": "place_kind", "organiser": "organiser_kind"}
# Field names whose model gives no Vietnamese name (verbose_name left to Django's default, which is
# the English field name): the words an auditor reads for them.
_FIELD_WORDS = {
    "allocation": gettext_noop("lần cấp điện thoại"),
    "approved_by": gettext_noop("người phê duyệt"),
    "assigned_by": gettext_noop("người giao"),
    "at": gettext_noop("lúc"),
    "attempts": gettext_noop("số lần thử"),
    "attendance": gettext_noop("lượt có mặt"),
    "audio_seconds": gettext_noop("độ dài bản ghi âm (giây)"),
    "based_on": gettext_noop("dựa trên danh sách"),
    "by": gettext_noop("người làm"),
    "campaign": gettext_noop("chiến dịch"),
    "cancelled": gettext_noop("đã hủy"),
    "candidate": gettext_noop("người trong danh sách"),
    "candidate_list": gettext_noop("danh sách đề xuất"),
    "change_value": gettext_noop("giá trị thay đổi"),
    "changes": gettext_noop("thay đổi"),
    "changes_total": gettext_noop("số thay đổi"),
    "codename": gettext_noop("mã quyền"),
    "commune": gettext_noop("xã/phường"),
    "commune_code": gettext_noop("xã/phường"),
    "computed_at": gettext_noop("tính lúc"),
    "content_type": gettext_noop("loại tệp"),
    "created_at": gettext_noop("tạo lúc"),
    "created_by": gettext_noop("người tạo"),
    "created_count": gettext_noop("số bản ghi tạo mới"),
    "data": gettext_noop("dữ liệu"),
    "day": gettext_noop("ngày"),
    "decided_at": gettext_noop("quyết định lúc"),
    "decided_by": gettext_noop("người quyết định"),
    "denominator": gettext_noop("mẫu số"),
    "device": gettext_noop("điện thoại"),
    "error_message": gettext_noop("lỗi"),
    "evidence": gettext_noop("minh chứng"),
    "failed_login_count": gettext_noop("số lần đăng nhập sai"),
    "field": gettext_noop("mục"),
    "fields": gettext_noop("các mục"),
    "file": gettext_noop("tệp"),
    "finished_at": gettext_noop("xong lúc"),
    "follow_up": gettext_noop("lần hỏi thăm"),
    "generated_at": gettext_noop("lập lúc"),
    "generated_by": gettext_noop("người lập"),
    "guide": gettext_noop("hướng dẫn"),
    "headers": gettext_noop("tiêu đề cột"),
    "heartbeat_at": gettext_noop("còn chạy lúc"),
    "household": gettext_noop("hộ gia đình"),
    "indicator": gettext_noop("chỉ số"),
    "invitation": gettext_noop("danh sách mời"),
    "is_demo": gettext_noop("tài khoản trình diễn"),
    "issued_by": gettext_noop("người cấp"),
    "key": gettext_noop("khóa"),
    "kind": gettext_noop("loại"),
    "language": gettext_noop("ngôn ngữ"),
    "last_used_at": gettext_noop("dùng lần cuối lúc"),
    "layout": gettext_noop("cách xếp cột"),
    "level": gettext_noop("mức độ"),
    "locked_until": gettext_noop("khóa đến"),
    "member": gettext_noop("thành viên"),
    "numerator": gettext_noop("tử số"),
    "object_id": gettext_noop("mã bản ghi"),
    "pdf": gettext_noop("tệp PDF"),
    "phone_after": gettext_noop("điện thoại sau"),
    "phone_before": gettext_noop("điện thoại trước"),
    "position": gettext_noop("thứ tự"),
    "problem_counts": gettext_noop("số lỗi theo loại"),
    "problems": gettext_noop("lỗi"),
    "processed_rows": gettext_noop("số dòng đã xử lý"),
    "programme": gettext_noop("chương trình"),
    "province": gettext_noop("tỉnh/thành phố"),
    "province_code": gettext_noop("tỉnh/thành phố"),
    "published_by": gettext_noop("người công bố"),
    "received_at": gettext_noop("nhận lúc"),
    "recorded_at": gettext_noop("ghi lúc"),
    "recorded_by": gettext_noop("người ghi"),
    "recorded_on": gettext_noop("ngày ghi nhận"),
    "refused": gettext_noop("dòng bị từ chối"),
    "report": gettext_noop("báo cáo"),
    "resident": gettext_noop("người dân"),
    "resident_id": gettext_noop("người dân"),
    "resolved_at": gettext_noop("xử lý xong lúc"),
    "resolved_by": gettext_noop("người xử lý"),
    "reviewed_at": gettext_noop("duyệt lúc"),
    "reviewed_by": gettext_noop("người duyệt"),
    "revoked_at": gettext_noop("thu hồi lúc"),
    "revoked_by": gettext_noop("người thu hồi"),
    "rule_params": gettext_noop("điều kiện chọn"),
    "scan": gettext_noop("bản chụp biên bản"),
    "scan_content_type": gettext_noop("loại tệp bản chụp"),
    "scan_uploaded_at": gettext_noop("tải bản chụp lúc"),
    "server_value": gettext_noop("giá trị trên máy chủ"),
    "service": gettext_noop("việc"),
    "session": gettext_noop("buổi học"),
    "size": gettext_noop("dung lượng"),
    "skill": gettext_noop("kỹ năng"),
    "skill_code": gettext_noop("kỹ năng"),
    "skill_record": gettext_noop("ghi nhận kỹ năng"),
    "skipped_count": gettext_noop("số dòng bỏ qua"),
    "status": gettext_noop("trạng thái"),
    "step": gettext_noop("bước"),
    "team": gettext_noop("tổ"),
    "total_rows": gettext_noop("tổng số dòng"),
    "unchanged_count": gettext_noop("số bản ghi không đổi"),
    "unit": gettext_noop("đơn vị"),
    "updated_at": gettext_noop("sửa lúc"),
    "updated_by": gettext_noop("người sửa"),
    "updated_count": gettext_noop("số bản ghi cập nhật"),
    "user": gettext_noop("người dùng"),
    "user_agent": gettext_noop("trình duyệt"),
    "valid_rows": gettext_noop("số dòng hợp lệ"),
    "value": gettext_noop("giá trị"),
    "version": gettext_noop("phiên bản"),
    "village": gettext_noop("thôn/bản"),
    "visit": gettext_noop("buổi đến hộ"),
    "voided_by": gettext_noop("người hủy"),
    "worklist_version": gettext_noop("phiên bản danh sách hộ"),
    "xlsx": gettext_noop("tệp Excel"),
}
# Keys of the database's own bookkeeping (fingerprints, sort and search copies): nothing an auditor reads.
_HIDDEN_KEYS = {
    "id", "name_folded", "sort_key", "content_hash", "code_hash", "token_hash", "sha256", "file_sha256",
    "audio_text_hash", "signature", "recipient_key", "worklist_hashes",
}  # fmt: skip
# What each HTTP method of a refused access meant for the person.
_METHODS = {
    "GET": gettext_noop("mở trang"),
    "HEAD": gettext_noop("mở trang"),
    "POST": gettext_noop("gửi biểu mẫu"),
    "PUT": gettext_noop("gửi dữ liệu"),
    "PATCH": gettext_noop("gửi dữ liệu"),
    "DELETE": gettext_noop("xóa"),
}
# Notes the services write as short codes, in words. Exact notes, then patterns.
_NOTES = {
    "cccd": gettext_noop("Xem số CCCD đầy đủ"),
    "catalogue draft": gettext_noop("Bắt đầu bản nháp danh mục kỹ năng"),
    "catalogue published": gettext_noop("Công bố danh mục kỹ năng mới"),
    "personal data export": gettext_noop("Xuất dữ liệu cá nhân theo yêu cầu của người dân"),
    "retention rule": gettext_noop("Xóa theo thời hạn lưu giữ"),
    "returned": gettext_noop("Điện thoại được trả lại"),
    "scan viewed": gettext_noop("Xem bản chụp biên bản đã ký"),
    "handover PDF": gettext_noop("Tải biên bản bàn giao (PDF)"),
    "report xlsx": gettext_noop("Tải báo cáo (Excel)"),
    "report pdf": gettext_noop("Tải báo cáo (PDF)"),
}
_NOTE_PATTERNS = [
    (re.compile(r"^approved: (?P<rest>.*)$", re.S), gettext_noop("Phê duyệt: %(rest)s")),
    (
        re.compile(r"^generated: (?P<new>\d+) new, (?P<gone>\d+) no longer eligible$"),
        gettext_noop("Lập danh sách: %(new)s người mới, %(gone)s người không còn đủ điều kiện"),
    ),
    (re.compile(r"^v(?P<version>\d+)$"), gettext_noop("Phiên bản %(version)s")),
]


def note_text(note: str) -> str:
    """An entry's note as the auditor reads it: a service's short code in words, else as written."""
    if not note:
        return ""
    if note in _NOTES:
        return _(_NOTES[note])
    for pattern, words in _NOTE_PATTERNS:
        match = pattern.match(note)
        if match:
            return _(words) % match.groupdict()
    return _(note)


_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
_code_labels_cache: dict[str, str] | None = None


def _code_labels() -> dict[str, str]:
    """Every choice value of the app's models that reads as a code (medical_appointment, near_poor),
    with its label, and the catalogue's skill codes with their names: a code in a list or a filter
    is shown by its label even when no model field says which choices it belongs to."""
    global _code_labels_cache
    if _code_labels_cache is None:
        labels: dict[str, str] = {}
        for model in apps.get_models():
            if not model.__module__.startswith("langso."):
                continue
            for model_field in model._meta.get_fields():
                for value, label in getattr(model_field, "flatchoices", None) or []:
                    if isinstance(value, str) and _CODE.match(value):
                        labels.setdefault(value, label)
        _code_labels_cache = labels
    return _code_labels_cache


def _key_text(key: str) -> str:
    """A key inside a dict value (a filter, a certificate's skills): its label, a skill's name, or a
    choice's label; otherwise the key with spaces."""
    if key in _LABELS:
        return _(_LABELS[key])
    if _CODE.match(key) or key.isalpha():
        name = _skill_name(key) if _CODE.match(key) else None
        if name:
            return name
        label = _code_labels().get(key)
        if label is not None:
            return str(label)
    return key.replace("_", " ")


_skill_names: dict[str, str | None] = {}  # per page of entries (entry_rows empties it)
_related_names: dict[tuple[str, str], str | None] = {}  # the same, for rows a change points to


def _related_text(model_field: Any, value: Any) -> str | None:
    """What a foreign key's stored id points to, by its name ("chiến dịch: Cao điểm 100 ngày", not
    "campaign: 2"); None when no such row is left (a deleted record's trail shows what it stored)."""
    related = model_field.related_model
    key = (related._meta.label, str(value))
    if key not in _related_names:
        try:
            row = related._default_manager.filter(pk=value).first()
        except (ValueError, TypeError, ValidationError):
            row = None
        _related_names[key] = readable(str(row)) if row is not None else None
    return _related_names[key]


def _skill_name(code: str) -> str | None:
    if code not in _skill_names:
        Skill = apps.get_model("skills", "Skill")  # noqa: N806 - a model class
        _skill_names[code] = (
            Skill.objects.filter(code=code)
            .order_by("-version__number")
            .values_list("name", flat=True)
            .first()
        )
    return _skill_names[code]


@dataclass(frozen=True)
class ChangeLine:
    key: str
    label: str
    after: str
    before: str | None = None

    @property
    def is_diff(self) -> bool:
        return self.before is not None


@dataclass
class EntryRow:
    entry: AuditEntry
    changes: list[ChangeLine] = field(default_factory=list)
    object_label: str = ""
    note: str = ""
    object_repr: str = ""


_CODE_IN_TEXT = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_ISO_DATE_IN_TEXT = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def readable(text: str) -> str:
    """Stored text (an object's name as it was, a note) with the codes in it by their names and ISO
    dates day first: "vneid_level2: Tự làm được" -> "Kích hoạt định danh điện tử mức 2: Tự làm được"."""

    def name(match: re.Match[str]) -> str:
        code = match.group(0)
        label = _code_labels().get(code) or _skill_name(code)
        return str(label) if label else code

    text = _CODE_IN_TEXT.sub(name, text or "")
    return _ISO_DATE_IN_TEXT.sub(r"\3/\2/\1", text)


def _model_for(object_type: str) -> Any:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def _field_for(model: Any, key: str) -> Any:
    try:
        return model._meta.get_field(key) if model is not None else None
    except FieldDoesNotExist:
        pass
    if key == "role":  # user_create stores the role next to the user's own fields
        return RoleAssignment._meta.get_field("role")
    return None


def _show(value: Any, key: str, model_field: Any) -> str:
    if key in _MASK_KEYS:
        return "•••"
    if value is None or value == "":
        return "—"
    points_to_a_row = getattr(model_field, "many_to_one", False) or getattr(model_field, "one_to_one", False)
    if points_to_a_row and isinstance(value, str | int) and (name := _related_text(model_field, value)):
        return name
    if "cccd" in key and isinstance(value, str) and value.isdigit():
        return mask_cccd(value)
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, dict) and "name" in value:  # a snapshot of something named (a certificate's skill)
        if "level" in value:
            return _("%(name)s (mức %(level)s)") % {"name": value["name"], "level": value["level"]}
        return str(value["name"])
    if isinstance(value, dict):
        return "; ".join(f"{_key_text(str(k))}: {_show(v, str(k), None)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_show(v, key, model_field) for v in value)
    choices = getattr(model_field, "flatchoices", None)
    if choices:
        for choice, label in choices:
            if str(choice) == str(value):
                return str(label)
    text = str(value)
    if key == "method" and text in _METHODS:
        return _(_METHODS[text])
    if key in ("skill", "skills", "skill_code") and isinstance(value, str):
        return _skill_name(text) or text
    if _CODE.match(text):
        label = _code_labels().get(text) or _skill_name(text)
        if label is not None:
            return str(label)
    if _ISO_DATETIME.match(text):
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return text
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "d/m/Y H:i")
    if _ISO_DATE.match(text):
        try:
            return formats.date_format(datetime.date.fromisoformat(text), "d/m/Y")
        except ValueError:
            return text
    return text


def _label(model: Any, model_field: Any, key: str) -> str:
    if key in _LABELS:
        return _(_LABELS[key])
    named = model_field is not None and getattr(model_field, "verbose_name", None)
    if named and str(model_field.verbose_name) != model_field.name.replace("_", " "):
        return str(model_field.verbose_name)
    words = _FIELD_WORDS.get(model_field.name if model_field is not None else key) or _FIELD_WORDS.get(key)
    if words:
        return _(words)
    if key.endswith("_id"):
        return _label(model, _field_for(model, key[:-3]), key[:-3])
    return key.replace("_", " ")


def describe_changes(entry: AuditEntry) -> list[ChangeLine]:
    """The `changes` JSON as labelled lines: "field: before → after" for updates, "field: value" otherwise."""
    changes = entry.changes
    if not changes:
        return []
    if not isinstance(changes, dict):
        return [ChangeLine(key="", label="", after=_show(changes, "", None))]
    model = _model_for(entry.object_type)
    lines = []
    for key, value in changes.items():
        if key in _HIDDEN_KEYS:
            continue
        model_field = _field_for(model, key) or _field_for(model, _FIELD_ALIASES.get(key) or key)
        label = _label(model, model_field, key)
        if entry.action == AuditAction.UPDATE and isinstance(value, list) and len(value) == 2:
            lines.append(
                ChangeLine(
                    key=key,
                    label=label,
                    before=_show(value[0], key, model_field),
                    after=_show(value[1], key, model_field),
                )
            )
        else:
            lines.append(ChangeLine(key=key, label=label, after=_show(value, key, model_field)))
    return lines


_OBJECT_LABELS = {
    "url": gettext_noop("địa chỉ trang"),
    "otp_totp.totpdevice": gettext_noop("thiết bị xác thực hai bước"),
}


def _object_label(object_type: str) -> str:
    if object_type in _OBJECT_LABELS:
        return _(_OBJECT_LABELS[object_type])
    model = _model_for(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def entry_rows(entries: list[AuditEntry]) -> list[EntryRow]:
    _skill_names.clear()
    _related_names.clear()
    return [
        EntryRow(
            entry=entry,
            changes=describe_changes(entry),
            object_label=_object_label(entry.object_type),
            note=readable(note_text(entry.note)),
            object_repr=readable(entry.object_repr),
        )
        for entry in entries
    ]
