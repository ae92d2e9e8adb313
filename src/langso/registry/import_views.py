"""Import pages: upload → dry-run report → confirm (whole file or valid rows) → progress → result.
Also the villages export (a commune's villages, in the import template's columns). Thin: the work is
in the langso.registry.imports package and langso.registry.exports."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from langso.accounts.access import Perm, get_in_scope_or_404, scope_for
from langso.accounts.http import AuthenticatedHttpRequest
from langso.accounts.models import User
from langso.core.http import require_perm
from langso.places.selectors import commune_get, commune_list
from langso.registry import exports, imports
from langso.registry.models import ImportJob, ImportKind, ImportMode, ImportStatus
from langso.registry.tasks import check_import, write_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEMS_SHOWN = 200
COMMUNE_CHOICES_LIMIT = 300


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Loại dữ liệu"),
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        initial=ImportKind.RESIDENTS,
    )
    commune = forms.TypedChoiceField(label=gettext_lazy("Xã/phường"), coerce=int)
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx) hoặc CSV"),
        help_text=gettext_lazy("Tối đa %(mb)s MB. Hệ thống kiểm tra trước, chưa ghi gì."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        communes = list(commune_list(user=user, perm=Perm.REGISTRY_IMPORT)[: COMMUNE_CHOICES_LIMIT + 1])
        if len(communes) > COMMUNE_CHOICES_LIMIT:
            # Province-wide or national importers type the commune's code instead of scrolling a list.
            self.fields["commune"] = forms.IntegerField(
                label=gettext_lazy("Mã xã/phường"),
                help_text=gettext_lazy("Mã đơn vị hành chính, ví dụ 2071."),
            )
        else:
            cast(forms.ChoiceField, self.fields["commune"]).choices = [
                (c.code, f"{c.name} — {c.province.name}") for c in communes
            ]
            if len(communes) == 1:
                self.fields["commune"].initial = communes[0].code
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)
        }

    def clean_commune(self) -> Any:
        code = self.cleaned_data["commune"]
        try:
            return commune_get(user=self.user, code=code, perm=Perm.REGISTRY_IMPORT)
        except Http404 as exc:
            raise ValidationError(_("Không có xã/phường này trong phạm vi của bạn.")) from exc


def _job(request: HttpRequest, job_id: Any) -> ImportJob:
    """A job of a commune inside the user's import scope; any other gives the same 404 as a missing one."""
    scope = scope_for(request.user, Perm.REGISTRY_IMPORT)
    return get_in_scope_or_404(
        ImportJob.objects.select_related("commune", "created_by"),
        scope.q(province="commune__province_id", commune="commune_id", village=None),
        pk=job_id,
    )


def _many_rows(job: ImportJob) -> bool:
    """Files with more rows than IMPORT_BACKGROUND_ROWS are checked by the background worker."""
    return job.total_rows > settings.IMPORT_BACKGROUND_ROWS


def _check_now_or_later(job: ImportJob) -> None:
    if _many_rows(job):
        check_import.enqueue(str(job.pk))
    else:
        imports.job_check(job)


