"""The home page's ways into field work: the field app for a team member, what waits for an officer."""

from __future__ import annotations

from typing import Any

from django import template

from langso.accounts.access import Perm, has_perm
from langso.teams import phone_records
from langso.teams.models import ConflictStatus, FactConflict, HeldRecord, HeldStatus

register = template.Library()


@register.inclusion_tag("field/_home_panel.html", takes_context=True)
def field_home_panel(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    panel: dict[str, Any] = {"field_app": has_perm(user, Perm.VISIT_RECORD)}
    if has_perm(user, Perm.TEAMS_MANAGE):
        panel["conflicts"] = FactConflict.objects.filter(
            phone_records.conflict_scope_q(user), status=ConflictStatus.OPEN
        ).count()
        panel["held"] = HeldRecord.objects.filter(
            phone_records.held_scope_q(user), status=HeldStatus.HELD
        ).count()
    return panel
