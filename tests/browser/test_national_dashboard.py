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


@pytest.fixture
def two_weeks(received: None) -> None:
    """A day of last week too, so the report compares two weeks and a trend can be drawn."""
    import datetime

    from langso.national import services

    day = timezone.localdate() - datetime.timedelta(days=7)
    for code, secret in SECRETS.items():
        services.package_receive(services.package_build(day=day, province_code=code, secret=secret).envelope)


def test_national_staff_set_a_target_see_every_unit_against_it_and_download_the_report(
    page: Page, two_weeks: None, sign_in_session: Any, settings: Any, tmp_path: Any
) -> None:
    import datetime

    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role

    settings.DEMO_MODE = True  # national staff skip the second factor as demo users
    sign_in_session(user_with_role(Role.PROVINCE_STAFF, full_name="Cán bộ Bộ KH&CN", is_demo=True))
    page.set_default_timeout(30_000)
    page.goto("/national/")
    page.get_by_role("link", name="Chỉ tiêu quốc gia").click()
    page.get_by_role("link", name="Thêm chỉ tiêu").click()
    assert_no_horizontal_scroll(page)
    page.get_by_label("Tỉ lệ người trưởng thành có định danh điện tử mức 2").check()
    page.get_by_label("Chỉ tiêu:", exact=True).fill("99,5")
    page.get_by_role("button", name="Lưu chỉ tiêu").click()
    expect(page.locator(".errorlist")).to_contain_text("Cần ghi ngày.")  # refused, said in Vietnamese
    deadline = timezone.localdate() + datetime.timedelta(days=1)
    page.get_by_label("Hạn:", exact=True).fill(deadline.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Lưu chỉ tiêu").click()
    expect(page.locator("main")).to_contain_text("Đã lưu chỉ tiêu.")
    expect(page.locator(".list")).to_contain_text(f"chỉ tiêu 99,5 % trước {deadline:%d/%m/%Y}")
    assert_no_horizontal_scroll(page)

    # The country's card: the value against the target, how far along, each province's status.
    page.get_by_role("link", name="Số liệu toàn quốc").click()
    card = page.locator(".target-card").first
    expect(card).to_contain_text("định danh điện tử mức 2")
    expect(card).to_contain_text(f"Chỉ tiêu 99,5 % trước {deadline:%d/%m/%Y}")
    expect(card.locator(".goal-progress")).to_be_visible()
    expect(card.locator(".figures .st")).to_have_text("Chậm tiến độ")
    assert_no_horizontal_scroll(page)
    card.locator("summary").click()
    expect(card.locator(".rank-row .st")).to_have_count(2)
    card.get_by_role("link", name="Thái Nguyên").click()
    expect(page.get_by_role("heading", name="Thái Nguyên")).to_be_visible()
    card = page.locator(".target-card").first
    card.locator("summary").click()
    card.locator(".rank-row a").first.click()  # a commune: its villages, each against the same rate
    card = page.locator(".target-card").first
    card.locator("summary").click()
    expect(card.locator(".rank-row .st").first).to_be_visible()
    assert card.locator(".rank-row a").count() == 0  # villages are the bottom: no way to a person
    assert_no_horizontal_scroll(page)

    # The weekly report: this week against last, the provinces behind, the PDF.
    page.goto("/national/")
    page.get_by_role("link", name="Báo cáo tuần toàn quốc").click()
    expect(page.locator("main")).to_contain_text("Các tỉnh chậm tiến độ")
    expect(page.locator("table.summary")).to_contain_text("Tuần trước")
    assert_no_horizontal_scroll(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải báo cáo PDF").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.startswith("bao-cao-tuan-toan-quoc-") and path.read_bytes().startswith(b"%PDF")
