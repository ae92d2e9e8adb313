"""The one-page A4 handout of a guide, to leave at a home after a visit.

Public, like the guides. The PDF is cached (Django cache) under a key made of the guide's `updated_at`,
the language, the address the QR code points to and the steps themselves, so a change to any of them
makes a new PDF and an unchanged guide is served without laying it out again.

A handout must stay on one page: if a long guide overflows, it is laid out again denser (smaller
pictures and text), and as a last resort without the pictures.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import segno
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from langso.core.pdf import render_document
from langso.guides.models import Guide

CACHE_SECONDS = 7 * 24 * 3600
DENSITIES = ("normal", "compact", "tight", "text-only")


def guide_public_url(request: HttpRequest, guide: Guide) -> str:
    """The address of the guide's public page (what the QR code opens)."""
    return request.build_absolute_uri(guide.get_absolute_url())


def _illustration(spec: Any, label: str) -> str:
    from langso.guides.illustrations import render_svg

    return render_svg(spec, label)


def _steps(guide: Guide, language: str, content: Any = None) -> list[dict[str, Any]]:
    from langso.guides.languages import step_translations

    texts = step_translations(guide, content) if content is not None else {}
    steps = []
    for step in guide.steps.order_by("number"):
        if content is not None:
            text = texts.get(step.pk, "")
        else:
            text = step.text_en if language == "en" and step.text_en else step.text
        steps.append({"number": step.number, "text": text, "spec": step.illustration or {}})
    return steps


def handout_pdf(guide: Guide, *, request: HttpRequest, content: Any = None) -> bytes:
    """The handout in the page's language, or in the guide language `content` (Tày…): then its text,
    its title and the QR code's address (the guide's page in that language) all follow it."""
    from langso.guides.languages import guide_translation

    language = get_language() or "vi"
    steps = _steps(guide, language, content)
    url = guide_public_url(request, guide)
    head = None
    if content is not None:
        url += f"?lang={content.code}"
        head = guide_translation(guide, content)
        language = content.code
    signature = hashlib.sha256(
        json.dumps(
            [guide.pk, guide.updated_at.isoformat() if guide.updated_at else "", language, url, steps],
            sort_keys=True,
            default=str,
        ).encode()
    ).hexdigest()[:40]
    key = f"langso:handout:{guide.skill_code}:{signature}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    title = guide.title_en if language == "en" and guide.title_en else guide.title
    summary = guide.summary_en if language == "en" and guide.summary_en else guide.summary
    if head is not None:
        title, summary = head.title, head.summary
    for step in steps:
        step["svg"] = mark_safe(_illustration(step["spec"], step["text"]))  # noqa: S308 (escaped by the renderer)
    qr = mark_safe(segno.make(url, error="m").svg_inline(scale=3, dark="#000", omitsize=False))  # noqa: S308
    context = {
        "guide": guide,
        "title": title,
        "summary": summary,
        "steps": steps,
        "qr": qr,
        "url": url,
        "content_tag": content.tag if content is not None else "",
    }
    document = None
    # Start where a guide of this length usually fits, to lay out as few times as possible.
    first = 0 if len(steps) <= 6 else 1 if len(steps) <= 8 else 2
    for density in DENSITIES[first:]:
        document = render_document("guides/handout.html", {**context, "density": density}, request=request)
        if len(document.pages) == 1:
            break
    if document is None:  # DENSITIES is never empty; an explicit error survives `python -O`
        raise RuntimeError("no handout density to lay the guide out with")
    pdf = document.write_pdf()
    cache.set(key, pdf, CACHE_SECONDS)
    return pdf


@require_safe
def handout(request: HttpRequest, skill_code: str) -> HttpResponse:
    from langso.guides.languages import guide_languages

    guide = get_object_or_404(Guide, skill_code=skill_code)
    if not guide.steps.exists():
        raise Http404
    # ?lang=tay prints the Tày version, when the guide has one (else the page's language).
    asked = request.GET.get("lang", "")
    content = next(
        (lang for lang in guide_languages(guide) if lang.code == asked and not lang.is_vietnamese), None
    )
    if asked in ("vi", "en"):
        translation.activate(asked)
    pdf = handout_pdf(guide, request=request, content=content)
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = f"-{content.code}" if content is not None else ""
    response["Content-Disposition"] = f'inline; filename="huong-dan-{guide.skill_code}{suffix}.pdf"'
    response.public_content = True  # type: ignore[attr-defined]  # read by our cache middleware
    return response
