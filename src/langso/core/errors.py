"""Our own pages for a refused, missing or broken page and for an expired form (CSRF failure).

Django's defaults are bare English pages without the menu. These render inside the site's layout, in
the user's language, with a plain explanation and a way back. Each response carries
`langso_error_page = True` (and the page a `data-error-page` attribute) so the demo middleware and the
browser tests can tell our page from anyone else's.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

# The last resort when even the site's layout cannot be drawn (e.g. the database is down and the
# menu needs the user's roles): no context, no database.
_BARE_500 = "errors/500_bare.html"


def _back_url(request: HttpRequest) -> str | None:
    """The page the user came from, when it is one of ours: a way back that keeps their place."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None


def render_error(
    request: HttpRequest, status: int, template: str, extra: dict[str, Any] | None = None
) -> HttpResponse:
    context = {"back_url": _back_url(request), "status": status, **(extra or {})}
    try:
        body = loader.render_to_string(template, context, request=request)
    except Exception:  # the layout needs the database (the menu, the session); never fail twice
        logger.exception("the error page %s could not be drawn; showing the bare page", template)
        body = loader.render_to_string(_BARE_500, {})
    response = HttpResponse(body, status=status)
    response.langso_error_page = True  # type: ignore[attr-defined]  # read by our middleware
    return response


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error(request, 400, "errors/400.html")


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error(request, 403, "errors/403.html")


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error(request, 404, "errors/404.html")


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    return render_error(request, 500, "errors/500.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent after its page sat open past the session, or from a page opened before a sign-in
    in another tab: say so, and send the user back to the form to send it again."""
    if settings.DEBUG:
        logger.warning("CSRF failure on %s: %s", request.path, reason)
    return render_error(request, 403, "errors/csrf.html")
