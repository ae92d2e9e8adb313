"""Request context for the audit trail, and the headers every page carries."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from langso.core.context import RequestMeta, reset_request_meta, set_request_meta
from langso.core.errors import page_not_found, server_error


def client_ip(request: HttpRequest) -> str | None:
    # Behind nginx the real address arrives in X-Real-IP; deploy.md sets it.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_request_meta(
            RequestMeta(ip_address=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""))
        )
        try:
            return self.get_response(request)
        finally:
            reset_request_meta(token)


PUBLIC_CACHE_CONTROL = "public, max-age=300"


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every page; no caching of anything shown to a signed-in user.

    The one exception is a response a view marked `public_content = True` (the guide pages): it
    shows nothing about the visitor, whoever is signed in, so browsers and the field app's service
    worker may keep it for a few minutes (or as the view's own Cache-Control says). The marker loses
    to `personal_data`, and to any cookie the response sets: a shared cache must never hand one
    visitor's cookie to another.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        if (
            getattr(response, "public_content", False)
            and not getattr(response, "personal_data", False)
            and not response.cookies
        ):
            # A view that chose its own policy for public content (e.g. "no-cache" for a service
            # worker script, which must never be stale) keeps it.
            response.setdefault("Cache-Control", PUBLIC_CACHE_CONTROL)
            return response
        is_static = request.path.startswith(settings.STATIC_URL)
        user = getattr(request, "user", None)
        if not is_static and (
            user is not None and user.is_authenticated or getattr(response, "personal_data", False)
        ):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the user chose another language (the language cookie).

    Django's LocaleMiddleware follows the browser's Accept-Language, and many phones here are set to
    English; the brief wants Vietnamese by default, with English a choice the user makes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DemoErrorPagesMiddleware:
    """In the demo (`make run`: LANGSO_DEMO_MODE with DEBUG on), show our own 404 and 500 pages instead
    of Django's debug pages, which list every address of the app and the code's internals to whoever
    tries the demo. The traceback of a 500 still goes to the console log. Without DEBUG Django uses our
    handlers anyway (langso.urls), so this middleware steps aside."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.core.exceptions import MiddlewareNotUsed

        if not (settings.DEMO_MODE and settings.DEBUG):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and not getattr(response, "langso_error_page", False)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        if isinstance(exception, Http404 | PermissionDenied):
            return None  # Django turns these into our 404 (above) and 403 pages
        import logging

        logging.getLogger("django.request").error(
            "Internal Server Error: %s",
            request.path,
            exc_info=(type(exception), exception, exception.__traceback__),
        )
        return server_error(request)
