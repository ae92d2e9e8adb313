"""Helpers the browser tests share: the phone's size and the sideways-scroll check."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

PHONE = {"width": 360, "height": 740}
ROOT = Path(__file__).resolve().parents[2]

# Elements wider than the screen, named so a failure says what to fix.
_OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > width + 0.5 || r.left < -0.5) {
      let parent = el.parentElement, clipped = false;
      while (parent && parent !== document.body) {
        const ox = getComputedStyle(parent).overflowX;
        if (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') { clipped = true; break; }
        parent = parent.parentElement;
      }
      if (clipped) continue;
      const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} (${Math.round(r.left)}..${Math.round(r.right)} px)`);
    }
  }
  return {scrollWidth: document.scrollingElement.scrollWidth, width, wide: wide.slice(0, 10)};
}
"""


def horizontal_overflow(page: Page) -> str | None:
    """None when the page fits the phone's width; otherwise what is too wide, to say what to fix.

    Wide tables may scroll inside their own box (overflow-x: auto); the page itself must not.
    """
    result = page.evaluate(_OVERFLOW_JS)
    if result["scrollWidth"] <= PHONE["width"]:
        return None
    wide = ", ".join(result["wide"]) or "(no single element found)"
    return f"{page.url} scrolls sideways at {PHONE['width']} px: scrollWidth {result['scrollWidth']}; too wide: {wide}"


def assert_no_horizontal_scroll(page: Page) -> None:
    problem = horizontal_overflow(page)
    assert problem is None, problem


# True once the field app's service worker controls the page and its cache holds every given path.
_OFFLINE_READY_JS = """async (paths) => {
    if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return false;
    for (const name of await caches.keys()) {
        if (!name.startsWith('langso-field-')) continue;
        const cache = await caches.open(name);
        const found = await Promise.all(paths.map((p) => cache.match(p, { ignoreVary: true })));
        if (found.every(Boolean)) return true;
    }
    return false;
}"""


def wait_until_offline_ready(page: Page, paths: list[str], timeout_s: float = 30) -> None:
    """Poll from Python: `wait_for_function` does not wait for an async predicate's promise."""
    for _ in range(int(timeout_s * 4)):
        if page.evaluate(_OFFLINE_READY_JS, paths):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"the service worker did not make {paths} available offline in time")


def field_cookie(context: BrowserContext) -> dict[str, Any] | None:
    """What the field app keeps in its cookie (token, sealing key, member), or None when signed out."""
    for cookie in context.cookies():
        if cookie["name"] == "langso_field" and cookie["value"]:
            value = cookie["value"]
            return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    return None


def field_token(context: BrowserContext) -> str:
    data = field_cookie(context)
    assert data is not None, "the phone holds no field key"
    return data["t"]
