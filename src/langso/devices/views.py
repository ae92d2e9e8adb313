"""Smartphone programme pages. Thin: parse input, call a selector or service, render."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from langso.accounts.access import Perm, get_in_scope_or_404, has_perm, scope_for
from langso.accounts.http import AuthenticatedHttpRequest
from langso.accounts.models import User
from langso.core import audit
from langso.core.http import apply_validation_error, paginate, require_perm
from langso.core.models import AuditAction
from langso.core.pdf import render_pdf
from langso.core.text import fold
from langso.devices import exports, forms, imports, selectors, services
from langso.devices.models import (
    AllocationKind,
    AllocationStatus,
    CommuneQuota,
    Device,
    DeviceImport,
    DeviceStatus,
    ImportStatus,
    Per,
    Programme,
)
from langso.places.models import Commune, Province
from langso.registry import imports as registry_imports
from langso.registry.models import Household, Resident


def _in_commune(user: User, perm: str, commune: Commune) -> bool:
    return services._in_scope(user, perm, commune_id=commune.pk, province_id=commune.province_id)


# --- Programmes --------------------------------------------------------------------------------------


def _devices_by_model(free: Any) -> list[tuple[str, Any]]:
    """The free phones under their model (an <optgroup> each), by IMEI: "Viettel Sumo 4G T2 —
    353285110000064" is cut in a phone's drop-down box, the IMEI alone is not."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for d in free:
        groups.setdefault(d.model_name, []).append((str(d.pk), d.imei))
    return list(groups.items())


@require_perm(Perm.PROGRAMME_VIEW)
def programme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "devices/programme_list.html",
        {
            "page": paginate(request, selectors.programme_list(user=request.user)),
            "can_create": has_perm(request.user, Perm.PROGRAMME_MANAGE),
        },
    )


def _provinces(user: User) -> Any:
    scope = scope_for(user, Perm.PROGRAMME_MANAGE)
    return (
        Province.objects.all() if scope.everything else Province.objects.filter(code__in=scope.province_codes)
    )


@require_perm(Perm.PROGRAMME_MANAGE)
def programme_edit(request: AuthenticatedHttpRequest, programme_id: Any = None) -> HttpResponse:
    programme = (
        selectors.programme_get(user=request.user, programme_id=programme_id) if programme_id else None
    )
    if programme is not None and not services.may_manage_programme(request.user, programme):
        raise PermissionDenied
    # The form works on its own copy: the service compares the stored programme with the new values.
    copy = Programme.objects.get(pk=programme.pk) if programme else None
    form = forms.ProgrammeForm(request.POST or None, instance=copy, provinces=_provinces(request.user))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.PROGRAMME_FIELDS}
        try:
            programme = services.programme_save(acting_user=request.user, programme=programme, **values)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã lưu chương trình."))
            return redirect(programme.get_absolute_url())
    return render(request, "devices/programme_form.html", {"form": form, "programme": programme})


@require_perm(Perm.PROGRAMME_VIEW)
def programme_detail(request: AuthenticatedHttpRequest, programme_id: Any) -> HttpResponse:
    programme = selectors.programme_get(user=request.user, programme_id=programme_id)
    can_manage = services.may_manage_programme(request.user, programme)
    quota_form = forms.QuotaForm(request.POST or None) if can_manage else None
    if request.method == "POST" and quota_form is not None and quota_form.is_valid():
        commune = Commune.objects.filter(pk=quota_form.cleaned_data["commune"]).first()
        if commune is None:
            quota_form.add_error("commune", _("Không có xã/phường với mã này."))
        else:
            try:
                services.quota_set(
                    acting_user=request.user,
                    programme=programme,
                    commune=commune,
                    quota=quota_form.cleaned_data["quota"],
                )
            except ValidationError as error:
                apply_validation_error(quota_form, error)
            else:
                messages.success(request, _("Đã lưu chỉ tiêu của %(commune)s.") % {"commune": commune.name})
                return redirect(programme.get_absolute_url())
    return render(
        request,
        "devices/programme_detail.html",
        {
            "programme": programme,
            "lines": selectors.quota_lines(user=request.user, programme=programme),
            "counts": selectors.device_counts(programme=programme),
            "can_manage": can_manage,
            "quota_form": quota_form,
            "poverty_labels": _poverty_labels(programme.poverty_classes),
        },
    )


