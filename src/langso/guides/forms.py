"""Forms for the check (answers) and for staff editing a guide (guide, steps, questions)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from langso.guides.illustrations import validate_spec
from langso.guides.rules import MAX_CHOICES, MAX_QUESTIONS, MAX_STEPS
from langso.guides.services import QuestionInput, StepInput


class GuideForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề (tiếng Việt)"), max_length=160)
    title_en = forms.CharField(label=_("Tiêu đề (tiếng Anh)"), max_length=160, required=False)
    summary = forms.CharField(label=_("Tóm tắt (tiếng Việt)"), max_length=300, required=False)
    summary_en = forms.CharField(label=_("Tóm tắt (tiếng Anh)"), max_length=300, required=False)
    pass_mark = forms.IntegerField(
        label=_("Số câu đúng để đạt"),
        min_value=0,
        max_value=MAX_QUESTIONS,
        initial=0,
        help_text=_("0 nghĩa là đúng tất cả trừ một câu (ít nhất 2 câu)."),
    )


class OptionalJSONField(forms.JSONField):
    """A JSON box that shows nothing, rather than the word "null", when there is no value."""

    def prepare_value(self, value: Any) -> Any:
        return "" if value is None else super().prepare_value(value)


class StepForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung (tiếng Việt)"),
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    text_en = forms.CharField(
        label=_("Nội dung (tiếng Anh)"),
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    illustration = OptionalJSONField(
        label=_("Hình minh họa (mô tả JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}),
        error_messages={"invalid": _("Mô tả hình phải là JSON hợp lệ.")},
        help_text=_("Để trống nếu bước này không cần hình."),
    )

    def clean_illustration(self) -> dict[str, Any]:
        return validate_spec(self.cleaned_data.get("illustration"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("text") or "").strip() and (
            (data.get("text_en") or "").strip() or data.get("illustration")
        ):
            self.add_error("text", _("Bước có hình hoặc tiếng Anh thì cần nội dung tiếng Việt."))
        return data

    def to_input(self) -> StepInput | None:
        data = self.cleaned_data
        if not (data.get("text") or "").strip():
            return None
        return StepInput(data["text"], data.get("text_en") or "", data.get("illustration") or {})


class QuestionForm(forms.Form):
    prompt = forms.CharField(label=_("Câu hỏi (tiếng Việt)"), max_length=300, required=False)
    prompt_en = forms.CharField(label=_("Câu hỏi (tiếng Anh)"), max_length=300, required=False)
    correct = forms.TypedChoiceField(
        label=_("Đáp án đúng"),
        choices=[(str(i), str(i + 1)) for i in range(MAX_CHOICES)],
        coerce=int,
        initial="0",
    )
    explanation = forms.CharField(label=_("Giải thích (tiếng Việt)"), max_length=300, required=False)
    explanation_en = forms.CharField(label=_("Giải thích (tiếng Anh)"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(MAX_CHOICES):
            self.fields[f"choice_{i}"] = forms.CharField(
                label=_("Lựa chọn %(n)s (tiếng Việt)") % {"n": i + 1}, max_length=200, required=False
            )
            self.fields[f"choice_{i}_en"] = forms.CharField(
                label=_("Lựa chọn %(n)s (tiếng Anh)") % {"n": i + 1}, max_length=200, required=False
            )

    def choice_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"choice_{i}"], self[f"choice_{i}_en"]) for i in range(MAX_CHOICES)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("prompt") or "").strip():
            return data
        filled = [i for i in range(MAX_CHOICES) if (data.get(f"choice_{i}") or "").strip()]
        if filled != list(range(len(filled))):
            self.add_error(None, _("Nhập các lựa chọn theo thứ tự, không bỏ trống ở giữa."))
        elif len(filled) < 2:
            self.add_error(None, _("Câu hỏi cần ít nhất 2 lựa chọn."))
        elif data.get("correct") is not None and data["correct"] >= len(filled):
            self.add_error("correct", _("Đáp án đúng phải là một lựa chọn đã nhập."))
        return data

    def to_input(self) -> QuestionInput | None:
        data = self.cleaned_data
        if not (data.get("prompt") or "").strip():
            return None
        choices = [
            {"vi": data.get(f"choice_{i}") or "", "en": data.get(f"choice_{i}_en") or ""}
            for i in range(MAX_CHOICES)
            if (data.get(f"choice_{i}") or "").strip()
        ]
        return QuestionInput(
            prompt=data["prompt"],
            prompt_en=data.get("prompt_en") or "",
            choices=choices,
            correct=data["correct"],
            explanation=data.get("explanation") or "",
            explanation_en=data.get("explanation_en") or "",
        )


StepFormSet = formset_factory(StepForm, extra=0, max_num=MAX_STEPS, absolute_max=MAX_STEPS, validate_max=True)
QuestionFormSet = formset_factory(
    QuestionForm, extra=0, max_num=MAX_QUESTIONS, absolute_max=MAX_QUESTIONS, validate_max=True
)


def step_initial(guide: Any) -> list[dict[str, Any]]:
    """The guide's steps, then blank rows for new ones (at least 6 rows, or 2 blank, at most 10)."""
    rows: list[dict[str, Any]] = (
        [
            {"text": s.text, "text_en": s.text_en, "illustration": s.illustration or None}
            for s in guide.steps.all()
        ]
        if guide
        else []
    )
    total = min(MAX_STEPS, max(6, len(rows) + 2))
    return rows + [{} for _blank in range(total - len(rows))]


def question_initial(guide: Any) -> list[dict[str, Any]]:
    rows = []
    for q in guide.questions.all() if guide else []:
        row: dict[str, Any] = {
            "prompt": q.prompt,
            "prompt_en": q.prompt_en,
            "correct": str(q.correct),
            "explanation": q.explanation,
            "explanation_en": q.explanation_en,
        }
        for i, choice in enumerate(q.choices[:MAX_CHOICES] if isinstance(q.choices, list) else []):
            row[f"choice_{i}"] = choice.get("vi", "")
            row[f"choice_{i}_en"] = choice.get("en", "")
        rows.append(row)
    return rows + [{} for _blank in range(MAX_QUESTIONS - len(rows))]
