"""The national instance's pages: the receiving address for the provinces' packages, and the country's
dashboard with its drill-down (country → province → commune → village, never a person)."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from langso.accounts.access import Perm, Scope, scope_for
from langso.accounts.decorators import require_perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.campaigns.models import UnitLevel
from langso.national import selectors
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
        },
    )
