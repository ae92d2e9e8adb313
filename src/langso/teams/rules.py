"""Rules about people that read what the teams and the help desk recorded, stated once for every list
that applies them (the worklist's "vneid_missing" reason, the invitation rule "adults not yet on VNeID
level 2"). The campaign fact `adults_vneid2` counts the same things as of a past day, from dated records
(campaigns/facts.py)."""

from __future__ import annotations

from django.db.models import Q

from langso.skills.selectors import skill_reached_q
from langso.skills.shipped import VNEID_SKILL
from langso.teams.models import HelpDeskOutcome, HelpDeskSession, Service, VisitService


def vneid_level2_q() -> Q:
    """Residents with VNeID at level 2: activated at a visit or at the help desk, or the skill reached
    ("can do it alone").

    The subqueries leave out rows with no person (a service noted for the household, a walk-in at the
    desk): under `exclude`, one NULL in a `NOT IN` list would make SQL exclude everyone."""
    at_visit = VisitService.objects.filter(service=Service.VNEID_LEVEL2, resident__isnull=False)
    at_desk = HelpDeskSession.objects.filter(
        procedure=Service.VNEID_LEVEL2, outcome=HelpDeskOutcome.DONE, resident__isnull=False
    )
    return (
        Q(pk__in=at_visit.values("resident_id"))
        | Q(pk__in=at_desk.values("resident_id"))
        | skill_reached_q(VNEID_SKILL)
    )