@require_perm(Perm.REGISTRY_IMPORT)
def import_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.job_create(
                acting_user=request.user,
                kind=form.cleaned_data["kind"],
                commune=form.cleaned_data["commune"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            _check_now_or_later(job)
            return redirect("registry:import_job", job_id=job.pk)
    recent = ImportJob.objects.filter(created_by=request.user).select_related("commune")[:10]
    return render(request, "registry/import_start.html", {"form": form, "recent": recent})


@require_perm(Perm.REGISTRY_IMPORT)
def import_template(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    if kind not in ImportKind.values:
        raise Http404
    response = HttpResponse(imports.template_xlsx(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{imports.template_name(kind)}"'
    return response


@require_perm(Perm.REGISTRY_IMPORT)
def import_job(request: AuthenticatedHttpRequest, job_id: Any) -> HttpResponse:
    job = _job(request, job_id)
    running = job.status in imports.RUNNING
    problems = job.problems[:PROBLEMS_SHOWN]
    mapping = job.status == ImportStatus.MAPPING or (
        job.status == ImportStatus.CHECKED and request.GET.get("columns") == "1"
    )
    counts = job.problem_counts or {}
    return render(
        request,
        "registry/import_job.html",
        {
            "job": job,
            "running": running,
            "stale": (stale := imports.job_is_stale(job)),
            "no_worker": stale and imports.job_waiting_for_worker(job),
            "problems": problems,
            "more_problems": max(
                0, counts.get("total", len(job.problems)) - sum(1 for p in problems if not p.get("note"))
            ),
            "by_column": sorted(counts.get("by_column", {}).items(), key=lambda item: -item[1]),
            "more_changes": max(0, job.changes_total - len(job.changes)),
            "modes": ImportMode,
            "has_errors": bool(job.skipped_count),
            "writing_whole_file": job.status == ImportStatus.WRITING
            and job.mode == ImportMode.ALL_OR_NOTHING,
            "mapping": imports.layout_rows(job.layout) if mapping else None,
            "columns_url": reverse("registry:import_columns", args=[job.pk]),
            "field_choices": imports.field_choices(imports.COLUMNS[job.kind]),
            "can_remap": job.status == ImportStatus.CHECKED and bool(job.layout.get("headers")),
            "has_refused": bool(job.skipped_count and job.file),
            "many_rows": settings.IMPORT_BACKGROUND_ROWS,
        },
    )


@require_POST
@require_perm(Perm.REGISTRY_IMPORT)
def import_columns(request: AuthenticatedHttpRequest, job_id: Any) -> HttpResponse:
    """The officer's mapping of her columns: remembered for the commune, then the file checked again."""
    job = _job(request, job_id)
    count = len(job.layout.get("headers", []))
    fields = [request.POST.get(f"column_{i}", "") for i in range(count)]
    try:
        job = imports.job_map_columns(acting_user=request.user, job=job, fields=fields)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        url = reverse("registry:import_job", args=[job.pk])
        return redirect(f"{url}?columns=1" if job.status == ImportStatus.CHECKED else url)
    _check_now_or_later(job)
    return redirect("registry:import_job", job_id=job.pk)


@require_perm(Perm.REGISTRY_IMPORT)
def import_refused(request: AuthenticatedHttpRequest, job_id: Any) -> HttpResponse:
    """The refused rows as .xlsx: her rows as she wrote them, with the reasons, to fix and import again."""
    job = _job(request, job_id)
    content = imports.job_refused_file(job)
    if content is None:
        raise Http404
    stem = slugify(job.original_name.rsplit(".", 1)[0])[:60] or "tep"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="dong-bi-tu-choi-{stem}.xlsx"'
    return response


@require_POST
@require_perm(Perm.REGISTRY_IMPORT)
def import_confirm(request: AuthenticatedHttpRequest, job_id: Any) -> HttpResponse:
    job = _job(request, job_id)
    if request.POST.get("action") == "cancel":
        try:
            imports.job_cancel(acting_user=request.user, job=job)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.info(request, _("Đã hủy. Không có dữ liệu nào được ghi."))
        return redirect("registry:import_job", job_id=job.pk)
    try:
        job = imports.job_confirm(acting_user=request.user, job=job, mode=request.POST.get("mode", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("registry:import_job", job_id=job.pk)
    if job.valid_rows > settings.IMPORT_BACKGROUND_ROWS:
        write_import.enqueue(str(job.pk))
    else:
        imports.job_write(job)
    return redirect("registry:import_job", job_id=job.pk)


@require_POST
@require_perm(Perm.REGISTRY_IMPORT)
def import_retry(request: AuthenticatedHttpRequest, job_id: Any) -> HttpResponse:
    """A job that stopped making progress: re-queue it (or fail it after several tries)."""
    job = _job(request, job_id)
    outcome = imports.job_recover(job)
    if outcome == "waiting":
        messages.error(request, _("Việc này vẫn đang chờ trong hàng đợi: bộ xử lý nền không chạy."))
    elif outcome == "requeued":
        messages.info(request, _("Đã xếp lại vào hàng đợi. Dữ liệu đã ghi không bị ghi trùng."))
    elif outcome == "failed":
        messages.error(request, _("Đã thử nhiều lần không được: lần nhập này được đánh dấu thất bại."))
    return redirect("registry:import_job", job_id=job.pk)


@require_perm(Perm.REGISTRY_EXPORT)
def villages_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The villages of one commune (?commune=code; the only one when the user has one) as .xlsx."""
    code = str(request.GET.get("commune") or "")
    if not code.isdigit():
        communes = list(commune_list(user=request.user, perm=Perm.REGISTRY_EXPORT)[:2])
        if len(communes) != 1:
            raise Http404
        code = str(communes[0].code)
    commune = commune_get(user=request.user, code=int(code), perm=Perm.REGISTRY_EXPORT)
    handle, _count = exports.villages_xlsx_file(acting_user=request.user, commune=commune)
    return FileResponse(
        handle, as_attachment=True, filename=exports.export_filename("thon-ban"), content_type=XLSX
    )
