"""Forms for campaigns, targets, steering committees and the weekly report. They parse input; the
rules (deadline inside the campaign, percent between 0 and 100, one target per indicator) are the
services' so every way in checks them the same."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.campaigns.models import Indicator, Split
from langso.places.models import Commune, Province
from langso.teams.forms import day_field

COMMENT_MAX = 3000


class CampaignForm(forms.Form):
    name = forms.CharField(
        label=_("Tên chiến dịch"),
        max_length=200,
        error_messages={"required": _("Cần ghi tên chiến dịch.")},
        widget=forms.TextInput(attrs={"placeholder": _("ví dụ: Cao điểm 100 ngày từ 15/7")}),
    )
    province = forms.ModelChoiceField(
        label=_("Tỉnh/thành phố"),
        queryset=Province.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Hãy chọn một tỉnh/thành phố trong danh sách.")},
    )
    starts_on = day_field(_("Ngày bắt đầu"))
    ends_on = day_field(_("Ngày kết thúc"))

    def __init__(self, *args: Any, provinces: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if provinces is None:
            del self.fields["province"]
        else:
            cast(forms.ModelChoiceField, self.fields["province"]).queryset = provinces


class TargetForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Chỉ số"),
        queryset=Indicator.objects.filter(is_active=True),
        # Radio buttons, not a drop-down: an indicator's name is longer than a phone's drop-down box,
        # and there is no "---------" to start from.
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Hãy chọn một chỉ số."),
            "invalid_choice": _("Hãy chọn một chỉ số trong danh sách."),
        },
    )
    value = forms.DecimalField(
        label=_("Chỉ tiêu"),
        help_text=_("Với chỉ số tỉ lệ: một số từ 0 đến 100 (%), ví dụ 60 hoặc 99,5."),
        max_digits=12,
        decimal_places=2,
        localize=True,
        error_messages={
            "required": _("Cần ghi chỉ tiêu."),
            "invalid": _("Chỉ tiêu phải là một số, ví dụ 60 hoặc 99,5."),
            "max_decimal_places": _("Chỉ tiêu có nhiều nhất 2 chữ số thập phân."),
            "max_digits": _("Số quá lớn."),
            "max_whole_digits": _("Số quá lớn."),
        },
    )
    deadline = day_field(_("Hạn"))
    split = forms.ChoiceField(
        label=_("Chỉ tiêu số lượng của tỉnh chia cho các xã"),
        choices=Split.choices,
        initial=Split.ADULTS,
        required=False,
        help_text=_(
            "Chỉ dùng cho chỉ số đếm số lượng (ví dụ số buổi hướng dẫn): mỗi xã được đánh giá theo phần "
            "của mình. Xã có chỉ tiêu riêng giữ chỉ tiêu đó; phần còn lại chia cho các xã khác."
        ),
    )
    commune = forms.ModelChoiceField(
        label=_("Áp dụng cho"),
        queryset=Commune.objects.none(),
        required=False,
        empty_label=_("Toàn tỉnh (chỉ tiêu chung)"),
        help_text=_("Chọn một xã/phường để đặt chỉ tiêu riêng cho xã đó."),
        error_messages={"invalid_choice": _("Hãy chọn một xã/phường trong danh sách.")},
    )

    def __init__(self, *args: Any, province_code: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["commune"]).queryset = Commune.objects.filter(
            province_id=province_code
        ).order_by("sort_key")


class CommitteeForm(forms.Form):
    established_on = day_field(_("Ngày thành lập"))
    decision = forms.CharField(
        label=_("Số quyết định"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("ví dụ: 125/QĐ-UBND")}),
    )
    chair = forms.CharField(label=_("Trưởng ban"), max_length=100, required=False)


class ReportForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến, nhận xét của ban chỉ đạo"),
        help_text=_("Được in trong báo cáo."),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("Ý kiến dài quá: nhiều nhất %(limit_value)d ký tự.")},
    )
    file_format = forms.ChoiceField(
        label=_("Định dạng"),
        choices=[("pdf", _("PDF để in")), ("xlsx", _("Excel"))],
        required=False,  # the button pressed; PDF when none (Enter in a field)
    )
