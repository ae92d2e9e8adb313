"""A commune officer on a 360×740 phone opens a person, sees which rules she meets and what is missing,
the suggested next skill, records it from the top of the page, and voids a record made by mistake."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.helpers import PHONE, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def person() -> dict[str, Any]:
    from langso.accounts.tests.factories import commune_officer
    from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune, ensure_units
    from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
    from langso.skills.catalogue import install_default_catalogue
    from langso.skills.services import skill_record_add

    ensure_units()
    install_default_catalogue()  # transactional tests flush what the data migrations filled
    nghia_ta = commune(NGHIA_TA)
    household = HouseholdFactory(village=VillageFactory(commune=nghia_ta, name="Nà Mò"), code="NM-07")
    ha = ResidentFactory(household=household, full_name="LƯỜNG THỊ HÀ", birth_year=1968, owns_smartphone=True)
    officer = commune_officer(nghia_ta, full_name="Đặng Thị Lan")
    day = timezone.localdate()
    skill_record_add(acting_user=officer, resident=ha, skill_code="vneid_level2", level=2, recorded_on=day)
    # Recorded for Hà by mistake: it was her neighbour who showed the bank app.
    skill_record_add(acting_user=officer, resident=ha, skill_code="bank_app", level=4, recorded_on=day)
    return {"officer": officer, "ha": ha}


def test_an_officer_sees_what_is_missing_records_the_suggested_skill_from_the_top_and_voids_a_mistake(
    page: Page, person: dict[str, Any], sign_in_session: Any
) -> None:
    from langso.skills.models import CurrentSkillLevel, SkillRecord

    ha = person["ha"]
    sign_in_session(person["officer"])
    page.goto(ha.get_absolute_url())
    expect(page.locator("h1")).to_have_text("LƯỜNG THỊ HÀ")

    # The action comes first: "record a skill" sits in the first screen of the phone.
    record = page.locator("#record-skill")
    expect(record).to_be_visible()
    box = record.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    suggestions = page.locator("#next-skills li")
    expect(suggestions.first).to_contain_text("Kích hoạt định danh điện tử mức 2")
    expect(suggestions.first).to_contain_text("từ mức 2 lên mức 3")
    expect(suggestions.first).to_contain_text("Công dân số")
    rules = page.locator("#rules")
    expect(rules).to_contain_text("Còn thiếu: Kích hoạt định danh điện tử mức 2: mức 3 – Tự làm được")
    expect(rules).to_contain_text("Còn thiếu: Tự làm được ít nhất một thủ tục trực tuyến")
    assert_no_horizontal_scroll(page)

    # Record it from the top: the form opens on the suggested skill and level.
    record.click()
    expect(page.locator("h1")).to_have_text("Ghi nhận kỹ năng")
    expect(page.locator("input[name=skill_code][value=vneid_level2]")).to_be_checked()
    expect(page.locator("input[name=level][value='3']")).to_be_checked()
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("h1")).to_have_text("LƯỜNG THỊ HÀ")
    expect(page.locator("#rules")).not_to_contain_text("Còn thiếu: Kích hoạt định danh điện tử mức 2")
    expect(page.locator("#next-skills li").first).not_to_contain_text("Kích hoạt định danh điện tử mức 2")
    assert CurrentSkillLevel.objects.get(resident=ha, skill_code="vneid_level2").level == 3

    # Void the bank-app record made by mistake, with the reason; it stays in the history, struck out.
    wrong = SkillRecord.objects.get(resident=ha, skill_code="bank_app")
    entry = page.locator("#skill-history li", has_text="Ứng dụng ngân hàng")
    entry.get_by_text("Ghi nhận sai? Hủy").click()
    entry.get_by_label("Lý do hủy").fill("Ghi nhầm: người làm được là hàng xóm")
    assert_no_horizontal_scroll(page)
    entry.get_by_role("button", name="Hủy ghi nhận này").click()
    expect(page.get_by_text("Đã hủy ghi nhận. Các số liệu được tính lại.")).to_be_visible()
    voided = page.locator("#skill-history li.voided")
    expect(voided).to_contain_text("Ghi nhầm: người làm được là hàng xóm")
    expect(voided).to_contain_text("Đặng Thị Lan")
    assert not CurrentSkillLevel.objects.filter(resident=ha, skill_code="bank_app").exists()
    assert SkillRecord.with_voided.get(pk=wrong.pk).voided_at is not None
    assert_no_horizontal_scroll(page)
