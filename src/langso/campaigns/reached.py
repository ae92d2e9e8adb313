"""Every way a person was helped — the one statement "adults reached" counts and a person's page lists.

A person counts once however many ways: present at a home visit, helped at the commune's help desk,
ticked as present at a group session, a skill observed by a team member, a learner or certificate of
the national platform, or a VNeID level-2 activation on the commune police's list (both matched to
the person by langso.outside_lists). It lives here, above the teams, the group sessions and the outside
lists, because it reads them all; walk-ins at the help desk or a group session are not people of the
registry and are not in it (groups.selectors.walk_in_count counts them apart), nor are the outside
lists' rows that matched no one (reported per commune by langso.outside_lists).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from langso.groups.models import Attendance
from langso.outside_lists.models import ListSource, OutsideEvidence
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
        "platform": Exists(
            OutsideEvidence.objects.filter(
                resident_id=OuterRef("pk"), source=ListSource.PLATFORM, done_on__lte=day
            )
        ),
        "police": Exists(
            OutsideEvidence.objects.filter(
                resident_id=OuterRef("pk"), source=ListSource.POLICE, done_on__lte=day
            )
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
    kind: str  # "visit" | "helpdesk" | "group" | "observed" | "platform" | "police"
    day: datetime.date
    text: str


def person_reached(resident: Any, *, limit: int = 20) -> list[ReachedWay]:
    """The ways this person was helped, newest first (the same ways `reached_ways` counts)."""
    ways: list[ReachedWay] = []
    for visit in (
        Visit.objects.filter(present=resident).select_related("member__user").order_by("-visited_on")[:limit]
    ):
        by = str(visit.member.user) if visit.member and visit.member.user_id else ""
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
    for evidence in OutsideEvidence.objects.filter(resident=resident).order_by("-done_on")[:limit]:
        if evidence.source == ListSource.PLATFORM:
            text = _("Nền tảng quốc gia “Bình dân học vụ số”: %(detail)s") % {
                "detail": evidence.detail or _("học viên")
            }
        else:
            text = _("Công an xã: kích hoạt định danh điện tử mức 2")
        ways.append(ReachedWay(evidence.source, evidence.done_on, text))
    return sorted(ways, key=lambda w: w.day, reverse=True)[:limit]
