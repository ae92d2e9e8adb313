"""Forms of the team pages. They parse raw input; the services hold the business rules."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langso.core.forms import DayField
from langso.core.text import fold
from langso.skills.models import Level
from langso.teams.models import (
    Affiliation,
    HelpDeskOutcome,
    MemberRole,
    Operator,
    Service,
    SignalStatus,
    Technology,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE_PLACEHOLDER = _("ngày/tháng/năm, ví dụ 05/03/2026")


def day_field(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateField:
    """A dd/mm/yyyy date, read by the shared parser (core.dates), with a Vietnamese message."""
    return DayField(
        label=label,
        required=required,
        error_messages={"required": _("Cần ghi ngày.")},
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"placeholder": DATE_PLACEHOLDER, "inputmode": "numeric", "autocomplete": "off"},
        ),
        **kwargs,
    )


def record_id_field() -> forms.UUIDField:
    """The record's own UUID, made when the form is first shown: a double submit stores it once."""
    return forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Biểu mẫu đã hết hạn; hãy mở lại trang và ghi lại."),
            "invalid": _("Biểu mẫu đã hết hạn; hãy mở lại trang và ghi lại."),
        },
    )


# --- Teams and members --------------------------------------------------------------------------


class TeamForm(forms.Form):
    name = forms.CharField(
        label=_("Tên tổ"), max_length=120, error_messages={"required": _("Hãy ghi tên tổ.")}
    )
    village = forms.ChoiceField(
        label=_("Thôn/bản/tổ dân phố"), error_messages={"invalid_choice": _("Hãy chọn thôn/bản.")}
    )
    established_on = day_field(_("Ngày thành lập"), required=False)
    is_active = forms.BooleanField(label=_("Tổ đang hoạt động"), required=False, initial=True)

    def __init__(
        self, *args: Any, villages: list[tuple[str, str]] | None = None, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # A team stays in its village; only its name, date and activity change.
            del self.fields["village"]
        else:
            del self.fields["is_active"]
            cast(forms.ChoiceField, self.fields["village"]).choices = [("", "—"), *(villages or [])]

    def clean_established_on(self) -> Any:
        value = self.cleaned_data.get("established_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Ngày thành lập không được sau hôm nay."))
        return value


