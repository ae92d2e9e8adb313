"""Demo data: an invitation and a group session at Thôn Bản Cáu's cultural house (Nghĩa Tá), so the
pages have something to show. Idempotent: nothing is added when the village already has a session."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from langso.accounts.models import User
from langso.groups import invitations, services
from langso.groups.models import GroupSession
from langso.places.models import Village

DEMO_VILLAGE = (2071, "Thôn Bản Cáu")
DEMO_LEADER = "totruong.banCau"


def load_demo_group_sessions() -> int:
    village = Village.objects.filter(commune_id=DEMO_VILLAGE[0], name=DEMO_VILLAGE[1]).first()
    leader = User.objects.filter(username=DEMO_LEADER).first()
    if village is None or leader is None or GroupSession.objects.filter(village=village).exists():
        return 0
    rule = invitations.InvitationRule(invitations.Rule.NOT_VNEID2, village_id=village.pk)
    people = list(invitations.invitees(user=leader, rule=rule)[:12])
    if not people:
        return 0
    today = timezone.localdate()
    invitation = invitations.invitation_create(
        acting_user=leader,
        rule=rule,
        title="Học cài VNeID mức 2 tại nhà văn hóa",
        planned_on=today - datetime.timedelta(days=2),
        place="Nhà văn hóa thôn Bản Cáu",
        guide_slug="vneid_level2",
    )
    came = people[: max(1, len(people) * 2 // 3)]
    services.session_record(
        acting_user=leader,
        data=services.SessionInput(
            id=uuid.uuid4(),
            commune_code=village.commune_id,
            held_on=today - datetime.timedelta(days=2),
            place_kind="cultural_house",
            place_name="Nhà văn hóa thôn Bản Cáu",
            organiser_kind="telecom",
            organiser_name="Viettel Thái Nguyên",
            village_id=village.pk,
            invitation_id=invitation.pk,
            skills=(("vneid_level2", 2), ("qr_payment", 1)),
            attendees=tuple(services.Attendee(p.pk) for p in came),
            walk_ins=(services.WalkIn("Ma Thị Sinh", 1958, "F", village.pk),),
        ),
    )
    return 1
