import unicodedata

import pytest
from django.core.exceptions import ValidationError

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.core.models import AuditAction, AuditEntry
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry import services
from langso.registry.models import Household, Poverty, Resident
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return commune_officer(commune(NGHIA_TA))


@pytest.fixture
def household():
    return HouseholdFactory(village=VillageFactory(commune=commune(NGHIA_TA)))


def test_registering_a_resident_normalises_name_phone_and_cccd_and_records_an_audit_entry(officer, household):
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Thị  Ánh ")
    resident = services.resident_register(
        acting_user=officer,
        household=household,
        full_name=decomposed,
        sex="Nữ",
        birth_date="05/03/1985",
        ethnic_group="Ê-đê",
        cccd="066 185 001 234",
        phone="+84 912.345.678",
    )
    resident.refresh_from_db()
    assert resident.full_name == unicodedata.normalize("NFC", "Nguyễn Thị Ánh")
    assert resident.name_folded == "nguyen thi anh"
    assert (resident.birth_date.day, resident.birth_date.month, resident.birth_year) == (5, 3, 1985)
    assert (resident.cccd, resident.phone, resident.ethnic_group) == ("066185001234", "0912345678", "12")
    assert (resident.village_id, resident.commune_id, resident.province_id) == (
        household.village_id,
        household.commune_id,
        household.province_id,
    )
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, resident_id=resident.pk)
    assert entry.actor == officer
    assert entry.changes["cccd"] == ["•••", "•••"]  # sensitive values never copied into the trail


def test_every_bad_field_is_reported_at_once_in_vietnamese(officer, household):
    with pytest.raises(ValidationError) as error:
        services.resident_register(
            acting_user=officer,
            household=household,
            full_name="",
            sex="x",
            birth_date="31/02/1990",
            cccd="123",
            phone="12345",
            ethnic_group="Klingon",
        )
    assert set(error.value.message_dict) == {
        "full_name",
        "sex",
        "birth_date",
        "cccd",
        "phone",
        "ethnic_group",
    }
    assert "12 chữ số" in error.value.message_dict["cccd"][0]
    assert Resident.objects.count() == 0


def test_a_cccd_inconsistent_with_sex_and_birth_year_is_refused(officer, household):
    with pytest.raises(ValidationError) as error:
        services.resident_register(
            acting_user=officer,
            household=household,
            full_name="Lê Văn Nam",
            sex="Nam",
            birth_year=1990,
            cccd="066185001234",
        )
    assert "cccd" in error.value.message_dict


def test_a_cccd_already_in_the_registry_is_refused_even_when_the_holder_is_in_another_commune(
    officer, household
):
    other = HouseholdFactory(village=VillageFactory(commune=commune(CUOR_DANG)))
    ResidentFactory(household=other, cccd="066185001234", sex="female", birth_year=1985)
    with pytest.raises(ValidationError) as error:
        services.resident_register(
            acting_user=officer,
            household=household,
            full_name="H'Hen Niê",
            sex="Nữ",
            birth_year=1985,
            cccd="066185001234",
        )
    assert "đã có trong sổ" in error.value.message_dict["cccd"][0]
    assert "Cuôr" not in str(error.value)


def test_updating_a_resident_audits_only_what_changed(officer, household):
    resident = services.resident_register(
        acting_user=officer, household=household, full_name="Lê Văn Nam", sex="male", birth_year=1970
    )
    services.resident_update(acting_user=officer, resident=resident, phone="0987654321")
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, resident_id=resident.pk)
    assert entry.changes == {"phone": ["", "0987654321"]}


def test_a_household_head_is_unique_within_the_household(officer, household):
    first = services.resident_register(
        acting_user=officer,
        household=household,
        full_name="Lê Văn Nam",
        sex="male",
        birth_year=1970,
        is_head=True,
    )
    second = services.resident_register(
        acting_user=officer,
        household=household,
        full_name="Lê Thị Hoa",
        sex="female",
        birth_year=1972,
        is_head=True,
    )
    first.refresh_from_db()
    household.refresh_from_db()
    assert not first.is_head
    assert household.head == second


