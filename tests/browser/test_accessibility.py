"""Every page of the app, on a cheap phone (360×640), for a person who may open it: axe-core finds no
serious or critical problem, nothing scrolls sideways, and every touch target is big enough.

What is checked on each page (in Vietnamese, the default language, one pass per page):

1. **axe-core** (node_modules/axe-core, pinned in package.json) with the rule tags wcag2a, wcag2aa,
   wcag21a, wcag21aa and best-practice. Any violation of impact "serious" or "critical" fails the test
   (rule id, the element's selector and the page are printed); moderate and minor ones are counted and
   printed but do not fail.
2. **No sideways scrolling**: the document's scrollWidth is at most the 360 px viewport, and no box
   inside the page scrolls sideways (a menu in one long row did) except one holding a wide table.
3. **Touch targets** (our rule: WCAG 2.5.5's 44 px, relaxed only by the spacing exception of 2.5.8,
   scaled up from 24 px to 44 px). A touch target is every visible, enabled a[href], button, input
   (not hidden), select, textarea, summary and [role=button]. Its box is its border box; for a
   checkbox or radio button it is the union of the box and its <label>s, since tapping the label
   ticks it. A target passes when its box is at least 44×44 CSS px, or when a 44 px-diameter circle
   centred on its box intersects no other target's box and no other undersized target's circle: a tap
   anywhere within 22 px of its centre can only hit that target. Exempt, as in WCAG 2.5.8: a link
   inside running text (display: inline and its block has words outside any target, like a link in a
   sentence), whose size the line of text sets. Not targets: disabled controls, anything hidden,
   aria-hidden or inert, and the contents of a closed <details>.

Each page must also answer 200 at the address asked for (a redirect to the sign-in page or elsewhere
fails: the table must name someone who may open it) and throw no JavaScript error.

The page list is the URL configuration itself: `test_every_page_is_in_the_table` fails when a named URL
is neither in PAGES nor in NOT_PAGES with the reason it is no page (a POST-only action, a file, the API),
so a new page cannot be forgotten. Data: the demo province (tests/browser/site_data.py), so lists and
details are full. Each role signs in once (province staff and administrators with a confirmed TOTP
device, as after the real two-factor sign-in); the whole check shares one Chromium.

The last test measures the field app on a cheap phone (CPU throttled 4× and 6×, DevTools' Fast 3G):
bytes by resource type, JS heap, time to a usable worklist, first load, warm reload and with 50 visits
waiting offline, plus the weight of a few main pages. It writes bench/out/field_phone.{json,md} and
asserts only generous budgets on weight and memory (see tests/browser/phone_budget.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.browser.helpers import ROOT, horizontal_overflow

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

    from tests.browser.site_data import SiteData

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORT = {"width": 360, "height": 640}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}
MIN_TARGET = 44

Url = Callable[["SiteData"], str]


# (URL name, who opens it, how to build the URL from the data). "anonymous" has no session; the other
# names are roles in tests/browser/site_data.USERNAMES, plus "province_staff_new" (a province officer
# between the password and the second factor) and "citizen" (a resident signed in with a one-time code).
def _national_target(d: SiteData) -> int:
    """The country's target for VNeID level 2 (set by national staff)."""
    import datetime

    from django.utils import timezone

    from langso.campaigns.models import Indicator
    from langso.national.models import NationalTarget

    target, _created = NationalTarget.objects.get_or_create(
        indicator=Indicator.objects.get(code="adults_vneid2"),
        province_code=None,
        defaults={"value": 60, "deadline": timezone.localdate() + datetime.timedelta(days=60)},
    )
    return target.pk


