from __future__ import annotations

from typing import Any

from django import template

from langso.accounts.access import Perm, has_perm, units_q

register = template.Library()


@register.simple_tag
def can_handle_data_requests(user: Any, resident: Any) -> bool:
    """Whether this user may export or erase this person's data (the role, and the person in scope)."""
    if not has_perm(user, Perm.PERSONAL_DATA_REQUESTS):
        return False
    return type(resident).objects.filter(units_q(user, Perm.PERSONAL_DATA_REQUESTS), pk=resident.pk).exists()
