"""Reads of group sessions and invitations, always within the user's units.

Whose sessions: like the commune's help desk, a group session belongs to its commune — people from
several villages come to the commune centre or a school — so a role at the commune (or above) sees the
commune's sessions, and a role at a village sees the sessions of its commune too (the team serves
the commune's sessions, as it takes turns at the help desk).

For "adults reached" (issue 15, point 4): `residents_reached_q` is the one statement of who a group
session reached — registry people ticked as present. Walk-ins are counted by `walk_in_count`, never
as people: they have no identity to count once across sources.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from langso.accounts.access import Perm, get_in_scope_or_404, scope_for
from langso.accounts.models import User
from langso.groups.models import Attendance, GroupSession, Invitation, InvitedPerson
from langso.places.models import Village


def session_communes(user: User, perm: str = Perm.TEAMS_VIEW) -> Q:
    """A filter on `places.Commune`: the communes whose group sessions the user may see or record."""
    scope = scope_for(user, perm)
    condition = scope.q(province="province_id", commune="code", village=None)
    if scope.village_ids:
        condition |= Q(code__in=Village.objects.filter(pk__in=scope.village_ids).values("commune_id"))
    return condition


def _commune_rows_q(user: User, perm: str) -> Q:
    scope = scope_for(user, perm)
    condition = scope.q(province="province_id", commune="commune_id", village=None)
    if scope.village_ids:
        condition |= Q(commune_id__in=Village.objects.filter(pk__in=scope.village_ids).values("commune_id"))
    return condition


def session_scope_q(user: User, perm: str = Perm.TEAMS_VIEW) -> Q:
    return _commune_rows_q(user, perm)


def invitation_scope_q(user: User, perm: str = Perm.TEAMS_VIEW) -> Q:
    return _commune_rows_q(user, perm)


def session_list(*, user: User, commune_code: int | None = None) -> QuerySet[GroupSession]:
    qs = GroupSession.objects.filter(session_scope_q(user))
    if commune_code:
        qs = qs.filter(commune_id=commune_code)
    return (
        qs.select_related("commune", "village")
        .annotate(
            registry_people=Count("attendance", filter=Q(attendance__resident__isnull=False)),
            walk_ins=Count("attendance", filter=Q(attendance__resident__isnull=True)),
        )
        .order_by("-held_on", "-created_at")
    )


def session_get(*, user: User, session_id: Any) -> GroupSession:
    return get_in_scope_or_404(
        GroupSession.objects.select_related("commune", "village", "team", "invitation", "recorded_by"),
        session_scope_q(user),
        pk=session_id,
    )


@dataclass
class SessionPage:
    session: GroupSession
    present: list[Attendance]
    walk_ins: list[Attendance]
    by_village: list[tuple[str, int]]
    invited_absent: list[Any] = field(default_factory=list)
    invited_count: int = 0
    skills: list[Any] = field(default_factory=list)
    levels: dict[int, dict[str, int]] = field(default_factory=dict)


def session_page(*, session: GroupSession) -> SessionPage:
    """Who came (registry people household by household, then walk-ins), from which villages, and who
    of the invited did not come. A few queries, whatever the size of the session."""
    rows = list(
        Attendance.objects.filter(session=session)
        .select_related("resident__household", "village")
        .order_by("resident__household__code", "resident__sort_key", "walk_in_name")
    )
    present = [r for r in rows if r.resident_id]
    walk_ins = [r for r in rows if not r.resident_id]
    villages = Counter(r.village.name if r.village else "—" for r in rows)
    levels: dict[int, dict[str, int]] = {}
    from langso.groups.models import AttendanceSkill

    for row in AttendanceSkill.objects.filter(attendance__session=session).values(
        "attendance_id", "skill_code", "level"
    ):
        levels.setdefault(row["attendance_id"], {})[row["skill_code"]] = row["level"]
    page = SessionPage(
        session=session,
        present=present,
        walk_ins=walk_ins,
        by_village=sorted(villages.items(), key=lambda kv: (-kv[1], kv[0])),
        skills=list(session.skills.order_by("skill_code")),
        levels=levels,
    )
    if session.invitation_id:
        came = {r.resident_id for r in present}
        invited = (
            InvitedPerson.objects.filter(invitation_id=session.invitation_id)
            .select_related("resident__household", "resident__village")
            .order_by("resident__household__code", "resident__sort_key")
        )
        page.invited_count = invited.count()
        page.invited_absent = [i.resident for i in invited if i.resident_id not in came]
    return page


def invitation_list(*, user: User) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(invitation_scope_q(user))
        .select_related("commune", "village")
        .annotate(people_count=Count("invited"))
        .order_by("-created_at")
    )


def invitation_get(*, user: User, invitation_id: Any) -> Invitation:
    return get_in_scope_or_404(
        Invitation.objects.select_related("commune", "village", "created_by"),
        invitation_scope_q(user),
        pk=invitation_id,
    )


def invited_people(invitation: Invitation) -> list[Any]:
    return [
        i.resident
        for i in InvitedPerson.objects.filter(invitation=invitation)
        .select_related("resident__household", "resident__village")
        .order_by("resident__village__name", "resident__household__code", "resident__sort_key")
    ]


# --- For "adults reached" -------------------------------------------------------------------------


def residents_reached_q(
    *, since: datetime.date | None = None, until: datetime.date | None = None, field: str = "pk"
) -> Q:
    """A filter on `registry.Resident` (or, with `field="resident_id"`, on a model pointing to one):
    the people a group session reached — registry people ticked as present, between the dates if
    given. Walk-ins are not people of the registry and are not in it; count them with `walk_in_count`."""
    sessions = Q()
    if since:
        sessions &= Q(session__held_on__gte=since)
    if until:
        sessions &= Q(session__held_on__lte=until)
    ids = Attendance.objects.filter(sessions, resident__isnull=False).values("resident_id")
    return Q(**{f"{field}__in": ids})


def walk_in_count(
    *, user: User, since: datetime.date | None = None, until: datetime.date | None = None
) -> int:
    qs = Attendance.objects.filter(
        resident__isnull=True, session__in=GroupSession.objects.filter(session_scope_q(user))
    )
    if since:
        qs = qs.filter(session__held_on__gte=since)
    if until:
        qs = qs.filter(session__held_on__lte=until)
    return qs.count()
