"""Registry pages. Thin: parse input, call a selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from langso.accounts.access import Perm, has_perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.accounts.models import User
from langso.core.http import apply_validation_error, paginate, query_without_page, require_perm
from langso.core.replicas import reads_from_replica
from langso.places.selectors import village_choices, village_get, village_list
from langso.registry import exports, selectors, services
from langso.registry.forms import (
    ConsentForm,
    HouseholdFilterForm,
    HouseholdForm,
    ResidentFilterForm,
    ResidentForm,
)
from langso.registry.models import Household
from langso.skills import selectors as skill_selectors

VILLAGE_CHOICES_LIMIT = 500


def _village_choices(request: AuthenticatedHttpRequest, perm: str) -> list[tuple[str, Any]]:
    villages = village_list(user=request.user, perm=perm).select_related("commune")[
        : VILLAGE_CHOICES_LIMIT + 1
    ]
    return village_choices(list(villages))


@require_perm(Perm.REGISTRY_VIEW)
@reads_from_replica()
def resident_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = selectors.ResidentFilters.from_params(request.GET)
    form = ResidentFilterForm(request.GET or None, villages=_village_choices(request, Perm.REGISTRY_VIEW))
    page = paginate(request, selectors.resident_list(user=request.user, filters=filters))
    return render(
        request,
        "registry/resident_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "filters": filters,
            "can_edit": has_perm(request.user, Perm.REGISTRY_EDIT),
            "can_export": has_perm(request.user, Perm.REGISTRY_EXPORT),
            "can_reveal_in_export": has_perm(request.user, Perm.REGISTRY_EXPORT)
            and has_perm(request.user, Perm.REVEAL_CCCD),
            "show_sensitive": has_perm(request.user, Perm.SENSITIVE_VIEW),
        },
    )


@require_perm(Perm.REGISTRY_VIEW)
def resident_detail(request: AuthenticatedHttpRequest, resident_id: str) -> HttpResponse:
    resident = selectors.resident_get(user=request.user, resident_id=resident_id)
    user = request.user
    return render(
        request,
        "registry/resident_detail.html",
        {
            "resident": resident,
            "consents": resident.consents.select_related("recorded_by"),
            "can_edit": has_perm(user, Perm.REGISTRY_EDIT)
            and _in_scope(user, resident_id, Perm.REGISTRY_EDIT),
            "can_reveal": bool(resident.cccd) and _in_scope(user, resident_id, Perm.REVEAL_CCCD),
            "show_sensitive": _in_scope(user, resident_id, Perm.SENSITIVE_VIEW),
            "can_audit": _in_scope(user, resident_id, Perm.AUDIT_VIEW),
            "skills": skill_selectors.resident_skills(resident=resident),
            "can_record_skill": has_perm(user, Perm.REGISTRY_EDIT)
            and _in_scope(user, resident_id, Perm.REGISTRY_EDIT),
        },
    )


def _in_scope(user: User, resident_id: str, perm: str) -> bool:
    if not has_perm(user, perm):
        return False
    return selectors.Resident.objects.filter(selectors.resident_scope_q(user, perm), pk=resident_id).exists()


def _household_choices(
    request: AuthenticatedHttpRequest, selected: Household | None = None
) -> list[tuple[str, Any]]:
    """The households a user may add a person to, grouped by village (an <optgroup> each), after an
    empty choice so nobody saves a person into the first household by mistake. A household without a
    head says so instead of showing an address or the village where the head's name belongs."""
    qs = selectors.household_list(user=request.user).filter(
        selectors.resident_scope_q(request.user, Perm.REGISTRY_EDIT)
    )
    rows = list(qs.select_related("village__commune")[:2000])
    if selected is not None and selected.pk not in {h.pk for h in rows}:
        rows.insert(0, selected)
    several_communes = len({h.village.commune_id for h in rows}) > 1
    groups: dict[str, list[tuple[str, str]]] = {}
    for h in rows:
        group = f"{h.village} — {h.village.commune}" if several_communes else str(h.village)
        who = h.head.full_name if h.head else _("chưa ghi chủ hộ")
        groups.setdefault(group, []).append((str(h.pk), f"{h.code} — {who}"))
    return [("", _("— Chọn hộ gia đình —")), *groups.items()]


def _editable_household(request: AuthenticatedHttpRequest, household_id: str) -> Household:
    return selectors.household_get(user=request.user, household_id=household_id, perm=Perm.REGISTRY_EDIT)


