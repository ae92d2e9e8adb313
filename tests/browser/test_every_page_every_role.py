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
# Selects checked on their chosen option only, not on every option, by page (name prefixes). None
# today: a select whose options are wider than its box is a list of radio buttons or a picker.
CHOSEN_OPTION_ONLY: dict[str, list[str]] = {}
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

# Selects whose options do not fit the closed box (any option: the user may choose it), buttons whose
# text spills over, and empty fields whose placeholder is cut.
_CLIPPED_JS = """
(chosenOnly) => {
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
    if (!shown(sel) || sel.multiple || sel.size > 1 || !sel.options.length) continue;
    const s = getComputedStyle(sel);
    ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const room = sel.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - ARROW;
    let widest = null, need = 0;
    const options = chosenOnly.some((prefix) => sel.name.startsWith(prefix)) ? [sel.options[sel.selectedIndex]] : sel.options;
    for (const option of options) {
      const width = ctx.measureText(option.text.trim()).width;
      if (width > need) { need = width; widest = option; }
    }
    if (need > room + 1) found.push(`${name(sel, widest.text)} needs ${Math.round(need)} px, has ${Math.round(room)} px`);
  }
  for (const input of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (!shown(input) || input.value) continue;
    const s = getComputedStyle(input);
    ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const need = ctx.measureText(input.placeholder).width;
    const room = input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - (input.type === 'search' ? 20 : 0);
    if (input.tagName === 'INPUT' && need > room + 1) found.push(`placeholder of ${name(input, input.placeholder)} needs ${Math.round(need)} px, has ${Math.round(room)} px`);
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
    problems += [f"clipped: {c}" for c in page.evaluate(_CLIPPED_JS, CHOSEN_OPTION_ONLY.get(name, []))]
    if name in DASHBOARDS:
        height = page.evaluate("document.scrollingElement.scrollHeight")
        if height > SCREENS * PHONE["height"]:
            problems.append(
                f"a dashboard {height} px long: more than {SCREENS} screens of {PHONE['height']} px"
            )
    return problems


def check_response(page: Page, status: int, name: str, *, allowed: bool) -> list[str]:
    """What is wrong with the answer to opening `name`: a server error, a refusal or a missing page
    that is not our own page (or that the table says should have opened), else the page's checks."""
    ours = page.locator("[data-error-page]").count() > 0
    if status >= 500:
        return [f"HTTP {status}"]
    if status in (403, 404):
        if not ours:
            return [f"HTTP {status} is not our own error page"]
        return [f"HTTP {status} though the table lets the role open it"] if allowed else []
    if status == 200 and not ours:
        return check_open_page(page, name)
    return []


def test_the_word_and_date_checks_catch_what_they_are_for() -> None:
    """The crawl below must be able to fail: its checks find what the issue named."""
    assert words_a_user_does_not_use("Lọc: None · 3 rows · phương thức GET") == ["None", "GET", "rows"]
    assert words_a_user_does_not_use("Dịch vụ: medical_appointment") == ["medical_appointment"]
    assert words_a_user_does_not_use("Ngày 2026-12-07") == ["2026-12-07"]
    assert words_a_user_does_not_use("Ngày 07/12/2026 · 83 hộ · Nhóm Zalo · totruong.banCau") == []


@pytest.mark.slow
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
            allowed = _expected(name, url_access(name) or "", role) == "ok"
            problems += [f"{label}: {p}" for p in check_response(page, status, name, allowed=allowed)]
            if status == 200 and os.environ.get("LANGSO_SCREENSHOTS") and (role, name) in SCREENSHOTS:
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
    from langso.site import views

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


# Pages the checks must refuse, served in place of the app's (Playwright answers the requests).
_BAD_PAGES = {
    "/bare-403": (403, "<html><body><h1>403 Forbidden</h1></body></html>"),
    "/debug-404": (404, "<html><body><h1>Page not found (404)</h1><p>Using the URLconf…</p></body></html>"),
    "/clipped": (
        200,
        '<html><body><select style="width:120px"><option>— Chọn —</option>'
        "<option>Nhắn tin và nhận thông báo trong nhóm Zalo/Facebook</option></select>"
        '<button style="width:60px;white-space:nowrap;overflow:hidden">Tải lại danh sách</button>'
        '<input type="search" style="width:110px" placeholder="Tìm theo tên, mã hộ"></body></html>',
    ),
    "/long": (200, '<html><body><div style="height:4500px">Số liệu</div></body></html>'),
    "/words": (200, "<html><body><p>Lọc: None · ngày 2026-12-07 · medical_appointment</p></body></html>"),
}


