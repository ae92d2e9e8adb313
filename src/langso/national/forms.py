"""The national target form. It parses input; the rules are `targets.target_save`'s."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.campaigns.models import Indicator
from langso.national.models import NationalSplit
from langso.national.selectors import national_indicators
from langso.places.models import Province
from langso.teams.forms import day_field


class NationalTargetForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Chỉ số"),
        queryset=Indicator.objects.none(),
        widget=forms.RadioSelect,  # an indicator's name is longer than a phone's drop-down box
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
        label=_("Chỉ tiêu số lượng của cả nước chia cho các tỉnh"),
        choices=NationalSplit.choices,
        initial=NationalSplit.ADULTS,
        required=False,
        help_text=_(
            "Chỉ dùng cho chỉ số đếm số lượng: mỗi tỉnh được đánh giá theo phần của mình, tính từ số liệu "
            "tỉnh gửi lên. Tỉnh có chỉ tiêu riêng giữ chỉ tiêu đó; phần còn lại chia cho các tỉnh khác."
        ),
    )
    province = forms.ModelChoiceField(
        label=_("Áp dụng cho"),
        queryset=Province.objects.order_by("sort_key"),
        required=False,
        empty_label=_("Toàn quốc (chỉ tiêu chung)"),
        help_text=_("Chọn một tỉnh/thành phố để đặt chỉ tiêu riêng cho tỉnh đó."),
        error_messages={"invalid_choice": _("Hãy chọn một tỉnh/thành phố trong danh sách.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["indicator"]).queryset = Indicator.objects.filter(
            pk__in=[i.pk for i in national_indicators()]
        )
