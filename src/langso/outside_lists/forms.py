from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.outside_lists.models import ListSource
from langso.places.models import Province


class UploadForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Loại danh sách"),
        choices=[
            (ListSource.PLATFORM, _("Học viên, chứng nhận của nền tảng “Bình dân học vụ số”")),
            (ListSource.POLICE, _("Danh sách kích hoạt định danh điện tử mức 2 của công an xã")),
        ],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label=_("Tệp danh sách (.xlsx hoặc .csv)"))
    province = forms.ModelChoiceField(label=_("Tỉnh/thành phố"), queryset=Province.objects.none())
    commune = forms.CharField(
        label=_("Mã xã (để trống: cả tỉnh, theo cột Xã/phường của tệp)"), required=False, max_length=6
    )

    def __init__(self, *args: Any, provinces: Any, fixed_commune: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["province"]).queryset = provinces
        if provinces.count() == 1:
            self.fields["province"].initial = provinces.first()
            self.fields["province"].widget = forms.HiddenInput()
        if fixed_commune is not None:  # a commune officer imports for their commune
            del self.fields["commune"]
