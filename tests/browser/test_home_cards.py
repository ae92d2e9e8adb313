"""The home page's count cards on a 360 px phone, in English (longer words than Vietnamese): every
label stays inside its card, wrapping rather than running past the border."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import BrowserContext, Page

from tests.browser.helpers import assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What sticks out of a card: any box inside it whose right edge passes the card's inner right edge.
_OUTSIDE_JS = """
() => [...document.querySelectorAll('.cards > .card')].flatMap((card) => {
  const box = card.getBoundingClientRect();
  const right = box.right - parseFloat(getComputedStyle(card).borderRightWidth);
  const range = document.createRange();
  range.selectNodeContents(card);
  const text = [...range.getClientRects()].map((r) => r.right);
  const inner = [...card.querySelectorAll('*')].map((el) => el.getBoundingClientRect().right);
  const widest = Math.max(...text, ...inner);
  return widest > right + 0.5 ? [`${card.textContent.trim()}: ${Math.round(widest)} > ${Math.round(right)}`] : [];
})
"""


def test_english_count_labels_wrap_inside_their_cards_on_a_phone(
    page: Page, context: BrowserContext, live_server: Any, sign_in_session: Callable[[Any], None]
) -> None:
    from langso.accounts.tests.factories import commune_officer
    from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
    from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

    home = commune(NGHIA_TA)
    village = VillageFactory(commune=home, name="Thôn Nà Kẹn – Khuổi Hẻo")
    household = HouseholdFactory(village=village)
    ResidentFactory(household=household, full_name="Nguyễn Thị Phương Thảo")
    sign_in_session(commune_officer(home))
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".cards > .card").count() == 3
    assert page.evaluate(_OUTSIDE_JS) == []
    assert_no_horizontal_scroll(page)
