from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def skill_name(skills_by_code: dict[str, Any], code: str) -> str:
    skill = skills_by_code.get(code)
    return skill.display_name(get_language() or "vi") if skill else code


@register.simple_tag
def level_steps(current: Any) -> SafeString:
    """Four small boxes, filled up to the current level: reads at a glance on a phone."""
    level = current.level if current else 0
    return format_html_join(
        "", "{}", ((format_html('<i class="step{}"></i>', " on" if i <= level else ""),) for i in range(1, 5))
    )


@register.simple_tag
def level_label(current: Any) -> str:
    from django.utils.translation import gettext

    from langso.skills.models import Level

    return str(Level(current.level).label) if current else gettext("Chưa ghi nhận")
