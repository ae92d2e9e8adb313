"""What the team pages share: storing a record once under the form's UUID, the village choices,
a bounded number from the query string."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from langso.accounts.models import User
from langso.core.http import apply_validation_error
from langso.places.selectors import village_choices, village_list
from langso.teams import services

VILLAGE_CHOICES_LIMIT = 500


def store_once(form: Any, store: Any) -> tuple[Any, str] | None:
    """Run a store-once service (keyed by the form's hidden UUID). Its refusal goes onto the form,
    in Vietnamese, and gives None; otherwise (record, "stored" | "duplicate")."""
    try:
        return store()
    except services.SyncConflict as conflict:
        form.add_error(None, conflict.message)
    except ValidationError as error:
        apply_validation_error(form, error)
    return None


def villages_for(user: User, perm: str) -> list[tuple[str, Any]]:
    return village_choices(list(village_list(user=user, perm=perm)[: VILLAGE_CHOICES_LIMIT + 1]))


def int_param(value: Any, default: int, low: int, high: int) -> int:
    text = str(value or "").strip()
    return min(max(int(text), low), high) if text.isdigit() else default
