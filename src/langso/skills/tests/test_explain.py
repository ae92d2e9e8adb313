"""Rules you can read, what a person still misses, what to teach next, and voiding a wrong record."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from langso.accounts.tests.factories import commune_officer
from langso.core.models import AuditEntry
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.skills import explain, services
from langso.skills.models import CertificateProgramme, CurrentSkillLevel, SkillRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return ResidentFactory(
        household=HouseholdFactory(village=VillageFactory(commune=commune(NGHIA_TA), name="Nà Mò")),
        full_name="LƯỜNG THỊ HÀ",
        birth_year=1968,
        owns_smartphone=True,
    )


def _add(person, code, level, **kw):
    return services.skill_record_add(acting_user=None, resident=person, skill_code=code, level=level, **kw)


def test_the_digital_citizen_page_names_every_skill_and_level_and_which_skills_count_as_an_online_procedure(
    client, person
):
    client.force_login(commune_officer(person.commune))
    page = client.get(reverse("skills:rule", args=[explain.DIGITAL_CITIZEN])).content.decode()

    assert "Có điện thoại thông minh" in page
    assert "Kích hoạt định danh điện tử mức 2: mức 3 – Tự làm được" in page
    assert "Tự làm được ít nhất một thủ tục trực tuyến: một trong các kỹ năng" in page
    for code in ("online_birth_registration", "medical_appointment"):
        name = explain._skills()[code].name
        assert name in page


def test_every_rule_has_a_page_generated_from_the_rule_itself(client, person):
    services.skill_rule_update(
        acting_user=None, kind="digital_citizen", required_levels={"bank_app": 4}, province=None
    )
    client.force_login(commune_officer(person.commune))
    listing = client.get(reverse("skills:rules")).content.decode()
    page = client.get(reverse("skills:rule", args=[explain.DIGITAL_CITIZEN])).content.decode()
    household = client.get(reverse("skills:rule", args=[explain.HOUSEHOLD_BASIC])).content.decode()
    programme = CertificateProgramme.objects.filter(active=True).first()

    assert "mức 4 – Hướng dẫn được người khác" in page and "định danh điện tử mức 2: mức 3" not in page
    assert "Dịch vụ công trực tuyến: một trong các kỹ năng" in household
    assert programme.name in listing
    certificate = client.get(reverse("skills:rule", args=[f"chung-nhan-{programme.pk}"])).content.decode()
    assert all(explain._skills()[code].name in certificate for code in programme.required_levels)
    assert client.get(reverse("skills:rule", args=["khong-co"])).status_code == 404


def test_a_persons_page_says_which_rules_they_meet_and_exactly_what_is_missing(client, person):
    _add(person, "vneid_level2", 3)
    _add(person, "qr_payment", 3)
    client.force_login(commune_officer(person.commune))
    page = client.get(person.get_absolute_url()).content.decode()

    assert "Còn thiếu: Tự làm được ít nhất một thủ tục trực tuyến" in page
    assert "Còn thiếu: Có điện thoại thông minh" not in page
    _add(person, "medical_appointment", 3)
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Còn thiếu: Tự làm được ít nhất một thủ tục trực tuyến" not in page
    citizen = explain.person_rules(person).checks[0]
    assert citizen.rule.key == explain.DIGITAL_CITIZEN and citizen.met


def test_a_certificate_held_while_not_a_digital_citizen_is_explained_on_the_page(client, person):
    programme = CertificateProgramme.objects.filter(active=True).first()
    person.owns_smartphone = False
    person.save()
    for code, level in programme.required_levels.items():
        _add(person, code, int(level))
    rules = explain.person_rules(person)

    assert any(c.certificate is not None for c in rules.checks)
    assert not rules.checks[0].met
    assert any("nhưng chưa là công dân số" in note for note in rules.notes)
    client.force_login(commune_officer(person.commune))
    assert "nhưng chưa là công dân số" in client.get(person.get_absolute_url()).content.decode()


def test_the_next_skills_are_one_step_up_on_what_the_rules_still_miss(person):
    _add(person, "vneid_level2", 2)
    suggestions = explain.next_skills(person)

    first = suggestions[0]
    assert (first.skill.code, first.current, first.target) == ("vneid_level2", 2, 3)
    assert "Công dân số" in first.because
    assert all(s.target == s.current + 1 for s in suggestions)


def test_voiding_a_wrong_record_keeps_it_in_the_history_audits_it_and_recomputes_the_level(client, person):
    _add(person, "vneid_level2", 2, recorded_on=timezone.localdate().replace(day=1))
    wrong = _add(person, "vneid_level2", 4)
    assert CurrentSkillLevel.objects.get(resident=person, skill_code="vneid_level2").level == 4
    officer = commune_officer(person.commune)
    client.force_login(officer)

    response = client.post(
        reverse("skills:record_void", args=[person.pk, wrong.pk]), {"reason": "Ghi nhầm người trong hộ"}
    )

    assert response.status_code == 302
    wrong = SkillRecord.with_voided.get(pk=wrong.pk)
    assert wrong.voided_at and wrong.voided_by == officer and wrong.void_reason == "Ghi nhầm người trong hộ"
    assert not SkillRecord.objects.filter(pk=wrong.pk).exists()
    assert CurrentSkillLevel.objects.get(resident=person, skill_code="vneid_level2").level == 2
    assert AuditEntry.objects.filter(object_id=str(wrong.pk), note="Ghi nhầm người trong hộ").exists()
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Đã hủy ngày" in page and "Ghi nhầm người trong hộ" in page


def test_a_void_needs_a_reason_and_happens_once(person):
    record = _add(person, "video_call", 3)
    with pytest.raises(ValidationError):
        services.skill_record_void(acting_user=None, record=record, reason="  ")
    services.skill_record_void(acting_user=None, record=record, reason="Nhập hai lần")
    with pytest.raises(ValidationError):
        services.skill_record_void(acting_user=None, record=record, reason="Nhập hai lần")
    assert not CurrentSkillLevel.objects.filter(resident=person, skill_code="video_call").exists()


def test_a_voided_observation_no_longer_counts_the_person_as_reached(person):
    from langso.campaigns.facts import FactContext, adults_reached

    record = _add(person, "video_call", 2, evidence="observed")
    ctx = FactContext(day=timezone.localdate(), commune_code=NGHIA_TA)
    assert adults_reached(ctx).filter(pk=person.pk).exists()
    services.skill_record_void(acting_user=None, record=record, reason="Người khác, không phải bà Hà")
    assert not adults_reached(ctx).filter(pk=person.pk).exists()


def test_a_phones_worklist_gets_the_same_next_skills_as_each_persons_page(person):
    """`next_skills_many` (whole households at once, for the phone) says what `next_skills` says for
    each person, including "the household rule is already met by another member"."""
    from langso.skills.catalogue import published_version
    from langso.skills.models import Skill

    spouse = ResidentFactory(household=person.household, full_name="Hà Văn Sinh", birth_year=1966)
    child = ResidentFactory(household=person.household, full_name="Hà Thị Mai", birth_year=2001)
    _add(person, "vneid_level2", 2)
    _add(spouse, "qr_payment", 1)
    skills = Skill.objects.filter(version=published_version()).exclude(basic_skill="").order_by("position")
    firsts = {}
    for skill in skills:
        firsts.setdefault(skill.basic_skill, skill.code)
    for code in firsts.values():  # the daughter can do one skill of each basic group alone
        _add(child, code, 3)
    people = [person, spouse, child]
    levels = {
        p.pk: dict(CurrentSkillLevel.objects.filter(resident=p).values_list("skill_code", "level"))
        for p in people
    }

    many = explain.next_skills_many(people, levels)

    assert many == {p.pk: explain.next_skills(p, limit=2) for p in people}
    assert explain.person_rules(person).household_met_by == "Hà Thị Mai"
    assert many[person.pk][0].skill.code == "vneid_level2" and many[person.pk][0].target == 3
    assert all("Hộ có người thành thạo 5 kỹ năng cơ bản" not in s.because for p in people for s in many[p.pk])
