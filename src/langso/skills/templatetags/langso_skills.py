from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from langso.skills.explain import next_skills, person_rules
from langso.skills.models import Level, Skill, SkillRecord
from langso.skills.selectors import resident_skills

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

    return str(Level(current.level).label) if current else gettext("Chưa ghi nhận")


def _person_rules(context: Any, resident: Any) -> Any:
    """One evaluation of the rules per page, shared by the blocks below."""
    key = ("langso_person_rules", resident.pk)
    if key not in context.render_context:
        context.render_context[key] = person_rules(resident)
    return context.render_context[key]


@register.inclusion_tag("skills/_resident_next.html", takes_context=True)
def resident_next_skills(context: Any, resident: Any, can_record: bool = False) -> dict[str, Any]:
    """What to teach this person next, with "record a skill" next to it (at the top of the page)."""
    suggestions = next_skills(resident, rules=_person_rules(context, resident))
    return {"resident": resident, "suggestions": suggestions, "can_record": can_record}


@register.inclusion_tag("skills/_resident_rules.html", takes_context=True)
def resident_rules(context: Any, resident: Any) -> dict[str, Any]:
    return {"resident": resident, "rules": _person_rules(context, resident)}


@register.inclusion_tag("skills/resident_skills.html")
def resident_skill_bars(resident: Any, can_record: bool = False) -> dict[str, Any]:
    """The person's current level in every skill of the catalogue (on the registry's person page, which
    is below skills in the layers and so leaves the reading to this tag)."""
    return {
        "resident": resident,
        "skills": resident_skills(resident=resident),
        "can_record_skill": can_record,
    }


@register.inclusion_tag("skills/_resident_history.html", takes_context=True)
def resident_skill_history(context: Any, resident: Any, can_record: bool = False) -> dict[str, Any]:
    """Every record of the person, voided ones too (struck through, with who, when and why)."""
    records = list(
        SkillRecord.with_voided.filter(resident=resident)
        .select_related("recorded_by", "voided_by")
        .order_by("-recorded_on", "-created_at")[:100]
    )
    names = dict(Skill.objects.filter(code__in={r.skill_code for r in records}).values_list("code", "name"))
    return {
        "resident": resident,
        "records": [(r, names.get(r.skill_code, r.skill_code)) for r in records],
        "can_record": can_record,
        "csrf_token": context.get("csrf_token"),
    }
