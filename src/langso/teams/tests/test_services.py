from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.core.models import AuditEntry
from langso.places.models import Coverage
from langso.places.tests.factories import CUOR_DANG, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.skills.models import CurrentSkillLevel, Evidence, SkillRecord
from langso.teams import services
from langso.teams.models import (
    HelpDeskSession,
    HouseholdAssignment,
    Operator,
    SignalReport,
    SignalStatus,
    Technology,
    Visit,
    VisitService,
)
from langso.teams.services import (
    HelpDeskInput,
    ServiceDone,
    SignalReportInput,
    SkillTaught,
    SyncConflict,
    VisitInput,
)
from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def village():
    return VillageFactory()


@pytest.fixture
def member_user(village):
    user = user_with_role(Role.TEAM_MEMBER, village=village)
    member = TeamMemberFactory(team=TeamFactory(village=village), user=user)
    return user, member


def visit_input(household, **overrides):
    data = {"id": uuid.uuid4(), "household_id": household.pk, "visited_on": timezone.localdate()}
    data.update(overrides)
    return VisitInput(**data)


def test_a_visit_writes_observed_skill_records_for_the_people_taught(village, member_user):
    user, member = member_user
    household = HouseholdFactory(village=village)
    grandmother = ResidentFactory(household=household, birth_year=1950)
    data = visit_input(
        household,
        present=(grandmother.pk,),
        skills=(SkillTaught(grandmother.pk, "video_call", 2), SkillTaught(grandmother.pk, "zalo_groups", 1)),
        services=(ServiceDone("vneid_level2", grandmother.pk),),
        no_phone=True,
        follow_up_on=timezone.localdate() + datetime.timedelta(days=7),
    )

    visit, outcome = services.visit_record(acting_user=user, data=data)

    assert outcome == "stored"
    assert visit.member == member and visit.team == member.team
    assert list(visit.present.all()) == [grandmother]
    records = SkillRecord.objects.filter(resident=grandmother).order_by("skill_code")
    assert [(r.skill_code, r.level, r.evidence) for r in records] == [
        ("video_call", 2, Evidence.OBSERVED),
        ("zalo_groups", 1, Evidence.OBSERVED),
    ]
    assert CurrentSkillLevel.objects.get(resident=grandmother, skill_code="video_call").level == 2
    assert visit.services.get().service == "vneid_level2"
    assert AuditEntry.objects.filter(object_type="teams.visit", object_id=str(visit.pk)).exists()


def test_the_same_visit_sent_twice_is_stored_once_and_acknowledged(village, member_user):
    user, _member = member_user
    household = HouseholdFactory(village=village)
    person = ResidentFactory(household=household)
    data = visit_input(household, skills=(SkillTaught(person.pk, "video_call", 3),))

    first, first_outcome = services.visit_record(acting_user=user, data=data)
    again, again_outcome = services.visit_record(acting_user=user, data=data)

    assert (first_outcome, again_outcome) == ("stored", "duplicate")
    assert first.pk == again.pk
    assert Visit.objects.count() == 1
    assert SkillRecord.objects.filter(resident=person).count() == 1


def test_the_same_uuid_with_different_content_is_refused_and_the_first_kept(village, member_user):
    user, _member = member_user
    household = HouseholdFactory(village=village)
    data = visit_input(household, notes="Lần đầu")
    services.visit_record(acting_user=user, data=data)

    changed = visit_input(household, id=data.id, notes="Nội dung khác")
    with pytest.raises(SyncConflict):
        services.visit_record(acting_user=user, data=changed)

    assert Visit.objects.get().notes == "Lần đầu"


def test_a_visit_to_a_household_outside_the_members_units_is_refused(member_user):
    user, _member = member_user
    elsewhere = HouseholdFactory(village=VillageFactory(commune=commune(CUOR_DANG)))

    with pytest.raises(ValidationError) as error:
        services.visit_record(acting_user=user, data=visit_input(elsewhere))

    assert "household" in error.value.message_dict
    assert Visit.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"visited_on": "2999-01-01"}, "visited_on"),
        ({"visited_on": "2019-12-31"}, "visited_on"),
        ({"visited_on": "31/12/2025"}, "visited_on"),
        ({"follow_up_on": "2020-01-01"}, "follow_up_on"),
        ({"skills": "unknown_skill"}, "skills"),
        ({"skills": "level_9"}, "skills"),
        ({"services": "made_up"}, "services"),
        ({"present": "stranger"}, "present"),
        ({"notes": "x" * 2001}, "notes"),
    ],
)
def test_bad_visit_data_is_refused_with_a_reason_and_nothing_written(village, member_user, overrides, field):
    user, _member = member_user
    household = HouseholdFactory(village=village)
    person = ResidentFactory(household=household)
    stranger = ResidentFactory(household=HouseholdFactory(village=village))
    values = {
        "unknown_skill": (SkillTaught(person.pk, "flying", 2),),
        "level_9": (SkillTaught(person.pk, "video_call", 9),),
        "made_up": (ServiceDone("made_up", person.pk),),
        "stranger": (stranger.pk,),
    }
    overrides = {k: values.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}

    with pytest.raises(ValidationError) as error:
        services.visit_record(acting_user=user, data=visit_input(household, **overrides))

    assert field in error.value.message_dict
    assert Visit.objects.count() == 0 and SkillRecord.objects.count() == 0


