"""The commune's help desk: a week's sessions and recording one (stored once under the form's UUID)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.access import Perm
from langso.accounts.decorators import require_perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.core.http import paginate, query_without_page
from langso.places.models import Commune
from langso.registry import selectors as registry_selectors
from langso.registry.models import Resident
from langso.teams import services, web_selectors
from langso.teams.forms import (
    HelpDeskForm,
)
from langso.teams.models import HelpDeskOutcome
from langso.teams.services import HelpDeskInput
from langso.teams.views.common import store_once

HELPDESK_SEARCH_LIMIT = 10


# --- Help desk ----------------------------------------------------------------------------------


@require_perm(Perm.TEAMS_VIEW)
def helpdesk(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    communes = web_selectors.helpdesk_communes(user, Perm.TEAMS_VIEW)
    code = str(request.GET.get("commune") or "").strip()
    commune: Commune | None
    if code:
        commune = communes.filter(code=int(code)).first() if code.isdigit() else None
        if commune is None:
            raise Http404
    else:
        first_two = list(communes[:2])
        commune = first_two[0] if len(first_two) == 1 else None
        if commune is None:
            return render(
                request,
                "teams/helpdesk_picker.html",
                {"page": paginate(request, communes), "query": query_without_page(request)},
            )
    can_record = web_selectors.helpdesk_communes(user, Perm.HELPDESK_RECORD).filter(pk=commune.pk).exists()
    q = str(request.GET.get("q") or "").strip()[:100]
    form = HelpDeskForm(
        request.POST or None,
        initial={"session_id": uuid.uuid4(), "helped_on": timezone.localdate(), "minutes": 15},
    )
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            response = _store_helpdesk(request, commune, form)
            if response is not None:
                return response
    matches: list[Resident] = []
    if q and can_record:
        filters = registry_selectors.ResidentFilters(q=q, commune_code=commune.code, adults_only=True)
        matches = list(registry_selectors.resident_list(user=user, filters=filters)[:HELPDESK_SEARCH_LIMIT])
    sessions, totals = web_selectors.helpdesk_week(user=user, commune=commune)
    start, end = web_selectors.week_bounds()
    chosen = str(form["resident"].value() or "")
    return render(
        request,
        "teams/helpdesk.html",
        {
            "commune": commune,
            "form": form,
            "can_record": can_record,
            "q": q,
            "matches": matches,
            "chosen": chosen,
            "sessions": sessions[:200],
            "totals": totals,
            "total_sessions": sum(t.sessions for t in totals),
            "total_done": sum(t.done for t in totals),
            "total_minutes": sum(t.minutes for t in totals),
            "week_start": start,
            "week_end": end,
            "outcomes": dict(HelpDeskOutcome.choices),
            "several_communes": communes[:2].count() > 1,
        },
    )


def _store_helpdesk(
    request: AuthenticatedHttpRequest, commune: Commune, form: HelpDeskForm
) -> HttpResponse | None:
    data = form.cleaned_data
    session_input = HelpDeskInput(
        id=data["session_id"],
        commune_code=commune.code,
        helped_on=data["helped_on"],
        procedure=data["procedure"],
        outcome=data["outcome"],
        minutes=data["minutes"],
        resident_id=data["resident"],
        walk_in_name="" if data["resident"] else data["walk_in_name"],
        walk_in_birth_year=None if data["resident"] else data["walk_in_birth_year"],
        notes=data["notes"],
    )
    stored = store_once(form, lambda: services.helpdesk_record(acting_user=request.user, data=session_input))
    if stored is None:
        return None
    _session, outcome = stored
    if outcome == "duplicate":
        messages.info(request, _("Lượt hỗ trợ này đã được lưu trước đó; không lưu thêm lần nữa."))
    else:
        messages.success(request, _("Đã ghi lượt hỗ trợ."))
    return redirect(f"{reverse('teams:helpdesk')}?commune={commune.code}")
