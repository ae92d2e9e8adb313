"""What phones sent that waits for a commune officer: conflicts between a phone's edit and a server
change, and records that came from a revoked phone ("từ máy đã thu hồi")."""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from langso.accounts.access import Perm, get_in_scope_or_404, scope_for
from langso.accounts.http import AuthenticatedHttpRequest
from langso.accounts.models import User
from langso.core.http import require_perm
from langso.teams import field_sync, services
from langso.teams.models import ConflictStatus, FactConflict, HeldRecord, HeldStatus


def _scope_q(user: User) -> Q:
    return scope_for(user, Perm.TEAMS_MANAGE).q(province="province_id", commune="commune_id", village=None)


@require_perm(Perm.TEAMS_MANAGE)
def conflict_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    conflicts = list(
        FactConflict.objects.filter(_scope_q(request.user), status=ConflictStatus.OPEN)
        .select_related("household", "resident", "visit", "visit__member", "visit__recorded_by")
        .order_by("created_at")[:200]
    )
    for conflict in conflicts:
        conflict.shown = [  # type: ignore[attr-defined]  # for the template
            _fact(conflict.phone_before),
            _fact(conflict.phone_after),
            _fact(conflict.server_value),
        ]
    held = list(
        HeldRecord.objects.filter(field_sync.held_scope_q(request.user), status=HeldStatus.HELD)
        .select_related("recorded_by", "device", "commune")
        .order_by("received_at")[:200]
    )
    for record in held:
        record.summary = held_summary(record)  # type: ignore[attr-defined]  # for the template
    return render(request, "teams/conflicts.html", {"conflicts": conflicts, "held": held})


def held_summary(record: HeldRecord) -> list[tuple[str, str]]:
    """A held record's content as label/value lines an officer can judge (the phone's data as sent)."""
    from langso.registry.models import Household

    data = record.data if isinstance(record.data, dict) else {}
    kinds = {
        "visit": _("Buổi hướng dẫn tại nhà"),
        "helpdesk": _("Lượt hỗ trợ tại một cửa"),
        "signal": _("Báo lõm sóng"),
        "followup": _("Hỏi thăm điện thoại được cấp"),
    }
    lines = [(_("Loại"), kinds.get(record.kind, record.kind))]
    if record.kind == "visit":
        household = Household.objects.filter(pk=_uuid(data.get("household_id"))).first()  # type: ignore[misc]  # None finds none
        lines.append((_("Hộ"), household.code if household else "—"))
    for key in ("visited_on", "helped_on", "reported_on", "done_on"):
        day = _day(data.get(key))
        if day:
            lines.append((_("Ngày"), day))
    for key, label in (
        ("description", _("Mô tả")),
        ("notes", _("Ghi chú")),
    ):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            lines.append((label, value.strip()[:300]))
    return lines


def _day(value: object) -> str:
    """The phone sends ISO dates; an officer reads day/month/year."""
    if not isinstance(value, str) or not value.strip():
        return ""
    try:
        return date.fromisoformat(value.strip()[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return value.strip()[:30]


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@require_POST
@require_perm(Perm.TEAMS_MANAGE)
def held_decide(request: AuthenticatedHttpRequest, held_id: str) -> HttpResponse:
    held = field_sync.held_get(user=request.user, held_id=held_id)
    choice = request.POST.get("decision")
    if choice not in ("accept", "drop"):
        messages.error(request, _("Hãy chọn nhận hay bỏ bản ghi này."))
        return redirect("teams_conflicts:list")
    try:
        result = field_sync.held_decide(acting_user=request.user, held=held, accept=choice == "accept")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if choice == "drop":
            messages.success(request, _("Đã bỏ bản ghi."))
        elif result.status == "rejected":
            reasons = " ".join(m for ms in result.errors.values() for m in ms)
            messages.error(request, _("Không nhận được bản ghi này: %(reasons)s") % {"reasons": reasons})
        else:
            messages.success(request, _("Đã nhận bản ghi; bản ghi được lưu dưới tên người đã ghi."))
    return redirect("teams_conflicts:list")


def _fact(value: object) -> str:
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    return str(value) if value not in (None, "") else "—"


@require_POST
@require_perm(Perm.TEAMS_MANAGE)
def conflict_resolve(request: AuthenticatedHttpRequest, conflict_id: str) -> HttpResponse:
    conflict = get_in_scope_or_404(FactConflict.objects.all(), _scope_q(request.user), pk=conflict_id)
    choice = request.POST.get("use")
    if choice not in ("phone", "server"):
        messages.error(request, _("Hãy chọn giữ giá trị nào."))
        return redirect("teams_conflicts:list")
    try:
        services.conflict_resolve(
            acting_user=request.user, conflict=conflict, use_phone_value=choice == "phone"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã xử lý xung đột."))
    return redirect("teams_conflicts:list")
