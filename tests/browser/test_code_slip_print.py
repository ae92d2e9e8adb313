"""The one-time code slip an officer hands to a citizen: a Print button on screen that opens the
browser's print, and on paper only the slip (no button, no officer's notice, no menu)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium's print dialog is not a web page a test can see; the page's own call to it is counted.
_COUNT_PRINTS = "window.__prints = 0; window.print = () => { window.__prints += 1; };"


def test_the_code_slip_prints_from_a_button_that_the_paper_leaves_out(
    page: Page, sign_in_session: Callable[[Any], None]
) -> None:
    from langso.accounts.tests.factories import commune_officer
    from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
    from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

    village = VillageFactory(commune=commune(NGHIA_TA), name="Thôn Bản Cáu")
    resident = ResidentFactory(household=HouseholdFactory(village=village), full_name="Lò Thị Xuyến")
    sign_in_session(commune_officer(village.commune))
    page.add_init_script(_COUNT_PRINTS)
    page.goto(resident.get_absolute_url())
    page.get_by_role("button", name="Tạo mã một lần để người dân xem tiến bộ").click()
    button = page.get_by_role("button", name="In phiếu")
    expect(button).to_be_visible()
    assert_no_horizontal_scroll(page)
    button.click()
    assert page.evaluate("window.__prints") == 1

    page.emulate_media(media="print")
    expect(button).to_be_hidden()
    expect(page.locator(".notice")).to_be_hidden()
    expect(page.locator(".slip .code")).to_be_visible()
    expect(page.locator(".slip")).to_contain_text("Lò Thị Xuyến")
