"""Weak-signal reports: the list by role, reporting one, and moving it through its statuses."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from langso.accounts.access import Perm, has_perm
from langso.accounts.decorators import require_perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.core.http import apply_validation_error, paginate, query_without_page
from langso.teams import selectors, services
from langso.teams.forms import (
    SignalFilterForm,
    SignalMoveForm,
    SignalReportForm,
)
from langso.teams.models import SignalReport, SignalStatus
from langso.teams.services import SignalReportInput
from langso.teams.views.common import villages_for

# --- Weak-signal reports ------------------------------------------------------------------------

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@require_perm(Perm.SIGNAL_VIEW)
def signal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SignalFilterForm(request.GET or None)
    status, overdue = "", False
    if form.is_valid():
        status, overdue = form.cleaned_data["status"], form.cleaned_data["overdue"]
    reports = selectors.signal_report_list(user=request.user, status=status, overdue=overdue)
    page = paginate(request, reports.order_by("-reported_on", "-created_at", "id"))
    today = timezone.localdate()
    return render(
        request,
        "teams/signal_list.html",
        {
            "form": form,
            "page": page,
            "rows": [_signal_row(r, today) for r in page],
            "query": query_without_page(request),
            "can_report": has_perm(request.user, Perm.SIGNAL_REPORT),
        },
    )


def _signal_row(report: Any, today: datetime.date) -> dict[str, Any]:
    is_open = report.status in (SignalStatus.REPORTED, SignalStatus.CONFIRMED)
    end = today if is_open or report.closed_on is None else report.closed_on
    return {
        "report": report,
        "days_open": max((end - report.reported_on).days, 0),
        "overdue": report.is_overdue(today),
        "is_open": is_open,
    }


@require_perm(Perm.SIGNAL_REPORT)
def signal_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SignalReportForm(
        request.POST or None,
        villages=villages_for(request.user, Perm.SIGNAL_REPORT),
        initial={"report_id": uuid.uuid4(), "reported_on": timezone.localdate(), "households_affected": 0},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report_input = SignalReportInput(
            id=data["report_id"],
            village_id=uuid.UUID(data["village"]),
            description=data["description"],
            operator=data["operator"],
            technology=data["technology"],
            reported_on=data["reported_on"],
            households_affected=data["households_affected"],
            latitude=data["latitude"],
            longitude=data["longitude"],
        )
        try:
            report, outcome = services.signal_report_create(acting_user=request.user, data=report_input)
        except services.SyncConflict as conflict:
            form.add_error(None, conflict.message)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if outcome == "duplicate":
                messages.info(request, _("Báo cáo này đã được gửi trước đó; không lưu thêm lần nữa."))
            else:
                messages.success(request, _("Đã gửi báo cáo vùng lõm sóng."))
            return redirect("teams:signal", report_id=report.pk)
    return render(request, "teams/signal_form.html", {"form": form})


def _moves(report: Any) -> list[tuple[str, StrOrPromise]]:
    labels = dict(SignalStatus.choices)
    allowed = services.SIGNAL_MOVES.get(report.status, frozenset())
    return [(s, labels[s]) for s in SignalStatus.values if s in allowed]


@require_perm(Perm.SIGNAL_VIEW)
def signal_detail(request: AuthenticatedHttpRequest, report_id: uuid.UUID) -> HttpResponse:
    report = selectors.signal_report_get(user=request.user, report_id=report_id)
    return _render_signal(request, report)


def _render_signal(
    request: AuthenticatedHttpRequest, report: Any, move_form: SignalMoveForm | None = None
) -> HttpResponse:
    can_handle = has_perm(request.user, Perm.SIGNAL_HANDLE) and (
        SignalReport.objects.filter(
            selectors.signal_report_scope_q(request.user, Perm.SIGNAL_HANDLE), pk=report.pk
        ).exists()
    )
    moves = _moves(report)
    return render(
        request,
        "teams/signal_detail.html",
        {
            "report": report,
            "row": _signal_row(report, timezone.localdate()),
            "events": report.events.select_related("by"),
            "can_handle": can_handle and bool(moves),
            "move_form": move_form or SignalMoveForm(moves=moves),
        },
    )


@require_POST
@require_perm(Perm.SIGNAL_HANDLE)
def signal_move(request: AuthenticatedHttpRequest, report_id: uuid.UUID) -> HttpResponse:
    # Another operator's report, or one outside the partner's area, is the same 404 as a missing one.
    report = selectors.signal_report_get(user=request.user, report_id=report_id, perm=Perm.SIGNAL_HANDLE)
    form = SignalMoveForm(request.POST, moves=_moves(report))
    if form.is_valid():
        try:
            services.signal_report_move(
                acting_user=request.user,
                report=report,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã cập nhật trạng thái báo cáo."))
            return redirect("teams:signal", report_id=report.pk)
    return _render_signal(request, report, move_form=form)
