"""Who is asking and from where, for the audit trail, without threading request through services."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMeta:
    ip_address: str | None = None
    user_agent: str = ""


_EMPTY = RequestMeta()
_current: contextvars.ContextVar[RequestMeta | None] = contextvars.ContextVar(
    "langso_request_meta", default=None
)


def current_request_meta() -> RequestMeta:
    return _current.get() or _EMPTY


def set_request_meta(meta: RequestMeta) -> contextvars.Token[RequestMeta | None]:
    return _current.set(meta)


def reset_request_meta(token: contextvars.Token[RequestMeta | None]) -> None:
    _current.reset(token)
