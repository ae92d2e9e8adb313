"""Pages of the outside lists: upload, a list's result (and its column mapping), the review of uncertain
rows, and the rows that matched no one, per commune (page and .xlsx). Thin: selectors and services."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from langso.accounts.access import Perm, get_in_scope_or_404, scope_for
from langso.accounts.http import AuthenticatedHttpRequest
from langso.accounts.models import User
from langso.core import audit
from langso.core.http import paginate, require_perm
from langso.core.models import AuditAction
from langso.outside_lists import imports, selectors, services
from langso.outside_lists.columns import COLUMNS
from langso.outside_lists.forms import UploadForm
from langso.outside_lists.models import ListStatus
from langso.places.models import Commune, Province
from langso.registry.exports import safe_cell
from langso.registry.imports import field_choices, layout_rows


def _provinces(user: User) -> Any:
    scope = scope_for(user, Perm.OUTSIDE_LISTS)
    if scope.everything:
        return Province.objects.order_by("sort_key")
    codes = set(scope.province_codes) | set(
        Commune.objects.filter(code__in=scope.commune_codes).values_list("province_id", flat=True)
    )
    return Province.objects.filter(code__in=codes).order_by("sort_key")


def _fixed_commune(user: User) -> Commune | None:
    """A user whose lists are one commune's (a commune officer): that commune."""
    scope = scope_for(user, Perm.OUTSIDE_LISTS)
    if scope.everything or scope.province_codes or len(scope.commune_codes) != 1:
        return None
    return Commune.objects.get(code=next(iter(scope.commune_codes)))


def _upload_commune(form: UploadForm, fixed: Commune | None, province: Province) -> Commune | None:
    if fixed is not None:
        return fixed
    code = (form.cleaned_data.get("commune") or "").strip()
    if not code:
        return None
    commune = Commune.objects.filter(code=int(code), province=province).first() if code.isdigit() else None
    if commune is None:
        raise ValidationError(_("Không có xã mã %(code)s trong tỉnh này.") % {"code": code})
    return commune


