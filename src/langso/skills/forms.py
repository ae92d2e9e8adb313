from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.core.forms import DayField
from langso.skills.models import BasicSkill, Evidence, Level, SkillArea, VnDomain


class SkillRecordForm(forms.Form):
    # Radio buttons grouped by area: a skill's name is longer than a phone's drop-down box.
    skill_code = forms.ChoiceField(
        label=_("Kỹ năng"), widget=forms.RadioSelect, error_messages={"required": _("Hãy chọn một kỹ năng.")}
    )
    level = forms.TypedChoiceField(
        label=_("Mức độ đạt được"), choices=Level.choices, coerce=int, widget=forms.RadioSelect
    )
    evidence = forms.ChoiceField(label=_("Minh chứng"), choices=Evidence.choices, initial=Evidence.OBSERVED)
    recorded_on = DayField(
        label=_("Ngày"),
    )

    def __init__(self, *args: Any, skills: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["skill_code"]).choices = skills
        self.fields["skill_code"].grouped = True  # type: ignore[attr-defined]  # includes/form_fields.html


class SkillEditForm(forms.Form):
    code = forms.SlugField(
        label=_("Mã kỹ năng (không dấu, ví dụ qr_payment)"),
        max_length=50,
        # data-raw: a code on purpose (tests/browser/test_every_page_every_role.py reads it as such).
        widget=forms.TextInput(attrs={"data-raw": "", "spellcheck": "false", "autocapitalize": "none"}),
    )
    area = forms.ChoiceField(label=_("Nhóm"), choices=SkillArea.choices)
    name = forms.CharField(label=_("Tên (tiếng Việt)"), max_length=120)
    name_en = forms.CharField(label=_("Tên (tiếng Anh)"), max_length=120)
    description = forms.CharField(
        label=_("Mô tả (tiếng Việt)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Mô tả (tiếng Anh)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    digcomp = forms.RegexField(
        label=_("Năng lực DigComp 2.2 (ví dụ 2.1)"),
        regex=r"^[1-5]\.[1-6]$",
        error_messages={"invalid": _("Ghi số năng lực DigComp dạng 2.1 (nhóm 1–5, mục 1–6).")},
    )
    vn_domain = forms.TypedChoiceField(
        label=_("Miền năng lực số (TT 02/2025)"),
        choices=VnDomain.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    basic_skill = forms.ChoiceField(
        label=_("Thuộc 5 kỹ năng cơ bản"), required=False, choices=[("", "—"), *BasicSkill.choices]
    )
    position = forms.IntegerField(label=_("Thứ tự"), min_value=0, max_value=999)
