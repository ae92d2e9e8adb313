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
