"""Records from the field: one way to store them.

Records that come from phones (visits, help-desk sessions, signal reports, device follow-ups) are
stored by `store_synced`: the phone's UUID is the primary key, so a resend can never create a second
row; a resend with the same content is acknowledged as already stored, one with different content is
refused.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.teams.models import SyncedRecord

# The oldest date a phone may send (guards against a phone whose clock was never set).
EARLIEST_FIELD_DATE = datetime.date(2020, 1, 1)

Outcome = Literal["stored", "duplicate"]


class SyncConflict(Exception):
    """The same UUID was sent before with different content."""

    def __init__(self, record_id: uuid.UUID) -> None:
        super().__init__(str(record_id))
        self.record_id = record_id
        self.message = _(
            "Bản ghi này đã được gửi trước đó với nội dung khác. Máy chủ giữ bản đã gửi; "
            "hãy tạo bản ghi mới nếu cần sửa."
        )


def content_hash(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


SyncedT = TypeVar("SyncedT", bound=SyncedRecord)


def store_synced(
    model: type[SyncedT],
    record_id: uuid.UUID,
    payload: dict[str, Any],
    create: Callable[[str], SyncedT],
) -> tuple[SyncedT, Outcome]:
    """Insert once, keyed by the client's UUID. The primary key does the deduplication, so two
    concurrent resends cannot both insert; a resend is recognised by the content hash."""
    digest = content_hash(payload)
    try:
        with transaction.atomic():
            return create(digest), "stored"
    except IntegrityError:
        existing = model._default_manager.filter(pk=record_id).first()
        if existing is None:
            raise
        if existing.content_hash != digest:
            raise SyncConflict(record_id) from None
        return existing, "duplicate"


def _parse_date(value: Any, field: str, errors: dict[str, list[str]]) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = [_("Ngày không hợp lệ.")]
        return None


def _field_date(value: Any, field: str, errors: dict[str, list[str]]) -> datetime.date | None:
    """A date something happened in the field: required, not in the future, not absurdly old."""
    parsed = _parse_date(value, field, errors)
    if parsed is None:
        errors.setdefault(field, [_("Cần ghi ngày.")])
        return None
    # One day of grace: a phone near midnight, or set to another time zone.
    if parsed > timezone.localdate() + datetime.timedelta(days=1):
        errors[field] = [_("Ngày không được sau hôm nay.")]
    elif parsed < EARLIEST_FIELD_DATE:
        errors[field] = [_("Ngày quá xa trong quá khứ; hãy kiểm tra ngày trên điện thoại.")]
    return parsed
