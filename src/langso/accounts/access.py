"""Who may do what, and where. The single statement of permissions lives in ROLE_PERMISSIONS.

A user's scope for a permission is the set of units where they hold a role granting it; a role at a
unit covers the units below it. Every selector filters by that scope, and every object lookup goes
through `get_in_scope_or_404`, which gives the same 404 for "missing" and "not yours".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

from langso.accounts.models import Role

M = TypeVar("M", bound=models.Model)


class Perm:
    PLACES_VIEW = "places.view"
    VILLAGE_EDIT = "places.village_edit"
    COVERAGE_EDIT = "places.coverage_edit"
    REGISTRY_VIEW = "registry.view"
    REGISTRY_EDIT = "registry.edit"
    REGISTRY_IMPORT = "registry.import"
    REGISTRY_EXPORT = "registry.export"
    REVEAL_CCCD = "registry.reveal_cccd"
    SENSITIVE_VIEW = "registry.sensitive_view"
    AUDIT_VIEW = "audit.view"
    CATALOGUE_EDIT = "skills.catalogue_edit"
    TEAMS_VIEW = "teams.view"
    TEAMS_MANAGE = "teams.manage"
    VISIT_RECORD = "teams.visit_record"
    HELPDESK_RECORD = "teams.helpdesk_record"
    SIGNAL_VIEW = "teams.signal_view"
    SIGNAL_REPORT = "teams.signal_report"
    SIGNAL_HANDLE = "teams.signal_handle"
    ADMIN_SITE = "admin.site"
    # Smartphone programmes (langso.devices).
    PROGRAMME_VIEW = "devices.programme_view"
    PROGRAMME_MANAGE = "devices.programme_manage"
    CANDIDATES_EDIT = "devices.candidates_edit"
    CANDIDATES_APPROVE = "devices.candidates_approve"
    DEVICES_INVENTORY = "devices.inventory"
    DEVICES_ALLOCATE = "devices.allocate"
    FOLLOWUP_RECORD = "devices.followup_record"
    # Campaigns, targets and dashboards (langso.campaigns).
    CAMPAIGNS_VIEW = "campaigns.view"
    CAMPAIGNS_MANAGE = "campaigns.manage"
    COMMITTEE_EDIT = "campaigns.committee_edit"
    # A person's request to get a copy of their data or to have it erased (langso.operations).
    PERSONAL_DATA_REQUESTS = "registry.personal_data_requests"


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.PROVINCE_STAFF: frozenset(
        {
            Perm.PLACES_VIEW,
            Perm.REGISTRY_VIEW,
            Perm.REGISTRY_EXPORT,
            Perm.SENSITIVE_VIEW,
            Perm.CATALOGUE_EDIT,
            Perm.TEAMS_VIEW,
            Perm.SIGNAL_VIEW,
            Perm.PROGRAMME_VIEW,
            Perm.PROGRAMME_MANAGE,
            Perm.DEVICES_INVENTORY,
            Perm.CAMPAIGNS_VIEW,
            Perm.CAMPAIGNS_MANAGE,
        }
    ),
    Role.COMMUNE_OFFICER: frozenset(
        {
            Perm.PLACES_VIEW,
            Perm.VILLAGE_EDIT,
            Perm.COVERAGE_EDIT,
            Perm.REGISTRY_VIEW,
            Perm.REGISTRY_EDIT,
            Perm.REGISTRY_IMPORT,
            Perm.REGISTRY_EXPORT,
            Perm.REVEAL_CCCD,
            Perm.SENSITIVE_VIEW,
            Perm.TEAMS_VIEW,
            Perm.TEAMS_MANAGE,
            Perm.VISIT_RECORD,
            Perm.HELPDESK_RECORD,
            Perm.SIGNAL_VIEW,
            Perm.SIGNAL_REPORT,
            Perm.PROGRAMME_VIEW,
            Perm.CANDIDATES_EDIT,
            Perm.CANDIDATES_APPROVE,
            Perm.DEVICES_INVENTORY,
            Perm.DEVICES_ALLOCATE,
            Perm.FOLLOWUP_RECORD,
            Perm.CAMPAIGNS_VIEW,
            Perm.COMMITTEE_EDIT,
            Perm.PERSONAL_DATA_REQUESTS,
        }
    ),
    Role.TEAM_LEADER: frozenset(
        {
            Perm.PLACES_VIEW,
            Perm.REGISTRY_VIEW,
            Perm.REGISTRY_EDIT,
            Perm.TEAMS_VIEW,
            Perm.VISIT_RECORD,
            Perm.HELPDESK_RECORD,
            Perm.SIGNAL_VIEW,
            Perm.SIGNAL_REPORT,
            Perm.PROGRAMME_VIEW,
            Perm.FOLLOWUP_RECORD,
            Perm.CAMPAIGNS_VIEW,
        }
    ),
    Role.TEAM_MEMBER: frozenset(
        {
            Perm.PLACES_VIEW,
            Perm.REGISTRY_VIEW,
            Perm.TEAMS_VIEW,
            Perm.VISIT_RECORD,
            Perm.HELPDESK_RECORD,
            Perm.SIGNAL_VIEW,
            Perm.SIGNAL_REPORT,
            Perm.PROGRAMME_VIEW,
            Perm.FOLLOWUP_RECORD,
        }
    ),
    # Telecom partners see and handle only their own operator's reports (see teams.selectors).
    Role.TELECOM_PARTNER: frozenset(
        {Perm.PLACES_VIEW, Perm.COVERAGE_EDIT, Perm.SIGNAL_VIEW, Perm.SIGNAL_HANDLE}
    ),
    Role.AUDITOR: frozenset(
        {
            Perm.PLACES_VIEW,
            Perm.REGISTRY_VIEW,
            Perm.AUDIT_VIEW,
            Perm.SENSITIVE_VIEW,
            Perm.TEAMS_VIEW,
            Perm.SIGNAL_VIEW,
            Perm.PROGRAMME_VIEW,
            Perm.CAMPAIGNS_VIEW,
        }
    ),
    Role.ADMINISTRATOR: frozenset(
        {
            Perm.PLACES_VIEW,
            Perm.VILLAGE_EDIT,
            Perm.COVERAGE_EDIT,
            Perm.REGISTRY_VIEW,
            Perm.REGISTRY_EDIT,
            Perm.REGISTRY_IMPORT,
            Perm.REGISTRY_EXPORT,
            Perm.REVEAL_CCCD,
            Perm.SENSITIVE_VIEW,
            Perm.AUDIT_VIEW,
            Perm.ADMIN_SITE,
            Perm.CATALOGUE_EDIT,
            Perm.TEAMS_VIEW,
            Perm.TEAMS_MANAGE,
            Perm.VISIT_RECORD,
            Perm.HELPDESK_RECORD,
            Perm.SIGNAL_VIEW,
            Perm.SIGNAL_REPORT,
            Perm.SIGNAL_HANDLE,
            Perm.PROGRAMME_VIEW,
            Perm.PROGRAMME_MANAGE,
            Perm.CANDIDATES_EDIT,
            Perm.CANDIDATES_APPROVE,
            Perm.DEVICES_INVENTORY,
            Perm.DEVICES_ALLOCATE,
            Perm.FOLLOWUP_RECORD,
            Perm.CAMPAIGNS_VIEW,
            Perm.CAMPAIGNS_MANAGE,
            Perm.COMMITTEE_EDIT,
            Perm.PERSONAL_DATA_REQUESTS,
        }
    ),
}

# Roles whose sign-in needs a second factor (TOTP).
TWO_FACTOR_ROLES = frozenset({Role.PROVINCE_STAFF, Role.ADMINISTRATOR})


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    province_codes: frozenset[int] = field(default_factory=frozenset)
    commune_codes: frozenset[int] = field(default_factory=frozenset)
    village_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.province_codes or self.commune_codes or self.village_ids)

    def q(self, *, province: str | None, commune: str | None, village: str | None) -> Q:
        """A filter for a model whose units are reached through the given field paths."""
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        if province and self.province_codes:
            condition |= Q(**{f"{province}__in": self.province_codes})
        if commune and self.commune_codes:
            condition |= Q(**{f"{commune}__in": self.commune_codes})
        if village and self.village_ids:
            condition |= Q(**{f"{village}__in": self.village_ids})
        return condition


def _assignments(user: Any) -> list[Any]:
    cached = getattr(user, "_langso_assignments", None)
    if cached is None:
        cached = list(user.role_assignments.all()) if user.is_authenticated and user.is_active else []
        user._langso_assignments = cached
    return cached


def user_roles(user: Any) -> set[str]:
    return {assignment.role for assignment in _assignments(user)}


def has_perm(user: Any, perm: str) -> bool:
    return any(perm in ROLE_PERMISSIONS.get(a.role, frozenset()) for a in _assignments(user))


def scope_for(user: Any, perm: str) -> Scope:
    provinces: set[int] = set()
    communes: set[int] = set()
    villages: set[uuid.UUID] = set()
    for assignment in _assignments(user):
        if perm not in ROLE_PERMISSIONS.get(assignment.role, frozenset()):
            continue
        if assignment.village_id:
            villages.add(assignment.village_id)
        elif assignment.commune_id:
            communes.add(assignment.commune_id)
        elif assignment.province_id:
            provinces.add(assignment.province_id)
        else:
            return Scope(everything=True)
    return Scope(
        province_codes=frozenset(provinces),
        commune_codes=frozenset(communes),
        village_ids=frozenset(villages),
    )


def requires_two_factor(user: Any) -> bool:
    return bool(user_roles(user) & TWO_FACTOR_ROLES)


def get_in_scope_or_404(queryset: models.QuerySet[M], scope_q: Q, **lookup: Any) -> M:
    """Fetch one object inside the user's scope; the same 404 for missing and out of scope."""
    try:
        return queryset.filter(scope_q).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    except Exception as exc:  # invalid UUID text raises ValidationError
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise Http404 from exc
        raise
