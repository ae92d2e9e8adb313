"""How the audit pages reach the people an entry is about.

Residents live in the registry, a layer above accounts, so accounts does not import them: the registry
tells accounts how to find them when it is loaded (`RegistryConfig.ready` calls `register_people`).
The same pattern as teams' `field_sync.register_kind`: the lower app names the hook, the higher fills it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from langso.accounts.access import Scope


@dataclass(frozen=True)
class PeopleHook:
    # The ids (as "id") of the people living in the units of a scope, for a subquery.
    ids_in_scope: Callable[[Scope], QuerySet[Any]]
    # The person `user` may see with `perm`, by id; Http404 for a missing one and one not theirs alike.
    get: Callable[..., Any]


_hook: PeopleHook | None = None


def register_people(hook: PeopleHook) -> None:
    global _hook  # set once, at start-up, by the registry's AppConfig
    _hook = hook


def people() -> PeopleHook:
    if _hook is None:
        raise ImproperlyConfigured("langso.registry must be installed: the audit pages read its people.")
    return _hook
