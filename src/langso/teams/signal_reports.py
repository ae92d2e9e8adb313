"""Weak-signal reports (vùng lõm sóng): made by members (often from a phone), handled by operators."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.access import Perm, scope_for
from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.core.text import clean_text
from langso.places.models import Coverage, Village
from langso.teams.models import (
    DeviceToken,
    Operator,
    SignalReport,
    SignalReportEvent,
    SignalStatus,
    Technology,
)
from langso.teams.synced import Outcome, _field_date, store_synced

# Days a telecom operator has to answer a weak-signal report.
SIGNAL_RESPONSE_DAYS = 14
# Once the operator confirms a spot, the time it has to fix it.
SIGNAL_FIX_DAYS = 60


@dataclass(frozen=True)
class SignalReportInput:
    id: uuid.UUID
    village_id: uuid.UUID
    description: str
    operator: str
    technology: str
    reported_on: datetime.date | str
    households_affected: int = 0
    latitude: float | None = None
    longitude: float | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "village": str(self.village_id),
            "description": clean_text(self.description),
            "operator": self.operator,
            "technology": self.technology,
            "reported_on": str(self.reported_on),
            "households": self.households_affected,
            "gps": [
                None if self.latitude is None else round(float(self.latitude), 5),
                None if self.longitude is None else round(float(self.longitude), 5),
            ],
        }


def signal_report_create(
    *, acting_user: User, data: SignalReportInput, device: DeviceToken | None = None
) -> tuple[SignalReport, Outcome]:
    errors: dict[str, list[str]] = {}
    scope = scope_for(acting_user, Perm.SIGNAL_REPORT)
    village = (
        Village.objects.select_related("commune")
        .filter(
            scope.q(province="commune__province_id", commune="commune_id", village="id"), pk=data.village_id
        )
        .first()
    )
    if village is None:
        raise ValidationError({"village": [_("Không tìm thấy thôn/bản này trong phạm vi của bạn.")]})
    reported_on = _field_date(data.reported_on, "reported_on", errors)
    description = clean_text(data.description)
    if len(description) < 3:
        errors["description"] = [_("Hãy mô tả vị trí (ví dụ: cuối xóm, gần nhà văn hóa).")]
    elif len(description) > 300:
        errors["description"] = [_("Mô tả quá dài (tối đa 300 ký tự).")]
    if data.operator not in Operator.values:
        errors["operator"] = [_("Nhà mạng không hợp lệ.")]
    if data.technology not in Technology.values:
        errors["technology"] = [_("Công nghệ không hợp lệ.")]
    if not 0 <= int(data.households_affected or 0) <= 10000:
        errors["households_affected"] = [_("Số hộ bị ảnh hưởng không hợp lệ.")]
    if (data.latitude is None) != (data.longitude is None):
        errors["latitude"] = [_("Tọa độ GPS phải có cả vĩ độ và kinh độ.")]
    elif data.latitude is not None and not (
        8.0 <= float(data.latitude) <= 23.5 and 102.0 <= float(data.longitude) <= 110.0  # type: ignore[arg-type]  # both or neither: set
    ):
        errors["latitude"] = [_("Tọa độ GPS nằm ngoài Việt Nam.")]
    if errors or reported_on is None:  # no date is one of the errors
        raise ValidationError(errors)

    def create(digest: str) -> SignalReport:
        report = SignalReport.objects.create(
            id=data.id,
            content_hash=digest,
            device=device,
            recorded_by=acting_user,
            village=village,
            commune_id=village.commune_id,
            province_id=village.commune.province_id,
            description=description,
            latitude=None if data.latitude is None else round(float(data.latitude), 5),
            longitude=None if data.longitude is None else round(float(data.longitude), 5),
            operator=data.operator,
            technology=data.technology,
            households_affected=data.households_affected or 0,
            reported_on=reported_on,
            respond_by=reported_on + datetime.timedelta(days=SIGNAL_RESPONSE_DAYS),
        )
        SignalReportEvent.objects.create(report=report, status=SignalStatus.REPORTED, by=acting_user)
        audit.record(actor=acting_user, action=AuditAction.CREATE, obj=report, changes=data.payload())
        return report

    report, outcome = store_synced(SignalReport, data.id, data.payload(), create)
    return report, outcome


SIGNAL_MOVES: dict[str, frozenset[str]] = {
    SignalStatus.REPORTED: frozenset({SignalStatus.CONFIRMED, SignalStatus.REJECTED, SignalStatus.FIXED}),
    SignalStatus.CONFIRMED: frozenset({SignalStatus.FIXED, SignalStatus.REJECTED}),
    SignalStatus.FIXED: frozenset(),
    SignalStatus.REJECTED: frozenset(),
}

_TECHNOLOGY_COVERAGE_FIELD: dict[str, str] = {
    Technology.MOBILE_4G: "mobile_4g",
    Technology.MOBILE_5G: "mobile_5g",
    Technology.BROADBAND: "broadband",
}


@transaction.atomic
def signal_report_move(
    *, acting_user: User, report: SignalReport, status: str, note: str = ""
) -> SignalReport:
    """A telecom partner confirms, fixes or rejects a report. Fixing updates the village's coverage."""
    report = SignalReport.objects.select_for_update().get(pk=report.pk)
    if status not in SIGNAL_MOVES.get(report.status, frozenset()):
        raise ValidationError(
            {
                "status": [
                    _("Không thể chuyển từ “%(from)s” sang trạng thái này.")
                    % {"from": report.get_status_display()}
                ]
            }
        )
    note = clean_text(note)
    if status == SignalStatus.REJECTED and not note:
        raise ValidationError({"note": [_("Hãy ghi lý do không xác nhận.")]})
    before = report.status
    report.status = status
    if status in (SignalStatus.FIXED, SignalStatus.REJECTED):
        report.closed_on = timezone.localdate()
    if status == SignalStatus.CONFIRMED:
        report.fix_by = timezone.localdate() + datetime.timedelta(days=SIGNAL_FIX_DAYS)
    report.save(update_fields=["status", "closed_on", "fix_by"])
    SignalReportEvent.objects.create(report=report, status=status, note=note[:300], by=acting_user)
    field = _TECHNOLOGY_COVERAGE_FIELD.get(report.technology)
    if status == SignalStatus.FIXED and field:
        village = Village.objects.select_for_update().get(pk=report.village_id)
        still_open = SignalReport.objects.filter(
            village=village,
            technology=report.technology,
            status__in=[SignalStatus.REPORTED, SignalStatus.CONFIRMED],
        ).exists()
        setattr(village, field, Coverage.PARTIAL if still_open else Coverage.YES)
        village.coverage_checked_on = timezone.localdate()
        village.save(update_fields=[field, "coverage_checked_on", "updated_at"])
    audit.record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=report,
        changes={"status": [before, status]},
        note=note,
    )
    return report
