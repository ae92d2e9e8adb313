"""Follow-ups of the smartphone programme recorded offline in the field app.

They travel through the same batch as visits (kind "followup", the phone's UUID, per-record results)
and are written by `services.follow_up_record`, the very function the website uses: its rules (scope,
outcome, dates, a returned phone) are not repeated here. What this adds is what a phone needs: a
resend is acknowledged once, and a check someone already recorded is not overwritten from a phone.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema

from langso.accounts.access import Perm
from langso.accounts.models import User
from langso.devices import selectors, services
from langso.devices.models import FieldFollowUp, FollowUp
from langso.teams.field_sync import register_kind
from langso.teams.models import DeviceToken
from langso.teams.services import store_synced


class FollowUpData(Schema):
    follow_up_id: uuid.UUID
    done_on: str = Field(max_length=10)
    outcome: str = Field(max_length=10)
    sim_active: bool | None = None
    notes: str = Field("", max_length=300)


def _store(
    user: User, device: DeviceToken | None, record_id: uuid.UUID, data: dict[str, Any]
) -> tuple[str, list[str]]:
    f = FollowUpData.model_validate(data)
    try:
        follow_up = selectors.follow_up_get(user=user, follow_up_id=f.follow_up_id)
    except Http404:
        raise ValidationError(
            {"follow_up": [_("Không tìm thấy lần hỏi thăm này trong phạm vi của bạn.")]}
        ) from None
    try:
        done_on = datetime.date.fromisoformat(f.done_on)
    except ValueError:
        raise ValidationError({"done_on": [_("Ngày không hợp lệ.")]}) from None
    payload = {**f.model_dump(mode="json"), "notes": f.notes.strip()}

    def create(digest: str) -> FieldFollowUp:
        locked = FollowUp.objects.select_for_update().select_related("allocation").get(pk=follow_up.pk)
        if locked.done_on is not None and not FieldFollowUp.objects.filter(pk=record_id).exists():
            # Recorded meanwhile (on the website, or from another phone): the first result stays.
            raise ValidationError(
                {
                    "follow_up": [
                        _("Lần hỏi thăm này đã được ghi ngày %(date)s; máy chủ giữ kết quả đó.")
                        % {"date": locked.done_on.strftime("%d/%m/%Y")}
                    ]
                }
            )
        row = FieldFollowUp.objects.create(
            id=record_id, content_hash=digest, follow_up=locked, device=device, recorded_by=user
        )
        services.follow_up_record(
            acting_user=user,
            follow_up=locked,
            done_on=done_on,
            outcome=f.outcome,
            sim_active=f.sim_active,
            notes=f.notes,
        )
        return row

    _row, outcome = store_synced(FieldFollowUp, record_id, payload, create)  # type: ignore[type-var]  # kept like a SyncedRecord, not one
    return outcome, []


def _commune(data: dict[str, Any]) -> int | None:
    follow_up_id = uuid.UUID(str(data.get("follow_up_id")))
    return FollowUp.objects.filter(pk=follow_up_id).values_list("commune_id", flat=True).first()


def register() -> None:
    register_kind("followup", handler=_store, commune_of=_commune, perm=Perm.FOLLOWUP_RECORD)