def test_poor_households_need_the_year_of_assessment(officer):
    village = VillageFactory(commune=commune(NGHIA_TA))
    with pytest.raises(ValidationError) as error:
        services.household_register(acting_user=officer, village=village, code="01-001", poverty="Hộ nghèo")
    assert "poverty_year" in error.value.message_dict
    household = services.household_register(
        acting_user=officer, village=village, code="01-001", poverty="Hộ nghèo", poverty_year=2025
    )
    assert household.poverty == Poverty.POOR
    assert household.province_id == 19


def test_household_codes_are_unique_within_a_commune(officer):
    village = VillageFactory(commune=commune(NGHIA_TA))
    services.household_register(acting_user=officer, village=village, code="A-1")
    with pytest.raises(ValidationError):
        services.household_register(
            acting_user=officer, village=VillageFactory(commune=village.commune), code="A-1"
        )
    assert Household.objects.filter(code="A-1").count() == 1


def test_deleting_a_resident_keeps_an_audit_entry_with_the_reason(officer, household):
    resident = services.resident_register(
        acting_user=officer, household=household, full_name="Lê Văn Nam", sex="male", birth_year=1970
    )
    resident_id = resident.pk
    services.resident_delete(acting_user=officer, resident=resident, reason="Chuyển đi nơi khác")
    entry = AuditEntry.objects.get(action=AuditAction.DELETE)
    assert entry.resident_id == resident_id
    assert entry.note == "Chuyển đi nơi khác"


def test_revealing_a_full_cccd_is_audited(officer, household):
    resident = ResidentFactory(household=household, cccd="019185001234", sex="female", birth_year=1985)
    assert services.cccd_reveal(acting_user=officer, resident=resident) == "019185001234"
    assert (
        AuditEntry.objects.filter(action=AuditAction.REVEAL, resident_id=resident.pk, actor=officer).count()
        == 1
    )


def test_consent_records_purpose_date_and_who_recorded_it(officer, household):
    resident = ResidentFactory(household=household)
    consent = services.consent_record(
        acting_user=officer, resident=resident, purpose="digital_inclusion", method="paper"
    )
    assert consent.recorded_by == officer
    assert AuditEntry.objects.filter(action=AuditAction.CONSENT, resident_id=resident.pk).exists()


def test_the_audit_trail_cannot_be_changed_or_deleted(officer, household):
    ResidentFactory(household=household)
    entry = (
        services.consent_record(
            acting_user=officer, resident=ResidentFactory(household=household), purpose="contact"
        )
        and AuditEntry.objects.first()
    )
    entry.note = "sửa"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(note="x")


def test_a_team_member_role_alone_does_not_grant_registry_edits():
    from langso.accounts.access import Perm, has_perm

    member = user_with_role(Role.TEAM_MEMBER, village=VillageFactory())
    assert not has_perm(member, Perm.REGISTRY_EDIT)


def test_removing_a_person_keeps_their_help_desk_sessions_counted_as_anonymous():
    import uuid

    from django.utils import timezone

    from langso.registry import services as registry_services
    from langso.registry.tests.factories import ResidentFactory
    from langso.teams.models import HelpDeskSession

    person = ResidentFactory(full_name="Lò Văn Đi")
    HelpDeskSession.objects.create(
        id=uuid.uuid4(),
        content_hash="x",
        commune=person.commune,
        province=person.province,
        resident=person,
        helped_on=timezone.localdate(),
        procedure="birth_registration",
        outcome="done",
        minutes=10,
    )

    registry_services.resident_delete(acting_user=None, resident=person, reason="chuyển đi")

    session = HelpDeskSession.objects.get()
    assert session.resident is None and session.walk_in_name
