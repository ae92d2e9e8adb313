"""One person, one truth: a programme's change reaches the person's page, the worklist and the numbers
at once, through the real services (no refresh is called by hand: a dashboard read recomputes a
commune whose change sequence moved, which the database triggers guarantee)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from langso.campaigns.models import Indicator
from langso.campaigns.rollups import unit_values
from langso.devices import services as device_services
from langso.devices.models import Outcome
from langso.devices.tests.conftest import approve, handover, poor_household, world  # noqa: F401 - fixture
from langso.field.worklist import worklist_for_device
from langso.registry.models import Resident, SmartphoneSource
from langso.teams import selectors as team_selectors
from langso.teams.models import DeviceToken
from langso.teams.services import FactUpdate, VisitInput, households_assign, visit_record
from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def field(world):  # noqa: F811 - the devices tests' world, imported above
    """A team member with the programme's households on their worklist, and their phone."""
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role

    member_user = user_with_role(Role.TEAM_MEMBER, village=world["village"])
    member = TeamMemberFactory(team=TeamFactory(village=world["village"]), user=member_user)
    households_assign(acting_user=world["officer"], member=member, households=world["households"])
    device = DeviceToken.objects.create(user=member_user, name="Itel của tổ", token_hash=uuid.uuid4().hex)
    return {**world, "member_user": member_user, "device": device}


def _value(code: str, commune_code: int) -> tuple[int, int | None]:
    value = unit_values(Indicator.objects.get(code=code), level="commune", commune_code=commune_code)[
        str(commune_code)
    ]
    return value.numerator, value.denominator


def _reasons(user, household) -> list[str]:
    return next(e.reasons for e in team_selectors.worklist(user=user) if e.household.pk == household.pk)


def test_a_handover_changes_the_person_the_worklist_and_both_numbers_at_once(client, field):
    commune = field["commune"].code
    household = field["households"][0]
    person = household.head
    approved = approve(field)
    candidate = approved.candidates.get(household=household)
    phone_before = worklist_for_device(device=field["device"])
    assert "no_smartphone" in _reasons(field["member_user"], household)
    devices_before, quota = _value("devices_vs_quota", commune)
    smartphones_before, adults = _value("adults_smartphone", commune)
    assert (devices_before, quota) == (0, 3)

    handed_on = timezone.localdate() - datetime.timedelta(days=2)
    device_services.allocate(acting_user=field["officer"], candidate=candidate, handover=handover(handed_on))

    person.refresh_from_db()
    assert person.owns_smartphone and person.smartphone_source == SmartphoneSource.HANDOVER
    assert person.smartphone_on == handed_on
    client.force_login(field["officer"])
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Bàn giao của chương trình cấp điện thoại" in page and handed_on.strftime("%d/%m/%Y") in page
    assert "no_smartphone" not in _reasons(field["member_user"], household)
    assert _value("devices_vs_quota", commune) == (1, 3)
    assert _value("adults_smartphone", commune) == (smartphones_before + 1, adults)
    phone_after = worklist_for_device(device=field["device"], since=phone_before.cursor, delta=True)
    assert not phone_after.unchanged
    people = [p for h in phone_after.households if h.id == household.pk for p in h.people]
    assert [p.owns_smartphone for p in people if p.id == person.pk] == [True]


def test_a_lost_phone_asks_the_next_visit_to_check_and_the_visit_answers_it(field):
    household = field["households"][1]
    person = household.head
    candidate = approve(field).candidates.get(household=household)
    allocation = device_services.allocate(
        acting_user=field["officer"], candidate=candidate, handover=handover(timezone.localdate())
    )
    smartphones = _value("adults_smartphone", field["commune"].code)[0]

    follow_up = allocation.follow_ups.order_by("months").first()
    device_services.follow_up_record(
        acting_user=field["officer"],
        follow_up=follow_up,
        done_on=timezone.localdate(),
        outcome=Outcome.LOST,
        sim_active=False,
    )
    person.refresh_from_db()
    assert person.smartphone_to_check and not person.owns_smartphone
    assert person.smartphone_source == SmartphoneSource.LOST
    assert "smartphone_check" in _reasons(field["member_user"], household)
    assert _value("adults_smartphone", field["commune"].code)[0] == smartphones - 1

    visit_record(
        acting_user=field["member_user"],
        data=VisitInput(
            id=uuid.uuid4(),
            household_id=household.pk,
            visited_on=timezone.localdate(),
            present=(person.pk,),
            updates=(FactUpdate("resident", person.pk, "owns_smartphone", False, True),),
        ),
    )
    person.refresh_from_db()
    assert person.owns_smartphone and not person.smartphone_to_check
    assert person.smartphone_source == SmartphoneSource.VISIT
    assert "smartphone_check" not in _reasons(field["member_user"], household)


def test_a_returned_phone_asks_the_next_visit_to_check_on_the_page_the_worklist_and_the_phone(client, field):
    household = field["households"][2]
    person = household.head
    candidate = approve(field).candidates.get(household=household)
    handed_on = timezone.localdate() - datetime.timedelta(days=30)
    allocation = device_services.allocate(
        acting_user=field["officer"], candidate=candidate, handover=handover(handed_on)
    )
    devices = _value("devices_vs_quota", field["commune"].code)[0]
    smartphones = _value("adults_smartphone", field["commune"].code)[0]
    phone_before = worklist_for_device(device=field["device"])

    device_services.allocation_return(
        acting_user=field["officer"], allocation=allocation, returned_on=timezone.localdate()
    )

    person.refresh_from_db()
    assert (person.owns_smartphone, person.smartphone_to_check) == (False, True)
    assert (person.smartphone_source, person.smartphone_on) == (
        SmartphoneSource.RETURNED,
        timezone.localdate(),
    )
    client.force_login(field["officer"])
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Máy được cấp đã trả lại" in page and "Lần đến nhà tới cần hỏi lại" in page
    assert "smartphone_check" in _reasons(field["member_user"], household)
    assert _value("adults_smartphone", field["commune"].code)[0] == smartphones - 1
    assert _value("devices_vs_quota", field["commune"].code)[0] == devices - 1
    phone_after = worklist_for_device(device=field["device"], since=phone_before.cursor, delta=True)
    entry = next(h for h in phone_after.households if h.id == household.pk)
    assert "smartphone_check" in entry.reasons


