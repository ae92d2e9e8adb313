"""Small reads the team pages need beyond `selectors`: always scoped to the user's units.

Kept apart from `selectors.py` (shared with the sync API) so the web pages can grow without touching
what the phones depend on.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from langso.accounts.access import Perm, get_in_scope_or_404, scope_for
from langso.accounts.models import RoleAssignment, User
from langso.core.text import fold
from langso.places.models import Commune
from langso.registry.models import Household, Resident
from langso.teams.models import HelpDeskSession, Service, Team, TeamMember, Visit
from langso.teams.selectors import units_q


def team_member_get(*, user: User, member_id: Any, perm: str = Perm.TEAMS_MANAGE) -> TeamMember:
    """A member of a team inside the user's units (same 404 for missing and outside)."""
    scope = scope_for(user, perm)
    return get_in_scope_or_404(
        TeamMember.objects.select_related("team", "team__village", "user"),
        scope.q(province="team__province_id", commune="team__commune_id", village="team__village_id"),
        pk=member_id,
    )


def team_members(team: Team) -> QuerySet[TeamMember]:
    return (
        TeamMember.objects.filter(team=team)
        .select_related("user")
        .annotate(assigned=Count("assignments"))
        .order_by("-is_active", "role", "full_name")
    )


def team_households(team: Team, *, q: str = "") -> QuerySet[Household]:
    """The households of the team's village with whoever looks after each, for the assignment list."""
    households = Household.objects.filter(village_id=team.village_id).select_related(
        "head", "assignment__member"
    )
    text = q.strip()[:100]
    if text:
        households = households.filter(Q(code__icontains=text) | Q(head__name_folded__contains=fold(text)))
    return households.order_by("code", "id")


def account_for_team(team: Team, username: str) -> User | None:
    """An active account holding a role at the team's village or commune, found by its user name.

    Only accounts of the team's own units can be linked, so the form cannot be used to probe for
    accounts elsewhere."""
    name = username.strip()
    if not name:
        return None
    holders = RoleAssignment.objects.filter(
        Q(village_id=team.village_id) | Q(commune_id=team.commune_id)
    ).values("user_id")
    return User.objects.filter(username__iexact=name, is_active=True, pk__in=holders).first()


def household_for(*, user: User, household_id: Any, perm: str) -> Household:
    return get_in_scope_or_404(
        Household.objects.select_related("village", "commune", "head"), units_q(user, perm), pk=household_id
    )


def household_residents(household: Household) -> list[Resident]:
    return list(household.members.order_by("-is_head", "birth_year", "sort_key"))


def household_visits(household: Household) -> QuerySet[Visit]:
    """A household's visits, newest first, with what the page shows of each in a few queries."""
    return (
        Visit.objects.filter(household=household)
        .select_related("member", "team")
        .prefetch_related(
            Prefetch("present", queryset=Resident.objects.order_by("sort_key")),
            "skills",
            "services",
        )
        .order_by("-visited_on", "-created_at")
    )


# --- Help desk ----------------------------------------------------------------------------------


def helpdesk_communes(user: User, perm: str = Perm.HELPDESK_RECORD) -> QuerySet[Commune]:
    """Communes where the user may record (or see) help-desk sessions (the rule of
    `selectors.helpdesk_commune_q`, which `services.helpdesk_record` applies too)."""
    from langso.teams.selectors import helpdesk_commune_q

    communes = Commune.objects.filter(helpdesk_commune_q(user, perm))
    return communes.select_related("province").order_by("province__sort_key", "sort_key")


def week_bounds(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """Monday to Sunday of the week holding `today`."""
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    return monday, monday + datetime.timedelta(days=6)


@dataclass(frozen=True)
class ProcedureTotal:
    procedure: str
    label: str
    sessions: int
    done: int
    minutes: int


def helpdesk_week(
    *, user: User, commune: Commune, today: datetime.date | None = None
) -> tuple[QuerySet[HelpDeskSession], list[ProcedureTotal]]:
    """This week's sessions of one commune (inside the user's units) and the totals per procedure."""
    start, end = week_bounds(today)
    scope = scope_for(user, Perm.TEAMS_VIEW)
    sessions = HelpDeskSession.objects.filter(
        scope.q(province="province_id", commune="commune_id", village=None),
        commune=commune,
        helped_on__range=(start, end),
    ).select_related("resident", "helped_by")
    labels = dict(Service.choices)
    totals = [
        ProcedureTotal(
            procedure=row["procedure"],
            label=str(labels.get(row["procedure"], row["procedure"])),
            sessions=row["sessions"],
            done=row["done"],
            minutes=row["minutes"] or 0,
        )
        for row in sessions.order_by()
        .values("procedure")
        .annotate(
            sessions=Count("id"),
            done=Count("id", filter=Q(outcome="done")),
            minutes=Sum("minutes"),
        )
        .order_by("-sessions", "procedure")
    ]
    return sessions.order_by("-helped_on", "-created_at"), totals
