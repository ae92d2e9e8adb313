"""Browser tests: Playwright's sync API driving Debian's Chromium at a cheap phone's size (360×740).

`playwright install` does not work on our machines, so the tests use the system Chromium
(`apt-get install chromium`). Without it the tests are skipped, unless LANGSO_REQUIRE_BROWSER is set
(CI sets it): then they fail, so a CI run can never pass with the browser tests silently left out.

Every test here needs `live_server`, which makes it transactional: the database is flushed after each
one, so set-up must put the real administrative units back (`ensure_units()`; the factories do it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from tests.browser.helpers import PHONE, ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM = os.environ.get("LANGSO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("LANGSO_REQUIRE_BROWSER"):
        pytest.fail(f"LANGSO_REQUIRE_BROWSER is set but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module; the Playwright event loop lives only as long as the module."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[dev]')")
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")

    # Playwright's sync API runs an event loop in this thread; Django would refuse the ORM calls that
    # the tests make between browser steps. They are synchronous, so allow them while the browser lives.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            _unavailable(f"Chromium did not start: {exc}")
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    ctx = browser.new_context(
        viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", base_url=live_server.url
    )
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A phone-sized page. The test also fails if a page broke the Content-Security-Policy or threw a
    JavaScript error. When the test fails, a full-page screenshot and the HTML go to test-artifacts/."""
    pg = context.new_page()
    broken: list[str] = []
    pg.on(
        "console",
        lambda message: (
            broken.append(f"{pg.url}: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    pg.on("pageerror", lambda error: broken.append(f"{pg.url}: JavaScript error: {error}"))
    yield pg
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])[:150]
        try:
            pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            (ARTIFACTS / f"{name}.html").write_text(pg.content(), encoding="utf-8")
        except Exception as exc:  # a screenshot must never hide the real failure
            print(f"could not save the failure screenshot: {exc}")
    pg.close()
    if broken and report is not None and report.passed:
        pytest.fail("the pages broke in the browser:\n" + "\n".join(broken), pytrace=False)


@pytest.fixture
def sign_in_session(context: BrowserContext, live_server: Any) -> Callable[[Any], None]:
    """Give the browser a signed-in session for `user` without going through the sign-in form."""
    from django.conf import settings
    from django.test import Client

    def _sign_in(user: Any) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return _sign_in
