"""The national instance's pages: the receiving address for the provinces' packages, the country's
dashboard with its drill-down (country → province → commune → village, never a person), the country's
targets, and the weekly report."""

from __future__ import annotations

import contextlib
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from langso.accounts.access import Perm, Scope, get_in_scope_or_404, scope_for
from langso.accounts.decorators import require_perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.campaigns.models import UnitLevel
from langso.campaigns.reports import week_start
from langso.core.http import apply_validation_error
from langso.national import reports, selectors, targets
from langso.national.forms import NationalTargetForm
from langso.national.models import NationalTarget, NationalWeeklyReport
from langso.national.package import PackageError
from langso.national.services import package_receive
from langso.places.models import Commune, Province


@csrf_exempt  # a machine's POST, authenticated by the package's signature, not by a session
@require_POST
def receive(request: HttpRequest) -> JsonResponse:
    try:
        receipt = package_receive(request.body)
    except PackageError as refusal:
        return JsonResponse({"error": refusal.message}, status=refusal.status)
    return JsonResponse(receipt.as_json())


def _day(request: HttpRequest, scope: Scope) -> datetime.date | None:
    text = request.GET.get("day", "")
    if text:
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    return selectors.latest_day(scope)


def _name(model: type[Province] | type[Commune], code: int) -> str:
    return model.objects.filter(code=code).values_list("name", flat=True).first() or str(code)


@require_perm(Perm.NATIONAL_VIEW)
def dashboard(
    request: AuthenticatedHttpRequest, province: int | None = None, commune: int | None = None
) -> HttpResponse:
    scope = scope_for(request.user, Perm.NATIONAL_VIEW)
    if province is None and commune is None and not scope.everything and len(scope.province_codes) == 1:
        # A province's staff on the national instance: their province is their "country".
        (province,) = scope.province_codes
    if (province is not None or commune is not None) and not selectors.in_scope(
        scope, province_code=province, commune_code=commune
    ):
        raise Http404
    if commune is not None:
        level, title = UnitLevel.COMMUNE, _name(Commune, commune)
        province = Commune.objects.filter(code=commune).values_list("province_id", flat=True).first()
    elif province is not None:
        level, title = UnitLevel.PROVINCE, _name(Province, province)
    else:
        level, title = UnitLevel.COUNTRY, ""
    day = _day(request, scope)
    boards = (
        selectors.boards(
            scope=scope,
            day=day,
            level=level,
            province_code=province if commune is None else None,
            commune_code=commune,
        )
        if day
        else []
    )
    return render(
        request,
        "national/dashboard.html",
        {
            "level": level,
            "title": title,
            "day": day,
            "days": selectors.received_days(scope),
            "boards": boards,
            "province": province,
            "province_name": _name(Province, province) if province is not None else "",
            "commune": commune,
            "missing": selectors.provinces_missing(scope, day) if day and level == UnitLevel.COUNTRY else [],
            "sees_country": scope.everything,
            "status": selectors.province_status(scope) if level == UnitLevel.COUNTRY else [],
            "can_set_targets": targets.may_set_targets(request.user),
            "can_read_report": reports.may_read(request.user),
        },
    )


# --- The country's targets ------------------------------------------------------------------------


def _setter(request: AuthenticatedHttpRequest) -> None:
    """National staff only: a province's staff hold the capability for their province, not the country."""
    if not targets.may_set_targets(request.user):
        raise Http404


@require_perm(Perm.NATIONAL_TARGETS)
def target_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _setter(request)
    rows = NationalTarget.objects.select_related("indicator").order_by(
        "indicator__position", "indicator__code", "province_code"
    )
    names = dict(Province.objects.values_list("code", "name"))
    return render(
        request,
        "national/targets.html",
        {"targets": [(t, names.get(t.province_code, "") if t.province_code else "") for t in rows]},
    )


@require_perm(Perm.NATIONAL_TARGETS)
def target_form(request: AuthenticatedHttpRequest, target_id: int | None = None) -> HttpResponse:
    _setter(request)
    target = get_in_scope_or_404(NationalTarget.objects.all(), Q(), pk=target_id) if target_id else None
    initial = (
        {
            "indicator": target.indicator,
            "value": target.value,
            "deadline": target.deadline,
            "split": target.split,
            "province": (
                Province.objects.filter(code=target.province_code).first()
                if target.province_code is not None
                else None
            ),
        }
        if target
        else {}
    )
    form = NationalTargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            targets.target_save(
                acting_user=request.user,
                indicator=data["indicator"],
                value=data["value"],
                deadline=data["deadline"],
                province_code=data["province"].code if data["province"] else None,
                split=data["split"],
                target=target,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã lưu chỉ tiêu."))
            return redirect("national:targets")
    return render(request, "national/target_form.html", {"form": form, "target": target})


@require_POST
@require_perm(Perm.NATIONAL_TARGETS)
def target_delete(request: AuthenticatedHttpRequest, target_id: int) -> HttpResponse:
    _setter(request)
    target = get_in_scope_or_404(NationalTarget.objects.all(), Q(), pk=target_id)
    targets.target_delete(acting_user=request.user, target=target)
    messages.success(request, _("Đã xóa chỉ tiêu."))
    return redirect("national:targets")


# --- The weekly report ----------------------------------------------------------------------------


def _reader(request: AuthenticatedHttpRequest) -> None:
    if not reports.may_read(request.user):
        raise Http404


def _pdf(report: NationalWeeklyReport) -> HttpResponse:
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{reports.file_name(report)}"'
    return response


@require_perm(Perm.NATIONAL_VIEW)
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The week's report on the page (?week=any day of it; this week by default); POST makes its PDF
    (again) and downloads it; earlier weeks' PDFs to download."""
    _reader(request)
    week = week_start(timezone.localdate())
    text = request.POST.get("week") or request.GET.get("week") or ""
    with contextlib.suppress(ValueError):  # a malformed week shows this week
        week = week_start(datetime.date.fromisoformat(text)) if text else week
    if request.method == "POST":
        made, _fresh = reports.weekly_report_generate(acting_user=request.user, week=week)
        return _pdf(made)
    weeks = sorted(
        {week_start(d) for d in selectors.received_days(Scope(everything=True), limit=70)}, reverse=True
    )
    return render(
        request,
        "national/report.html",
        {
            "data": reports.report_data(week),
            "week": week,
            "weeks": weeks[:10],
            "stored": NationalWeeklyReport.objects.defer("pdf")[:20],
        },
    )


@require_perm(Perm.NATIONAL_VIEW)
def report_download(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    _reader(request)
    return _pdf(get_in_scope_or_404(NationalWeeklyReport.objects.all(), Q(), pk=report_id))
