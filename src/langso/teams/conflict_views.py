"""Conflicts between a phone's edit and a server change, resolved by a commune officer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from langso.accounts.access import Perm, get_in_scope_or_404, scope_for
from langso.core.http import require_perm
from langso.teams import services
from langso.teams.models import ConflictStatus, FactConflict


def _scope_q(user: object):  # type: ignore[no-untyped-def]
    return scope_for(user, Perm.TEAMS_MANAGE).q(province="province_id", commune="commune_id", village=None)


@require_perm(Perm.TEAMS_MANAGE)
def conflict_list(request: HttpRequest) -> HttpResponse:
    conflicts = (
        FactConflict.objects.filter(_scope_q(request.user), status=ConflictStatus.OPEN)
        .select_related("household", "resident", "visit", "visit__member", "visit__recorded_by")
        .order_by("created_at")[:200]
    )
    conflicts = list(conflicts)
    for conflict in conflicts:
        conflict.shown = [
            _fact(conflict.phone_before),
            _fact(conflict.phone_after),
            _fact(conflict.server_value),
        ]
    return render(request, "teams/conflicts.html", {"conflicts": conflicts})


def _fact(value: object) -> str:
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    return str(value) if value not in (None, "") else "—"


@require_POST
@require_perm(Perm.TEAMS_MANAGE)
def conflict_resolve(request: HttpRequest, conflict_id: str) -> HttpResponse:
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
