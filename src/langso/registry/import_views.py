"""Import pages: upload → dry-run report → confirm (whole file or valid rows) → progress → result."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from langso.accounts.access import Perm, get_in_scope_or_404, scope_for
from langso.core.http import require_perm
from langso.places.selectors import commune_list
from langso.registry import imports
from langso.registry.models import ImportJob, ImportKind, ImportMode, ImportStatus
from langso.registry.tasks import check_import, write_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEMS_SHOWN = 200


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
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, communes, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(c.code, f"{c.name} — {c.province.name}") for c in communes]


def _job(request: HttpRequest, job_id: str) -> ImportJob:
    scope = scope_for(request.user, Perm.REGISTRY_IMPORT)
    return get_in_scope_or_404(
        ImportJob.objects.select_related("commune"),
        scope.q(province="commune__province_id", commune="commune_id", village=None),
        pk=job_id,
    )


def _many_rows(job: ImportJob) -> bool:
    size = job.file.size if job.file else 0
    # Roughly 60 bytes a row in .xlsx: big files go to the background worker.
    return size > settings.IMPORT_BACKGROUND_ROWS * 60


@require_perm(Perm.REGISTRY_IMPORT)
def import_start(request: HttpRequest) -> HttpResponse:
    communes = list(commune_list(user=request.user, perm=Perm.REGISTRY_IMPORT)[:200])
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        communes=communes,
        initial={"commune": communes[0].code if len(communes) == 1 else None},
    )
    if request.method == "POST" and form.is_valid():
        commune = next(c for c in communes if c.code == form.cleaned_data["commune"])
        try:
            job = imports.job_create(
                acting_user=request.user,
                kind=form.cleaned_data["kind"],
                commune=commune,
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            if _many_rows(job):
                check_import.enqueue(str(job.pk))
            else:
                imports.job_check(job)
            return redirect("registry:import_job", job_id=job.pk)
    recent = ImportJob.objects.filter(created_by=request.user).select_related("commune")[:10]
    return render(request, "registry/import_start.html", {"form": form, "recent": recent})


@require_perm(Perm.REGISTRY_IMPORT)
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ImportKind.values:
        raise Http404
    response = HttpResponse(imports.template_xlsx(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.xlsx"'
    return response


@require_perm(Perm.REGISTRY_IMPORT)
def import_job(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _job(request, job_id)
    running = job.status in (ImportStatus.CHECKING, ImportStatus.QUEUED, ImportStatus.WRITING)
    return render(
        request,
        "registry/import_job.html",
        {
            "job": job,
            "running": running,
            "stale": imports.job_is_stale(job),
            "problems": job.problems[:PROBLEMS_SHOWN],
            "more_problems": max(0, len(job.problems) - PROBLEMS_SHOWN),
            "modes": ImportMode,
            "has_errors": bool(job.skipped_count),
        },
    )


@require_POST
@require_perm(Perm.REGISTRY_IMPORT)
def import_confirm(request: HttpRequest, job_id: str) -> HttpResponse:
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