def test_a_check_that_finds_the_phone_in_use_keeps_the_handovers_date_on_the_person(field):
    """The follow-up confirms the handover; it must not make the page say the phone came on the check's
    day. Only when a visit wrote "no phone" meanwhile does the check put the phone back, dated."""
    household = field["households"][3]
    person = household.head
    candidate = approve(field).candidates.get(household=household)
    handed_on = timezone.localdate() - datetime.timedelta(days=100)
    allocation = device_services.allocate(
        acting_user=field["officer"], candidate=candidate, handover=handover(handed_on)
    )
    first, second = allocation.follow_ups.order_by("months")[:2]
    checked_on = handed_on + datetime.timedelta(days=33)
    device_services.follow_up_record(
        acting_user=field["officer"],
        follow_up=first,
        done_on=checked_on,
        outcome=Outcome.IN_USE,
        sim_active=True,
    )
    person.refresh_from_db()
    assert (person.owns_smartphone, person.smartphone_source, person.smartphone_on) == (
        True,
        SmartphoneSource.HANDOVER,
        handed_on,
    )

    visited_on = handed_on + datetime.timedelta(days=60)
    visit_record(
        acting_user=field["member_user"],
        data=VisitInput(
            id=uuid.uuid4(),
            household_id=household.pk,
            visited_on=visited_on,
            present=(person.pk,),
            updates=(FactUpdate("resident", person.pk, "owns_smartphone", True, False),),
        ),
    )
    person.refresh_from_db()
    assert not person.owns_smartphone and person.smartphone_source == SmartphoneSource.VISIT
    assert "no_smartphone" in _reasons(field["member_user"], household)

    second_on = handed_on + datetime.timedelta(days=92)
    device_services.follow_up_record(
        acting_user=field["officer"],
        follow_up=second,
        done_on=second_on,
        outcome=Outcome.IN_USE,
        sim_active=True,
    )
    person.refresh_from_db()
    assert (person.owns_smartphone, person.smartphone_source, person.smartphone_on) == (
        True,
        SmartphoneSource.HANDOVER,
        second_on,
    )
    assert "no_smartphone" not in _reasons(field["member_user"], household)


def test_a_visit_that_finds_no_phone_makes_the_household_a_candidate_in_the_next_list(field):
    from langso.devices.models import Candidate

    household = poor_household(field["village"], owns_smartphone=True)
    households_assign(
        acting_user=field["officer"],
        member=field["member_user"].team_memberships.get(),
        households=[household],
    )
    first = approve(field)
    assert not Candidate.objects.filter(candidate_list=first, household=household, removed=False).exists()

    visit_record(
        acting_user=field["member_user"],
        data=VisitInput(
            id=uuid.uuid4(), household_id=household.pk, visited_on=timezone.localdate(), no_phone=True
        ),
    )
    head = Resident.objects.get(pk=household.head_id)
    assert not head.owns_smartphone and head.smartphone_source == SmartphoneSource.VISIT
    assert "no_smartphone" in _reasons(field["member_user"], household)
    following = device_services.candidate_list_generate(
        acting_user=field["officer"], programme=field["programme"], commune=field["commune"]
    )
    candidate = Candidate.objects.get(candidate_list=following, household=household)
    assert "no_phone_visit" in [r["code"] if isinstance(r, dict) else r for r in candidate.reasons]


def test_handovers_made_before_the_write_through_reach_the_person_when_migrating(field):
    """The data migration: an older handover sets the person's smartphone, a lost one asks for a check."""
    import importlib

    from django.apps import apps

    from langso.registry.models import Resident

    migration = importlib.import_module("langso.devices.migrations.0005_handovers_reach_the_person")
    approved = approve(field)
    kept, lost = (approved.candidates.get(household=h) for h in field["households"][:2])
    handed_on = timezone.localdate() - datetime.timedelta(days=40)
    device_services.allocate(acting_user=field["officer"], candidate=kept, handover=handover(handed_on))
    gone = device_services.allocate(
        acting_user=field["officer"], candidate=lost, handover=handover(handed_on)
    )
    follow_up = gone.follow_ups.order_by("months").first()
    follow_up.done_on, follow_up.outcome = timezone.localdate(), Outcome.LOST
    follow_up.save()  # as it stood before: written without reaching the person
    Resident.objects.update(owns_smartphone=False, smartphone_source="", smartphone_on=None)

    migration.handovers_reach_the_person(apps, None)

    kept_person = Resident.objects.get(pk=kept.household.head_id)
    lost_person = Resident.objects.get(pk=lost.household.head_id)
    assert (kept_person.owns_smartphone, kept_person.smartphone_source, kept_person.smartphone_on) == (
        True,
        "handover",
        handed_on,
    )
    assert (lost_person.owns_smartphone, lost_person.smartphone_to_check) == (False, True)
