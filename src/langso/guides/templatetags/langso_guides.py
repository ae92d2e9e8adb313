"""Template helpers for guides: the text in the page's language, a step's picture, guide links."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from langso.guides.illustrations import render_svg
from langso.guides.selectors import guide_codes as codes

register = template.Library()


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


@register.simple_tag
def guide_text(obj: Any, field: str) -> str:
    """`obj.<field>_en` on an English page when it is written, else the Vietnamese `obj.<field>`."""
    english = getattr(obj, f"{field}_en", "") if _language() == "en" else ""
    return english or getattr(obj, field, "")


@register.simple_tag
def choice_text(choice: Any) -> str:
    if not isinstance(choice, dict):
        return str(choice)
    return (choice.get("en") if _language() == "en" else "") or choice.get("vi", "")


@register.simple_tag
def choice_at(question: Any, index: int) -> str:
    choices = question.choices if isinstance(question.choices, list) else []
    return choice_text(choices[index]) if 0 <= index < len(choices) else ""


@register.simple_tag
def step_svg(step: Any) -> SafeString:
    """The step's picture as inline SVG, labelled with the step's text in the page's language."""
    # render_svg escapes every text it draws, so its output is safe to insert.
    return mark_safe(render_svg(step.illustration, guide_text(step, "text")))  # noqa: S308


@register.simple_tag
def guide_codes() -> set[str]:
    """Skill codes that have a guide (one query), for linking a person's skills to their guides."""
    return codes()


@register.simple_tag(takes_context=True)
def lang_url(context: dict[str, Any], language: str) -> str:
    """This page's address with ?lang= set to `language`, other parameters kept."""
    request = context["request"]
    params = request.GET.copy()
    params["lang"] = language
    return f"{request.path}?{params.urlencode()}"