def test_a_failure_half_way_through_a_visit_leaves_nothing_behind(village, member_user, monkeypatch):
    user, _member = member_user
    household = HouseholdFactory(village=village)
    person = ResidentFactory(household=household)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(VisitService.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        services.visit_record(
            acting_user=user, data=visit_input(household, skills=(SkillTaught(person.pk, "video_call", 2),))
        )

    assert Visit.objects.count() == 0
    assert SkillRecord.objects.count() == 0


def test_help_desk_session_for_a_walk_in_needs_a_name_and_is_idempotent():
    place = commune()
    officer = commune_officer(place)
    data = HelpDeskInput(
        id=uuid.uuid4(),
        commune_code=place.code,
        helped_on=timezone.localdate(),
        procedure="birth_registration",
        outcome="submitted",
        minutes=20,
        walk_in_name="  Bà   Lò Thị Hoa ",
        walk_in_birth_year=1948,
    )

    session, outcome = services.helpdesk_record(acting_user=officer, data=data)
    _again, again_outcome = services.helpdesk_record(acting_user=officer, data=data)

    assert (outcome, again_outcome) == ("stored", "duplicate")
    assert session.walk_in_name == "Bà Lò Thị Hoa"
    assert HelpDeskSession.objects.count() == 1
    nameless = HelpDeskInput(**{**data.__dict__, "id": uuid.uuid4(), "walk_in_name": " "})
    with pytest.raises(ValidationError) as error:
        services.helpdesk_record(acting_user=officer, data=nameless)
    assert "walk_in_name" in error.value.message_dict


def signal_input(village, **overrides):
    data = {
        "id": uuid.uuid4(),
        "village_id": village.pk,
        "description": "Cuối xóm, gần nhà văn hóa",
        "operator": Operator.VIETTEL,
        "technology": Technology.MOBILE_4G,
        "reported_on": timezone.localdate(),
        "households_affected": 12,
    }
    data.update(overrides)
    return SignalReportInput(**data)


def test_fixing_a_weak_signal_report_updates_the_village_coverage(village, member_user):
    user, _member = member_user
    village.mobile_4g = Coverage.NO
    village.save()
    report, _ = services.signal_report_create(acting_user=user, data=signal_input(village))
    partner = user_with_role(
        Role.TELECOM_PARTNER, province=village.commune.province, telecom_operator="viettel"
    )

    services.signal_report_move(acting_user=partner, report=report, status=SignalStatus.CONFIRMED)
    services.signal_report_move(
        acting_user=partner, report=report, status=SignalStatus.FIXED, note="Đã lắp trạm"
    )

    report.refresh_from_db()
    village.refresh_from_db()
    assert report.status == SignalStatus.FIXED and report.closed_on == timezone.localdate()
    assert village.mobile_4g == Coverage.YES
    assert [e.status for e in report.events.all()] == ["reported", "confirmed", "fixed"]


def test_a_closed_report_cannot_move_and_a_rejection_needs_a_note(village, member_user):
    user, _member = member_user
    report, _ = services.signal_report_create(acting_user=user, data=signal_input(village))
    partner = user_with_role(
        Role.TELECOM_PARTNER, province=village.commune.province, telecom_operator="viettel"
    )

    with pytest.raises(ValidationError):
        services.signal_report_move(acting_user=partner, report=report, status=SignalStatus.REJECTED)
    services.signal_report_move(
        acting_user=partner, report=report, status=SignalStatus.REJECTED, note="Có sóng"
    )
    with pytest.raises(ValidationError):
        services.signal_report_move(acting_user=partner, report=report, status=SignalStatus.FIXED)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "a"}, "description"),
        ({"operator": "skynet"}, "operator"),
        ({"technology": "6g"}, "technology"),
        ({"latitude": 48.85, "longitude": 2.35}, "latitude"),
        ({"latitude": 12.5}, "latitude"),
    ],
)
def test_bad_signal_reports_are_refused(village, member_user, overrides, field):
    user, _member = member_user
    with pytest.raises(ValidationError) as error:
        services.signal_report_create(acting_user=user, data=signal_input(village, **overrides))
    assert field in error.value.message_dict
    assert SignalReport.objects.count() == 0


