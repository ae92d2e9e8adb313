"""Help given at the commune's one-stop desk, recorded on the website or sent from a phone."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.core.text import clean_text
from langso.registry.models import Resident
from langso.teams.models import DeviceToken, HelpDeskOutcome, HelpDeskSession, Service, TeamMember
from langso.teams.synced import Outcome, _field_date, store_synced


@dataclass(frozen=True)
class HelpDeskInput:
    id: uuid.UUID
    commune_code: int
    helped_on: datetime.date | str
    procedure: str
    outcome: str
    minutes: int
    resident_id: uuid.UUID | None = None
    walk_in_name: str = ""
    walk_in_birth_year: int | None = None
    notes: str = ""

    def payload(self) -> dict[str, Any]:
        return {
            "commune": self.commune_code,
            "helped_on": str(self.helped_on),
            "procedure": self.procedure,
            "outcome": self.outcome,
            "minutes": self.minutes,
            "resident": str(self.resident_id or ""),
            "walk_in": [clean_text(self.walk_in_name), self.walk_in_birth_year],
            "notes": self.notes.strip(),
        }


def helpdesk_record(
    *, acting_user: User, data: HelpDeskInput, device: DeviceToken | None = None
) -> tuple[HelpDeskSession, Outcome]:
    from langso.places.models import Commune

    errors: dict[str, list[str]] = {}
    from langso.teams.selectors import helpdesk_commune_q

    commune = Commune.objects.filter(helpdesk_commune_q(acting_user), code=data.commune_code).first()
    if commune is None:
        raise ValidationError({"commune": [_("Không tìm thấy xã/phường này trong phạm vi của bạn.")]})
    helped_on = _field_date(data.helped_on, "helped_on", errors)
    if data.procedure not in Service.values:
        errors["procedure"] = [_("Thủ tục không hợp lệ.")]
    if data.outcome not in HelpDeskOutcome.values:
        errors["outcome"] = [_("Kết quả không hợp lệ.")]
    if not 1 <= int(data.minutes or 0) <= 480:
        errors["minutes"] = [_("Số phút phải từ 1 đến 480.")]
    resident = None
    if data.resident_id:
        resident = Resident.objects.filter(pk=data.resident_id, commune_id=commune.code).first()
        if resident is None:
            errors["resident"] = [_("Không tìm thấy người này trong xã/phường.")]
    elif not clean_text(data.walk_in_name):
        errors["walk_in_name"] = [_("Chọn người trong sổ hoặc ghi tên người đến.")]
    year = data.walk_in_birth_year
    if year is not None and not 1900 <= year <= timezone.localdate().year:
        errors["walk_in_birth_year"] = [_("Năm sinh không hợp lệ.")]
    if errors or helped_on is None:  # no date is one of the errors
        raise ValidationError(errors)
    helper = TeamMember.objects.filter(
        user=acting_user, is_active=True, team__commune_id=commune.code
    ).first()

    def create(digest: str) -> HelpDeskSession:
        session = HelpDeskSession.objects.create(
            id=data.id,
            content_hash=digest,
            device=device,
            recorded_by=acting_user,
            commune=commune,
            province_id=commune.province_id,
            resident=resident,
            walk_in_name="" if resident else clean_text(data.walk_in_name),
            walk_in_birth_year=None if resident else year,
            helped_by=helper,
            helped_on=helped_on,
            procedure=data.procedure,
            outcome=data.outcome,
            minutes=data.minutes,
            notes=data.notes.strip()[:300],
        )
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=session,
            resident_id=resident.pk if resident else None,
            changes={"procedure": data.procedure, "outcome": data.outcome},
        )
        return session

    session, outcome = store_synced(HelpDeskSession, data.id, data.payload(), create)
    return session, outcome
