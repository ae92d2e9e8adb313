"""Counting attempts in the cache, so guessing a password, a one-time code or a verification code
stays hopeless.

A fixed window per key: the first attempt opens a window of `window_seconds`, and once `limit`
attempts are counted the key is refused until the window closes. Every app process must count in
the same place: production uses the shared cache (the database or Redis, settings.CACHES); the
local-memory cache of development counts per process.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _key(scope: str, ident: str) -> str:
    # Hash the identifier: the cache key stays short and holds no address or session id in clear.
    return f"langso-throttle:{scope}:{hashlib.sha256(ident.encode()).hexdigest()[:32]}"


def is_blocked(scope: str, idents: list[str], *, limit: int) -> bool:
    return any((cache.get(_key(scope, ident)) or 0) >= limit for ident in idents if ident)


def count_attempt(scope: str, idents: list[str], *, window_seconds: int) -> None:
    for ident in idents:
        if not ident:
            continue
        key = _key(scope, ident)
        cache.add(key, 0, timeout=window_seconds)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window_seconds)


def reset(scope: str, idents: list[str]) -> None:
    cache.delete_many([_key(scope, ident) for ident in idents if ident])
