"""The certificates block of a person's page (included by registry/resident_detail.html), which gets its
own data here so the registry view needs no knowledge of certificates."""

from __future__ import annotations

from typing import Any

from django import template

from langso.accounts.access import Perm, has_perm, scope_for
from langso.skills.certificate_views import revoke_scope
from langso.skills.models import Certificate

register = template.Library()


def _in(scope: Any, resident: Any) -> bool:
    return (
        scope.everything
        or resident.province_id in scope.province_codes
        or resident.commune_id in scope.commune_codes
        or resident.village_id in scope.village_ids
    )


@register.inclusion_tag("skills/_resident_certificates_block.html", takes_context=True)
def resident_certificates(context: Any, resident: Any) -> dict[str, Any]:
    user = context["request"].user
    can_code = has_perm(user, Perm.REGISTRY_EDIT) and _in(scope_for(user, Perm.REGISTRY_EDIT), resident)
    return {
        "resident": resident,
        "certificates": list(Certificate.objects.filter(resident=resident).select_related("programme")),
        "can_create_code": can_code,
        "can_revoke": can_code and _in(revoke_scope(user), resident),
        "csrf_token": context.get("csrf_token"),
    }
