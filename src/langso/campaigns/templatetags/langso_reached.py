"""The "how this person was reached" block of a person's page (included by registry/resident_detail.html)."""

from __future__ import annotations

from typing import Any

from django import template

from langso.campaigns.reached import person_reached

register = template.Library()


@register.inclusion_tag("campaigns/_resident_reached.html")
def resident_reached(resident: Any) -> dict[str, Any]:
    return {"ways": person_reached(resident)}
