"""Write the audit trail. Called by services inside their transaction, so the entry and the change
land together or not at all."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from langso.core import bulk
from langso.core.context import current_request_meta
from langso.core.models import AuditAction, AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Field values of a model instance, as plain JSON data."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _plain(getattr(instance, name)) for name in names}


def diff(
    before: dict[str, Any], after: dict[str, Any], *, skip: set[str] | None = None
) -> dict[str, list[Any]]:
    skip = (skip or set()) | {"updated_at", "created_at"}
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if key not in skip and before.get(key) != after.get(key)
    }


def entry(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str | AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    resident_id: uuid.UUID | None = None,
    changes: dict[str, Any] | None = None,
    note: str = "",
    username: str = "",
) -> AuditEntry:
    """One line of the trail, not yet written: `record` writes one, `record_many` a batch's at once."""
    meta = current_request_meta()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry(
        actor=actor_user,  # type: ignore[misc]  # the user model, which core may not name (layers)
        actor_username=(actor_user.get_username() if actor_user else username)[:150],
        ip_address=meta.ip_address,
        user_agent=meta.user_agent[:300],
        action=str(action),
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        resident_id=resident_id,
        changes=changes or {},
        note=note[:300],
    )


def record(**kwargs: Any) -> AuditEntry:
    """Write one line of the trail (the arguments of `entry`)."""
    line = entry(**kwargs)
    line.save()
    return line


def record_many(lines: list[AuditEntry]) -> None:
    """Write many lines in one statement (a phone's batch: still one line per record). The lines get
    no primary key back."""
    bulk.insert(lines)