def test_each_check_of_the_crawl_finds_the_stumble_it_is_for(browser: Browser) -> None:
    """The crawl can fail: a bare or debug error page, a select, button and placeholder cut at 360 px,
    a dashboard of more than six screens and a programmer's words are each reported."""
    context = browser.new_context(viewport=PHONE, base_url="http://checks.test")
    context.route(
        "http://checks.test/**",
        lambda route: route.fulfill(
            status=_BAD_PAGES[route.request.url.removeprefix("http://checks.test")][0],
            content_type="text/html; charset=utf-8",
            body=_BAD_PAGES[route.request.url.removeprefix("http://checks.test")][1],
        ),
    )
    page = context.new_page()

    def found(path: str, name: str, *, allowed: bool = False) -> list[str]:
        response = page.goto(path)
        assert response is not None
        return check_response(page, response.status, name, allowed=allowed)

    assert found("/bare-403", "registry:resident_create") == ["HTTP 403 is not our own error page"]
    assert found("/debug-404", "registry:resident") == ["HTTP 404 is not our own error page"]
    clipped = found("/clipped", "registry:residents")
    assert len(clipped) == 3, clipped
    assert "Nhắn tin và nhận thông báo" in clipped[0]
    assert "placeholder" in clipped[1] and "Tải lại danh sách" in clipped[2]
    long_dashboard = found("/long", "campaigns:dashboard")
    assert len(long_dashboard) == 1 and "more than 6 screens" in long_dashboard[0], long_dashboard
    assert found("/long", "registry:residents") == []  # a list may be long; a dashboard may not
    assert found("/words", "home") == [
        "words a user does not use: ['None', 'medical_appointment', '2026-12-07']"
    ]
    context.close()


# The field app's screens (a single page whose screens are its address's #part), with a visit form
# that has a skill line and a service line open.
FIELD_SCREENS = ["", "outbox", "signal", "helpdesk", "group", "guides"]


def test_the_field_app_reads_well_on_a_phone_and_says_what_is_missing_beside_the_field(
    page: Page, sign_in_session: Any, settings: Any
) -> None:
    """Every screen of the field app passes the crawl's checks (any option of a select, placeholders,
    buttons); a wrong or missing date on the visit form is named under the field, in view, with the
    Save button free, and dates are typed day first whatever the phone's language."""
    from playwright.sync_api import expect

    from tests.browser.site_data import build_site
    from tests.browser.test_phone_layout import _save_screenshot

    settings.DEBUG = False
    data = build_site()
    sign_in_session(data.users["team_member"])
    page.goto("/field/connect/")
    page.get_by_role("button", name="Kết nối máy này").click()
    page.wait_for_url("**/field/")
    expect(page.locator("#worklist .card").first).to_be_visible(timeout=20_000)
    problems: list[str] = []
    for screen in FIELD_SCREENS:
        page.goto(f"/field/#{screen}")
        page.wait_for_timeout(300)
        problems += [f"#{screen}: {p}" for p in check_open_page(page, f"field:{screen or 'worklist'}")]

    page.goto("/field/")
    page.locator("#worklist .card-link").first.click()
    form = page.locator("#visit-form")
    expect(form).to_be_visible()
    page.get_by_role("button", name="+ Thêm việc đã làm").click()
    form.locator(".picker summary").first.click()
    page.get_by_role("radio", name="Nhắn tin và nhận thông báo trong nhóm Zalo/Facebook").first.check()
    expect(form.locator(".picker summary").first).to_contain_text("Zalo/Facebook")
    problems += [f"#visit: {p}" for p in check_open_page(page, "field:visit")]
    assert form.locator("input[name=visited_on]").input_value() == timezone_today_vn()
    if os.environ.get("LANGSO_SCREENSHOTS"):
        _save_screenshot(page, "field-visit")

    form.locator("input[name=visited_on]").fill("31/02/2026")
    page.get_by_role("button", name="Lưu").click()
    message = form.locator(".field-error").first
    expect(message).to_have_text("Ngày 31/02/2026 không có trên lịch: tháng 2 năm 2026 chỉ có 28 ngày.")
    expect(message).to_be_in_viewport()
    expect(form.locator("input[name=visited_on]")).to_have_attribute("aria-invalid", "true")
    form.locator("input[name=visited_on]").fill("")
    page.get_by_role("button", name="Lưu").click()
    expect(form.locator(".field-error")).to_have_text(["Cần điền mục này."])
    page.get_by_role("button", name="Lưu").click(trial=True)  # nothing covers the button
    assert not problems, "\n".join(problems)


def timezone_today_vn() -> str:
    from django.utils import timezone

    return timezone.localdate().strftime("%d/%m/%Y")