def _poverty_labels(values: list[str]) -> list[str]:
    from langso.registry.models import Poverty

    return [str(Poverty(v).label) for v in values if v in Poverty.values]


# --- Candidate lists ---------------------------------------------------------------------------------


def _list_context(request: AuthenticatedHttpRequest, programme: Any, commune: Commune) -> dict[str, Any]:
    version = request.GET.get("version", "")
    candidate_list = selectors.list_get(
        programme=programme, commune=commune, version=int(version) if version.isdigit() else None
    )
    if version and candidate_list is None:
        raise Http404
    quota = CommuneQuota.objects.get(programme=programme, commune=commune).quota
    user = request.user
    return {
        "programme": programme,
        "commune": commune,
        "candidate_list": candidate_list,
        "lines": selectors.candidate_lines(candidate_list=candidate_list, quota=quota)
        if candidate_list
        else [],
        "versions": selectors.list_versions(programme=programme, commune=commune),
        "quota": quota,
        "can_edit": _in_commune(user, Perm.CANDIDATES_EDIT, commune),
        "can_approve": _in_commune(user, Perm.CANDIDATES_APPROVE, commune),
        "can_allocate": _in_commune(user, Perm.DEVICES_ALLOCATE, commune),
        "show_reasons": _in_commune(user, Perm.SENSITIVE_VIEW, commune),
        "is_latest": candidate_list is not None and not version,
        "add_form": forms.AddCandidateForm(per_adult=programme.per == Per.ADULT),
        "approve_form": forms.ApproveForm(),
    }


@require_perm(Perm.PROGRAMME_VIEW)
def candidate_list(request: AuthenticatedHttpRequest, programme_id: Any, code: int) -> HttpResponse:
    programme = selectors.programme_get(user=request.user, programme_id=programme_id)
    commune = selectors.commune_in_programme(user=request.user, programme=programme, code=code)
    context = _list_context(request, programme, commune)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            _list_action(request, programme, commune, action, context)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            raise
        else:
            return redirect(request.path)
        context = _list_context(request, programme, commune) | {
            k: v for k, v in context.items() if k in ("add_form", "approve_form")
        }
    return render(request, "devices/candidate_list.html", context)


