"""Candidate lists, approval and versions, inventory, allocation, follow-ups and returns."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from langso.accounts.tests.factories import commune_officer
from langso.core.models import AuditEntry
from langso.devices import services
from langso.devices.models import (
    Allocation,
    AllocationKind,
    AllocationStatus,
    CandidateList,
    Condition,
    Device,
    DeviceStatus,
    FollowUp,
    ListStatus,
    Outcome,
)
from langso.devices.tests.conftest import approve, handover, poor_household
from langso.devices.tests.factories import DeviceFactory, ProgrammeFactory, imei
from langso.places.tests.factories import CUOR_DANG, commune
from langso.registry.tests.factories import ResidentFactory
from langso.teams.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def test_generating_a_list_takes_the_eligible_households_ranked_with_reasons(world):
    lst = services.candidate_list_generate(
        acting_user=world["officer"], programme=world["programme"], commune=world["commune"]
    )
    candidates = list(lst.candidates.all())
    assert len(candidates) == 4  # the household not in a poverty class is left out
    assert lst.version == 1 and lst.status == ListStatus.DRAFT
    # Oldest heads (born 1950, 1951, ...) are elderly: poor 20 + elderly 15.
    assert {c.score for c in candidates} == {35}
    assert all({r["code"] for r in c.reasons} == {"poor", "elderly"} for c in candidates)


def test_a_household_a_visit_found_without_phone_gets_its_priority(world):
    from langso.teams.models import Visit

    household = world["households"][0]
    team = TeamFactory(village=world["village"])
    Visit.objects.create(
        household=household,
        team=team,
        visited_on=datetime.date.today(),
        no_phone=True,
        village=household.village,
        commune=household.commune,
        province=household.province,
        content_hash="x",
    )
    lst = services.candidate_list_generate(
        acting_user=world["officer"], programme=world["programme"], commune=world["commune"]
    )
    top = lst.candidates.order_by("-score").first()
    assert top.household == household and top.score == 45


def test_an_approved_list_is_locked(world):
    lst = approve(world)
    assert lst.status == ListStatus.APPROVED and lst.decision.startswith("Quyết định")
    candidate = lst.candidates.first()
    with pytest.raises(ValidationError) as error:
        services.candidate_remove(acting_user=world["officer"], candidate=candidate, reason="Đã chuyển đi")
    assert "phiên bản mới" in error.value.messages[0]
    candidate.refresh_from_db()
    assert not candidate.removed


def test_a_change_after_approval_makes_a_new_version_that_needs_its_own_approval(world):
    first = approve(world)
    extra = poor_household(world["village"], poverty="none", birth_year=1990)
    added = services.candidate_add(
        acting_user=world["officer"],
        programme=world["programme"],
        commune=world["commune"],
        household=extra,
        reason="Hộ mới gặp hoạn nạn, UBND xã đề nghị bổ sung",
    )
    second = added.candidate_list
    assert second.version == 2 and second.status == ListStatus.DRAFT and second.based_on == first
    assert second.candidates.count() == 5
    first.refresh_from_db()
    # The first version stays approved (allocations continue from it) and readable, unchanged.
    assert first.status == ListStatus.APPROVED and first.candidates.count() == 4
    assert services.approved_list(world["programme"], world["commune"].pk) == first
    services.candidate_list_approve(
        acting_user=world["officer"], candidate_list=second, decision="QĐ 15/QĐ-UBND"
    )
    first.refresh_from_db()
    assert first.status == ListStatus.SUPERSEDED
    assert services.approved_list(world["programme"], world["commune"].pk).version == 2


def test_removing_needs_a_written_reason_and_keeps_the_row_marked(world):
    lst = services.candidate_list_generate(
        acting_user=world["officer"], programme=world["programme"], commune=world["commune"]
    )
    candidate = lst.candidates.first()
    with pytest.raises(ValidationError):
        services.candidate_remove(acting_user=world["officer"], candidate=candidate, reason="   ")
    services.candidate_remove(acting_user=world["officer"], candidate=candidate, reason="Hộ đã tự mua máy")
    candidate.refresh_from_db()
    assert candidate.removed and candidate.removed_reason == "Hộ đã tự mua máy"
    # Generating again keeps the officer's decision.
    services.candidate_list_generate(
        acting_user=world["officer"], programme=world["programme"], commune=world["commune"]
    )
    candidate.refresh_from_db()
    assert candidate.removed
    assert AuditEntry.objects.filter(object_id=str(candidate.pk), note="Hộ đã tự mua máy").exists()


def test_an_empty_list_cannot_be_approved_and_approval_needs_the_decision(world):
    lst = services.draft_for(
        acting_user=world["officer"], programme=world["programme"], commune=world["commune"]
    )
    with pytest.raises(ValidationError):
        services.candidate_list_approve(acting_user=world["officer"], candidate_list=lst, decision="QĐ 1")
    services.candidate_list_generate(
        acting_user=world["officer"], programme=world["programme"], commune=world["commune"]
    )
    with pytest.raises(ValidationError):
        services.candidate_list_approve(acting_user=world["officer"], candidate_list=lst, decision="")


def test_an_officer_of_another_commune_cannot_edit_or_approve_the_list(world):
    stranger = commune_officer(commune(CUOR_DANG))
    with pytest.raises(PermissionDenied):
        services.candidate_list_generate(
            acting_user=stranger, programme=world["programme"], commune=world["commune"]
        )
    lst = services.candidate_list_generate(
        acting_user=world["officer"], programme=world["programme"], commune=world["commune"]
    )
    with pytest.raises(PermissionDenied):
        services.candidate_list_approve(acting_user=stranger, candidate_list=lst, decision="QĐ 1")


# --- Inventory ---


def test_an_imei_is_unique_across_all_programmes(world):
    other = ProgrammeFactory()
    taken = world["devices"][0].imei
    with pytest.raises(ValidationError) as error:
        services.device_add(
            acting_user=world["officer"],
            programme=other,
            commune=world["commune"],
            imei=taken,
            model_name="Itel",
        )
    assert "chương trình khác" in error.value.message_dict["imei"][0]
    # And the database says so too, whatever path writes.
    with pytest.raises(IntegrityError):
        Device.objects.create(programme=other, imei=taken, model_name="X")


def test_a_device_with_a_bad_imei_or_sim_is_refused_field_by_field(world):
    with pytest.raises(ValidationError) as error:
        services.device_add(
            acting_user=world["officer"],
            programme=world["programme"],
            commune=world["commune"],
            imei="490154203237517",
            model_name="",
            sim_number="12345",
        )
    assert set(error.value.message_dict) == {"imei", "model_name", "sim_number"}


def test_a_device_is_added_with_its_normalised_values(world):
    device = services.device_add(
        acting_user=world["officer"],
        programme=world["programme"],
        commune=world["commune"],
        imei="49 015420 323751 8",
        model_name="  Samsung  Galaxy A05 ",
        sim_number="+84 912 345 678",
    )
    assert (device.imei, device.model_name, device.sim_number) == (
        "490154203237518",
        "Samsung Galaxy A05",
        "0912345678",
    )


# --- Allocation ---


def test_an_approved_candidate_gets_a_device_and_three_follow_ups(world):
    lst = approve(world)
    candidate = lst.candidates.first()
    day = datetime.date(2026, 1, 31)
    allocation = services.allocate(acting_user=world["officer"], candidate=candidate, handover=handover(day))
    assert allocation.device.status == DeviceStatus.HANDED_OVER
    assert allocation.receiver_name == candidate.household.head.full_name
    assert sorted(FollowUp.objects.filter(allocation=allocation).values_list("months", "due_on")) == [
        (1, datetime.date(2026, 2, 28)),
        (3, datetime.date(2026, 4, 30)),
        (6, datetime.date(2026, 7, 31)),
    ]


def test_only_an_approved_list_can_be_allocated_from(world):
    lst = services.candidate_list_generate(
        acting_user=world["officer"], programme=world["programme"], commune=world["commune"]
    )
    with pytest.raises(ValidationError) as error:
        services.allocate(acting_user=world["officer"], candidate=lst.candidates.first(), handover=handover())
    assert "phê duyệt" in error.value.messages[0]


def test_the_same_recipient_is_never_given_twice(world):
    candidate = approve(world).candidates.first()
    services.allocate(acting_user=world["officer"], candidate=candidate, handover=handover())
    with pytest.raises(ValidationError) as error:
        services.allocate(acting_user=world["officer"], candidate=candidate, handover=handover())
    assert error.value.code == "recipient_taken"
    assert Allocation.objects.count() == 1


def test_the_quota_stops_allocation_when_it_is_used_up(world):
    candidates = list(approve(world).candidates.all())
    for candidate in candidates[:3]:
        services.allocate(acting_user=world["officer"], candidate=candidate, handover=handover())
    with pytest.raises(ValidationError) as error:
        services.allocate(acting_user=world["officer"], candidate=candidates[3], handover=handover())
    assert error.value.code == "quota_full"
    assert Device.objects.filter(status=DeviceStatus.IN_STOCK).count() == 2


def test_no_device_left_is_said_plainly(world):
    Device.objects.filter(pk__in=[d.pk for d in world["devices"][1:]]).delete()
    candidates = list(approve(world).candidates.all())
    services.allocate(acting_user=world["officer"], candidate=candidates[0], handover=handover())
    with pytest.raises(ValidationError) as error:
        services.allocate(acting_user=world["officer"], candidate=candidates[1], handover=handover())
    assert error.value.code == "no_device"


def test_a_damaged_device_or_one_in_another_communes_store_is_not_given(world):
    Device.objects.all().update(condition=Condition.DAMAGED)
    DeviceFactory(programme=world["programme"], commune=commune(CUOR_DANG))
    with pytest.raises(ValidationError):
        services.allocate(
            acting_user=world["officer"], candidate=approve(world).candidates.first(), handover=handover()
        )


def test_cash_contribution_only_where_the_programme_allows_it(world):
    candidate = approve(world).candidates.first()
    with pytest.raises(ValidationError):
        services.allocate(
            acting_user=world["officer"], candidate=candidate, handover=handover(), kind=AllocationKind.CASH
        )
    programme = world["programme"]
    programme.cash_allowed, programme.cash_amount = True, 1_500_000
    programme.save()
    allocation = services.allocate(
        acting_user=world["officer"], candidate=candidate, handover=handover(), kind=AllocationKind.CASH
    )
    assert allocation.device is None and allocation.cash_amount == 1_500_000
    assert Device.objects.filter(status=DeviceStatus.IN_STOCK).count() == 5


def test_training_is_required_when_the_programme_says_so(world):
    programme = world["programme"]
    programme.training_required = True
    programme.save()
    candidate = approve(world).candidates.first()
    with pytest.raises(ValidationError) as error:
        services.allocate(acting_user=world["officer"], candidate=candidate, handover=handover())
    assert "training_attended" in error.value.message_dict
    services.allocate(
        acting_user=world["officer"],
        candidate=candidate,
        handover=handover(training_attended=True, training_on=datetime.date.today()),
    )


def test_the_receiver_must_be_a_member_of_the_household(world):
    candidate = approve(world).candidates.first()
    outsider = ResidentFactory(household=world["households"][4])
    with pytest.raises(ValidationError):
        services.allocate(
            acting_user=world["officer"], candidate=candidate, handover=handover(receiver=outsider)
        )


# --- Follow-ups and returns ---


def test_a_returned_device_goes_back_to_the_store_with_its_history(world):
    candidates = list(approve(world).candidates.all())
    day = datetime.date.today() - datetime.timedelta(days=40)
    allocation = services.allocate(
        acting_user=world["officer"], candidate=candidates[0], handover=handover(day)
    )
    device = allocation.device
    first = allocation.follow_ups.get(months=1)
    services.follow_up_record(
        acting_user=world["officer"],
        follow_up=first,
        done_on=datetime.date.today(),
        outcome=Outcome.RETURNED,
        sim_active=False,
        notes="Cụ không dùng được, con cháu đã có máy",
    )
    allocation.refresh_from_db()
    device.refresh_from_db()
    assert allocation.status == AllocationStatus.RETURNED and allocation.returned_on == datetime.date.today()
    assert device.status == DeviceStatus.IN_STOCK
    assert list(allocation.follow_ups.filter(cancelled=True).values_list("months", flat=True)) == [3, 6]
    # The same device can be handed over again; its history keeps both.
    again = services.allocate(
        acting_user=world["officer"], candidate=candidates[1], handover=handover(), device=device
    )
    assert again.device == device
    assert list(device.allocations.order_by("created_at").values_list("status", flat=True)) == [
        "returned",
        "active",
    ]


def test_a_follow_up_records_the_outcome_and_the_digital_citizen_status(world):
    candidate = approve(world).candidates.first()
    allocation = services.allocate(
        acting_user=world["officer"],
        candidate=candidate,
        handover=handover(datetime.date.today() - datetime.timedelta(days=100)),
    )
    follow_up = allocation.follow_ups.get(months=3)
    services.follow_up_record(
        acting_user=world["officer"],
        follow_up=follow_up,
        done_on=datetime.date.today(),
        outcome=Outcome.IN_USE,
        sim_active=True,
    )
    follow_up.refresh_from_db()
    assert follow_up.outcome == Outcome.IN_USE and follow_up.sim_active is True
    assert follow_up.digital_citizen is False  # no skills recorded yet
    with pytest.raises(ValidationError):
        services.follow_up_record(
            acting_user=world["officer"],
            follow_up=allocation.follow_ups.get(months=6),
            done_on=datetime.date.today() + datetime.timedelta(days=1),
            outcome=Outcome.IN_USE,
            sim_active=True,
        )


def test_a_scan_must_be_a_small_image_or_pdf(world):
    allocation = services.allocate(
        acting_user=world["officer"], candidate=approve(world).candidates.first(), handover=handover()
    )
    with pytest.raises(ValidationError):
        services.handover_scan_attach(
            acting_user=world["officer"], allocation=allocation, data=b"MZ\x90 not an image"
        )
    with pytest.raises(ValidationError):
        services.handover_scan_attach(
            acting_user=world["officer"],
            allocation=allocation,
            data=b"\xff\xd8\xff" + b"0" * services.MAX_SCAN_BYTES,
        )
    services.handover_scan_attach(
        acting_user=world["officer"], allocation=allocation, data=b"%PDF-1.4 signed"
    )
    allocation.refresh_from_db()
    assert bytes(allocation.scan).startswith(b"%PDF") and allocation.scan_content_type == "application/pdf"


def test_a_quota_cannot_drop_below_what_was_handed_over(world, django_user_model):
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role

    admin = user_with_role(Role.ADMINISTRATOR)
    candidates = list(approve(world).candidates.all())
    for c in candidates[:2]:
        services.allocate(acting_user=world["officer"], candidate=c, handover=handover())
    with pytest.raises(ValidationError):
        services.quota_set(acting_user=admin, programme=world["programme"], commune=world["commune"], quota=1)
    with pytest.raises(PermissionDenied):
        services.quota_set(
            acting_user=world["officer"], programme=world["programme"], commune=world["commune"], quota=9
        )
    assert (
        services.quota_set(
            acting_user=admin, programme=world["programme"], commune=world["commune"], quota=2
        ).quota
        == 2
    )


def test_province_staff_manage_only_their_provinces_programmes(world):
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role

    province = world["commune"].province
    staff = user_with_role(Role.PROVINCE_STAFF, province=province)
    values = {
        "name": "Điện thoại cho hộ nghèo Thái Nguyên",
        "funder": "UBND tỉnh",
        "starts_on": datetime.date(2026, 1, 1),
        "ends_on": datetime.date(2026, 12, 31),
    }
    programme = services.programme_save(acting_user=staff, province=province, **values)
    assert programme.province == province
    with pytest.raises(PermissionDenied):
        services.programme_save(acting_user=staff, province=None, **values)
    with pytest.raises(PermissionDenied):
        services.programme_save(acting_user=staff, province=commune(CUOR_DANG).province, **values)
    assert CandidateList.objects.count() == 0
    assert imei(1) != imei(2)
