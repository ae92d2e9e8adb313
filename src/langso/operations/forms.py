from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.core.text import fold

CONFIRM_WORD = "XÓA"


class ErasureForm(forms.Form):
    confirm = forms.CharField(
        label=_("Gõ chữ XÓA để xác nhận"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Lý do (ví dụ: người dân yêu cầu ngày 02/12/2026, đơn số ...)"), max_length=300
    )

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"]
        # Accepted with or without the accent: "xoa" typed on a keyboard without Vietnamese input.
        if fold(value.strip()) != fold(CONFIRM_WORD):
            raise forms.ValidationError(_("Gõ đúng chữ XÓA để xác nhận."))
        return value