PAGES: list[tuple[str, str, Url]] = [
    ("accounts:login", "anonymous", lambda d: reverse("accounts:login")),
    ("accounts:two_factor", "province_staff_new", lambda d: reverse("accounts:two_factor")),
    ("home", "commune_officer", lambda d: reverse("home")),
    ("home", "team_member", lambda d: reverse("home")),
    ("home", "telecom_partner", lambda d: reverse("home")),
    ("accounts:audit", "auditor", lambda d: reverse("accounts:audit")),
    ("accounts:audit_resident", "auditor", lambda d: reverse("accounts:audit_resident", args=[d.resident.pk])),
    ("accounts:audit_user", "administrator", lambda d: reverse("accounts:audit_user", args=[d.users["commune_officer"].pk])),
    ("places:communes", "province_staff", lambda d: reverse("places:communes")),
    ("places:commune", "commune_officer", lambda d: reverse("places:commune", args=[d.commune.code])),
    ("places:village_create", "commune_officer", lambda d: reverse("places:village_create", args=[d.commune.code])),
    ("places:village", "commune_officer", lambda d: reverse("places:village", args=[d.village.pk])),
    ("places:village_edit", "commune_officer", lambda d: reverse("places:village_edit", args=[d.village.pk])),
    ("places:coverage_edit", "commune_officer", lambda d: reverse("places:coverage_edit", args=[d.village.pk])),
    ("registry:residents", "commune_officer", lambda d: reverse("registry:residents")),
    ("registry:residents", "commune_officer", lambda d: reverse("registry:residents") + "?q=hoang+van"),
    ("registry:resident_create", "commune_officer", lambda d: reverse("registry:resident_create")),
    ("registry:resident", "commune_officer", lambda d: reverse("registry:resident", args=[d.resident.pk])),
    ("registry:resident_edit", "commune_officer", lambda d: reverse("registry:resident_edit", args=[d.resident.pk])),
    ("registry:consent_create", "commune_officer", lambda d: reverse("registry:consent_create", args=[d.resident.pk])),
    ("registry:households", "commune_officer", lambda d: reverse("registry:households")),
    ("registry:household_create", "commune_officer", lambda d: reverse("registry:household_create")),
    ("registry:household", "commune_officer", lambda d: reverse("registry:household", args=[d.household.pk])),
    ("registry:household_edit", "team_leader", lambda d: reverse("registry:household_edit", args=[d.household.pk])),
    ("registry:import_start", "commune_officer", lambda d: reverse("registry:import_start")),
    ("registry:import_job", "commune_officer", lambda d: reverse("registry:import_job", args=[d.import_job.pk])),
    ("skills:catalogue", "commune_officer", lambda d: reverse("skills:catalogue")),
    ("skills:numbers", "commune_officer", lambda d: reverse("skills:numbers")),
    ("skills:catalogue", "province_staff", lambda d: reverse("skills:catalogue") + "?draft=1"),
    ("skills:draft_skill_new", "province_staff", lambda d: reverse("skills:draft_skill_new")),
    ("skills:draft_skill_edit", "province_staff", lambda d: reverse("skills:draft_skill_edit", args=[d.draft_skill_code])),
    ("skills:record_create", "commune_officer", lambda d: reverse("skills:record_create", args=[d.resident.pk])),
    ("skills:rules", "commune_officer", lambda d: reverse("skills:rules")),
    ("skills:rule", "team_member", lambda d: reverse("skills:rule", args=["cong-dan-so"])),
    ("skills:programmes", "province_staff", lambda d: reverse("skills:programmes")),
    ("skills:programme_new", "province_staff", lambda d: reverse("skills:programme_new")),
    ("skills:programme_edit", "province_staff", lambda d: reverse("skills:programme_edit", args=[d.skills_programme.pk])),
    ("guides:index", "anonymous", lambda d: reverse("guides:index")),
    ("guides:guide", "anonymous", lambda d: reverse("guides:guide", args=[d.guide_code])),
    ("guides:quiz", "anonymous", lambda d: reverse("guides:quiz", args=[d.guide_code])),
    ("guides:index", "team_member", lambda d: reverse("guides:index")),
    ("guides:manage", "province_staff", lambda d: reverse("guides:manage")),
    ("guides:create", "province_staff", lambda d: reverse("guides:create") + f"?skill={d.guide_missing_skill}"),
    ("guides:edit", "province_staff", lambda d: reverse("guides:edit", args=[d.guide_code])),
    ("guides:guide", "anonymous", lambda d: reverse("guides:guide", args=[d.guide_code]) + "?lang=tay"),
    ("guides:languages", "province_staff", lambda d: reverse("guides:languages")),
    ("guides:translate", "province_staff", lambda d: reverse("guides:translate", args=[d.guide_code, "tay"])),
    ("guides:recordings", "province_staff", lambda d: reverse("guides:recordings")),
    ("guides:record_choose", "team_member", lambda d: reverse("guides:record_choose")),
    ("guides:record", "team_member", lambda d: reverse("guides:record", args=[d.guide_code, "tay"])),
    ("teams_conflicts:list", "commune_officer", lambda d: reverse("teams_conflicts:list")),
    ("teams:commune", "commune_officer", lambda d: reverse("teams:commune")),
    ("teams:team_create", "commune_officer", lambda d: reverse("teams:team_create")),
    ("teams:team", "commune_officer", lambda d: reverse("teams:team", args=[d.team.pk])),
    ("teams:team_edit", "commune_officer", lambda d: reverse("teams:team_edit", args=[d.team.pk])),
    ("teams:worklist", "team_member", lambda d: reverse("teams:worklist")),
    ("teams:visit_create", "team_member", lambda d: reverse("teams:visit_create") + f"?household={d.household.pk}"),
    ("teams:household_visits", "commune_officer", lambda d: reverse("teams:household_visits", args=[d.household.pk])),
    ("teams:helpdesk", "commune_officer", lambda d: reverse("teams:helpdesk")),
    ("teams:signals", "telecom_partner", lambda d: reverse("teams:signals")),
    ("teams:signal_create", "team_member", lambda d: reverse("teams:signal_create")),
    ("teams:signal", "telecom_partner", lambda d: reverse("teams:signal", args=[d.signal.pk])),
    ("field:connect", "team_member", lambda d: reverse("field:connect")),
    ("field:devices", "team_member", lambda d: reverse("field:devices")),
    ("field:devices", "commune_officer", lambda d: reverse("field:devices")),
    ("devices:programmes", "commune_officer", lambda d: reverse("devices:programmes")),
    ("devices:programme_create", "province_staff", lambda d: reverse("devices:programme_create")),
    ("devices:programme", "commune_officer", lambda d: reverse("devices:programme", args=[d.programme.pk])),
    ("devices:programme_edit", "administrator", lambda d: reverse("devices:programme_edit", args=[d.programme.pk])),
    ("devices:candidates", "commune_officer", lambda d: reverse("devices:candidates", args=[d.programme.pk, d.commune.code])),
    ("devices:inventory", "commune_officer", lambda d: reverse("devices:inventory", args=[d.programme.pk])),
    ("devices:report", "commune_officer", lambda d: reverse("devices:report", args=[d.programme.pk])),
    ("devices:allocate", "commune_officer", lambda d: reverse("devices:allocate", args=[d.candidate.pk])),
    ("devices:allocation", "commune_officer", lambda d: reverse("devices:allocation", args=[d.allocation.pk])),
    ("devices:import", "commune_officer", lambda d: reverse("devices:import", args=[d.device_import.pk])),
    ("devices:follow_ups", "team_member", lambda d: reverse("devices:follow_ups")),
    ("devices:follow_up", "commune_officer", lambda d: reverse("devices:follow_up", args=[d.follow_up.pk])),
    ("campaigns:list", "province_staff", lambda d: reverse("campaigns:list")),
    ("national:dashboard", "province_staff", lambda d: reverse("national:dashboard")),
    ("national:province", "province_staff", lambda d: reverse("national:province", args=[d.commune.province_id])),
    ("national:commune", "province_staff", lambda d: reverse("national:commune", args=[d.commune.code])),
    ("national:targets", "administrator", lambda d: reverse("national:targets") if _national_target(d) else ""),
    ("national:target_create", "administrator", lambda d: reverse("national:target_create")),
    ("national:target_edit", "administrator", lambda d: reverse("national:target_edit", args=[_national_target(d)])),
    ("national:report", "administrator", lambda d: reverse("national:report")),
    ("campaigns:create", "province_staff", lambda d: reverse("campaigns:create")),
    ("campaigns:dashboard", "province_staff", lambda d: reverse("campaigns:dashboard", args=[d.campaign.pk])),
    ("campaigns:commune_dashboard", "commune_officer", lambda d: reverse("campaigns:commune_dashboard", args=[d.campaign.pk, d.commune.code])),
    ("campaigns:commune_dashboard", "commune_officer", lambda d: reverse("campaigns:commune_dashboard", args=[d.campaign.pk, d.commune.code]) + "?screen=1"),
    ("campaigns:edit", "province_staff", lambda d: reverse("campaigns:edit", args=[d.campaign.pk])),
    ("campaigns:target_create", "province_staff", lambda d: reverse("campaigns:target_create", args=[d.campaign.pk])),
    ("campaigns:target_edit", "province_staff", lambda d: reverse("campaigns:target_edit", args=[d.campaign.pk, d.target.pk])),
    ("campaigns:report", "province_staff", lambda d: reverse("campaigns:report", args=[d.campaign.pk])),
    ("campaigns:drill", "commune_officer", lambda d: reverse("campaigns:drill", args=["adults_vneid2", "commune", d.commune.code])),
    ("campaigns:committee", "commune_officer", lambda d: reverse("campaigns:committee")),
    ("operations:person_erase", "commune_officer", lambda d: reverse("operations:person_erase", args=[d.resident.pk])),
    ("operations:health", "administrator", lambda d: reverse("operations:health")),
    ("skills_public:me", "anonymous", lambda d: reverse("skills_public:me")),
    ("skills_public:me", "citizen", lambda d: reverse("skills_public:me")),
    ("groups:sessions", "team_leader", lambda d: reverse("groups:sessions")),
    ("groups:session_create", "team_leader", lambda d: reverse("groups:session_create") + f"?village={d.group_session.village_id}"),
    ("groups:session", "commune_officer", lambda d: reverse("groups:session", args=[d.group_session.pk])),
    ("groups:invitation_create", "team_leader", lambda d: reverse("groups:invitation_create") + f"?village={d.group_session.village_id}"),
    ("groups:invitation", "team_leader", lambda d: reverse("groups:invitation", args=[d.invitation.pk])),
    ("groups:invitation_print", "commune_officer", lambda d: reverse("groups:invitation_print", args=[d.invitation.pk])),
    ("outside_lists:lists", "commune_officer", lambda d: reverse("outside_lists:lists")),
    ("outside_lists:lists", "province_staff", lambda d: reverse("outside_lists:lists")),
    ("outside_lists:list", "commune_officer", lambda d: reverse("outside_lists:list", args=[d.outside_list.pk])),
    ("outside_lists:review", "commune_officer", lambda d: reverse("outside_lists:review")),
    ("outside_lists:unmatched", "commune_officer", lambda d: reverse("outside_lists:unmatched") + f"?commune={d.commune.code}"),
    ("skills_public:verify_form", "anonymous", lambda d: reverse("skills_public:verify_form")),
    ("skills_public:verify", "anonymous", lambda d: reverse("skills_public:verify", args=[d.certificate.verification_code])),
]  # fmt: skip

