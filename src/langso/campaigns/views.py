"""Campaign pages: campaigns and targets, the province and commune dashboards, the drill-down from a
number to the people behind it, the steering committee, and the weekly report.

Thin: parse input, call a selector, a service or the dashboard builder, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from langso.accounts.access import Perm, get_in_scope_or_404, has_perm, scope_for
from langso.accounts.http import AuthenticatedHttpRequest
from langso.accounts.models import User
from langso.campaigns import selectors, services
from langso.campaigns.dashboards import (
    BOARDS_CACHE_SECONDS,
    board_for,
    boards_key,
    build_boards,
    reached_by_source,
)
from langso.campaigns.forms import CampaignForm, CommitteeForm, ReportForm, TargetForm
from langso.campaigns.indicators import LEVEL_ORDER
from langso.campaigns.models import Campaign, Indicator, SteeringCommittee, UnitLevel, WeeklyReport
from langso.campaigns.reports import week_start, weekly_report_generate
from langso.core.http import apply_validation_error, paginate, pick_commune, query_without_page, require_perm
from langso.core.replicas import reads_from_replica
from langso.places.models import Province

DRILL_PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _screen(request: HttpRequest) -> bool:
    return request.GET.get("screen") == "1"


def _manageable(user: User, campaign: Campaign) -> Campaign:
    if not services.may_manage_province(user, campaign.province_id):
        raise Http404
    return campaign


# --- Campaigns and targets --------------------------------------------------------------------


@require_perm(Perm.CAMPAIGNS_VIEW)
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    campaigns = selectors.campaign_list(user=request.user)
    scope = scope_for(request.user, Perm.CAMPAIGNS_MANAGE)
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "page": paginate(request, campaigns),
            "query": query_without_page(request),
            "can_create": not scope.is_empty,
            "today": timezone.localdate(),
        },
    )


def _manage_provinces(user: User) -> Any:
    scope = scope_for(user, Perm.CAMPAIGNS_MANAGE)
    provinces = Province.objects.order_by("sort_key")
    return provinces if scope.everything else provinces.filter(code__in=scope.province_codes)


@require_perm(Perm.CAMPAIGNS_MANAGE)
def campaign_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    provinces = _manage_provinces(request.user)
    form = CampaignForm(request.POST or None, provinces=provinces)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã tạo chiến dịch. Hãy đặt các chỉ tiêu."))
            return redirect("campaigns:edit", campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": None})


@require_perm(Perm.CAMPAIGNS_MANAGE)
def campaign_edit(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _manageable(request.user, selectors.campaign_get(user=request.user, campaign_id=campaign_id))
    initial = {"name": campaign.name, "starts_on": campaign.starts_on, "ends_on": campaign.ends_on}
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(acting_user=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã lưu chiến dịch."))
            return redirect("campaigns:edit", campaign.pk)
    targets = campaign.targets.select_related("indicator", "commune").order_by(
        "indicator__position", "indicator__code", "commune__sort_key"
    )
    return render(
        request,
        "campaigns/campaign_form.html",
        {
            "form": form,
            "campaign": campaign,
            "targets": targets,
            "target_form": TargetForm(province_code=campaign.province_id),
        },
    )


@require_perm(Perm.CAMPAIGNS_MANAGE)
def target_form(
    request: AuthenticatedHttpRequest, campaign_id: int, target_id: int | None = None
) -> HttpResponse:
    campaign = _manageable(request.user, selectors.campaign_get(user=request.user, campaign_id=campaign_id))
    target = get_in_scope_or_404(campaign.targets.all(), Q(), pk=target_id) if target_id else None
    initial = (
        {
            "indicator": target.indicator,
            "value": target.value,
            "deadline": target.deadline,
            "commune": target.commune,
            "split": target.split,
        }
        if target
        else {"deadline": campaign.ends_on}
    )
    form = TargetForm(request.POST or None, initial=initial, province_code=campaign.province_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_save(
                acting_user=request.user, campaign=campaign, target=target, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã lưu chỉ tiêu."))
            return redirect("campaigns:edit", campaign.pk)
    return render(
        request, "campaigns/target_form.html", {"form": form, "campaign": campaign, "target": target}
    )


@require_POST
@require_perm(Perm.CAMPAIGNS_MANAGE)
def target_delete(request: AuthenticatedHttpRequest, campaign_id: int, target_id: int) -> HttpResponse:
    campaign = _manageable(request.user, selectors.campaign_get(user=request.user, campaign_id=campaign_id))
    target = get_in_scope_or_404(campaign.targets.select_related("campaign"), Q(), pk=target_id)
    services.target_delete(acting_user=request.user, target=target)
    messages.success(request, _("Đã xóa chỉ tiêu."))
    return redirect("campaigns:edit", campaign.pk)


# --- Dashboards ---------------------------------------------------------------------------------


def _dashboard(request: AuthenticatedHttpRequest, campaign: Campaign, commune: Any = None) -> HttpResponse:
    user = request.user
    target = request.GET.get("target", "")
    target = target if target.isdigit() else ""
    screen = _screen(request)
    return render(
        request,
        "campaigns/dashboard.html",
        {
            "campaign": campaign,
            "commune": commune,
            "boards_html": _boards_html(request, campaign, commune, target, screen, whole=_whole(request)),
            "target": target,
            "screen": screen,
            "today": timezone.localdate(),
            "sees_province": selectors.sees_whole_province(user, campaign.province_id),
            "can_manage": services.may_manage_province(user, campaign.province_id),
            "several_communes": selectors.communes_in_view(user=user, campaign=campaign)[:2].count() > 1,
            "reached": reached_by_source(campaign, commune) if not screen else [],
        },
    )


def _whole(request: HttpRequest) -> bool:
    """?all=1: the whole ranking instead of the best, the worst and one line for those without data."""
    return request.GET.get("all") == "1"


def _boards_html(
    request: HttpRequest, campaign: Campaign, commune: Any, target: str, screen: bool, *, whole: bool = False
) -> str:
    """The targets and the ranking, rendered once per state of the numbers, language and view:
    a meeting-room screen refreshing every minute and every officer share them."""
    day = timezone.localdate()
    live = boards_key(campaign, commune, day, live=True)
    key = f"{live}:{get_language()}:{int(bool(screen))}:{target}:{int(whole)}"
    html = cache.get(key)
    if html is None:
        boards = build_boards(campaign, commune=commune, day=day)
        html = render_to_string(
            "campaigns/_boards.html",
            {
                "campaign": campaign,
                "commune": commune,
                "boards": boards,
                "board": board_for(boards, target),
                "screen": screen,
                "whole": whole,
                "row_level_is_village": commune is not None,
            },
        )
        cache.set(key, html, BOARDS_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - our own template's output


@require_perm(Perm.CAMPAIGNS_VIEW)
@reads_from_replica()
def dashboard(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    """The province ranking for those who hold the province; others go to their own commune(s)."""
    user = request.user
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    if not selectors.sees_whole_province(user, campaign.province_id):
        communes = list(selectors.communes_in_view(user=user, campaign=campaign)[:2])
        if len(communes) == 1:
            url = reverse("campaigns:commune_dashboard", args=[campaign.pk, communes[0].code])
            query = request.GET.urlencode()
            return redirect(f"{url}?{query}" if query else url)
        return render(
            request,
            "campaigns/commune_picker.html",
            {"campaign": campaign, "communes": selectors.communes_in_view(user=user, campaign=campaign)},
        )
    return _dashboard(request, campaign)


@require_perm(Perm.CAMPAIGNS_VIEW)
@reads_from_replica()
def commune_dashboard(request: AuthenticatedHttpRequest, campaign_id: int, code: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    commune = selectors.commune_for_dashboard(user=request.user, campaign=campaign, code=code)
    return _dashboard(request, campaign, commune)


@require_perm(Perm.CAMPAIGNS_VIEW)
@reads_from_replica()
def drill(request: AuthenticatedHttpRequest, indicator_code: str, level: str, unit: str) -> HttpResponse:
    """The people (or villages, households, reports) behind one unit's number: by default those still
    missing — who a team should help next."""
    user = request.user
    indicator = get_in_scope_or_404(Indicator.objects.all(), Q(), code=indicator_code)
    if level not in (UnitLevel.VILLAGE, UnitLevel.COMMUNE, UnitLevel.PROVINCE):
        raise Http404
    if LEVEL_ORDER.index(level) < LEVEL_ORDER.index(indicator.lowest_level):
        raise Http404  # e.g. a village's "steering committee": the number does not exist
    where = selectors.drill_unit(user=user, level=level, unit=unit)
    missing = bool(indicator.denominator) and request.GET.get("missing") != "0"
    today = timezone.localdate()
    rows = selectors.drill_rows(user=user, indicator=indicator, unit=where, day=today, missing=missing)
    if request.GET.get("export") == "xlsx":
        return _drill_export(request, indicator, where, rows, missing)
    page = paginate(request, rows, DRILL_PAGE_SIZE)
    campaign = None
    campaign_id = str(request.GET.get("campaign") or "")
    if campaign_id.isdigit():
        campaign = selectors.campaign_list(user=user).filter(pk=int(campaign_id)).first()
    return render(
        request,
        "campaigns/drill.html",
        {
            "indicator": indicator,
            "where": where,
            "missing": missing,
            "is_ratio": bool(indicator.denominator),
            "page": page,
            "rows": selectors.present_rows(page.object_list, indicator, missing=missing),
            "query": query_without_page(request),
            "campaign": campaign,
            "today": today,
            "can_export": has_perm(user, Perm.REGISTRY_EXPORT),
        },
    )


DRILL_EXPORT_MAX = 20_000


def _drill_export(
    request: HttpRequest, indicator: Indicator, where: Any, rows: Any, missing: bool
) -> HttpResponse:
    """The drill-down list as an Excel file (names, places, what is missing; never an identity number),
    for who may export the registry; audited like the registry's exports."""
    from langso.campaigns.drill import drill_xlsx
    from langso.core import audit
    from langso.core.models import AuditAction

    if not has_perm(request.user, Perm.REGISTRY_EXPORT):
        raise PermissionDenied
    objects = list(rows[:DRILL_EXPORT_MAX])
    shown = selectors.present_rows(objects, indicator, missing=missing)
    content = drill_xlsx(indicator=indicator, unit=where, rows=shown, missing=missing)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="campaigns.indicator",
        object_id=indicator.code,
        object_repr=f"{indicator.name} — {where.name}",
        changes={"filters": {"missing": missing}, "rows": len(shown)},
    )
    response = HttpResponse(content, content_type=XLSX)
    kind = "con-thieu" if missing else "da-dat"
    response["Content-Disposition"] = (
        f'attachment; filename="{indicator.code}-{where.level}-{where.unit}-{kind}.xlsx"'
    )
    return response


