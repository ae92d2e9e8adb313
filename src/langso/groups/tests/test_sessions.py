"""Recording a group session: who came, the skill records it writes, and what it refuses."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from langso.core.models import AuditEntry
from langso.groups import invitations, selectors, services
from langso.groups.models import Attendance, GroupSession
from langso.registry.models import CommuneChangeCounter
from langso.skills.models import CurrentSkillLevel, Evidence, SkillRecord

pytestmark = pytest.mark.django_db


def session_input(world, **overrides):
    data = {
        "id": uuid.uuid4(),
        "commune_code": world["commune"].code,
        "held_on": timezone.localdate(),
        "place_kind": "cultural_house",
        "place_name": "Nhà văn hóa bản Cọ",
        "organiser_kind": "telecom",
        "organiser_name": "Viettel Nghĩa Tá",
        "village_id": world["village"].pk,
        "skills": (("vneid_level2", 2), ("qr_payment", 1)),
        "attendees": tuple(services.Attendee(p.pk) for p in world["people"][:4]),
        "walk_ins": (services.WalkIn("Ma Thị Sinh", 1958, "F", world["other"].pk),),
    }
    data.update(overrides)
    return services.SessionInput(**data)


def test_a_session_writes_one_group_skill_record_per_registry_person_and_skill(world):
    people = world["people"]
    data = session_input(
        world,
        attendees=(
            services.Attendee(people[0].pk, {"vneid_level2": 3}),
            *[services.Attendee(p.pk) for p in people[1:4]],
        ),
    )
    session, outcome = services.session_record(acting_user=world["leader"], data=data)
    assert outcome == "stored"
    records = SkillRecord.objects.filter(resident__in=people[:4])
    assert records.count() == 8
    assert set(records.values_list("evidence", flat=True)) == {Evidence.GROUP}
    assert records.get(resident=people[0], skill_code="vneid_level2").level == 3  # corrected for one
    assert records.get(resident=people[1], skill_code="vneid_level2").level == 2  # the level for all
    assert CurrentSkillLevel.objects.get(resident=people[0], skill_code="vneid_level2").level == 3
    assert Attendance.objects.filter(session=session, resident__isnull=True).count() == 1
    assert AuditEntry.objects.filter(object_id=str(session.pk), action="create").exists()


def test_walk_ins_are_counted_but_get_no_skill_records(world):
    before = SkillRecord.objects.count()
    session, _ = services.session_record(acting_user=world["leader"], data=session_input(world, attendees=()))
    assert SkillRecord.objects.count() == before
    walk_in = Attendance.objects.get(session=session)
    assert (walk_in.walk_in_name, walk_in.walk_in_birth_year, walk_in.village) == (
        "Ma Thị Sinh",
        1958,
        world["other"],
    )


def test_the_same_session_sent_twice_is_stored_once(world):
    data = session_input(world)
    services.session_record(acting_user=world["leader"], data=data)
    _session, outcome = services.session_record(acting_user=world["leader"], data=data)
    assert outcome == "duplicate"
    assert GroupSession.objects.count() == 1
    assert SkillRecord.objects.filter(evidence=Evidence.GROUP).count() == 8


def test_a_session_bumps_its_communes_change_counter(world):
    code = world["commune"].code
    before = CommuneChangeCounter.objects.filter(commune_id=code).values_list("value", flat=True).first() or 0
    services.session_record(acting_user=world["leader"], data=session_input(world))
    assert CommuneChangeCounter.objects.get(commune_id=code).value > before


def test_people_outside_the_recorders_villages_are_refused_and_nothing_is_written(world):
    data = session_input(
        world, attendees=(services.Attendee(world["people"][0].pk), services.Attendee(world["far"].pk))
    )
    with pytest.raises(ValidationError) as error:
        services.session_record(acting_user=world["leader"], data=data)
    assert "attendees" in error.value.message_dict
    assert not GroupSession.objects.exists()
    assert not SkillRecord.objects.filter(evidence=Evidence.GROUP).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"place_kind": "market"}, "place_kind"),
        ({"place_kind": "other", "place_name": "  "}, "place_name"),
        ({"organiser_kind": "nobody"}, "organiser_kind"),
        ({"skills": (("no_such_skill", 2),)}, "skills"),
        ({"skills": (("vneid_level2", 7),)}, "skills"),
        ({"attendees": (), "walk_ins": ()}, "attendees"),
        ({"walk_ins": (services.WalkIn("  "),)}, "walk_ins"),
        ({"walk_ins": (services.WalkIn("Ma Thị Sinh", 1850),)}, "walk_ins"),
        ({"held_on": "2019-05-01"}, "held_on"),
    ],
)
def test_bad_input_gets_a_clear_message(world, overrides, field):
    with pytest.raises(ValidationError) as error:
        services.session_record(acting_user=world["leader"], data=session_input(world, **overrides))
    assert field in error.value.message_dict
    assert not GroupSession.objects.exists()


def test_a_level_corrected_for_a_skill_not_taught_is_refused(world):
    data = session_input(world, attendees=(services.Attendee(world["people"][0].pk, {"bank_app": 3}),))
    with pytest.raises(ValidationError):
        services.session_record(acting_user=world["leader"], data=data)


def test_the_page_says_who_came_from_which_village_and_who_of_the_invited_did_not(world):
    invitation = invitations.invitation_create(
        acting_user=world["leader"],
        rule=invitations.InvitationRule(invitations.Rule.ADULTS, village_id=world["village"].pk),
        title="Học cài VNeID",
    )
    data = session_input(world, invitation_id=invitation.pk)
    session, _ = services.session_record(acting_user=world["leader"], data=data)
    page = selectors.session_page(session=selectors.session_get(user=world["officer"], session_id=session.pk))
    assert page.invited_count == 10
    assert {p.pk for p in page.invited_absent} == {p.pk for p in world["people"][4:]}
    assert dict(page.by_village) == {"Cọ": 4, "Nà Pục": 1}
    assert len(page.present) == 4 and len(page.walk_ins) == 1


def test_residents_reached_selects_registry_people_present_and_not_walk_ins(world):
    from langso.registry.models import Resident

    services.session_record(acting_user=world["leader"], data=session_input(world))
    reached = set(Resident.objects.filter(selectors.residents_reached_q()).values_list("pk", flat=True))
    assert reached == {p.pk for p in world["people"][:4]}
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    assert not Resident.objects.filter(selectors.residents_reached_q(since=tomorrow)).exists()
    assert selectors.walk_in_count(user=world["officer"]) == 1


def test_sessions_of_another_commune_are_not_found(world):
    from django.http import Http404

    from langso.accounts.tests.factories import commune_officer
    from langso.places.tests.factories import PHU_XUAN_DL, commune

    session, _ = services.session_record(acting_user=world["leader"], data=session_input(world))
    stranger = commune_officer(commune(PHU_XUAN_DL))
    assert not selectors.session_list(user=stranger).exists()
    with pytest.raises(Http404):
        selectors.session_get(user=stranger, session_id=session.pk)