def _list_action(
    request: AuthenticatedHttpRequest, programme: Any, commune: Commune, action: str, context: dict[str, Any]
) -> None:
    user = request.user
    if action == "generate":
        lst = services.candidate_list_generate(acting_user=user, programme=programme, commune=commune)
        messages.success(request, _("Đã lập danh sách theo tiêu chí (phiên bản %(v)s).") % {"v": lst.version})
    elif action == "new_version":
        lst = services.draft_for(acting_user=user, programme=programme, commune=commune)
        messages.success(request, _("Đã tạo phiên bản %(v)s để sửa; cần phê duyệt lại.") % {"v": lst.version})
    elif action == "add":
        form = forms.AddCandidateForm(request.POST, per_adult=programme.per == Per.ADULT)
        context["add_form"] = form
        if not form.is_valid():
            raise ValidationError(_("Hãy ghi mã hộ và lý do bổ sung."))
        household = Household.objects.filter(
            commune=commune, code=form.cleaned_data["household_code"].strip()
        ).first()
        if household is None:
            raise ValidationError(_("Không tìm thấy hộ có mã này trong xã."))
        resident = None
        if programme.per == Per.ADULT:
            name = fold(form.cleaned_data["person_name"])
            resident = (
                Resident.objects.filter(household=household, name_folded=name).first()
                if name
                else household.head
            )
            if resident is None:
                raise ValidationError(_("Không tìm thấy người có họ tên này trong hộ."))
        services.candidate_add(
            acting_user=user,
            programme=programme,
            commune=commune,
            household=household,
            resident=resident,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Đã bổ sung hộ %(code)s vào danh sách.") % {"code": household.code})
    elif action == "remove":
        form = forms.ReasonForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Hãy ghi lý do loại khỏi danh sách."))
        candidate = selectors.candidate_get(
            user=user, candidate_id=request.POST.get("candidate"), perm=Perm.CANDIDATES_EDIT
        )
        services.candidate_remove(acting_user=user, candidate=candidate, reason=form.cleaned_data["reason"])
        messages.success(request, _("Đã loại khỏi danh sách."))
    elif action == "approve":
        form = forms.ApproveForm(request.POST)
        context["approve_form"] = form
        if not form.is_valid():
            raise ValidationError(_("Hãy ghi số, ngày của quyết định phê duyệt."))
        lst = selectors.list_get(programme=programme, commune=commune)
        if lst is None:
            raise ValidationError(_("Chưa có danh sách."))
        services.candidate_list_approve(
            acting_user=user, candidate_list=lst, decision=form.cleaned_data["decision"]
        )
        messages.success(request, _("Đã ghi nhận phê duyệt. Danh sách đã được khóa."))
    else:
        raise Http404


# --- Allocation and handover -------------------------------------------------------------------------


@require_perm(Perm.DEVICES_ALLOCATE)
def allocate(request: AuthenticatedHttpRequest, candidate_id: Any) -> HttpResponse:
    candidate = selectors.candidate_get(
        user=request.user, candidate_id=candidate_id, perm=Perm.DEVICES_ALLOCATE
    )
    candidate_list = candidate.candidate_list
    programme = candidate_list.programme
    free = list(
        Device.objects.filter(programme=programme, status=DeviceStatus.IN_STOCK)
        .exclude(condition="damaged")
        .filter(commune_id__in=[candidate_list.commune_id])
        .order_by("imei")[:200]
    ) + list(
        Device.objects.filter(programme=programme, status=DeviceStatus.IN_STOCK, commune__isnull=True)
        .exclude(condition="damaged")
        .order_by("imei")[:200]
    )
    members = list(Resident.objects.filter(household=candidate.household))
    receivers = [
        (str(r.pk), r.full_name)
        for r in members
        if not candidate.resident_id or r.pk == candidate.resident_id
    ]
    form = forms.AllocateForm(
        request.POST or None,
        devices=_devices_by_model(free),
        receivers=receivers,
        cash=programme.cash_allowed,
        initial={
            "kind": AllocationKind.DEVICE,
            "handed_over_on": timezone.localdate(),
            "receiver": str(candidate.resident_id or candidate.household.head_id or ""),
            "giver_name": getattr(request.user, "full_name", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        receiver = next((r for r in members if str(r.pk) == data["receiver"]), None)
        device = next((d for d in free if str(d.pk) == data["device"]), None) if data["device"] else None
        try:
            allocation = services.allocate(
                acting_user=request.user,
                candidate=candidate,
                kind=data["kind"],
                device=device if data["kind"] == AllocationKind.DEVICE else None,
                handover=services.Handover(
                    handed_over_on=data["handed_over_on"],
                    giver_name=data["giver_name"],
                    giver_title=data["giver_title"],
                    receiver=receiver,
                    training_attended=data["training_attended"],
                    training_on=data["training_on"],
                ),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã ghi nhận bàn giao. Hãy in biên bản để hai bên ký."))
            return redirect(allocation.get_absolute_url())
    return render(
        request,
        "devices/allocate.html",
        {"form": form, "candidate": candidate, "programme": programme, "commune": candidate_list.commune},
    )


@require_perm(Perm.PROGRAMME_VIEW)
def allocation_detail(request: AuthenticatedHttpRequest, allocation_id: Any) -> HttpResponse:
    allocation = selectors.allocation_get(user=request.user, allocation_id=allocation_id)
    can_allocate = _in_commune(request.user, Perm.DEVICES_ALLOCATE, allocation.commune)
    scan_form = forms.ScanForm(request.POST or None, request.FILES or None) if can_allocate else None
    if request.method == "POST" and scan_form is not None and scan_form.is_valid():
        upload = scan_form.cleaned_data["scan"]
        try:
            if upload.size > services.MAX_SCAN_BYTES:
                raise ValidationError(
                    _(
                        "Tệp quá lớn (tối đa 2 MB). Hãy chụp lại với độ phân giải thấp hơn hoặc quét ở 150 dpi."
                    )
                )
            services.handover_scan_attach(acting_user=request.user, allocation=allocation, data=upload.read())
        except ValidationError as error:
            apply_validation_error(scan_form, error)
        else:
            messages.success(request, _("Đã đính kèm biên bản đã ký."))
            return redirect(allocation.get_absolute_url())
    can_return = (
        allocation.status == AllocationStatus.ACTIVE
        and allocation.device_id is not None
        and _in_commune(request.user, Perm.FOLLOWUP_RECORD, allocation.commune)
    )
    return render(
        request,
        "devices/allocation_detail.html",
        {
            "allocation": allocation,
            "follow_ups": allocation.follow_ups.order_by("months"),
            "scan_form": scan_form,
            "return_form": forms.ReturnForm(
                initial={"returned_on": timezone.localdate(), "condition": "good"}
            )
            if can_return
            else None,
        },
    )


@require_POST
@require_perm(Perm.FOLLOWUP_RECORD)
def allocation_return(request: AuthenticatedHttpRequest, allocation_id: Any) -> HttpResponse:
    allocation = selectors.allocation_get(
        user=request.user, allocation_id=allocation_id, perm=Perm.FOLLOWUP_RECORD
    )
    form = forms.ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.allocation_return(
                acting_user=request.user,
                allocation=allocation,
                returned_on=form.cleaned_data["returned_on"],
                condition=form.cleaned_data["condition"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã nhận lại máy vào kho."))
    else:
        messages.error(request, _("Hãy ghi ngày trả lại và tình trạng máy."))
    return redirect(allocation.get_absolute_url())


@require_perm(Perm.PROGRAMME_VIEW)
def allocation_scan(request: AuthenticatedHttpRequest, allocation_id: Any) -> HttpResponse:
    allocation = selectors.allocation_get(user=request.user, allocation_id=allocation_id)
    if not allocation.scan:
        raise Http404
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=allocation,
        resident_id=allocation.resident_id,
        note="scan viewed",
    )
    response = HttpResponse(bytes(allocation.scan), content_type=allocation.scan_content_type)
    response["Content-Disposition"] = f'inline; filename="bien-ban-{allocation.pk}"'
    return response


def handover_context(allocation: Any) -> dict[str, Any]:
    return {"allocation": allocation, "programme": allocation.programme, "today": timezone.localdate()}


@require_perm(Perm.PROGRAMME_VIEW)
def handover_pdf(request: AuthenticatedHttpRequest, allocation_id: Any) -> HttpResponse:
    allocation = selectors.allocation_get(user=request.user, allocation_id=allocation_id)
    pdf = render_pdf("devices/handover_pdf.html", handover_context(allocation), request=request)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=allocation,
        resident_id=allocation.resident_id,
        note="handover PDF",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="bien-ban-ban-giao-{allocation.handed_over_on:%Y%m%d}.pdf"'
    )
    return response


# --- Inventory ---------------------------------------------------------------------------------------


def _import_commune(request: AuthenticatedHttpRequest, programme: Any) -> Commune | None:
    """Where imported devices go: the officer's commune (one), or the central store for managers."""
    scope = scope_for(request.user, Perm.DEVICES_INVENTORY)
    code = str(request.POST.get("commune") or "").strip()
    if code.isdigit():
        return selectors.commune_in_programme(
            user=request.user, programme=programme, code=int(code), perm=Perm.DEVICES_INVENTORY
        )
    if len(scope.commune_codes) == 1 and not scope.everything and not scope.province_codes:
        code_int = next(iter(scope.commune_codes))
        return selectors.commune_in_programme(
            user=request.user, programme=programme, code=code_int, perm=Perm.DEVICES_INVENTORY
        )
    return None


@require_perm(Perm.PROGRAMME_VIEW)
def inventory(request: AuthenticatedHttpRequest, programme_id: Any) -> HttpResponse:
    programme = selectors.programme_get(user=request.user, programme_id=programme_id)
    can_import = has_perm(request.user, Perm.DEVICES_INVENTORY)
    form = forms.ImportForm(request.POST or None, request.FILES or None) if can_import else None
    if request.method == "POST" and form is not None and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > imports.MAX_BYTES:
                raise imports.FileRefused(_("Tệp quá lớn (tối đa 2 MB). Hãy chia thành nhiều tệp."))
            job = imports.import_check(
                acting_user=request.user,
                programme=programme,
                commune=_import_commune(request, programme),
                filename=upload.name,
                data=upload.read(),
            )
        except imports.FileRefused as refused:
            form.add_error("file", str(refused))
        else:
            return redirect("devices:import", job.pk)
    status = request.GET.get("status", "")
    return render(
        request,
        "devices/inventory.html",
        {
            "programme": programme,
            "page": paginate(
                request,
                selectors.device_list(
                    user=request.user,
                    programme=programme,
                    status=status if status in DeviceStatus.values else "",
                ),
            ),
            "counts": selectors.device_counts(programme=programme),
            "form": form,
            "statuses": DeviceStatus.choices,
            "status": status,
        },
    )


@require_perm(Perm.DEVICES_INVENTORY)
def import_refused(request: AuthenticatedHttpRequest, job_id: Any) -> HttpResponse:
    """The supplier's refused rows, as written, with the reasons: to fix and import again."""
    job = get_in_scope_or_404(DeviceImport.objects.all(), Q(created_by=request.user), pk=job_id)
    if not job.refused:
        raise Http404
    response = HttpResponse(
        bytes(job.refused), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stem = slugify(job.original_name.rsplit(".", 1)[0])[:60] or "tep"
    response["Content-Disposition"] = f'attachment; filename="dong-bi-tu-choi-{stem}.xlsx"'
    return response


@require_perm(Perm.DEVICES_INVENTORY)
def import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    response = HttpResponse(
        imports.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-may.xlsx"'
    return response


@require_perm(Perm.DEVICES_INVENTORY)
def import_job(request: AuthenticatedHttpRequest, job_id: Any) -> HttpResponse:
    job = get_in_scope_or_404(
        DeviceImport.objects.select_related("programme", "commune"), Q(created_by=request.user), pk=job_id
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                imports.import_cancel(acting_user=request.user, job=job)
                messages.info(request, _("Đã hủy. Không có dữ liệu nào được ghi."))
            elif request.POST.get("action") == "columns":
                count = len(job.layout.get("headers", []))
                fields = [request.POST.get(f"column_{i}", "") for i in range(count)]
                imports.import_map_columns(acting_user=request.user, job=job, fields=fields)
            else:
                imports.import_confirm(acting_user=request.user, job=job, mode=request.POST.get("mode", ""))
                messages.success(request, _("Đã ghi danh sách máy vào kho."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except imports.FileRefused as refused:
            messages.error(request, str(refused))
        return redirect("devices:import", job.pk)
    return render(
        request,
        "devices/import_job.html",
        {
            "job": job,
            "has_errors": job.valid_rows < job.total_rows,
            "modes": {"all": imports.ALL_OR_NOTHING, "valid": imports.VALID_ONLY},
            "mapping": registry_imports.layout_rows(job.layout)
            if job.status == ImportStatus.MAPPING
            or (job.status == ImportStatus.CHECKED and request.GET.get("columns") == "1")
            else None,
            "field_choices": registry_imports.field_choices(imports.COLUMNS),
            "columns_url": reverse("devices:import", args=[job.pk]),
            "has_refused": bool(job.refused),
        },
    )


# --- Follow-ups --------------------------------------------------------------------------------------


@require_perm(Perm.FOLLOWUP_RECORD)
def follow_up_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=14)
    return render(
        request,
        "devices/follow_up_list.html",
        {
            "page": paginate(request, selectors.follow_up_list(user=request.user, due_before=horizon)),
            "today": today,
        },
    )


@require_perm(Perm.FOLLOWUP_RECORD)
def follow_up_record(request: AuthenticatedHttpRequest, follow_up_id: Any) -> HttpResponse:
    follow_up = selectors.follow_up_get(user=request.user, follow_up_id=follow_up_id)
    form = forms.FollowUpForm(
        request.POST or None, initial={"done_on": timezone.localdate(), "sim_active": "yes"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.follow_up_record(acting_user=request.user, follow_up=follow_up, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã ghi kết quả theo dõi."))
            return redirect("devices:follow_ups")
    return render(request, "devices/follow_up_form.html", {"form": form, "follow_up": follow_up})


# --- Reports -----------------------------------------------------------------------------------------


@require_perm(Perm.PROGRAMME_VIEW)
def report(request: AuthenticatedHttpRequest, programme_id: Any, fmt: str = "html") -> HttpResponse:
    programme = selectors.programme_get(user=request.user, programme_id=programme_id)
    data = selectors.programme_report(user=request.user, programme=programme)
    context = {"report": data, "programme": programme, "total": data.total()}
    if fmt == "xlsx":
        audit.record(actor=request.user, action=AuditAction.EXPORT, obj=programme, note="report xlsx")
        response = HttpResponse(
            exports.report_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="bao-cao-chuong-trinh.xlsx"'
        return response
    if fmt == "pdf":
        audit.record(actor=request.user, action=AuditAction.EXPORT, obj=programme, note="report pdf")
        response = HttpResponse(
            render_pdf("devices/report_pdf.html", context, request=request), content_type="application/pdf"
        )
        response["Content-Disposition"] = 'attachment; filename="bao-cao-chuong-trinh.pdf"'
        return response
    return render(request, "devices/report.html", context)