# The field app is one page with screens chosen by the address's #fragment; each is checked.
# Screen -> (#fragment, its heading).
FIELD_SCREENS = {
    "worklist": ("", "Hộ cần đến"),
    "visit": ("#visit/{household}", "Ghi buổi hướng dẫn"),
    "signal": ("#signal", "Báo lõm sóng"),
    "helpdesk": ("#helpdesk", "Hỗ trợ tại một cửa"),
    "group": ("#group", "Buổi học cộng đồng"),
    "outbox": ("#outbox", "Chờ gửi"),
    "guides": ("#guides", "Hướng dẫn"),
}

# Named URLs that are not pages a person reads, with the reason.
POST_ONLY = "an action: POST only, it redirects to a page in the table"
NOT_PAGES: dict[str, str] = {
    "healthz": "health check for the load balancer (plain text)",
    "set_language": POST_ONLY,
    "national:receive": "a province's server posts its signed package (JSON)",
    "national:target_delete": POST_ONLY,
    "national:report_download": "PDF file",
    "accounts:logout": POST_ONLY,
    "registry:residents_export": "Excel file",
    "registry:households_export": "Excel file",
    "registry:villages_export": "Excel file",
    "registry:import_template": "Excel file",
    "registry:resident_delete": POST_ONLY,
    "registry:resident_reveal_cccd": POST_ONLY,
    "registry:import_confirm": POST_ONLY,
    "registry:import_retry": POST_ONLY,
    "registry:import_columns": POST_ONLY,
    "registry:import_refused": "Excel file",
    "skills:access_code_create": POST_ONLY,
    "guides:review_shipped": POST_ONLY + " (the guide's edit page, in the table, shows the shipped version)",
    "skills:draft_start": POST_ONLY + " (the draft catalogue, /skills/?draft=1, is in the table)",
    "skills:draft_publish": POST_ONLY,
    "skills:record_void": POST_ONLY,
    "skills:certificate_pdf": "PDF file",
    "skills:certificate_revoke": POST_ONLY,
    "guides:step_audio": "MP3 file",
    "guides:handout": "PDF file",
    "guides:step_recording": "audio file (a published recording)",
    "guides:recording_audio": "audio file (a recording under review)",
    "guides:recording_review": POST_ONLY,
    "teams_conflicts:resolve": POST_ONLY,
    "teams_conflicts:held_decide": POST_ONLY,
    "field:device_revoke": POST_ONLY,
    "teams:team_assign": POST_ONLY,
    "teams:member_set_active": POST_ONLY,
    "teams:signal_move": POST_ONLY,
    "field:shell": "checked screen by screen (FIELD_SCREENS), connected, with its worklist",
    "field:service_worker": "JavaScript file",
    "field:manifest": "JSON file",
    "field:offline_manifest": "JSON file",
    "devices:report_xlsx": "Excel file",
    "devices:report_pdf": "PDF file",
    "devices:allocation_return": POST_ONLY,
    "devices:import_template": "Excel file",
    "devices:import_refused": "Excel file",
    "devices:handover_pdf": "PDF file",
    "devices:allocation_scan": "the uploaded scan of the signed record (image or PDF)",
    "campaigns:target_delete": POST_ONLY,
    "campaigns:report_download": "PDF or Excel file",
    "operations:person_export": POST_ONLY,
    "outside_lists:entry": POST_ONLY,
    "outside_lists:unmatched_xlsx": "Excel file",
    "skills_public:me_exit": POST_ONLY,
}
# Whole namespaces left out: the JSON API (its interactive documentation is Swagger UI's own page, for
# developers, checked by test_api_docs) and Django's admin site (Django's templates, for administrators
# on a computer).
NOT_PAGE_NAMESPACES = {"api": "the JSON API and Swagger UI", "admin": "Django's admin site"}