@require_perm(Perm.REGISTRY_EDIT)
def resident_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial_household = request.GET.get("household")
    form = ResidentForm(
        request.POST or None, households=_household_choices(request), initial={"household": initial_household}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        household = _editable_household(request, data.pop("household"))
        try:
            resident = services.resident_register(acting_user=request.user, household=household, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã thêm %(name)s vào sổ.") % {"name": resident.full_name})
            return redirect(resident)
    return render(request, "registry/resident_form.html", {"form": form, "creating": True})


@require_perm(Perm.REGISTRY_EDIT)
def resident_edit(request: AuthenticatedHttpRequest, resident_id: str) -> HttpResponse:
    resident = selectors.resident_get(user=request.user, resident_id=resident_id, perm=Perm.REGISTRY_EDIT)
    initial = {
        "full_name": resident.full_name,
        "household": str(resident.household_id),
        "birth_date": resident.birth_date.strftime("%d/%m/%Y") if resident.birth_date else "",
        "birth_year": "" if resident.birth_date or not resident.birth_year else resident.birth_year,
        "sex": resident.sex,
        "ethnic_group": resident.ethnic_group,
        "cccd": resident.cccd or "",
        "phone": resident.phone,
        "has_disability": resident.has_disability,
        "owns_smartphone": resident.owns_smartphone,
        "is_head": resident.is_head,
        "notes": resident.notes,
    }
    form = ResidentForm(
        request.POST or None,
        initial=initial,
        households=_household_choices(request, selected=resident.household),
        resident_id=resident.pk,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        household = _editable_household(request, data.pop("household"))
        try:
            services.resident_update(acting_user=request.user, resident=resident, household=household, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(resident)
    return render(
        request, "registry/resident_form.html", {"form": form, "resident": resident, "creating": False}
    )


@require_POST
@require_perm(Perm.REGISTRY_EDIT)
def resident_delete(request: AuthenticatedHttpRequest, resident_id: str) -> HttpResponse:
    resident = selectors.resident_get(user=request.user, resident_id=resident_id, perm=Perm.REGISTRY_EDIT)
    household = resident.household
    try:
        services.resident_delete(
            acting_user=request.user, resident=resident, reason=request.POST.get("reason", "")[:300]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(resident)
    messages.success(request, _("Đã xóa người dân khỏi sổ."))
    return redirect(household)


@require_POST
@require_perm(Perm.REVEAL_CCCD)
def resident_reveal_cccd(request: AuthenticatedHttpRequest, resident_id: str) -> HttpResponse:
    resident = selectors.resident_get(user=request.user, resident_id=resident_id, perm=Perm.REVEAL_CCCD)
    number = services.cccd_reveal(acting_user=request.user, resident=resident)
    return render(request, "registry/cccd_revealed.html", {"resident": resident, "number": number})


@require_perm(Perm.REGISTRY_EDIT)
def consent_create(request: AuthenticatedHttpRequest, resident_id: str) -> HttpResponse:
    resident = selectors.resident_get(user=request.user, resident_id=resident_id, perm=Perm.REGISTRY_EDIT)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(acting_user=request.user, resident=resident, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã ghi nhận sự đồng ý."))
            return redirect(resident)
    return render(request, "registry/consent_form.html", {"form": form, "resident": resident})


@require_perm(Perm.REGISTRY_VIEW)
@reads_from_replica()
def household_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = selectors.HouseholdFilters.from_params(request.GET)
    form = HouseholdFilterForm(request.GET or None, villages=_village_choices(request, Perm.REGISTRY_VIEW))
    page = paginate(request, selectors.household_list(user=request.user, filters=filters))
    return render(
        request,
        "registry/household_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "can_edit": has_perm(request.user, Perm.REGISTRY_EDIT),
            "can_export": has_perm(request.user, Perm.REGISTRY_EXPORT),
            "show_sensitive": has_perm(request.user, Perm.SENSITIVE_VIEW),
        },
    )


@require_perm(Perm.REGISTRY_VIEW)
def household_detail(request: AuthenticatedHttpRequest, household_id: str) -> HttpResponse:
    household = selectors.household_get(user=request.user, household_id=household_id)
    members = household.members.order_by("-is_head", "birth_year", "sort_key")
    can_edit = (
        has_perm(request.user, Perm.REGISTRY_EDIT)
        and selectors.household_list(user=request.user)
        .filter(selectors.resident_scope_q(request.user, Perm.REGISTRY_EDIT), pk=household.pk)
        .exists()
    )
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": members,
            "can_edit": can_edit,
            "show_sensitive": has_perm(request.user, Perm.SENSITIVE_VIEW),
        },
    )


@require_perm(Perm.REGISTRY_EDIT)
def household_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = HouseholdForm(
        request.POST or None,
        villages=_village_choices(request, Perm.REGISTRY_EDIT),
        initial={"village": request.GET.get("village")},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        village = village_get(user=request.user, village_id=data.pop("village"), perm=Perm.REGISTRY_EDIT)
        try:
            household = services.household_register(acting_user=request.user, village=village, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã thêm hộ %(code)s.") % {"code": household.code})
            return redirect(household)
    return render(request, "registry/household_form.html", {"form": form, "creating": True})


@require_perm(Perm.REGISTRY_EDIT)
def household_edit(request: AuthenticatedHttpRequest, household_id: str) -> HttpResponse:
    household = _editable_household(request, household_id)
    initial = {
        "code": household.code,
        "village": str(household.village_id),
        "address": household.address,
        "poverty": household.poverty,
        "poverty_year": household.poverty_year or "",
        "notes": household.notes,
    }
    form = HouseholdForm(
        request.POST or None, initial=initial, villages=_village_choices(request, Perm.REGISTRY_EDIT)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        village = village_get(user=request.user, village_id=data.pop("village"), perm=Perm.REGISTRY_EDIT)
        try:
            services.household_update(acting_user=request.user, household=household, village=village, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(household)
    return render(
        request, "registry/household_form.html", {"form": form, "household": household, "creating": False}
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_perm(Perm.REGISTRY_EXPORT)
@reads_from_replica()
def residents_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the list's people with masked CCCD numbers. POST with a reason (the list page's "with full
    numbers" form): full numbers where the user may see them, audited as a reveal."""
    reason = request.POST.get("reason", "") if request.method == "POST" else ""
    if request.method == "POST" and not reason.strip():
        messages.error(request, _("Hãy ghi lý do cần số CCCD đầy đủ."))
        return redirect(f"{reverse('registry:residents')}?{request.GET.urlencode()}")
    try:
        content, _count = exports.residents_xlsx(
            acting_user=request.user, params=request.GET, reveal_reason=reason
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('registry:residents')}?{request.GET.urlencode()}")
    return _xlsx_response(content, exports.export_filename("nguoi-dan"))


@require_perm(Perm.REGISTRY_EXPORT)
@reads_from_replica()
def households_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    content, _count = exports.households_xlsx(acting_user=request.user, params=request.GET)
    return _xlsx_response(content, exports.export_filename("ho-gia-dinh"))