def test_households_of_another_commune_cannot_be_assigned(village):
    officer = commune_officer(village.commune)
    member = TeamMemberFactory(team=TeamFactory(village=village))
    here = HouseholdFactory(village=village)
    elsewhere = HouseholdFactory(village=VillageFactory(commune=commune(CUOR_DANG)))

    with pytest.raises(ValidationError):
        services.households_assign(acting_user=officer, member=member, households=[here, elsewhere])
    assert HouseholdAssignment.objects.count() == 0

    assert services.households_assign(acting_user=officer, member=member, households=[here]) == 1
    other = TeamMemberFactory(team=member.team)
    services.households_assign(acting_user=officer, member=other, households=[here])
    assert HouseholdAssignment.objects.get().member == other


def test_a_revoked_device_token_no_longer_opens_the_api(member_user):
    user, _member = member_user
    device, token = services.device_token_issue(acting_user=user, name="Điện thoại Samsung A05")

    assert services.device_for_token(token) == device
    assert device.token_hash != token and token not in device.token_hash

    services.device_token_revoke(acting_user=user, device=device)
    assert services.device_for_token(token) is None
    assert services.device_for_token("ls_not-a-token") is None


def test_facts_edited_on_a_phone_follow_the_three_way_rule_and_real_conflicts_wait_for_an_officer(
    village, member_user
):
    from langso.registry import services as registry_services
    from langso.teams.models import ConflictStatus, FactConflict
    from langso.teams.services import FactUpdate

    user, _member = member_user
    household = HouseholdFactory(village=village, address="Xóm Trên")
    person = ResidentFactory(household=household, owns_smartphone=False)

    # The server still holds what the phone saw: the phone's value is applied.
    services.visit_record(
        acting_user=user,
        data=visit_input(
            household,
            updates=(
                FactUpdate("resident", person.pk, "owns_smartphone", False, True),
                FactUpdate("household", household.pk, "address", "Xóm Trên", "Xóm Trên, gần cầu treo"),
            ),
        ),
    )
    person.refresh_from_db()
    household.refresh_from_db()
    assert person.owns_smartphone is True
    assert household.address == "Xóm Trên, gần cầu treo"

    # The server already holds the phone's value: nothing to do, no conflict.
    services.visit_record(
        acting_user=user,
        data=visit_input(
            household, updates=(FactUpdate("resident", person.pk, "owns_smartphone", False, True),)
        ),
    )
    assert not FactConflict.objects.exists()

    # An officer changed the address meanwhile; a phone that saw the old one sends its own: a conflict.
    registry_services.household_update(acting_user=None, household=household, address="Thôn 3, nhà số 12")
    visit, _ = services.visit_record(
        acting_user=user,
        data=visit_input(
            household,
            updates=(
                FactUpdate("household", household.pk, "address", "Xóm Trên, gần cầu treo", "Cạnh trường"),
            ),
        ),
    )
    household.refresh_from_db()
    conflict = FactConflict.objects.get()
    assert household.address == "Thôn 3, nhà số 12"  # nothing applied silently
    assert (conflict.server_value, conflict.phone_before, conflict.phone_after) == (
        "Thôn 3, nhà số 12",
        "Xóm Trên, gần cầu treo",
        "Cạnh trường",
    )
    assert conflict.visit == visit and conflict.status == ConflictStatus.OPEN

    officer = commune_officer(village.commune)
    services.conflict_resolve(acting_user=officer, conflict=conflict, use_phone_value=True)
    household.refresh_from_db()
    assert household.address == "Cạnh trường"
    with pytest.raises(ValidationError):
        services.conflict_resolve(acting_user=officer, conflict=conflict, use_phone_value=False)


def test_a_phone_may_not_edit_other_facts_or_other_households(village, member_user):
    from langso.teams.services import FactUpdate

    user, _member = member_user
    household = HouseholdFactory(village=village)
    person = ResidentFactory(household=household)
    stranger = ResidentFactory(household=HouseholdFactory(village=village))
    for update in (
        FactUpdate("resident", person.pk, "cccd", "", "001070000001"),
        FactUpdate("household", household.pk, "poverty", "none", "poor"),
        FactUpdate("resident", stranger.pk, "owns_smartphone", False, True),
        FactUpdate("resident", person.pk, "owns_smartphone", "no", "yes"),
    ):
        with pytest.raises(ValidationError) as error:
            services.visit_record(acting_user=user, data=visit_input(household, updates=(update,)))
        assert "updates" in error.value.message_dict
    assert Visit.objects.count() == 0