def _named_urls() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                walk(pattern.url_patterns, f"{namespace}:{inner}".strip(":") if inner else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "")
    return {name for name in names if name.split(":", 1)[0] not in NOT_PAGE_NAMESPACES}


def test_every_page_is_in_the_table() -> None:
    """A new URL must be added to PAGES (and so checked in the browser) or to NOT_PAGES with a reason."""
    in_table = {name for name, _who, _url in PAGES}
    missing = sorted(_named_urls() - in_table - set(NOT_PAGES))
    assert not missing, f"pages the accessibility check does not open yet: {missing}"
    unknown = sorted((in_table | set(NOT_PAGES)) - _named_urls())
    assert not unknown, f"the table names URLs that no longer exist: {unknown}"


# --- In the browser ------------------------------------------------------------------------------

# Touch targets that are too small and too close to another (see the module docstring for the rule).
_TARGETS_JS = """
(min) => {
  const SELECTOR = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  const INLINE_TEXT = /[\\p{L}\\p{N}]/u;
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.right > 0 && r.left < document.documentElement.clientWidth;
  };
  const name = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 40);
    const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} "${text}"`;
  };
  // A link inside running text: inline, and its block holds words that belong to no target.
  const inRunningText = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    if (!block) return false;
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest(SELECTOR)) continue;
      if (INLINE_TEXT.test(node.textContent)) return true;
    }
    return false;
  };
  const targets = [];
  for (const el of document.querySelectorAll(SELECTOR)) {
    if (el.disabled || !visible(el) || el.closest('[aria-hidden=true], [inert]')) continue;
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
    const r = el.getBoundingClientRect();
    let box = {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
    if (el.type === 'checkbox' || el.type === 'radio') {
      for (const label of el.labels || []) {
        if (!visible(label)) continue;
        const l = label.getBoundingClientRect();
        box = {left: Math.min(box.left, l.left), top: Math.min(box.top, l.top),
               right: Math.max(box.right, l.right), bottom: Math.max(box.bottom, l.bottom)};
      }
    }
    targets.push({el, box, exempt: inRunningText(el)});
  }
  const small = (t) => !t.exempt && (t.box.right - t.box.left < min - 0.5 || t.box.bottom - t.box.top < min - 0.5);
  const centre = (b) => [(b.left + b.right) / 2, (b.top + b.bottom) / 2];
  const distanceToBox = ([x, y], b) => Math.hypot(Math.max(b.left - x, 0, x - b.right), Math.max(b.top - y, 0, y - b.bottom));
  const radius = min / 2;
  const problems = [];
  for (const t of targets) {
    if (!small(t)) continue;
    for (const other of targets) {
      if (other === t || t.el.contains(other.el) || other.el.contains(t.el)) continue;
      const touchesBox = distanceToBox(centre(t.box), other.box) < radius - 0.5;
      const oc = centre(other.box);
      const touchesCircle = small(other) && Math.hypot(centre(t.box)[0] - oc[0], centre(t.box)[1] - oc[1]) < 2 * radius - 0.5;
      if (touchesBox || touchesCircle) {
        const w = Math.round(t.box.right - t.box.left), h = Math.round(t.box.bottom - t.box.top);
        problems.push(`${name(t.el)} ${w}×${h} px, too close to ${name(other.el)}`);
        break;
      }
    }
  }
  return {count: targets.length, problems};
}
"""

