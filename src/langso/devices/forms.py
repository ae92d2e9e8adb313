"""Forms: they parse and check the shape of input; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.devices.models import AllocationKind, Condition, Outcome, Programme
from langso.devices.services import PROGRAMME_FIELDS
from langso.registry.models import Poverty
from langso.teams.forms import day_field

REASON_MAX = 300


class ProgrammeForm(forms.ModelForm):
    poverty_classes = forms.MultipleChoiceField(
        label=_("Diện hộ được xét"),
        choices=[c for c in Poverty.choices if c[0] != Poverty.NONE],
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = day_field(_("Bắt đầu"))
    ends_on = day_field(_("Kết thúc"))

    class Meta:
        model = Programme
        fields = PROGRAMME_FIELDS
        widgets = {"device_models": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, provinces: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["province"]).queryset = provinces
        self.fields["province"].required = False
        cast(forms.ModelChoiceField, self.fields["province"]).empty_label = _("Toàn quốc (chỉ quản trị viên)")


class QuotaForm(forms.Form):
    commune = forms.IntegerField(label=_("Mã xã/phường"), min_value=1)
    quota = forms.IntegerField(label=_("Chỉ tiêu (suất)"), min_value=0, max_value=100_000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=REASON_MAX)


class AddCandidateForm(forms.Form):
    household_code = forms.CharField(label=_("Mã hộ"), max_length=30)
    person_name = forms.CharField(
        label=_("Họ tên người nhận (khi cấp cho từng người)"),
        max_length=100,
        required=False,
        help_text=_("Để trống: chủ hộ."),
    )
    reason = forms.CharField(label=_("Lý do bổ sung"), max_length=REASON_MAX)

    def __init__(self, *args: Any, per_adult: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not per_adult:
            del self.fields["person_name"]


class ApproveForm(forms.Form):
    decision = forms.CharField(
        label=_("Quyết định phê duyệt của UBND xã"),
        max_length=200,
        help_text=_("Số và ngày, ví dụ: Quyết định số 12/QĐ-UBND ngày 05/11/2026"),
    )


class AllocateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Hình thức"), choices=AllocationKind.choices, widget=forms.RadioSelect)
    device = forms.ChoiceField(label=_("Máy"), required=False)
    receiver = forms.ChoiceField(label=_("Người nhận"))
    handed_over_on = day_field(_("Ngày bàn giao"))
    giver_name = forms.CharField(label=_("Người giao (họ tên)"), max_length=100)
    giver_title = forms.CharField(label=_("Chức vụ người giao"), max_length=100, required=False)
    training_attended = forms.BooleanField(label=_("Người nhận đã dự tập huấn"), required=False)
    training_on = day_field(_("Ngày tập huấn"), required=False)

    def __init__(
        self,
        *args: Any,
        devices: list[tuple[str, Any]],
        receivers: list[tuple[str, str]],
        cash: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["device"]).choices = [
            ("", _("Tự chọn máy còn trong kho"))
        ] + devices
        cast(forms.ChoiceField, self.fields["receiver"]).choices = receivers
        if not cash:
            cast(forms.ChoiceField, self.fields["kind"]).choices = [
                c for c in AllocationKind.choices if c[0] == AllocationKind.DEVICE
            ]


class ScanForm(forms.Form):
    scan = forms.FileField(label=_("Ảnh chụp hoặc bản quét biên bản đã ký (JPEG, PNG, PDF; tối đa 2 MB)"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp danh sách máy (.xlsx hoặc .csv)"))


class FollowUpForm(forms.Form):
    done_on = day_field(_("Ngày kiểm tra"))
    outcome = forms.ChoiceField(label=_("Kết quả"), choices=Outcome.choices, widget=forms.RadioSelect)
    sim_active = forms.TypedChoiceField(
        label=_("SIM còn hoạt động"),
        choices=[("yes", _("Có")), ("no", _("Không")), ("", _("Không rõ"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    skills_note = forms.CharField(label=_("Kỹ năng đã đạt"), max_length=300, required=False)
    notes = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


class ReturnForm(forms.Form):
    returned_on = day_field(_("Ngày trả lại"))
    condition = forms.ChoiceField(label=_("Tình trạng máy"), choices=Condition.choices)
