"""The operations page, and a person's data requests (download a copy, erase). Thin: scope check, one
selector or service call, a response."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from langso.accounts.access import Perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.core.http import apply_validation_error, require_perm
from langso.operations import services
from langso.operations.forms import ErasureForm
from langso.operations.health import operations_health
from langso.registry import selectors


@require_POST
@require_perm(Perm.PERSONAL_DATA_REQUESTS)
def person_export(request: AuthenticatedHttpRequest, resident_id: str) -> HttpResponse:
    resident = selectors.resident_get(
        user=request.user, resident_id=resident_id, perm=Perm.PERSONAL_DATA_REQUESTS
    )
    content = services.person_export(acting_user=request.user, resident=resident)
    response = HttpResponse(content, content_type="application/zip")
    name = f"du-lieu-ca-nhan-{resident.pk}-{timezone.localdate():%Y%m%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_perm(Perm.PERSONAL_DATA_REQUESTS)
def person_erase(request: AuthenticatedHttpRequest, resident_id: str) -> HttpResponse:
    resident = selectors.resident_get(
        user=request.user, resident_id=resident_id, perm=Perm.PERSONAL_DATA_REQUESTS
    )
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        household = resident.household
        try:
            services.person_erase(
                acting_user=request.user, resident=resident, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã xóa toàn bộ dữ liệu của người này theo yêu cầu."))
            return redirect(household)
    return render(request, "operations/person_erase.html", {"resident": resident, "form": form})


@require_perm(Perm.OPERATIONS_VIEW)
def health(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each part's health: databases and replicas with their lag, the worker and the queue, the last
    backup and restore drill, the last national send."""
    return render(request, "operations/health.html", operations_health())
