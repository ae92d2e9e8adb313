"""The citizen's own page ("Tiến bộ của tôi"), opened with a one-time code, and the staff button that
makes the code. Thin: the rules live in langso.skills.citizen."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from langso.accounts.access import Perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.core.http import require_perm
from langso.registry.selectors import resident_get
from langso.skills import citizen
from langso.skills.models import Certificate
from langso.skills.selectors import resident_skills


def _guides_url() -> str:
    return reverse("guides:index")


@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    """Without a valid session: the code form. With one: the person's own progress, and nothing more."""
    error, status = "", 200
    if request.method == "POST":
        result = citizen.citizen_sign_in_with_code(request, request.POST.get("code", ""))
        if result is citizen.CodeResult.OK:
            return redirect("skills_public:me")
        if result is citizen.CodeResult.THROTTLED:
            error, status = (
                _("Bạn đã thử quá nhiều lần. Hãy đợi 15 phút rồi thử lại, hoặc hỏi người hướng dẫn mã mới."),
                429,
            )
        else:
            # One message for wrong, expired and used codes: nothing to learn by trying.
            error = _(
                "Mã không đúng, đã hết hạn hoặc đã được dùng. Hãy kiểm tra lại hoặc hỏi người hướng dẫn mã mới."
            )
    resident = citizen.current_citizen(request)
    if resident is None:
        return render(
            request, "skills/citizen_code.html", {"error": error, "guides_url": _guides_url()}, status=status
        )
    certificates = Certificate.objects.filter(resident=resident).select_related("programme")
    response = render(
        request,
        "skills/citizen_me.html",
        {
            "person_name": resident.full_name,
            "skills": resident_skills(resident=resident),
            "certificates": certificates,
            "guides_url": _guides_url(),
        },
    )
    response.personal_data = True  # type: ignore[attr-defined]  # read by our cache middleware
    return response


@require_POST
def me_exit(request: HttpRequest) -> HttpResponse:
    citizen.citizen_sign_out(request)
    return redirect("skills_public:me")


@require_perm(Perm.REGISTRY_EDIT)
@require_POST
def access_code_create(request: AuthenticatedHttpRequest, resident_id: str) -> HttpResponse:
    """Make a one-time code and show it once, on a slip to print or read aloud."""
    resident = resident_get(user=request.user, resident_id=resident_id, perm=Perm.REGISTRY_EDIT)
    row, code = citizen.access_code_create(acting_user=request.user, resident=resident)
    return render(
        request,
        "skills/citizen_code_slip.html",
        {
            "resident": resident,
            "code": citizen.format_code(code),
            "expires_at": row.expires_at,
            "me_url": request.build_absolute_uri(reverse("skills_public:me")),
        },
    )
