"""Small charts drawn on the server as inline SVG: no script, light, and they print."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def sparkline(values: Sequence[float], label: str = "", width: int = 120, height: int = 28) -> str:
    """A trend line with its last point marked; `label` is read out by screen readers."""
    values = [float(v) for v in values] or [0.0]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 4) / max(len(values) - 1, 1)
    points = [
        (2 + index * step, height - 3 - (value - low) / span * (height - 6))
        for index, value in enumerate(values)
    ]
    path = format_html_join(" ", "{},{}", ((f"{x:.1f}", f"{y:.1f}") for x, y in points))
    last_x, last_y = points[-1]
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{label}">'
        '<polyline fill="none" stroke="#0b6e4f" stroke-width="2" points="{path}"/>'
        '<circle cx="{x}" cy="{y}" r="2.5" fill="#0b6e4f"/></svg>',
        w=width,
        h=height,
        label=label,
        path=path,
        x=f"{last_x:.1f}",
        y=f"{last_y:.1f}",
    )


def _number(value: float, suffix: str, decimals: int | None = None) -> str:
    """A bar's value as the tables beside it write it (campaigns.dashboards.Row.text), in the page's
    language: "0,4 %" in Vietnamese (comma, a space before the sign), "2,4" for an average (given
    `decimals=1`); counts whole and grouped ("1.234")."""
    from django.utils.formats import number_format

    places = decimals if decimals is not None else (1 if suffix else 0)
    shown = number_format(round(value, places), places, use_l10n=True, force_grouping=places == 0)
    return f"{shown} {suffix}" if suffix else shown


@register.simple_tag
def bar_chart(
    rows: Sequence[tuple[str, float | None]],
    target: float | None = None,
    label: str = "",
    maximum: float | None = None,
    suffix: str = "",
    width: int = 520,
    decimals: int | None = None,
) -> str:
    """Horizontal bars, one per (name, value), with the target as a dashed line: prints in a PDF and
    reads on a phone (the SVG scales to its box). A missing value is a row with no bar. Values are
    written with `decimals` places (by default 1 with a `suffix`, else whole numbers)."""
    bar_height, gap, name_width, value_width = 14, 6, 170, 60
    values = [float(v) for _name, v in rows if v is not None]
    top = maximum if maximum is not None else max([*values, float(target or 0), 1.0])
    top = top or 1.0
    plot = width - name_width - value_width
    height = max(len(rows), 1) * (bar_height + gap) + gap
    parts = []
    for index, (name, value) in enumerate(rows):
        y = gap + index * (bar_height + gap)
        text_y = y + bar_height - 3
        short = name if len(name) <= 26 else name[:25] + "…"
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="10" text-anchor="end">{}</text>',
                name_width - 6,
                text_y,
                short,
            )
        )
        if value is not None:
            length = max(min(float(value), top), 0.0) / top * plot
            shown = _number(float(value), suffix, decimals)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="#0b6e4f"/>'
                    '<text x="{}" y="{}" font-size="10">{}{}</text>',
                    name_width,
                    y,
                    f"{length:.1f}",
                    bar_height,
                    f"{name_width + length + 4:.1f}",
                    text_y,
                    shown,
                    "",
                )
            )
    if target is not None:
        x = name_width + min(float(target), top) / top * plot
        parts.append(
            format_html(
                '<line x1="{x}" y1="0" x2="{x}" y2="{h}" stroke="#b3261e" stroke-width="1.5" '
                'stroke-dasharray="4 3"/>',
                x=f"{x:.1f}",
                h=height,
            )
        )
    return format_html(
        '<svg class="bar-chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{label}" font-family="DejaVu Sans, sans-serif">{body}</svg>',
        w=width,
        h=height,
        label=label,
        body=format_html_join("", "{}", ((p,) for p in parts)),
    )
