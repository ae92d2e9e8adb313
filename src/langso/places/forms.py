from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.places.models import Coverage, VillageKind


class VillageForm(forms.Form):
    name = forms.CharField(label=_("Tên thôn/bản/tổ dân phố"), max_length=100)
    kind = forms.ChoiceField(label=_("Loại"), choices=VillageKind.choices)


class CoverageForm(forms.Form):
    broadband = forms.ChoiceField(label=_("Internet cáp quang"), choices=Coverage.choices)
    mobile_4g = forms.ChoiceField(label=_("Sóng 4G"), choices=Coverage.choices)
    mobile_5g = forms.ChoiceField(label=_("Sóng 5G"), choices=Coverage.choices)
    coverage_checked_on = forms.DateField(
        label=_("Ngày kiểm tra"),
        required=False,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": _("ngày/tháng/năm"), "inputmode": "numeric"}
        ),
    )
