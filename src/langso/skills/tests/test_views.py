import pytest
from django.urls import reverse

from langso.accounts.tests.factories import commune_officer
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.skills.models import SkillRecord

pytestmark = pytest.mark.django_db


def test_an_officer_records_a_skill_and_the_persons_page_shows_the_level_and_what_is_missing(client):
    resident = ResidentFactory(
        household=HouseholdFactory(village=VillageFactory(commune=commune(NGHIA_TA))), owns_smartphone=False
    )
    client.force_login(commune_officer(resident.commune))
    response = client.post(
        reverse("skills:record_create", args=[resident.pk]),
        {"skill_code": "vneid_level2", "level": "2", "evidence": "observed", "recorded_on": "05/03/2026"},
    )
    assert response.status_code == 302
    record = SkillRecord.objects.get()
    assert (record.level, record.recorded_on.day, record.recorded_on.month) == (2, 5, 3)
    page = client.get(resident.get_absolute_url()).content.decode()
    assert "Công dân số</strong></a>:" in page and "Chưa đạt" in page
    assert "Còn thiếu: Có điện thoại thông minh" in page
    assert "Còn thiếu: Kích hoạt định danh điện tử mức 2: mức 3 – Tự làm được" in page
    assert "hiện ở mức 2" in page
    assert page.count('class="step on"') == 2


def test_province_staff_edit_a_draft_and_publish_a_new_catalogue_version(client, settings):
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role
    from langso.skills.models import CatalogueVersion, Skill

    settings.DEMO_MODE = True
    staff = user_with_role(Role.PROVINCE_STAFF, province=commune(NGHIA_TA).province, is_demo=True)
    client.force_login(staff)
    assert client.post(reverse("skills:draft_start")).status_code == 302
    response = client.post(
        reverse("skills:draft_skill_new"),
        {
            "code": "ai_assistant",
            "area": "information",
            "name": "Hỏi trợ lý AI",
            "name_en": "Ask an AI assistant",
            "digcomp": "1.1",
            "vn_domain": "6",
            "basic_skill": "",
            "position": "30",
        },
    )
    assert response.status_code == 302, response.content.decode()
    bad = client.post(
        reverse("skills:draft_skill_new"),
        {
            "code": "x",
            "area": "information",
            "name": "X",
            "name_en": "X",
            "digcomp": "9.9",
            "vn_domain": "6",
            "position": "1",
        },
    )
    assert "DigComp dạng 2.1" in bad.content.decode()
    client.post(reverse("skills:draft_publish"), {"note": "Thêm kỹ năng AI"})
    current = CatalogueVersion.objects.get(status="published")
    assert current.number == 2
    assert Skill.objects.filter(version=current, code="ai_assistant").exists()
    assert not Skill.objects.filter(version__number=1, code="ai_assistant").exists()


def test_a_commune_officer_cannot_edit_the_catalogue(client):
    client.force_login(commune_officer(commune(NGHIA_TA)))
    assert client.post(reverse("skills:draft_start")).status_code == 403


def test_the_skill_form_shows_today_day_first_and_asks_for_a_skill_instead_of_picking_the_first(client):
    from django.utils import timezone

    resident = ResidentFactory(household=HouseholdFactory(village=VillageFactory(commune=commune(NGHIA_TA))))
    client.force_login(commune_officer(resident.commune))
    page = client.get(reverse("skills:record_create", args=[resident.pk])).content.decode()

    assert f'value="{timezone.localdate():%d/%m/%Y}"' in page
    assert timezone.localdate().isoformat() not in page
    assert 'name="skill_code"' in page and 'type="radio"' in page
    assert "<label>Định danh điện tử và dịch vụ công</label>" in page  # grouped by area
    assert 'name="skill_code" value="vneid_level2" required checked' not in page  # nothing chosen beforehand
    assert "checked" not in page.split('name="skill_code"')[1].split("</fieldset>")[0]
    response = client.post(
        reverse("skills:record_create", args=[resident.pk]),
        {"skill_code": "", "level": "2", "evidence": "observed", "recorded_on": "05/03/2026"},
    )
    assert response.status_code == 200 and "skill_code" in response.context["form"].errors


def test_the_skills_numbers_count_digital_citizens_and_their_numbers_open_the_list(client):
    from langso.skills.models import RuleKind
    from langso.skills.selectors import rule_for
    from langso.skills.services import skill_record_add

    village = VillageFactory(commune=commune(NGHIA_TA))
    citizen = ResidentFactory(
        household=HouseholdFactory(village=village), birth_year=1980, owns_smartphone=True
    )
    ResidentFactory(household=HouseholdFactory(village=village), birth_year=1990, owns_smartphone=False)
    rule = rule_for(RuleKind.DIGITAL_CITIZEN, None)
    for code, level in rule.required_levels.items():
        skill_record_add(acting_user=None, resident=citizen, skill_code=code, level=int(level))
    client.force_login(commune_officer(commune(NGHIA_TA)))

    page = client.get(reverse("skills:numbers")).content.decode()

    assert "<strong>1</strong> công dân số trên 2 người trưởng thành (50,0 %)" in page
    assert reverse("campaigns:drill", args=["digital_citizens", "commune", NGHIA_TA]) in page
    assert reverse("campaigns:drill", args=["skills_communication", "commune", NGHIA_TA]) in page
