from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.core.ethnicity import EthnicGroup
from langso.core.forms import DayField
from langso.registry.models import ConsentMethod, ConsentPurpose, Poverty, Sex

DATE_PLACEHOLDER = _("ngày/tháng/năm, ví dụ 05/03/1960")


class ResidentForm(forms.Form):
    """Raw input; the service normalises and validates with the shared rules."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    household = forms.ChoiceField(label=_("Hộ gia đình"))
    birth_date = forms.CharField(
        label=_("Ngày sinh"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": DATE_PLACEHOLDER, "inputmode": "numeric"}),
    )
    birth_year = forms.CharField(
        label=_("Năm sinh (nếu không rõ ngày)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices, widget=forms.RadioSelect)
    ethnic_group = forms.ChoiceField(
        label=_("Dân tộc"), required=False, choices=[("", "—"), *EthnicGroup.choices]
    )
    cccd = forms.CharField(
        label=_("Số CCCD"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    notes = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Ví dụ: quan hệ với chủ hộ, đi làm xa. Ghi chú trong ngoặc sau họ tên cũng được chuyển vào đây."
        ),
    )
    has_disability = forms.BooleanField(label=_("Khuyết tật"), required=False)
    owns_smartphone = forms.BooleanField(label=_("Có điện thoại thông minh"), required=False)
    is_head = forms.BooleanField(label=_("Là chủ hộ"), required=False)

    def __init__(
        self, *args: Any, households: list[tuple[str, Any]], resident_id: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["household"]).choices = households
        self.resident_id = resident_id

    def clean(self) -> dict[str, Any]:
        """Check every fact with the registry's rules now, even when another field is missing, so a
        date, CCCD or phone problem shows together with an empty name, in one round."""
        from langso.registry.services import resident_input_errors

        cleaned = super().clean() or {}
        raw = {
            name: self.cleaned_data.get(name, self.data.get(self.add_prefix(name))) for name in self.fields
        }
        for name, messages in resident_input_errors(raw, exclude_id=self.resident_id).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, messages)
            elif name not in self.fields:
                self.add_error(None, messages)
        return cleaned


class HouseholdForm(forms.Form):
    code = forms.CharField(label=_("Mã hộ (số trong sổ hộ của xã)"), max_length=30)
    village = forms.ChoiceField(label=_("Thôn/bản/tổ dân phố"))
    address = forms.CharField(label=_("Địa chỉ"), max_length=200, required=False)
    poverty = forms.ChoiceField(label=_("Phân loại hộ"), choices=Poverty.choices, initial=Poverty.NONE)
    poverty_year = forms.CharField(
        label=_("Năm rà soát"), required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An empty first choice: a household saved into the first village by mistake is hard to see.
        cast(forms.ChoiceField, self.fields["village"]).choices = [("", _("— Chọn thôn/bản —")), *villages]


class ConsentForm(forms.Form):
    # Radio buttons: each purpose is a sentence, longer than a phone's drop-down box.
    purpose = forms.ChoiceField(label=_("Mục đích"), choices=ConsentPurpose.choices, widget=forms.RadioSelect)
    given = forms.TypedChoiceField(
        label=_("Người dân"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Đồng ý")), ("no", _("Không đồng ý"))],
        widget=forms.RadioSelect,
    )
    # Radio buttons: "Đồng ý bằng lời, có người chứng kiến" is wider than a phone's drop-down box.
    method = forms.ChoiceField(label=_("Hình thức"), choices=ConsentMethod.choices, widget=forms.RadioSelect)
    recorded_on = DayField(
        label=_("Ngày ghi nhận"),
    )


class ResidentFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo tên, số CCCD hoặc số điện thoại"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("ví dụ: nguyen van an")}),
    )
    village = forms.ChoiceField(label=_("Thôn/bản"), required=False)
    poverty = forms.ChoiceField(
        label=_("Phân loại hộ"), required=False, choices=[("", _("Tất cả")), *Poverty.choices]
    )
    age_group = forms.ChoiceField(
        label=_("Nhóm tuổi"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            ("under18", _("Dưới 18")),
            ("18-35", _("18–35")),
            ("36-59", _("36–59")),
            ("60plus", _("Từ 60 trở lên")),
        ],
    )
    sex = forms.ChoiceField(label=_("Giới tính"), required=False, choices=[("", _("Tất cả")), *Sex.choices])
    ethnic_group = forms.ChoiceField(
        label=_("Dân tộc"), required=False, choices=[("", _("Tất cả")), *EthnicGroup.choices]
    )

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["village"]).choices = [("", _("Tất cả")), *villages]


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo mã hộ hoặc tên chủ hộ"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    village = forms.ChoiceField(label=_("Thôn/bản"), required=False)
    poverty = forms.ChoiceField(
        label=_("Phân loại hộ"), required=False, choices=[("", _("Tất cả")), *Poverty.choices]
    )

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["village"]).choices = [("", _("Tất cả")), *villages]