# Boxes that scroll sideways inside the page: only a table (or preformatted text) may.
_INNER_SCROLL_JS = """
() => {
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const ox = getComputedStyle(el).overflowX;
    if ((ox !== 'auto' && ox !== 'scroll') || el.scrollWidth <= el.clientWidth + 1) continue;
    if (el.querySelector('table, pre') || el.matches('table, pre')) continue;
    const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    found.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} (${el.scrollWidth} px in ${el.clientWidth} px)`);
  }
  return found;
}
"""

_AXE_RUN_JS = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return {
    passed: result.passes.length,
    violations: result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      nodes: v.nodes.length,
    })),
  };
}
"""


def _require_axe() -> None:
    if AXE.exists():
        return
    message = f"{AXE} is missing (make node_modules)"
    if os.environ.get("LANGSO_REQUIRE_BROWSER"):
        pytest.fail(f"LANGSO_REQUIRE_BROWSER is set but {message}", pytrace=False)
    pytest.skip(message)


def check_page(page: Page, label: str) -> tuple[list[str], dict[str, int]]:
    """axe-core, sideways scrolling and touch targets on the page as it is now. Returns the problems
    that fail the test and the counts of the milder axe findings, by rule."""
    problems: list[str] = []
    mild: dict[str, int] = {}
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(_AXE_RUN_JS, AXE_TAGS)
    if result["passed"] < 10:  # a page where axe checked almost nothing means axe did not really run
        problems.append(f"{label}: axe-core passed only {result['passed']} rules")
    for violation in result["violations"]:
        if violation["impact"] in FAILING_IMPACTS:
            problems.append(
                f"{label}: axe {violation['impact']} {violation['id']} ({violation['help']}) "
                f"on {violation['nodes']} element(s): {violation['targets']}"
            )
        else:
            mild[violation["id"]] = mild.get(violation["id"], 0) + violation["nodes"]
    overflow = horizontal_overflow(page)
    if overflow:
        problems.append(f"{label}: {overflow}")
    problems.extend(f"{label}: scrolls sideways inside {box}" for box in page.evaluate(_INNER_SCROLL_JS))
    targets = page.evaluate(_TARGETS_JS, MIN_TARGET)
    problems.extend(f"{label}: touch target {p}" for p in targets["problems"])
    return problems, mild


def _new_context(browser: Browser, base_url: str) -> BrowserContext:
    # axe is injected as an inline script, which the app's Content-Security-Policy rightly refuses.
    context = browser.new_context(
        viewport=VIEWPORT,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        base_url=base_url,
        bypass_csp=True,
    )
    context.set_default_timeout(15_000)
    return context


def _session_cookie(user: Any, *, second_factor: bool) -> tuple[str, str]:
    """A signed-in session as the sign-in pages leave it; with `second_factor`, also verified by a
    confirmed TOTP device, as after the two-factor page."""
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if second_factor:
        device = TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return cookie.key, cookie.value


@pytest.fixture
def site(live_server: Any) -> SiteData:
    from tests.browser.site_data import build_site

    return build_site()


@pytest.fixture
def contexts(browser: Browser, live_server: Any, site: SiteData) -> Iterator[Callable[[str], BrowserContext]]:
    """One browser context per person, signed in once, made when first needed."""
    from django.core.cache import cache

    from langso.accounts.access import TWO_FACTOR_ROLES
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role

    cache.clear()  # sign-in and code throttles count in the cache
    made: dict[str, BrowserContext] = {}

    def get(who: str) -> BrowserContext:
        if who in made:
            return made[who]
        context = _new_context(browser, live_server.url)
        if who == "province_staff_new":
            user = user_with_role(Role.PROVINCE_STAFF, province=site.commune.province, username="tinh.moi")
            name, value = _session_cookie(user, second_factor=False)
        elif who in site.users:
            name, value = _session_cookie(site.users[who], second_factor=who in TWO_FACTOR_ROLES)
        else:
            name = ""
        if name:
            context.add_cookies([{"name": name, "value": value, "url": live_server.url}])
        if who == "citizen":
            page = context.new_page()
            page.goto(reverse("skills_public:me"))
            page.locator("input[name=code]").fill(site.citizen_code)
            page.locator("main form [type=submit]").first.click()
            page.wait_for_load_state()
            # Signed in: the page shows the person's progress instead of the code form.
            assert page.locator("input[name=code]").count() == 0, "the citizen's one-time code was refused"
            page.close()
        made[who] = context
        return context

    yield get
    for context in made.values():
        context.close()


def _watch(page: Page, broken: list[str]) -> None:
    page.on("pageerror", lambda error: broken.append(f"{page.url}: JavaScript error: {error}"))


def _report(problems: list[str], mild: dict[str, int], checked: int) -> None:
    summary = ", ".join(f"{rule} ×{n}" for rule, n in sorted(mild.items())) or "none"
    print(f"\n{checked} pages checked; milder axe findings (not failing): {summary}")
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems)


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_passes_axe_fits_360_px_and_has_big_enough_touch_targets(
    contexts: Callable[[str], BrowserContext], site: SiteData
) -> None:
    _require_axe()
    problems: list[str] = []
    mild: dict[str, int] = {}
    pages: dict[str, Page] = {}
    broken: list[str] = []
    for name, who, url_of in PAGES:
        if who not in pages:
            pages[who] = contexts(who).new_page()
            _watch(pages[who], broken)
        page = pages[who]
        url = url_of(site)
        response = page.goto(url)
        status = response.status if response else 0
        label = f"{name} {url} as {who}"
        if status != 200 or urlsplit(page.url).path != urlsplit(url).path:
            problems.append(
                f"{label}: HTTP {status} at {page.url} (the table must open each page as someone who may)"
            )
            continue
        found, milder = check_page(page, label)
        problems.extend(found)
        for rule, n in milder.items():
            mild[rule] = mild.get(rule, 0) + n
    field_problems, field_mild = _check_field_app(contexts("team_member"), site)
    problems.extend(field_problems)
    for rule, n in field_mild.items():
        mild[rule] = mild.get(rule, 0) + n
    problems.extend(broken)
    _report(problems, mild, len(PAGES) + len(FIELD_SCREENS))


def _check_field_app(context: BrowserContext, site: SiteData) -> tuple[list[str], dict[str, int]]:
    """The field app, connected and with its worklist loaded, screen by screen."""
    from playwright.sync_api import expect

    page = context.new_page()
    broken: list[str] = []
    _watch(page, broken)
    page.goto(reverse("field:connect"))
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url("**" + reverse("field:shell"))
    expect(page.locator("#worklist .card").first).to_be_visible(timeout=20_000)
    problems: list[str] = []
    mild: dict[str, int] = {}
    for screen, (fragment, heading) in FIELD_SCREENS.items():
        page.goto(reverse("field:shell") + fragment.format(household=site.household.pk))
        expect(page.locator("#app h1")).to_have_text(heading)
        found, milder = check_page(page, f"field app: {screen}")
        problems.extend(found)
        for rule, n in milder.items():
            mild[rule] = mild.get(rule, 0) + n
    page.close()
    return problems + broken, mild


# --- A cheap phone: the field app's weight, memory and time to a usable worklist --------------------

CPU_RATES = (4, 6)  # a low-end Android phone runs JavaScript 4-6 times slower than this machine
OUTBOX_VISITS = 50
# Generous budgets: the figures themselves go to bench/out/field_phone.md. Bytes are as the test
# server sends them, uncompressed (production compresses them, see the gzip estimate).
FIRST_LOAD_BUDGET = 150 * 1024
PAGE_BUDGET = 150 * 1024
HEAP_BUDGET = 16 * 1024 * 1024

# Fill the outbox to OUTBOX_VISITS by copying the visit the member recorded (new ids): the records
# are the app's own, only the typing is skipped.
_FILL_OUTBOX_JS = """
async (total) => {
  const open = indexedDB.open('langso-field');
  const db = await new Promise((resolve, reject) => { open.onsuccess = () => resolve(open.result); open.onerror = () => reject(open.error); });
  const read = db.transaction('outbox').objectStore('outbox').getAll();
  const rows = await new Promise((resolve) => { read.onsuccess = () => resolve(read.result); });
  const model = rows.find((row) => row.kind === 'visit');
  const tx = db.transaction('outbox', 'readwrite');
  for (let i = rows.length; i < total; i++) {
    const row = structuredClone(model);
    row.id = crypto.randomUUID();
    row.createdAt = new Date(Date.now() + i).toISOString();
    tx.objectStore('outbox').put(row);
  }
  await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
  db.close();
  return total;
}
"""


def _poll(page: Page, predicate: str, timeout_s: float = 120) -> None:
    """Wait until `predicate` (a JS function) is true. Not `wait_for_function`: under the app's
    Content-Security-Policy (no eval) it cannot run."""
    for _ in range(int(timeout_s * 10)):
        if page.evaluate(predicate):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"not true in {timeout_s} s: {predicate}")


def _wait_for_worklist(page: Page) -> None:
    _poll(page, "() => window.__worklistAt !== undefined")


def _record_one_visit(page: Page) -> None:
    from playwright.sync_api import expect

    page.locator("#worklist .card-link").first.click()
    page.locator("#visit-form .picker summary").first.click()
    page.get_by_role("radio", name="Gọi video").first.check()
    page.locator("#visit-form select[name=level]").first.select_option("3")
    page.locator("#visit-form button[type=submit]").click()
    expect(page.locator("#worklist")).to_be_visible()


def _measure_field_app(browser: Browser, base_url: str, member: Any, cpu_rate: int) -> list[Any]:
    from tests.browser import phone_budget as pb
    from tests.browser.helpers import wait_until_offline_ready

    context = browser.new_context(
        viewport=VIEWPORT, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", base_url=base_url
    )
    context.set_default_timeout(60_000)
    name, value = _session_cookie(member, second_factor=False)
    context.add_cookies([{"name": name, "value": value, "url": base_url}])
    context.add_init_script(pb.WORKLIST_MARK_JS)
    log = pb.RequestLog(context)
    page = context.new_page()
    cdp = pb.throttle(context, page, cpu_rate)
    try:
        page.goto(reverse("field:connect"))
        # First opening: empty cache, no service worker yet; it starts when the connected app opens.
        log.switch_on_navigation(reverse("field:shell"), "first")
        page.locator("main form [type=submit]").click()
        page.wait_for_url("**" + reverse("field:shell"))
        _wait_for_worklist(page)
        first = pb.Load("first load", pb.Weight(), pb.timings(page))
        wait_until_offline_ready(page, [reverse("field:shell"), "/static/field/app.js"], timeout_s=120)
        first.heap = pb.heap(cdp)
        first.weight = log.weight("first")
        first.service_worker_weight = log.weight("first", service_worker=True)

        log.phase = "warm"
        page.reload()
        _wait_for_worklist(page)
        warm = pb.Load("warm reload", pb.Weight(), pb.timings(page), pb.heap(cdp))
        warm.weight = log.weight("warm")

        log.phase = "outbox-setup"
        # In the field, without signal: the visits wait in the outbox. Our DevTools session's network
        # emulation would override Playwright's offline switch for the page, so it goes offline too.
        context.set_offline(True)
        cdp.send("Network.emulateNetworkConditions", {**pb.FAST_3G, "offline": True})
        _record_one_visit(page)
        page.evaluate(_FILL_OUTBOX_JS, OUTBOX_VISITS)
        log.phase = "outbox"
        page.reload()
        _wait_for_worklist(page)
        _poll(page, f"() => document.getElementById('outbox-count').textContent === '{OUTBOX_VISITS}'")
        full = pb.Load(
            f"offline reload, {OUTBOX_VISITS} visits waiting", pb.Weight(), pb.timings(page), pb.heap(cdp)
        )
        full.weight = log.weight("outbox")
        page.goto(reverse("field:shell") + "#outbox")
        _poll(page, f"() => document.querySelectorAll('#outbox-list .card').length === {OUTBOX_VISITS}")
        outbox_screen = pb.Load(f"outbox screen, {OUTBOX_VISITS} visits", pb.Weight(), {}, pb.heap(cdp))
        return [first, warm, full, outbox_screen]
    finally:
        context.close()


def _measure_page(browser: Browser, base_url: str, user: Any | None, name: str, url: str) -> Any:
    from tests.browser import phone_budget as pb

    context = browser.new_context(viewport=VIEWPORT, locale="vi-VN", base_url=base_url)
    if user is not None:
        cookie, value = _session_cookie(user, second_factor=False)
        context.add_cookies([{"name": cookie, "value": value, "url": base_url}])
    log = pb.RequestLog(context)
    try:
        page = context.new_page()
        log.phase = "page"
        page.goto(url, wait_until="load")
        page.wait_for_timeout(200)  # late requests (an image the layout asked for)
        return pb.Load(name, log.weight("page"), pb.timings(page))
    finally:
        context.close()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_field_app_and_main_pages_stay_light_on_a_cheap_phone(
    browser: Browser, live_server: Any, site: SiteData
) -> None:
    """Figures to bench/out/field_phone.{json,md}; budgets only for weight and memory."""
    from tests.browser import phone_budget as pb

    runs = {
        f"{rate}×": _measure_field_app(browser, live_server.url, site.users["team_member"], rate)
        for rate in CPU_RATES
    }
    officer = site.users["commune_officer"]
    pages = [
        _measure_page(browser, live_server.url, officer, "commune dashboard",
                      reverse("campaigns:commune_dashboard", args=[site.campaign.pk, site.commune.code])),
        _measure_page(browser, live_server.url, officer, "registry: residents list", reverse("registry:residents")),
        _measure_page(browser, live_server.url, None, "guide page (public)", reverse("guides:guide", args=[site.guide_code])),
        _measure_page(browser, live_server.url, None, "sign-in page", reverse("accounts:login")),
    ]  # fmt: skip
    report = pb.write_report(runs, pages, machine=f"2 cores, 24 GB, Chromium {browser.version}")
    print("\n" + report.read_text(encoding="utf-8"))

    problems = []
    for rate, loads in runs.items():
        first = loads[0]
        if first.weight.bytes > FIRST_LOAD_BUDGET:
            problems.append(f"{rate}: the field app's first load is {first.weight.bytes} bytes")
        problems += [
            f"{rate} {load.name}: JS heap {load.heap['js_heap_used_bytes']} bytes"
            for load in loads
            if load.heap["js_heap_used_bytes"] > HEAP_BUDGET
        ]
    problems += [f"{p.name}: {p.weight.bytes} bytes" for p in pages if p.weight.bytes > PAGE_BUDGET]
    assert not problems, "over budget on a cheap phone:\n" + "\n".join(problems)
