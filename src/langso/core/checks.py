"""Deployment checks of our own, run by `check --deploy` beside Django's."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_CACHE_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security, deploy=True)
def shared_cache_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    # Sign-in and code-guessing counters live in the cache: a per-process cache lets every gunicorn
    # worker count on its own, so an attacker gets the limit times the number of processes.
    if settings.CACHES["default"]["BACKEND"] in LOCAL_CACHE_BACKENDS:
        return [
            Warning(
                "The default cache is local to each process, so sign-in and code-guessing limits are "
                "counted per process.",
                hint="Set LANGSO_CACHE_URL to db (then run createcachetable) or redis://host:6379/0.",
                id="langso.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def demo_mode_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    # Demo mode lets the demo accounts skip the second factor: never what a province runs.
    if settings.DEMO_MODE:
        return [
            Warning(
                "LANGSO_DEMO_MODE is on: demo accounts sign in without a second factor.",
                hint="Unset LANGSO_DEMO_MODE on a real deployment.",
                id="langso.W002",
            )
        ]
    return []
