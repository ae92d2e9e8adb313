"""Every form field and every error list is drawn by one pair of templates (templates/includes/field.html
and form_errors.html): the help text and the errors carry the ids Django names in the control's
aria-describedby, so a screen reader reads them with the control, and no app draws its own error list."""

from __future__ import annotations

import re
from pathlib import Path

from django import forms
from django.template.loader import render_to_string

SRC = Path(__file__).resolve().parents[1] / "src" / "langso"


class _Form(forms.Form):
    name = forms.CharField(label="Họ và tên", help_text="Như trên CCCD.")
    kind = forms.ChoiceField(label="Loại", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    agree = forms.BooleanField(label="Đồng ý", help_text="Bắt buộc.")

    def clean(self) -> dict[str, object]:
        raise forms.ValidationError("Có lỗi chung.")


def test_help_and_errors_are_where_each_controls_aria_describedby_points() -> None:
    html = render_to_string("includes/form_fields.html", {"form": _Form(data={})})

    ids = set(re.findall(r'\bid="([^"]+)"', html))
    described = [ref for refs in re.findall(r'aria-describedby="([^"]+)"', html) for ref in refs.split()]
    assert {"id_name_helptext", "id_name_error", "id_agree_helptext", "id_agree_error"} <= set(described)
    assert set(described) <= ids, f"aria-describedby names a missing element: {set(described) - ids}"
    # Every error list is read out when the page comes back: the form's own and each field's.
    assert html.count('<ul class="errorlist" role="alert"') == 4
    assert "Có lỗi chung." in html
    # Radio buttons are a group named by its legend, each button inside its label.
    assert re.search(
        r'<fieldset class="radios"><legend>Loại</legend><label class="check"><input type="radio"', html
    )


def test_no_template_draws_its_own_error_list() -> None:
    home = SRC / "templates" / "includes" / "form_errors.html"
    drawn = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.html")
        if path != home and ('class="errorlist"' in path.read_text() or ".errors }}" in path.read_text())
    ]
    assert drawn == [], "use includes/form_errors.html (or includes/field.html for a whole field)"
