"""PDF documents from HTML templates, with WeasyPrint.

Two rules hold for every PDF the platform makes:

- Nothing is fetched from the network or the file system except the project's own static files. A
  template that names an outside address (or `file:///etc/passwd`) gets nothing: a PDF of personal data
  must never call out to a third party, and a crafted value must never read a server file.
- Vietnamese text prints correctly: the base stylesheet asks for DejaVu Sans, a font with every
  Vietnamese glyph that Debian ships (`fonts-dejavu-core`, installed by the CI), before the generic
  sans-serif fallback.
"""

from __future__ import annotations

import base64
import mimetypes
import posixpath
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative links in templates resolve against this origin; it is never contacted.
BASE_URL = "https://langso.invalid/"

BASE_STYLESHEET = """
@page { size: A4; margin: 14mm 14mm 16mm 14mm; }
html { font-family: "DejaVu Sans", "Noto Sans", "Liberation Sans", sans-serif; font-size: 11pt;
       line-height: 1.35; color: #111; }
body { margin: 0; }
h1, h2, h3 { line-height: 1.2; margin: 0 0 0.4em; }
h1 { font-size: 20pt; } h2 { font-size: 15pt; } h3 { font-size: 12pt; }
p { margin: 0 0 0.5em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #999; padding: 3pt 5pt; text-align: left; vertical-align: top; }
svg { overflow: hidden; }
"""


class StaticOnlyFetcher(URLFetcher):
    """Serves `data:` URLs and the project's static files; refuses everything else."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return _data_url(url)
        parts = urlsplit(url)
        base = urlsplit(BASE_URL)
        static_prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(
            static_prefix
        ):
            raise ValueError(f"not fetched: only the project's static files are allowed ({url[:80]})")
        relative = posixpath.normpath(unquote(parts.path[len(static_prefix) :]))
        if relative.startswith(("../", "/")) or relative in {"..", "."} or "\x00" in relative:
            raise ValueError("not fetched: path outside the static files")
        path = _static_path(relative)
        if path is None:
            raise ValueError(f"static file not found: {relative}")
        with open(path, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def _data_url(url: str) -> URLFetcherResponse:
    header, _sep, payload = url[5:].partition(",")
    media_type = header.split(";")[0] or "text/plain"
    body = base64.b64decode(payload) if header.endswith(";base64") else unquote(payload).encode()
    return URLFetcherResponse(url, body, {"Content-Type": media_type})


def _static_path(relative: str) -> str | None:
    """The file behind a static path: the finders (development and tests) or STATIC_ROOT (production)."""
    from django.contrib.staticfiles import finders
    from django.utils._os import safe_join

    found = finders.find(relative)
    if found:
        return str(found)
    try:
        candidate = safe_join(str(settings.STATIC_ROOT), relative)
    except Exception:  # a path that escapes STATIC_ROOT (SuspiciousFileOperation)
        return None
    import os

    return candidate if os.path.isfile(candidate) else None


def render_document(
    template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None
) -> Document:
    """Lay out a template as pages (the caller may look at the page count before writing)."""
    html = render_to_string(template_name, context, request=request)
    fonts = FontConfiguration()
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render(
        stylesheets=[CSS(string=BASE_STYLESHEET, font_config=fonts)], font_config=fonts
    )


def render_pdf(template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """A PDF of an HTML template, on A4 with the base print stylesheet."""
    return render_document(template_name, context, request=request).write_pdf()
