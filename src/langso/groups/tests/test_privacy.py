"""Personal data of group sessions: an erased person leaves the head count, walk-in names age out."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from langso.groups import invitations, services
from langso.groups.models import Attendance, GroupSession, InvitedPerson
from langso.operations.retention import ANONYMOUS_WALK_IN, apply_retention
from langso.operations.services import ERASED_LABEL, person_erase

pytestmark = pytest.mark.django_db


def _session(world):
    invitation = invitations.invitation_create(
        acting_user=world["leader"],
        rule=invitations.InvitationRule(invitations.Rule.ADULTS, village_id=world["village"].pk),
        title="Học cài VNeID",
    )
    session, _ = services.session_record(
        acting_user=world["leader"],
        data=services.SessionInput(
            id=uuid.uuid4(),
            commune_code=world["commune"].code,
            held_on=timezone.localdate(),
            place_kind="cultural_house",
            organiser_kind="team",
            invitation_id=invitation.pk,
            skills=(("vneid_level2", 2),),
            attendees=(services.Attendee(world["people"][0].pk), services.Attendee(world["people"][1].pk)),
            walk_ins=(services.WalkIn("Ma Thị Sinh", 1958, "F"),),
        ),
    )
    return session


def test_an_erased_person_stays_in_the_head_count_without_anything_about_them(world):
    session = _session(world)
    person = world["people"][0]
    person_erase(acting_user=world["officer"], resident=person, reason="Người dân yêu cầu")
    rows = Attendance.objects.filter(session=session)
    assert rows.count() == 3
    erased = rows.get(walk_in_name=ERASED_LABEL)
    assert (erased.resident_id, erased.walk_in_birth_year, erased.walk_in_sex) == (None, None, "")
    assert not InvitedPerson.objects.filter(resident_id=person.pk).exists()


def test_walk_in_names_of_old_sessions_are_anonymised_and_still_count(world):
    session = _session(world)
    GroupSession.objects.filter(pk=session.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    apply_retention()
    walk_in = Attendance.objects.get(session=session, resident__isnull=True)
    assert walk_in.walk_in_name == ANONYMOUS_WALK_IN
    assert Attendance.objects.filter(session=session).count() == 3
