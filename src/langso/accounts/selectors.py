"""Reads of the accounts capability: the audit trail (scoped to the auditor's units) and 2FA devices.

An auditor of a province sees the entries about people of that province and the entries of users who
hold a role there; an auditor with no unit (the whole country) sees everything. Lists page by entry id
(newest first, "older"/"newer" links), so a trail of tens of millions of rows needs no COUNT(*).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice

from langso.accounts.access import Perm, Scope, scope_for
from langso.accounts.models import RoleAssignment, User
from langso.core.models import AuditAction, AuditEntry
from langso.core.validators import mask_cccd

AUDIT_PAGE_SIZE = 50
USER_OBJECT_TYPE = "accounts.user"


def two_factor_device(user: Any) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if they have enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


# --- Scope -----------------------------------------------------------------------------------


def _assignments_in_scope_q(scope: Scope) -> Q:
    condition = Q(pk__in=[])
    if scope.province_codes:
        codes = scope.province_codes
        condition |= (
            Q(province_id__in=codes)
            | Q(commune__province_id__in=codes)
            | Q(village__commune__province_id__in=codes)
        )
    if scope.commune_codes:
        codes = scope.commune_codes
        condition |= Q(commune_id__in=codes) | Q(village__commune_id__in=codes)
    if scope.village_ids:
        condition |= Q(village_id__in=scope.village_ids)
    return condition


def users_in_scope(scope: Scope) -> QuerySet[RoleAssignment]:
    """The ids (as `user_id`) of the users holding a role in a unit of `scope`, for a subquery."""
    return RoleAssignment.objects.filter(_assignments_in_scope_q(scope)).values("user_id")


def audit_scope_q(user: Any) -> Q:
    """The entries this user may read: about people in their units, or by/about users working there."""
    from langso.registry.models import Resident

    scope = scope_for(user, Perm.AUDIT_VIEW)
    if scope.everything:
        return Q()
    if scope.is_empty:
        return Q(pk__in=[])
    residents = Resident.objects.filter(
        scope.q(province="province_id", commune="commune_id", village="village_id")
    )
    users = users_in_scope(scope)
    user_keys = (
        RoleAssignment.objects.filter(_assignments_in_scope_q(scope))
        .annotate(key=Cast("user_id", output_field=CharField()))
        .values("key")
    )
    return (
        Q(resident_id__in=residents.values("id"))
        | Q(actor_id__in=users)
        | Q(object_type=USER_OBJECT_TYPE, object_id__in=user_keys)
    )


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    username: str = ""


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_list(*, user: Any, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    filters = filters or AuditFilters()
    qs = AuditEntry.objects.filter(audit_scope_q(user))
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.date_from:
        qs = qs.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_day_start(filters.date_to + datetime.timedelta(days=1)))
    if filters.username:
        qs = qs.filter(actor_username__iexact=filters.username.strip())
    return qs.select_related("actor")


def audit_for_resident(*, resident_id: Any) -> QuerySet[AuditEntry]:
    """Every entry about one person. The caller has already checked the person is in scope."""
    return AuditEntry.objects.filter(resident_id=resident_id).select_related("actor")


def audit_subject_get(*, user: Any, subject_id: int) -> User:
    """A user whose trail the auditor may read; the same 404 for missing and outside their units."""
    scope = scope_for(user, Perm.AUDIT_VIEW)
    users = User.objects.all()
    if not scope.everything:
        users = users.filter(pk__in=users_in_scope(scope))
    try:
        return users.get(pk=subject_id)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def audit_for_user(*, subject: User) -> QuerySet[AuditEntry]:
    """What one user did, and what was done to their account (failed sign-ins, locks, role changes)."""
    return AuditEntry.objects.filter(
        Q(actor=subject) | Q(object_type=USER_OBJECT_TYPE, object_id=str(subject.pk))
    ).select_related("actor")


# --- Paging ----------------------------------------------------------------------------------


@dataclass
class CursorPage:
    entries: list[AuditEntry]
    older: int | None = None
    newer: int | None = None


def _cursor(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() else None


def cursor_page(
    queryset: QuerySet[AuditEntry], *, before: Any = None, after: Any = None, size: int = AUDIT_PAGE_SIZE
) -> CursorPage:
    """Newest first, `size` entries, with the ids for the "older" (?before=) and "newer" (?after=) links."""
    before_id, after_id = _cursor(before), _cursor(after)
    if after_id is not None:
        rows = list(queryset.filter(id__gt=after_id).order_by("id")[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return CursorPage(
            entries=rows,
            newer=rows[0].id if rows and more_newer else None,
            older=rows[-1].id if rows else after_id + 1,
        )
    if before_id is not None:
        queryset = queryset.filter(id__lt=before_id)
    rows = list(queryset.order_by("-id")[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    return CursorPage(
        entries=rows,
        older=rows[-1].id if rows and more_older else None,
        newer=(rows[0].id if rows else before_id - 1) if before_id is not None else None,
    )


# --- Showing what changed --------------------------------------------------------------------

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
}
# Keys of the database's own bookkeeping: nothing an auditor reads.
_HIDDEN_KEYS = {"id", "name_folded", "sort_key", "content_hash"}
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
    if model_field is not None and getattr(model_field, "verbose_name", None):
        return str(model_field.verbose_name)
    if key.endswith("_id") and model is not None:
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
        model_field = _field_for(model, key)
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