@require_perm(Perm.OUTSIDE_LISTS)
def list_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    fixed = _fixed_commune(request.user)
    form = UploadForm(
        request.POST or None, request.FILES or None, provinces=_provinces(request.user), fixed_commune=fixed
    )
    if request.method == "POST" and form.is_valid():
        province = form.cleaned_data["province"]
        try:
            outside = imports.list_upload(
                acting_user=request.user,
                source=form.cleaned_data["source"],
                province=province,
                commune=_upload_commune(form, fixed, province),
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        except PermissionDenied:
            form.add_error(
                "commune" if "commune" in form.fields else None,
                _("Bạn chỉ nhập được danh sách cho xã/phường của mình: hãy ghi mã xã."),
            )
        else:
            return redirect("outside_lists:list", outside.pk)
    return render(
        request,
        "outside_lists/lists.html",
        {
            "form": form,
            "fixed_commune": fixed,
            "page": paginate(request, selectors.lists_in_scope(request.user)),
            "review_count": selectors.review_entries(request.user).count(),
        },
    )


@require_perm(Perm.OUTSIDE_LISTS)
def list_detail(request: AuthenticatedHttpRequest, list_id: Any) -> HttpResponse:
    # lists_in_scope filters by the user's units: the extra condition is none.
    outside = get_in_scope_or_404(selectors.lists_in_scope(request.user), Q(), pk=list_id)
    mine = outside.created_by_id == request.user.pk
    if request.method == "POST":
        if not mine:
            raise Http404
        try:
            if request.POST.get("action") == "cancel":
                imports.list_cancel(acting_user=request.user, outside=outside)
                messages.info(request, _("Đã hủy. Không có dữ liệu nào được ghi."))
            else:
                count = len(outside.layout.get("headers", []))
                fields = [request.POST.get(f"column_{i}", "") for i in range(count)]
                imports.list_map_columns(acting_user=request.user, outside=outside, fields=fields)
                messages.success(request, _("Đã nhập danh sách."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("outside_lists:list", outside.pk)
    return render(
        request,
        "outside_lists/list_detail.html",
        {
            "outside": outside,
            "mapping": layout_rows(outside.layout) if outside.status == ListStatus.MAPPING and mine else None,
            "field_choices": field_choices(COLUMNS[outside.source]),
            "columns_url": reverse("outside_lists:list", args=[outside.pk]),
        },
    )


@require_perm(Perm.OUTSIDE_LISTS)
def review(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(request, selectors.review_entries(request.user), per_page=20)
    entries = list(page.object_list)
    candidates = selectors.candidates_of(entries)
    return render(
        request,
        "outside_lists/review.html",
        {"page": page, "items": [(e, candidates[str(e.pk)]) for e in entries]},
    )


@require_perm(Perm.OUTSIDE_LISTS)
@require_POST
def entry_resolve(request: AuthenticatedHttpRequest, entry_id: Any) -> HttpResponse:
    entry = get_in_scope_or_404(selectors.entries_in_scope(request.user), Q(), pk=entry_id)
    try:
        services.entry_resolve(
            acting_user=request.user,
            entry=entry,
            resident_id=request.POST.get("resident") or None,
            reject=request.POST.get("action") == "reject",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã ghi quyết định cho %(name)s.") % {"name": entry.full_name})
    page = request.POST.get("page", "")
    return redirect(reverse("outside_lists:review") + (f"?page={page}" if page.isdigit() else ""))


def _unmatched_rows(request: AuthenticatedHttpRequest, code: str) -> Any:
    """One commune's rows (`code`), those of no known commune ("none"), or all the user may see."""
    rows = selectors.unmatched_entries(request.user)
    if code == "none":
        return rows.filter(commune__isnull=True)
    if code.isdigit():
        return rows.filter(commune_id=int(code))
    return rows


@require_perm(Perm.OUTSIDE_LISTS)
def unmatched(request: AuthenticatedHttpRequest) -> HttpResponse:
    code = request.GET.get("commune", "")
    commune_code = int(code) if code.isdigit() else None
    rows = _unmatched_rows(request, code) if code else None
    return render(
        request,
        "outside_lists/unmatched.html",
        {
            "communes": selectors.unmatched_by_commune(request.user),
            "page": paginate(request, rows) if rows is not None else None,
            "commune_code": commune_code,
            "commune": Commune.objects.filter(code=commune_code).first() if commune_code else None,
        },
    )


@require_perm(Perm.OUTSIDE_LISTS)
def unmatched_xlsx(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The rows that matched no one, for the communes to look for these people (names and birth dates:
    personal data, so the export is audited)."""
    from openpyxl import Workbook

    code = request.GET.get("commune", "")
    rows = _unmatched_rows(request, code)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Không tìm thấy")[:31])
    sheet.append(
        [
            _("Xã/phường"),
            _("Nguồn"),
            _("Họ và tên"),
            _("Ngày sinh"),
            _("Thôn (theo tệp)"),
            _("Nội dung"),
            _("Ngày"),
            _("Tệp"),
            _("Dòng"),
            _("Kết quả"),
        ]
    )
    count = 0
    for entry in rows.iterator(chunk_size=1000):
        born = entry.birth_date.strftime("%d/%m/%Y") if entry.birth_date else (entry.birth_year or "")
        sheet.append(
            [
                safe_cell(v)
                for v in (
                    entry.commune.name if entry.commune else entry.commune_name,
                    entry.get_source_display(),
                    entry.full_name,
                    born,
                    entry.village_name,
                    entry.detail,
                    entry.done_on.strftime("%d/%m/%Y") if entry.done_on else "",
                    entry.outside_list.original_name,
                    entry.row,
                    entry.get_status_display(),
                )
            ]
        )
        count += 1
    buffer = io.BytesIO()
    book.save(buffer)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="outside_lists.listentry",
        object_repr=_("Người trong danh sách bên ngoài không tìm thấy trong sổ"),
        changes={"rows": count, "commune": code},
    )
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"khong-tim-thay-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
