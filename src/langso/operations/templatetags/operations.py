from __future__ import annotations

from django import template
from django.contrib.auth.models import AnonymousUser

from langso.accounts.access import Perm, has_perm
from langso.accounts.models import User
from langso.registry.models import Resident
from langso.registry.selectors import resident_scope_q

register = template.Library()


@register.simple_tag
def can_handle_data_requests(user: User | AnonymousUser, resident: Resident) -> bool:
    """Whether this user may export or erase this person's data (the role, and the person in scope)."""
    if not isinstance(user, User) or not has_perm(user, Perm.PERSONAL_DATA_REQUESTS):
        return False
    return (
        type(resident)
        .objects.filter(resident_scope_q(user, Perm.PERSONAL_DATA_REQUESTS), pk=resident.pk)
        .exists()
    )