# --- Steering committee -----------------------------------------------------------------------


@require_perm(Perm.COMMITTEE_EDIT)
def committee(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    commune = pick_commune(
        request, perm=Perm.COMMITTEE_EDIT, picker_template="campaigns/committee_picker.html"
    )
    if isinstance(commune, HttpResponse):
        return commune
    current = SteeringCommittee.objects.filter(commune=commune).first()
    initial = (
        {"established_on": current.established_on, "decision": current.decision, "chair": current.chair}
        if current
        else {}
    )
    form = CommitteeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_save(acting_user=user, commune=commune, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã lưu thông tin ban chỉ đạo của xã."))
            return redirect(f"{reverse('campaigns:committee')}?commune={commune.code}")
    return render(request, "campaigns/committee.html", {"form": form, "commune": commune, "current": current})


# --- Weekly report ----------------------------------------------------------------------------


def _file_response(content: bytes, file_format: str, name: str) -> HttpResponse:
    content_type = "application/pdf" if file_format == "pdf" else XLSX
    response = HttpResponse(bytes(content), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


def _file_name(report: WeeklyReport) -> str:
    return f"bao-cao-tuan-{report.campaign_id}-{report.week_start:%Y-%m-%d}"


@require_perm(Perm.CAMPAIGNS_VIEW)
@reads_from_replica()
def report(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    """The weekly report: write the committee's comment, make the PDF or Excel file; earlier weeks'
    files to download."""
    user = request.user
    campaign = selectors.campaign_get(user=user, campaign_id=campaign_id)
    if not selectors.sees_whole_province(user, campaign.province_id):
        raise Http404
    can_make = services.may_manage_province(user, campaign.province_id)
    this_week = week_start(timezone.localdate())
    stored = selectors.reports_of(campaign=campaign)
    current = stored.filter(week_start=this_week).first()
    form = ReportForm(request.POST or None, initial={"comment": current.comment if current else ""})
    if request.method == "POST":
        if not can_make:
            raise Http404
        if form.is_valid():
            made, _fresh = weekly_report_generate(
                acting_user=user, campaign=campaign, week=this_week, comment=form.cleaned_data["comment"]
            )
            file_format = form.cleaned_data["file_format"] or "pdf"
            return _file_response(getattr(made, file_format), file_format, _file_name(made))
    return render(
        request,
        "campaigns/report.html",
        {"campaign": campaign, "form": form, "can_make": can_make, "reports": stored, "this_week": this_week},
    )


@require_perm(Perm.CAMPAIGNS_VIEW)
@reads_from_replica()
def report_download(request: AuthenticatedHttpRequest, report_id: int, file_format: str) -> HttpResponse:
    if file_format not in ("pdf", "xlsx"):
        raise Http404
    user = request.user
    stored = get_in_scope_or_404(
        WeeklyReport.objects.select_related("campaign"),
        selectors.campaign_scope_for_reports(user),
        pk=report_id,
    )
    return _file_response(getattr(stored, file_format), file_format, _file_name(stored))
