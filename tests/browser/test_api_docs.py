"""The API's interactive documentation works under our Content-Security-Policy (no CDN, no inline
script): the page fixture fails the test on any policy violation or JavaScript error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_documentation_renders_without_breaking_the_content_security_policy(
    page: Page, sign_in_session: Callable[[Any], None]
) -> None:
    from langso.accounts.tests.factories import commune_officer
    from langso.places.tests.factories import commune

    sign_in_session(commune_officer(commune()))
    page.goto("/api/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Làng Số API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
