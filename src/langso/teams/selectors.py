"""Reads for teams: a member's worklist, the commune's team overview, signal reports by role."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.access import Perm, get_in_scope_or_404, scope_for, user_roles
from langso.accounts.models import Role, User
from langso.places.models import Village
from langso.registry.models import Household, Poverty, Resident
from langso.skills.models import CurrentSkillLevel
from langso.teams.models import (
    HouseholdAssignment,
    Service,
    SignalReport,
    Team,
    TeamMember,
    Visit,
    VisitService,
    signal_overdue_q,
)

# A household not visited for this many days comes back up the worklist; a team with no visit for
# this many days is flagged to the commune.
REVISIT_AFTER_DAYS = 30
INACTIVE_TEAM_DAYS = 14
ELDERLY_AGE = 60
ADULT_AGE = 18

# How much each reason weighs when ordering the worklist (highest need first).
REASON_WEIGHTS = {
    "follow_up_due": 50,
    "device_follow_up": 45,
    "smartphone_check": 40,
    "no_smartphone": 30,
    "never_visited": 25,
    "not_visited_recently": 20,
    "poor": 15,
    "vneid_missing": 10,
    "elderly": 10,
}


def units_q(user: User, perm: str) -> Q:
    return scope_for(user, perm).q(province="province_id", commune="commune_id", village="village_id")


def team_list(*, user: User, commune_code: int | None = None) -> QuerySet[Team]:
    teams = Team.objects.filter(units_q(user, Perm.TEAMS_VIEW)).select_related("village", "commune")
    if commune_code:
        teams = teams.filter(commune_id=commune_code)
    return teams.annotate(member_count=Count("members", filter=Q(members__is_active=True))).order_by(
        "village__sort_key", "name"
    )


def team_get(*, user: User, team_id: Any, perm: str = Perm.TEAMS_VIEW) -> Team:
    return get_in_scope_or_404(
        Team.objects.select_related("village", "commune"), units_q(user, perm), pk=team_id
    )


def memberships_of(user: User) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(user=user, is_active=True, team__is_active=True).select_related("team")


# --- Worklist ----------------------------------------------------------------------------------


@dataclass
class WorklistEntry:
    household: Household
    head_name: str
    village_name: str
    members: int
    last_visit: datetime.date | None
    follow_up_on: datetime.date | None
    reasons: list[str] = field(default_factory=list)
    score: int = 0
    device_follow_ups: list[Any] = field(default_factory=list)

    @property
    def reason_labels(self) -> list[str]:
        labels = reason_labels()
        return [labels[r] for r in self.reasons]


def reason_labels() -> dict[str, str]:
    return {
        "follow_up_due": _("Đến hẹn quay lại"),
        "device_follow_up": _("Đến hạn hỏi thăm việc dùng điện thoại được cấp"),
        "smartphone_check": _("Hỏi lại về điện thoại: máy được cấp đã trả lại hoặc bị mất"),
        "no_smartphone": _("Chưa có điện thoại thông minh"),
        "never_visited": _("Chưa được đến hướng dẫn"),
        "not_visited_recently": _("Lâu chưa đến (trên %(days)s ngày)") % {"days": REVISIT_AFTER_DAYS},
        "poor": _("Hộ nghèo/cận nghèo"),
        "vneid_missing": _("Có người chưa có định danh điện tử mức 2"),
        "elderly": _("Có người cao tuổi"),
    }


@dataclass(frozen=True)
class WorklistFilters:
    q: str = ""
    reason: str = ""
    village: uuid.UUID | None = None


def _birth_year_cutoff(age: int, today: datetime.date) -> int:
    return today.year - age


def worklist(
    *, user: User, filters: WorklistFilters | None = None, today: datetime.date | None = None
) -> list[WorklistEntry]:
    """The households assigned to the user as a team member, highest need first, each with why.

    A few grouped queries for the whole list (a member has tens to a few hundred households)."""
    filters = filters or WorklistFilters()
    today = today or timezone.localdate()
    households = (
        Household.objects.filter(assignment__member__user=user, assignment__member__is_active=True)
        .filter(units_q(user, Perm.VISIT_RECORD))
        .select_related("village", "head")
    )
    if filters.village:
        households = households.filter(village_id=filters.village)
    if filters.q:
        from langso.core.text import fold

        folded = fold(filters.q)
        households = households.filter(
            Q(code__icontains=filters.q.strip())
            | Q(members__name_folded__contains=folded)
            | Q(address__icontains=filters.q.strip())
        ).distinct()
    households = list(households)
    ids = [h.pk for h in households]
    if not ids:
        return []

    visits = {
        row["household_id"]: row
        for row in Visit.objects.filter(household_id__in=ids)
        .values("household_id")
        .annotate(last=Max("visited_on"))
    }
    latest_follow_up: dict[uuid.UUID, datetime.date | None] = {}
    for row in (
        Visit.objects.filter(household_id__in=ids)
        .order_by("household_id", "-visited_on", "-created_at")
        .values("household_id", "follow_up_on")
    ):
        latest_follow_up.setdefault(row["household_id"], row["follow_up_on"])

    people: dict[uuid.UUID, list[Mapping[str, Any]]] = defaultdict(list)
    for row in Resident.objects.filter(household_id__in=ids).values(
        "id", "household_id", "birth_year", "owns_smartphone", "smartphone_to_check"
    ):
        people[row["household_id"]].append(row)
    adult_cutoff = _birth_year_cutoff(ADULT_AGE, today)
    adult_ids = [
        p["id"]
        for rows in people.values()
        for p in rows
        if p["birth_year"] and p["birth_year"] <= adult_cutoff
    ]
    with_vneid = set(
        VisitService.objects.filter(resident_id__in=adult_ids, service=Service.VNEID_LEVEL2).values_list(
            "resident_id", flat=True
        )
    ) | set(
        CurrentSkillLevel.objects.filter(
            resident_id__in=adult_ids, skill_code="vneid_level2", level__gte=3
        ).values_list("resident_id", flat=True)
    )

    from langso.devices.selectors import followups_due

    device_checks = followups_due(household_ids=ids, today=today)
    elderly_cutoff = _birth_year_cutoff(ELDERLY_AGE, today)
    entries = []
    for household in households:
        members = people.get(household.pk, [])
        last = visits.get(household.pk, {}).get("last")
        follow_up = latest_follow_up.get(household.pk)
        reasons = []
        if follow_up and follow_up <= today:
            reasons.append("follow_up_due")
        if device_checks.get(household.pk):
            reasons.append("device_follow_up")
        if any(m["smartphone_to_check"] for m in members):
            reasons.append("smartphone_check")
        elif members and not any(m["owns_smartphone"] for m in members):
            reasons.append("no_smartphone")
        if last is None:
            reasons.append("never_visited")
        elif (today - last).days > REVISIT_AFTER_DAYS:
            reasons.append("not_visited_recently")
        if household.poverty in (Poverty.POOR, Poverty.NEAR_POOR):
            reasons.append("poor")
        adults = [m for m in members if m["birth_year"] and m["birth_year"] <= adult_cutoff]
        if any(m["id"] not in with_vneid for m in adults):
            reasons.append("vneid_missing")
        if any(m["birth_year"] and m["birth_year"] <= elderly_cutoff for m in members):
            reasons.append("elderly")
        entry = WorklistEntry(
            household=household,
            head_name=household.head.full_name if household.head else "",
            village_name=household.village.name,
            members=len(members),
            last_visit=last,
            follow_up_on=follow_up,
            reasons=reasons,
            score=sum(REASON_WEIGHTS[r] for r in reasons),
            device_follow_ups=device_checks.get(household.pk, []),
        )
        entries.append(entry)
    if filters.reason:
        entries = [e for e in entries if filters.reason in e.reasons]
    # Highest need first; among equals, the one waiting longest (never visited counts as oldest).
    entries.sort(key=lambda e: (-e.score, e.last_visit or datetime.date.min, e.household.code))
    return entries


def helpdesk_commune_q(user: User, perm: str = Perm.HELPDESK_RECORD) -> Q:
    """Communes whose help desk the user serves: a role at the commune or above, or at one of its
    villages (team members take turns at the commune's public service centre)."""
    scope = scope_for(user, perm)
    condition = scope.q(province="province_id", commune="code", village=None)
    if scope.village_ids:
        condition |= Q(code__in=Village.objects.filter(pk__in=scope.village_ids).values("commune_id"))
    return condition


# --- The commune's view ------------------------------------------------------------------------


@dataclass
class CommuneTeamsOverview:
    villages: int
    villages_with_team: int
    villages_without_team: list[Village]
    inactive_teams: Sequence[tuple[Team, datetime.date | None]]
    members_without_assignments: Sequence[TeamMember]
    households: int
    households_assigned: int

    @property
    def villages_with_team_percent(self) -> float:
        return round(100 * self.villages_with_team / self.villages, 1) if self.villages else 0.0

    @property
    def every_village_has_a_team(self) -> bool:
        return self.villages > 0 and self.villages_with_team == self.villages


def commune_overview(
    *,
    user: User,
    commune_code: int,
    inactive_days: int = INACTIVE_TEAM_DAYS,
    today: datetime.date | None = None,
) -> CommuneTeamsOverview:
    today = today or timezone.localdate()
    scope = scope_for(user, Perm.TEAMS_VIEW)
    villages = list(
        Village.objects.filter(
            scope.q(province="commune__province_id", commune="commune_id", village="id"),
            commune_id=commune_code,
        )
    )
    village_ids = [v.pk for v in villages]
    teams = list(
        Team.objects.filter(village_id__in=village_ids, is_active=True)
        .select_related("village")
        .annotate(last_visit=Max("visits__visited_on"))
    )
    with_team = {t.village_id for t in teams}
    since = today - datetime.timedelta(days=inactive_days)
    inactive = [(t, t.last_visit) for t in teams if t.last_visit is None or t.last_visit < since]
    idle_members = list(
        TeamMember.objects.filter(team__in=teams, is_active=True)
        .annotate(assigned=Count("assignments"))
        .filter(assigned=0)
        .select_related("team")
        .order_by("team__name", "full_name")
    )
    households = Household.objects.filter(village_id__in=village_ids)
    return CommuneTeamsOverview(
        villages=len(villages),
        villages_with_team=len(with_team),
        villages_without_team=[v for v in villages if v.pk not in with_team],
        inactive_teams=inactive,
        members_without_assignments=idle_members,
        households=households.count(),
        households_assigned=HouseholdAssignment.objects.filter(household__in=households).count(),
    )


# --- Weak-signal reports -----------------------------------------------------------------------


def signal_report_scope_q(user: User, perm: str = Perm.SIGNAL_VIEW) -> Q:
    """Units as for everything else; a telecom partner sees only their own operator's reports."""
    condition = units_q(user, perm)
    roles = user_roles(user)
    if Role.TELECOM_PARTNER in roles and not (roles - {Role.TELECOM_PARTNER}):
        condition &= Q(operator=getattr(user, "telecom_operator", "") or "-")
    return condition


def signal_report_list(*, user: User, status: str = "", overdue: bool = False) -> QuerySet[SignalReport]:
    reports = SignalReport.objects.filter(signal_report_scope_q(user)).select_related("village", "commune")
    if status:
        reports = reports.filter(status=status)
    if overdue:
        reports = reports.filter(signal_overdue_q(timezone.localdate()))
    return reports


def signal_report_get(*, user: User, report_id: Any, perm: str = Perm.SIGNAL_VIEW) -> SignalReport:
    return get_in_scope_or_404(
        SignalReport.objects.select_related("village", "commune"),
        signal_report_scope_q(user, perm),
        pk=report_id,
    )