class MemberForm(forms.Form):
    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=100, error_messages={"required": _("Hãy ghi họ và tên.")}
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    role = forms.ChoiceField(
        label=_("Vai trò trong tổ"), choices=MemberRole.choices, initial=MemberRole.MEMBER
    )
    affiliation = forms.ChoiceField(label=_("Đơn vị"), choices=Affiliation.choices, initial=Affiliation.OTHER)
    username = forms.CharField(
        label=_("Tên đăng nhập (nếu người này có tài khoản)"),
        max_length=150,
        required=False,
        help_text=_("Để trống nếu thành viên không dùng tài khoản; tổ trưởng ghi hộ các buổi hướng dẫn."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )


class UUIDListField(forms.Field):
    """The ticked boxes of a long, paginated list: ids checked by the view against what may be chosen."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[uuid.UUID]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        try:
            return [uuid.UUID(str(v)) for v in values]
        except ValueError:
            raise forms.ValidationError(_("Danh sách hộ đã chọn không hợp lệ.")) from None


class AssignForm(forms.Form):
    member = forms.ChoiceField(label=_("Giao cho thành viên"), required=False)
    households = UUIDListField(label=_("Hộ"), error_messages={"required": _("Hãy đánh dấu ít nhất một hộ.")})
    action = forms.ChoiceField(choices=[("assign", "assign"), ("unassign", "unassign")])

    def __init__(self, *args: Any, members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["member"]).choices = [("", "—"), *members]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "assign" and not data.get("member"):
            self.add_error("member", _("Hãy chọn thành viên nhận các hộ này."))
        return data


# --- Worklist -----------------------------------------------------------------------------------


class WorklistFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo mã hộ, tên hoặc địa chỉ"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    reason = forms.ChoiceField(label=_("Lý do"), required=False)
    village = forms.ChoiceField(label=_("Thôn/bản"), required=False)

    def __init__(
        self, *args: Any, reasons: list[tuple[str, str]], villages: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["reason"]).choices = [("", _("Tất cả")), *reasons]
        cast(forms.ChoiceField, self.fields["village"]).choices = [("", _("Tất cả")), *villages]


# --- Home visit ---------------------------------------------------------------------------------

# Phrases that come before a secret someone might be tempted to note down ("mã OTP 123456").
_SECRET_NEAR = re.compile(r"(mat khau|password|otp|pin)\W{0,3}(la\W{0,3})?\d{4,}")

PROBLEMS = ("no_signal", "broken_phone", "no_phone", "scam")


class VisitForm(forms.Form):
    """One home visit. Rows of "person, skill, level" and "person, service" keep it short on a phone."""

    visit_id = record_id_field()
    visited_on = day_field(_("Ngày đến"))
    present = forms.MultipleChoiceField(
        label=_("Người có mặt"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Có người không thuộc hộ này.")},
    )
    no_signal = forms.BooleanField(label=_("Không có sóng/mạng yếu"), required=False)
    broken_phone = forms.BooleanField(label=_("Điện thoại hỏng"), required=False)
    no_phone = forms.BooleanField(label=_("Không có điện thoại thông minh"), required=False)
    scam = forms.BooleanField(label=_("Gia đình bị lừa đảo qua mạng"), required=False)
    notes = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Ghi chú quá dài (tối đa 2.000 ký tự).")},
    )
    follow_up_on = day_field(_("Hẹn lần sau"), required=False)

    def __init__(
        self,
        *args: Any,
        people: list[tuple[str, str]],
        skills: list[tuple[str, str]],
        skill_rows: int = 4,
        service_rows: int = 3,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.skill_rows = skill_rows
        self.service_rows = service_rows
        cast(forms.ChoiceField, self.fields["present"]).choices = people
        person_choices = [("", "—"), *people]
        for i in range(skill_rows):
            self.fields[f"skill_person_{i}"] = forms.ChoiceField(
                label=_("Người"), required=False, choices=person_choices
            )
            # A list that opens under the row (teams/picker.js): a drop-down box would cut "Nhắn tin và
            # nhận thông báo trong nhóm Zalo/Facebook" at 360 px.
            self.fields[f"skill_code_{i}"] = forms.ChoiceField(
                label=_("Kỹ năng"),
                required=False,
                choices=[("", _("Không ghi kỹ năng ở dòng này")), *skills],
                widget=forms.RadioSelect,
            )
            self.fields[f"skill_level_{i}"] = forms.ChoiceField(
                label=_("Mức đạt được"), required=False, choices=[("", "—"), *Level.choices]
            )
        for i in range(service_rows):
            self.fields[f"service_person_{i}"] = forms.ChoiceField(
                label=_("Cho ai"), required=False, choices=[("", _("Cả hộ")), *people]
            )
            self.fields[f"service_{i}"] = forms.ChoiceField(
                label=_("Việc đã làm"), required=False, choices=[("", "—"), *Service.choices]
            )

    def skill_row_fields(self) -> list[tuple[Any, Any, Any, str]]:
        """Each row's person, skill and level, and the name of the skill chosen (the list's summary)."""
        names = dict(self.fields["skill_code_0"].choices) if self.skill_rows else {}  # type: ignore[attr-defined]  # a ChoiceField
        rows = []
        for i in range(self.skill_rows):
            skill = self[f"skill_code_{i}"]
            chosen = str(names.get(skill.value(), "")) if skill.value() else ""
            rows.append((self[f"skill_person_{i}"], skill, self[f"skill_level_{i}"], chosen))
        return rows

    def service_row_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"service_person_{i}"], self[f"service_{i}"]) for i in range(self.service_rows)]

    def problem_fields(self) -> list[Any]:
        return [self[name] for name in PROBLEMS]

    def clean_notes(self) -> str:
        notes = self.cleaned_data.get("notes", "")
        if _SECRET_NEAR.search(fold(notes)):
            raise forms.ValidationError(
                _("Ghi chú có vẻ chứa mật khẩu hoặc mã OTP/PIN của người dân: hãy xóa đi.")
            )
        return notes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        skills: list[tuple[uuid.UUID, str, int]] = []
        seen: set[tuple[str, str]] = set()
        for i in range(self.skill_rows):
            person, code, level = (data.get(f"skill_{part}_{i}") for part in ("person", "code", "level"))
            if not (person or code or level):
                continue
            if not (person and code and level):
                self.add_error(f"skill_person_{i}", _("Hãy chọn đủ người, kỹ năng và mức đạt được."))
                continue
            if (person, code) in seen:
                self.add_error(f"skill_code_{i}", _("Mỗi người chỉ ghi một mức cho mỗi kỹ năng."))
                continue
            seen.add((person, code))
            skills.append((uuid.UUID(person), code, int(level)))
        services: list[tuple[str, uuid.UUID | None]] = []
        for i in range(self.service_rows):
            person, service = data.get(f"service_person_{i}"), data.get(f"service_{i}")
            if not service:
                if person:
                    self.add_error(f"service_{i}", _("Hãy chọn việc đã làm."))
                continue
            item = (service, uuid.UUID(person) if person else None)
            if item not in services:
                services.append(item)
        follow_up, visited = data.get("follow_up_on"), data.get("visited_on")
        if follow_up and visited and follow_up < visited:
            self.add_error("follow_up_on", _("Ngày hẹn lần sau phải từ ngày đến thăm trở đi."))
        # Whoever was taught a skill was there, ticked or not.
        present = {uuid.UUID(p) for p in data.get("present", [])} | {s[0] for s in skills}
        data["present_ids"] = tuple(sorted(present, key=str))
        data["skills_taught"] = tuple(skills)
        data["services_done"] = tuple(services)
        return data


# --- Help desk ----------------------------------------------------------------------------------


class HelpDeskForm(forms.Form):
    session_id = record_id_field()
    resident = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("Không tìm thấy người này trong xã/phường.")},
    )
    walk_in_name = forms.CharField(
        label=_("Hoặc tên người đến (không có trong sổ)"), max_length=100, required=False
    )
    walk_in_birth_year = forms.IntegerField(
        label=_("Năm sinh"),
        required=False,
        min_value=1900,
        max_value=2100,
        error_messages={
            "invalid": _("Năm sinh không hợp lệ."),
            "min_value": _("Năm sinh không hợp lệ."),
            "max_value": _("Năm sinh không hợp lệ."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    # Radio buttons: "Kích hoạt định danh điện tử mức 2" is cut in a phone's drop-down box.
    procedure = forms.ChoiceField(
        label=_("Thủ tục"),
        choices=Service.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn thủ tục.")},
    )
    outcome = forms.ChoiceField(
        label=_("Kết quả"),
        choices=HelpDeskOutcome.choices,
        initial=HelpDeskOutcome.DONE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn kết quả.")},
    )
    minutes = forms.IntegerField(
        label=_("Số phút"),
        initial=15,
        min_value=1,
        max_value=480,
        error_messages={
            "required": _("Hãy ghi số phút."),
            "invalid": _("Số phút phải từ 1 đến 480."),
            "min_value": _("Số phút phải từ 1 đến 480."),
            "max_value": _("Số phút phải từ 1 đến 480."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    helped_on = day_field(_("Ngày"))
    notes = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("resident") and not (data.get("walk_in_name") or "").strip():
            self.add_error("walk_in_name", _("Chọn người trong sổ hoặc ghi tên người đến."))
        return data


# --- Weak-signal reports ------------------------------------------------------------------------


def _coordinate(value: str, label: str) -> Decimal | None:
    text = (value or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(
            _("%(label)s phải là một số, ví dụ 21,58512.") % {"label": label}
        ) from None
    if not number.is_finite():
        raise forms.ValidationError(_("%(label)s phải là một số, ví dụ 21,58512.") % {"label": label})
    return number.quantize(Decimal("0.00001"))


class SignalReportForm(forms.Form):
    report_id = record_id_field()
    village = forms.ChoiceField(
        label=_("Thôn/bản/tổ dân phố"), error_messages={"invalid_choice": _("Hãy chọn thôn/bản.")}
    )
    description = forms.CharField(
        label=_("Mô tả vị trí"),
        max_length=300,
        help_text=_("Ví dụ: cuối xóm, gần nhà văn hóa; khe suối phía bắc."),
        error_messages={"required": _("Hãy mô tả vị trí (ví dụ: cuối xóm, gần nhà văn hóa).")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    operator = forms.ChoiceField(
        label=_("Nhà mạng"),
        choices=[("", "—"), *Operator.choices],
        error_messages={"required": _("Hãy chọn nhà mạng.")},
    )
    technology = forms.ChoiceField(
        label=_("Công nghệ"),
        choices=[("", "—"), *Technology.choices],
        error_messages={"required": _("Hãy chọn công nghệ.")},
    )
    households_affected = forms.IntegerField(
        label=_("Số hộ bị ảnh hưởng"),
        initial=0,
        min_value=0,
        max_value=10000,
        error_messages={
            "required": _("Hãy ghi số hộ bị ảnh hưởng (0 nếu không rõ)."),
            "invalid": _("Số hộ bị ảnh hưởng không hợp lệ."),
            "min_value": _("Số hộ bị ảnh hưởng không hợp lệ."),
            "max_value": _("Số hộ bị ảnh hưởng không hợp lệ."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reported_on = day_field(_("Ngày báo"))
    latitude = forms.CharField(
        label=_("Vĩ độ GPS (nếu có)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "21,58512"}),
    )
    longitude = forms.CharField(
        label=_("Kinh độ GPS (nếu có)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "105,83916"}),
    )

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["village"]).choices = [("", "—"), *villages]

    def clean_latitude(self) -> Decimal | None:
        return _coordinate(self.cleaned_data.get("latitude", ""), str(_("Vĩ độ")))

    def clean_longitude(self) -> Decimal | None:
        return _coordinate(self.cleaned_data.get("longitude", ""), str(_("Kinh độ")))


class SignalFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *SignalStatus.choices]
    )
    overdue = forms.BooleanField(label=_("Chỉ báo cáo quá hạn (phản hồi hoặc khắc phục)"), required=False)


class SignalMoveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Chuyển sang"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Hãy chọn trạng thái mới."),
            "invalid_choice": _("Không thể chuyển sang trạng thái này."),
        },
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        max_length=300,
        required=False,
        help_text=_("Bắt buộc khi không xác nhận: ghi lý do."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, moves: list[tuple[str, StrOrPromise]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = moves
