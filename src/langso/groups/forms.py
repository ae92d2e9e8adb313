"""Forms of the group-session and invitation pages (the rules live in services and invitations)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.groups.invitations import RULE_CHOICES
from langso.groups.models import OrganiserKind, PlaceKind, Sex
from langso.skills.models import Level

WALK_IN_ROWS = 3


class SessionForm(forms.Form):
    session_id = forms.UUIDField(widget=forms.HiddenInput)
    held_on = forms.DateField(
        label=_("Ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    place_kind = forms.ChoiceField(label=_("Nơi tổ chức"), choices=PlaceKind.choices)
    place_name = forms.CharField(label=_("Tên địa điểm"), max_length=150, required=False)
    organiser_kind = forms.ChoiceField(label=_("Đơn vị tổ chức"), choices=OrganiserKind.choices)
    organiser_name = forms.CharField(label=_("Tên đơn vị tổ chức"), max_length=150, required=False)
    notes = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args: Any, walk_in_villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(WALK_IN_ROWS):
            self.fields[f"wi{i}_name"] = forms.CharField(label=_("Tên"), max_length=100, required=False)
            self.fields[f"wi{i}_year"] = forms.IntegerField(label=_("Năm sinh"), required=False)
            self.fields[f"wi{i}_sex"] = forms.ChoiceField(
                label=_("Giới tính"), choices=Sex.choices, required=False
            )
            self.fields[f"wi{i}_village"] = forms.ChoiceField(
                label=_("Thôn/bản"), choices=[("", "—"), *walk_in_villages], required=False
            )

    def walk_in_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"wi{i}_{part}"] for part in ("name", "year", "sex", "village")]
            for i in range(WALK_IN_ROWS)
        ]


LEVEL_CHOICES = [(str(value), label) for value, label in Level.choices]


class InvitationForm(forms.Form):
    title = forms.CharField(label=_("Tên buổi"), max_length=150)
    rule = forms.ChoiceField(label=_("Mời ai"), choices=RULE_CHOICES)
    skill_code = forms.ChoiceField(label=_("Kỹ năng (khi mời theo kỹ năng)"), required=False)
    planned_on = forms.DateField(
        label=_("Ngày dự kiến"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    place = forms.CharField(label=_("Địa điểm"), max_length=150, required=False)
    guide_slug = forms.ChoiceField(label=_("Hướng dẫn gửi kèm"), required=False)

    def __init__(
        self, *args: Any, skills: list[tuple[str, str]], guides: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["skill_code"]).choices = [("", "—"), *skills]
        cast(forms.ChoiceField, self.fields["guide_slug"]).choices = [("", "—"), *guides]
