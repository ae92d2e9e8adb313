"""The sign-in page on a 360 px phone: Vietnamese, and nothing to scroll sideways."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sign_in_page_fits_a_360_px_phone_and_speaks_vietnamese(page: Page) -> None:
    page.goto(reverse("accounts:login"))

    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("input[name=username]")).to_be_visible()
    expect(page.locator("input[name=password]")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Đăng nhập")
    assert_no_horizontal_scroll(page)


def test_a_wrong_password_is_refused_in_vietnamese(page: Page) -> None:
    from langso.accounts.tests.factories import commune_officer
    from langso.places.tests.factories import commune

    officer = commune_officer(commune(), username="canbo.sai")

    page.goto(reverse("accounts:login"))
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", "khong-dung-mat-khau")
    page.locator("form:has(input[name=password]) [type=submit]").click()

    expect(page.locator("input[name=password]")).to_be_visible()
    expect(page.locator("main")).to_contain_text("không đúng")
    assert_no_horizontal_scroll(page)
