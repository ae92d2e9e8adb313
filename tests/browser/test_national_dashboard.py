"""National staff on a 360×740 phone: the country's numbers, a province's communes, a commune's
villages — and no link anywhere to a person."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRETS = {19: "bi-mat-thai-nguyen-2026", 66: "bi-mat-dak-lak-2026"}


@pytest.fixture
def received(settings: Any) -> None:
    from langso.campaigns.services import install_default_indicators
    from langso.national import services
    from langso.national.tests.seed import seed_province
    from langso.places.tests.factories import ensure_units
    from langso.skills.catalogue import install_default_catalogue

    settings.NATIONAL_INSTANCE = True
    ensure_units()
    install_default_catalogue()  # transactional tests flush what the data migrations filled
    install_default_indicators()
    for code, secret in SECRETS.items():
        seed_province(code, villages_per_commune=4)
        services.province_key_register(acting_user=None, province_code=code, secret=secret)
        built = services.package_build(day=timezone.localdate(), province_code=code, secret=secret)
        services.package_receive(built.envelope)


def test_national_staff_drill_from_the_country_to_a_village_on_a_phone(
    page: Page, received: None, sign_in_session: Any
) -> None:
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role

    sign_in_session(user_with_role(Role.AUDITOR, full_name="Kiểm tra viên quốc gia"))
    page.set_default_timeout(30_000)  # two provinces' packages: a busy CI machine takes its time
    page.goto("/national/")
    expect(page.get_by_role("heading", name="Số liệu toàn quốc")).to_be_visible()
    assert_no_horizontal_scroll(page)

    card = page.locator(".target-card", has_text="định danh điện tử mức 2").first
    card.locator("summary").click()
    card.get_by_role("link", name="Đắk Lắk").click()
    expect(page.get_by_role("heading", name="Đắk Lắk")).to_be_visible()
    assert_no_horizontal_scroll(page)

    card = page.locator(".target-card", has_text="định danh điện tử mức 2").first
    card.locator("summary").click()
    card.get_by_role("link", name="Cuôr Đăng").click()
    expect(page.get_by_role("heading", name="Cuôr Đăng")).to_be_visible()
    card = page.locator(".target-card", has_text="định danh điện tử mức 2").first
    card.locator("summary").click()
    expect(card.locator(".rank-row").first).to_be_visible()
    assert_no_horizontal_scroll(page)
    # Villages are the bottom: their rows carry numbers, no link to a list of people.
    assert card.locator(".rank-row a").count() == 0
