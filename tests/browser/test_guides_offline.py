"""Guides open with the network cut: once the field app has been opened on a phone, every guide is
kept by its service worker, so a team member can show one in a house with no signal."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.helpers import assert_no_horizontal_scroll, wait_until_offline_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def guides() -> None:
    """Transactional tests flush the database: put the units and the default guides back."""
    from langso.guides.services import install_default_guides
    from langso.places.tests.factories import ensure_units
    from langso.skills.catalogue import install_default_catalogue

    ensure_units()
    install_default_catalogue()
    install_default_guides()


def test_every_guide_opens_offline_after_the_field_app_was_opened_once(
    page: Page, context: BrowserContext, guides: None
) -> None:
    page.goto("/field/")
    wait_until_offline_ready(page, ["/guides/", "/guides/vneid_level2/", "/guides/qr_payment/"])

    context.set_offline(True)
    page.goto("/guides/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("link", name="Kích hoạt định danh điện tử mức 2").first.click()
    expect(page.get_by_role("heading", name="Kích hoạt định danh điện tử mức 2")).to_be_visible()
    expect(page.get_by_text("Bước 1")).to_be_visible()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    assert_no_horizontal_scroll(page)

    page.goto("/guides/qr_payment/")  # typed or from a bookmark, still offline
    expect(page.get_by_text("Bước 1")).to_be_visible()
