"""Every way a person was helped — the one statement "adults reached" counts and a person's page lists.

A person counts once however many ways: present at a home visit, helped at the commune's help desk,
ticked as present at a group session, or a skill observed by a team member. It lives here, above the
teams and the group sessions, because it reads both; walk-ins at the help desk or a group session are
not people of the registry and are not in it (groups.selectors.walk_in_count counts them apart).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from langso.groups.models import Attendance
from langso.skills.models import Skill, SkillRecord
from langso.teams.models import HelpDeskSession, Visit


def reached_ways(day: datetime.date) -> dict[str, Any]:
    """Each way, by `day`, as a condition on a resident queryset (`OuterRef("pk")`)."""
    return {
        "visit": Exists(
            Visit.present.through.objects.filter(resident_id=OuterRef("pk"), visit__visited_on__lte=day)
        ),
        "helpdesk": Exists(HelpDeskSession.objects.filter(resident_id=OuterRef("pk"), helped_on__lte=day)),
        "group": Exists(Attendance.objects.filter(resident_id=OuterRef("pk"), session__held_on__lte=day)),
        "observed": Exists(
            SkillRecord.objects.filter(resident_id=OuterRef("pk"), evidence="observed", recorded_on__lte=day)
        ),
    }


def reached_q(day: datetime.date) -> Q:
    """Any of the ways: a person matching it is counted once."""
    condition = Q()
    for exists in reached_ways(day).values():
        condition |= Q(exists)
    return condition


@dataclass(frozen=True)
class ReachedWay:
    kind: str  # "visit" | "helpdesk" | "group" | "observed"
    day: datetime.date
    text: str


def person_reached(resident: Any, *, limit: int = 20) -> list[ReachedWay]:
    """The ways this person was helped, newest first (the same ways `reached_ways` counts)."""
    ways: list[ReachedWay] = []
    for visit in (
        Visit.objects.filter(present=resident).select_related("member__user").order_by("-visited_on")[:limit]
    ):
        by = str(visit.member.user) if visit.member_id and visit.member.user_id else ""
        ways.append(
            ReachedWay("visit", visit.visited_on, _("Buổi hướng dẫn tại nhà") + (f" ({by})" if by else ""))
        )
    for session in HelpDeskSession.objects.filter(resident=resident).order_by("-helped_on")[:limit]:
        ways.append(
            ReachedWay(
                "helpdesk",
                session.helped_on,
                _("Bộ phận một cửa: %(procedure)s — %(outcome)s")
                % {"procedure": session.get_procedure_display(), "outcome": session.get_outcome_display()},
            )
        )
    for attendance in (
        Attendance.objects.filter(resident=resident)
        .select_related("session")
        .order_by("-session__held_on")[:limit]
    ):
        session = attendance.session
        place = " ".join(filter(None, [str(session.get_place_kind_display()), session.place_name]))
        ways.append(
            ReachedWay("group", session.held_on, _("Buổi hướng dẫn nhóm: %(place)s") % {"place": place})
        )
    names = dict(Skill.objects.values_list("code", "name"))
    for record in SkillRecord.objects.filter(resident=resident, evidence="observed").order_by("-recorded_on")[
        :limit
    ]:
        ways.append(
            ReachedWay(
                "observed",
                record.recorded_on,
                _("Thành viên tổ ghi nhận kỹ năng: %(skill)s") % {"skill": names.get(record.skill_code, "")},
            )
        )
    return sorted(ways, key=lambda w: w.day, reverse=True)[:limit]
