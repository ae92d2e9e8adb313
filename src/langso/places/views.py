from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from langso.accounts.access import Perm, has_perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.core.http import apply_validation_error, paginate, require_perm
from langso.places import selectors, services
from langso.places.forms import CoverageForm, VillageForm
from langso.places.models import Village


@require_perm(Perm.PLACES_VIEW)
def commune_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    page = paginate(request, selectors.commune_list(user=request.user, q=q), per_page=50)
    if page.paginator.count == 1 and not q:
        return redirect(page[0])
    return render(request, "places/commune_list.html", {"page": page, "q": q, "query": f"q={q}" if q else ""})


@require_perm(Perm.PLACES_VIEW)
def commune_detail(request: AuthenticatedHttpRequest, code: int) -> HttpResponse:
    commune = selectors.commune_get(user=request.user, code=code)
    villages = selectors.village_list(user=request.user, commune=commune)
    can_add = has_perm(request.user, Perm.VILLAGE_EDIT) and _commune_editable(request, commune.code)
    return render(
        request, "places/commune_detail.html", {"commune": commune, "villages": villages, "can_add": can_add}
    )


def _commune_editable(request: AuthenticatedHttpRequest, code: int) -> bool:
    return selectors.commune_list(user=request.user, perm=Perm.VILLAGE_EDIT).filter(code=code).exists()


@require_perm(Perm.VILLAGE_EDIT)
def village_create(request: AuthenticatedHttpRequest, code: int) -> HttpResponse:
    commune = selectors.commune_get(user=request.user, code=code, perm=Perm.VILLAGE_EDIT)
    form = VillageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            village = services.village_create(acting_user=request.user, commune=commune, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": village.name})
            return redirect(commune)
    return render(request, "places/village_form.html", {"form": form, "commune": commune})


@require_perm(Perm.PLACES_VIEW)
def village_detail(request: AuthenticatedHttpRequest, village_id: str) -> HttpResponse:
    village = selectors.village_get(user=request.user, village_id=village_id)
    editable = _village_editable(request, village, Perm.VILLAGE_EDIT)
    coverage_editable = _village_editable(request, village, Perm.COVERAGE_EDIT)
    return render(
        request,
        "places/village_detail.html",
        {
            "village": village,
            "can_rename": editable,
            "can_edit_coverage": coverage_editable,
            "can_view_registry": has_perm(request.user, Perm.REGISTRY_VIEW),
        },
    )


def _village_editable(request: AuthenticatedHttpRequest, village: Village, perm: str) -> bool:
    return (
        has_perm(request.user, perm)
        and Village.objects.filter(selectors.village_scope_q(request.user, perm), pk=village.pk).exists()
    )


@require_perm(Perm.VILLAGE_EDIT)
def village_edit(request: AuthenticatedHttpRequest, village_id: str) -> HttpResponse:
    village = selectors.village_get(user=request.user, village_id=village_id, perm=Perm.VILLAGE_EDIT)
    form = VillageForm(request.POST or None, initial={"name": village.name, "kind": village.kind})
    if request.method == "POST" and form.is_valid():
        try:
            services.village_update(acting_user=request.user, village=village, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(village)
    return render(
        request, "places/village_form.html", {"form": form, "commune": village.commune, "village": village}
    )


@require_perm(Perm.COVERAGE_EDIT)
def coverage_edit(request: AuthenticatedHttpRequest, village_id: str) -> HttpResponse:
    village = selectors.village_get(user=request.user, village_id=village_id, perm=Perm.COVERAGE_EDIT)
    form = CoverageForm(
        request.POST or None,
        initial={
            "broadband": village.broadband,
            "mobile_4g": village.mobile_4g,
            "mobile_5g": village.mobile_5g,
            "coverage_checked_on": village.coverage_checked_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.village_update(acting_user=request.user, village=village, **form.cleaned_data)
        messages.success(request, _("Đã cập nhật phủ sóng của %(name)s.") % {"name": village.name})
        return redirect(village)
    return render(request, "places/coverage_form.html", {"form": form, "village": village})
