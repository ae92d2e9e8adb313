"""Draw a guide step's picture: a small "phone screen" described in JSON, rendered as inline SVG.

Why SVG made here rather than screenshots: a few hundred bytes per step keep a guide page light for a
weak signal and for the field app's offline cache, the picture never shows a real person's data, and
province staff can change a step's picture by editing a short description.

The description (stored in `GuideStep.illustration`)::

    {"title": "VNeID", "theme": "red", "items": [ ... at most 6 ... ]}

Each item is a dict with a kind `t`:

- ``{"t": "text", "text": "..."}``              a line of text (wrapped to two lines)
- ``{"t": "button", "text": "...", "tap": true}`` a button
- ``{"t": "field", "text": "label", "value": "..."}`` a text field with its label
- ``{"t": "row", "text": "..."}``               a list row with a ">" mark
- ``{"t": "apps", "apps": ["VNeID", "Zalo"], "colors": ["red", "blue"], "tap": 0}``
                                                 up to 4 app icons; `tap` is the index to press
- ``{"t": "qr"}``                               a QR code to scan
- ``{"t": "chat", "text": "...", "me": false}``  a chat bubble (mine on the right)
- ``{"t": "warn", "text": "..."}``               a red warning box
- ``{"t": "call", "tap": "accept"}``             answer (green) and hang up (red) buttons

Any item may carry ``"tap": true`` (for "apps" an index, for "call" "accept" or "end"): the first tap
target is outlined in orange and a finger points at it. Bad descriptions raise a ValidationError with a
Vietnamese message (`validate_spec`); the renderer itself never fails on stored data, it skips what it
does not know, so an old or hand-edited description cannot break a public page.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 180, 320
MIN_HEIGHT = 150
SCREEN_X, SCREEN_W = 14, 152
CONTENT_TOP, CONTENT_BOTTOM = 50, 296
MAX_ITEMS = 6
MAX_APPS = 4
LINE_CHARS = 24

THEMES: dict[str, str] = {
    "red": "#c62828",
    "blue": "#1565c0",
    "green": "#2e7d32",
    "orange": "#e65100",
    "purple": "#6a1b9a",
    "teal": "#00796b",
    "grey": "#455a64",
}
DEFAULT_THEME = "blue"
TAP = "#ff8f00"
KINDS = ("text", "button", "field", "row", "apps", "qr", "chat", "warn", "call")
HEIGHTS = {
    "text": 30,
    "button": 36,
    "field": 44,
    "row": 32,
    "apps": 56,
    "qr": 92,
    "chat": 34,
    "warn": 36,
    "call": 62,
}


def _wrap(text: str, width: int = LINE_CHARS, lines: int = 2) -> list[str]:
    """Break text into at most `lines` lines of about `width` characters; an ellipsis marks a cut."""
    words = " ".join(str(text).split()).split(" ")
    out: list[str] = []
    current = ""
    for word in words:
        if not word:
            continue
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
        current = word[:width]
        if len(out) == lines:
            break
    if current and len(out) < lines:
        out.append(current)
    joined = " ".join(out)
    if len(joined) < len(" ".join(w for w in words if w)) and out:
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out[:lines]


def _text(x: float, y: float, text: str, *, size: int = 10, fill: str = "#1b1f24", **extra: str) -> str:
    lines = _wrap(text, width=int(LINE_CHARS * 10 / size))
    attrs = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in extra.items())
    if len(lines) <= 1:
        return f'<text x="{x}" y="{y}" font-size="{size}" fill="{fill}"{attrs}>{escape(lines[0] if lines else "")}</text>'
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if i == 0 else size + 2}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x}" y="{y - (size + 2) / 2}" font-size="{size}" fill="{fill}"{attrs}>{spans}</text>'


def _stroke(colour: str) -> str:
    return f' stroke="{colour}"'


def _colour(name: Any) -> str:
    return THEMES.get(str(name), THEMES[DEFAULT_THEME])


def _qr(x: int, y: int, seed: str) -> str:
    """A QR-like square: three finder marks and a fixed pseudo-random pattern (not a scannable code,
    so a picture in a guide can never send anyone anywhere)."""
    cell = 4
    parts = []
    for fx, fy in ((0, 0), (14, 0), (0, 14)):
        ox, oy = x + fx * cell, y + fy * cell
        parts.append(f"M{ox} {oy}h28v28h-28z M{ox + 4} {oy + 4}v20h20v-20z M{ox + 8} {oy + 8}h12v12h-12z")
    digest = hashlib.sha256(seed.encode()).digest()
    bits = "".join(f"{b:08b}" for b in digest)
    index = 0
    for row in range(21):
        for col in range(21):
            if (row < 8 and (col < 8 or col > 12)) or (row > 12 and col < 8):
                continue
            if bits[index % len(bits)] == "1":
                parts.append(f"M{x + col * cell} {y + row * cell}h{cell}v{cell}h-{cell}z")
            index += 1
    return f'<path fill="#1b1f24" fill-rule="evenodd" d="{" ".join(parts)}"/>'


def _finger(x: float, y: float) -> str:
    """A hand pointing up-left at (x, y), with a ring where the finger presses."""
    return (
        f'<circle cx="{x}" cy="{y}" r="10" fill="none" stroke="{TAP}" stroke-width="2.5"/>'
        f'<g transform="translate({x + 2} {y + 2}) rotate(-30)" fill="#f7c9a3" stroke="#7a4b2a" stroke-width="1.2">'
        '<rect x="-4" y="0" width="8" height="22" rx="4"/><rect x="-8" y="14" width="20" height="22" rx="7"/></g>'
    )


def _item(item: dict[str, Any], y: int, theme: str, tapped: bool) -> tuple[str, tuple[float, float] | None]:
    """SVG for one item placed at y, and where the finger should point if it is the tap target."""
    kind = item.get("t")
    text = str(item.get("text", ""))
    x0, w = SCREEN_X + 8, SCREEN_W - 16
    outline = f' stroke="{TAP}" stroke-width="3"' if tapped else ""
    if kind == "text":
        return _text(x0, y + 17, text, size=10), None
    if kind == "button":
        shape = f'<rect x="{x0}" y="{y + 3}" width="{w}" height="28" rx="14" fill="{theme}"{outline}/>'
        label = _text(WIDTH / 2, y + 21, text, size=11, fill="#fff", text_anchor="middle", font_weight="bold")
        return shape + label, (x0 + w * 0.85, y + 17) if tapped else None
    if kind == "field":
        label = _text(x0, y + 10, text, size=9, fill="#555")
        box = f'<rect x="{x0}" y="{y + 15}" width="{w}" height="24" rx="4" fill="#fff" stroke="#9aa4ae"/>'
        if tapped:
            box = f'<rect x="{x0}" y="{y + 15}" width="{w}" height="24" rx="4" fill="#fff"{outline}/>'
        value = _text(x0 + 6, y + 31, str(item.get("value", "")), size=10)
        return label + box + value, (x0 + w * 0.85, y + 27) if tapped else None
    if kind == "row":
        shape = f'<rect x="{x0 - 4}" y="{y + 2}" width="{w + 8}" height="28" rx="4" fill="#fff"{outline or _stroke("#e0e4e8")}/>'
        return (
            shape
            + _text(x0 + 2, y + 20, text, size=10)
            + f'<text x="{x0 + w - 6}" y="{y + 20}" font-size="12" fill="#888">›</text>',
            (x0 + w * 0.8, y + 16) if tapped else None,
        )
    if kind == "apps":
        apps = [str(a) for a in item.get("apps", [])][:MAX_APPS]
        colours = list(item.get("colors", []))
        tap_index = item.get("tap")
        parts, target = [], None
        for i, name in enumerate(apps):
            cx = x0 + 18 + i * 36
            hit = tapped and tap_index == i
            ring = f' stroke="{TAP}" stroke-width="3"' if hit else ""
            parts.append(
                f'<rect x="{cx - 14}" y="{y + 4}" width="28" height="28" rx="7" fill="{_colour(colours[i] if i < len(colours) else None)}"{ring}/>'
                f'<text x="{cx}" y="{y + 23}" font-size="9" fill="#fff" text-anchor="middle" font-weight="bold">{escape(name[:1].upper())}</text>'
                f'<text x="{cx}" y="{y + 46}" font-size="8" fill="#1b1f24" text-anchor="middle">{escape(name[:8])}</text>'
            )
            if hit:
                target = (cx + 4, y + 22)
        return "".join(parts), target
    if kind == "qr":
        qx = int(WIDTH / 2 - 42)
        frame = f'<rect x="{qx - 4}" y="{y + 2}" width="92" height="92" fill="#fff"{outline or _stroke("#9aa4ae")}/>'
        return frame + _qr(qx, y + 6, text or "qr"), (WIDTH / 2 + 20, y + 60) if tapped else None
    if kind == "chat":
        mine = bool(item.get("me"))
        bx = x0 + (24 if mine else 0)
        fill = "#d7ecff" if mine else "#fff"
        bubble = f'<rect x="{bx}" y="{y + 3}" width="{w - 24}" height="28" rx="10" fill="{fill}"{outline or _stroke("#c9d0d6")}/>'
        return bubble + _text(bx + 8, y + 21, text, size=9), (bx + w * 0.5, y + 17) if tapped else None
    if kind == "warn":
        box = f'<rect x="{x0}" y="{y + 3}" width="{w}" height="30" rx="4" fill="#fdecea" stroke="#c62828"/>'
        sign = f'<text x="{x0 + 9}" y="{y + 24}" font-size="16" fill="#c62828" font-weight="bold">!</text>'
        return box + sign + _text(x0 + 22, y + 22, text, size=9, fill="#8a1c15"), None
    if kind == "call":
        tap = item.get("tap") if tapped else None
        parts, target = [], None
        for cx, colour, label, key in (
            (WIDTH / 2 - 36, "#2e7d32", "Nghe", "accept"),
            (WIDTH / 2 + 36, "#c62828", "Tắt", "end"),
        ):
            ring = f' stroke="{TAP}" stroke-width="3"' if tap == key else ""
            parts.append(
                f'<circle cx="{cx}" cy="{y + 24}" r="18" fill="{colour}"{ring}/>'
                f'<text x="{cx}" y="{y + 56}" font-size="9" text-anchor="middle" fill="#1b1f24">{label}</text>'
            )
            if tap == key:
                target = (cx + 4, y + 26)
        return "".join(parts), target
    return "", None


def render_svg(spec: Any, label: str) -> str:
    """The step's picture as an inline SVG string (already escaped, safe to mark safe), or "" if the
    step has no picture."""
    if not isinstance(spec, dict) or not spec:
        return ""
    theme = _colour(spec.get("theme"))
    title = str(spec.get("title", ""))[:30]
    body: list[str] = []
    y = CONTENT_TOP
    finger: tuple[float, float] | None = None
    items = spec.get("items")
    for item in (items if isinstance(items, list) else [])[:MAX_ITEMS]:
        if not isinstance(item, dict) or item.get("t") not in KINDS:
            continue
        height = HEIGHTS[item["t"]]
        if y + height > CONTENT_BOTTOM:
            break
        tap = item.get("tap")
        wants_tap = tap is not None and tap is not False and tap != ""
        svg, target = _item(item, y, theme, tapped=wants_tap and finger is None)
        body.append(svg)
        if target is not None and finger is None:
            finger = target
        y += height
    # The phone is only as tall as its content (plus room for the finger): a short step gets a short
    # picture, so a guide page does not become a column of empty screens.
    height = max(MIN_HEIGHT, min(HEIGHT, y + 40))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}"'
        f' role="img" aria-label="{escape(" ".join(str(label).split()))}" class="guide-svg" focusable="false">',
        f'<rect x="4" y="2" width="{WIDTH - 8}" height="{height - 4}" rx="22" fill="#263238"/>',
        f'<rect x="{SCREEN_X}" y="16" width="{SCREEN_W}" height="{height - 40}" rx="6" fill="#f6f7f9"/>',
        f'<rect x="{SCREEN_X}" y="16" width="{SCREEN_W}" height="28" rx="6" fill="{theme}"/>',
        _text(SCREEN_X + 10, 35, title, size=12, fill="#fff", font_weight="bold"),
        *body,
        f'<rect x="{WIDTH / 2 - 20}" y="{height - 18}" width="40" height="6" rx="3" fill="#90a4ae"/>',
    ]
    if finger is not None:
        parts.append(_finger(*finger))
    parts.append("</svg>")
    return "".join(parts)


def validate_spec(spec: Any) -> dict[str, Any]:
    """Check a picture description typed by staff; returns it, or raises a ValidationError."""
    if spec in (None, "", {}):
        return {}
    if not isinstance(spec, dict):
        raise ValidationError(
            _('Mô tả hình phải là một đối tượng JSON, ví dụ {"title": "VNeID", "items": []}.')
        )
    unknown = set(spec) - {"title", "theme", "items"}
    if unknown:
        raise ValidationError(
            _("Mô tả hình có khóa không dùng được: %(keys)s.")
            % {"keys": ", ".join(sorted(map(str, unknown)))}
        )
    if "theme" in spec and spec["theme"] not in THEMES:
        raise ValidationError(
            _("Màu “%(theme)s” không có; chọn một trong: %(themes)s.")
            % {"theme": spec["theme"], "themes": ", ".join(THEMES)}
        )
    items = spec.get("items", [])
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise ValidationError(_("Mô tả hình có tối đa %(n)s mục (danh sách “items”).") % {"n": MAX_ITEMS})
    height = 0
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or item.get("t") not in KINDS:
            raise ValidationError(
                _("Mục %(n)s của hình không hợp lệ: “t” phải là một trong %(kinds)s.")
                % {"n": number, "kinds": ", ".join(KINDS)}
            )
        height += HEIGHTS[item["t"]]
        if item["t"] == "apps":
            apps = item.get("apps")
            if not isinstance(apps, list) or not 1 <= len(apps) <= MAX_APPS:
                raise ValidationError(_("Mục %(n)s: cần từ 1 đến 4 biểu tượng ứng dụng.") % {"n": number})
            tap = item.get("tap")
            if tap is not None and (
                not isinstance(tap, int) or isinstance(tap, bool) or not 0 <= tap < len(apps)
            ):
                raise ValidationError(
                    _("Mục %(n)s: “tap” phải là thứ tự của một biểu tượng (từ 0).") % {"n": number}
                )
    if height > CONTENT_BOTTOM - CONTENT_TOP:
        raise ValidationError(_("Hình có quá nhiều mục, không vừa màn hình điện thoại; hãy bớt mục."))
    return spec
