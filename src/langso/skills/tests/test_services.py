import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.skills import catalogue as skill_catalogue
from langso.skills import selectors, services
from langso.skills.models import CatalogueStatus, SkillRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return user_with_role(Role.PROVINCE_STAFF, province=commune(NGHIA_TA).province)


@pytest.fixture
def resident():
    return ResidentFactory(
        household=HouseholdFactory(village=VillageFactory(commune=commune(NGHIA_TA))), owns_smartphone=True
    )


def test_old_records_keep_the_meaning_of_the_catalogue_version_they_were_made_under(staff, resident):
    v1 = skill_catalogue.install_default_catalogue()
    old = services.skill_record_add(acting_user=staff, resident=resident, skill_code="qr_payment", level=3)
    draft = services.catalogue_draft_start(acting_user=staff)
    services.draft_skill_save(
        acting_user=staff, draft=draft, code="qr_payment", name="Thanh toán QR và ví điện tử"
    )
    services.catalogue_publish(acting_user=staff, draft=draft)
    new = services.skill_record_add(acting_user=staff, resident=resident, skill_code="qr_payment", level=4)
    old.refresh_from_db()
    assert old.skill.version == v1 and old.skill.name == "Thanh toán bằng mã QR"
    assert new.skill.version == draft and new.skill.name == "Thanh toán QR và ví điện tử"
    v1.refresh_from_db()
    assert v1.status == CatalogueStatus.RETIRED


def test_a_published_catalogue_cannot_be_edited(staff):
    published = skill_catalogue.install_default_catalogue()
    with pytest.raises(ValidationError):
        services.draft_skill_save(acting_user=staff, draft=published, code="qr_payment", name="x")


def test_a_persons_page_data_derives_levels_and_the_digital_citizen_status(staff, resident):
    skill_catalogue.install_default_catalogue()
    today = timezone.localdate()
    for code in ("vneid_level2", "qr_payment", "online_birth_registration"):
        services.skill_record_add(
            acting_user=staff,
            resident=resident,
            skill_code=code,
            level=3,
            recorded_on=today - datetime.timedelta(days=3),
        )
    assert selectors.resident_skills(resident=resident).status.is_digital_citizen
    services.skill_record_add(
        acting_user=staff, resident=resident, skill_code="qr_payment", level=2, recorded_on=today
    )
    summary = selectors.resident_skills(resident=resident)
    assert not summary.status.is_digital_citizen
    assert [(m.kind, m.skill_code) for m in summary.status.missing] == [("skill", "qr_payment")]
    assert SkillRecord.objects.filter(resident=resident).count() == 4


def test_a_province_may_set_its_own_digital_citizen_rule(staff, resident):
    skill_catalogue.install_default_catalogue()
    services.skill_rule_update(
        acting_user=staff,
        kind="digital_citizen",
        province=resident.province,
        required_levels={"video_call": 2},
        requires_smartphone=True,
    )
    services.skill_record_add(acting_user=staff, resident=resident, skill_code="video_call", level=2)
    services.skill_record_add(acting_user=staff, resident=resident, skill_code="medical_appointment", level=3)
    assert selectors.resident_skills(resident=resident).status.is_digital_citizen
    with pytest.raises(ValidationError):
        services.skill_rule_update(acting_user=staff, kind="digital_citizen", required_levels={"flying": 2})


def test_records_refuse_an_unknown_skill_a_bad_level_or_a_future_date(staff, resident):
    skill_catalogue.install_default_catalogue()
    with pytest.raises(ValidationError):
        services.skill_record_add(acting_user=staff, resident=resident, skill_code="flying", level=2)
    with pytest.raises(ValidationError):
        services.skill_record_add(acting_user=staff, resident=resident, skill_code="video_call", level=7)
    with pytest.raises(ValidationError):
        services.skill_record_add(
            acting_user=staff,
            resident=resident,
            skill_code="video_call",
            level=2,
            recorded_on=timezone.localdate() + datetime.timedelta(days=2),
        )


def test_counts_per_skill_follow_each_persons_current_level_within_the_users_units(staff, resident):
    from langso.accounts.tests.factories import commune_officer
    from langso.places.tests.factories import CUOR_DANG
    from langso.skills.selectors import skill_counts

    other = ResidentFactory(household=HouseholdFactory(village=VillageFactory(commune=commune(CUOR_DANG))))
    day = timezone.localdate() - datetime.timedelta(days=5)
    services.skill_record_add(
        acting_user=staff, resident=resident, skill_code="qr_payment", level=3, recorded_on=day
    )
    services.skill_record_add(
        acting_user=staff, resident=other, skill_code="qr_payment", level=4, recorded_on=day
    )
    counts = {
        c.skill.code: (c.reached, c.recorded) for c in skill_counts(user=commune_officer(resident.commune))
    }
    assert counts["qr_payment"] == (1, 1)
    services.skill_record_add(acting_user=staff, resident=resident, skill_code="qr_payment", level=2)
    counts = {
        c.skill.code: (c.reached, c.recorded) for c in skill_counts(user=commune_officer(resident.commune))
    }
    assert counts["qr_payment"] == (0, 1)
