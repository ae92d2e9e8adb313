"""Certificates: the PDF (staff in scope, or the person's own citizen session), the public verification
page, revocation, and the programmes province staff keep. Thin: rules in langso.skills.certificates."""

from __future__ import annotations

from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from langso.accounts.access import Perm, Scope, get_in_scope_or_404, has_perm, scope_for
from langso.accounts.http import AuthenticatedHttpRequest
from langso.accounts.models import User
from langso.core import throttle
from langso.core.http import apply_validation_error, require_perm
from langso.core.middleware import client_ip
from langso.core.pdf import render_pdf
from langso.skills import certificates as service
from langso.skills.citizen import current_citizen
from langso.skills.models import Certificate, CertificateProgramme, Level, Skill
from langso.skills.services import published_version

VERIFY_LIMIT = 30
VERIFY_WINDOW_SECONDS = 10 * 60

UNITS = {"province": "province_id", "commune": "commune_id", "village": "village_id"}


def revoke_scope(user: User) -> Scope:
    """Where a user may revoke: registry editors at a commune or above (a commune officer, not a team
    leader, whose role sits at a village)."""
    scope = scope_for(user, Perm.REGISTRY_EDIT)
    return Scope(
        everything=scope.everything, province_codes=scope.province_codes, commune_codes=scope.commune_codes
    )


def _certificate_for(request: HttpRequest, certificate_id: Any) -> Certificate:
    """The person's own certificate in a citizen session, else one in the staff member's units; else 404."""
    queryset = Certificate.objects.select_related("programme", "resident")
    resident = current_citizen(request)
    if resident is not None:
        found = queryset.filter(pk=certificate_id, resident=resident).first()
        if found is not None:
            return found
    if request.user.is_authenticated and has_perm(request.user, Perm.REGISTRY_VIEW):
        return get_in_scope_or_404(
            queryset, scope_for(request.user, Perm.REGISTRY_VIEW).q(**UNITS), pk=certificate_id
        )
    raise Http404


def _skills_for_display(certificate: Certificate, language: str) -> list[dict[str, Any]]:
    return [
        {
            "name": (s.get("name_en") if language == "en" and s.get("name_en") else s.get("name")),
            "level": s.get("level", 0),
            "level_label": Level(s["level"]).label if s.get("level") in Level.values else "",
        }
        for s in certificate.skills
    ]


@require_safe
def certificate_pdf(request: HttpRequest, certificate_id: Any) -> HttpResponse:
    if not request.user.is_authenticated and current_citizen(request) is None:
        return redirect_to_login(request.get_full_path())
    certificate = _certificate_for(request, certificate_id)
    language = get_language() or "vi"
    verify_url = request.build_absolute_uri(
        reverse("skills_public:verify", args=[certificate.verification_code])
    )
    pdf = render_pdf(
        "skills/certificate_pdf.html",
        {
            "certificate": certificate,
            "programme_name": certificate.programme.display_name(language),
            "skills": _skills_for_display(certificate, language),
            "verify_url": verify_url,
            "qr": mark_safe(segno.make(verify_url, error="m").svg_inline(scale=3)),  # noqa: S308
        },
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="chung-nhan-{certificate.verification_code}.pdf"'
    response.personal_data = True  # type: ignore[attr-defined]  # read by our cache middleware
    return response


@require_safe
def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public: initials, programme, skills and date, or "revoked", or "not found" (also for nonsense)."""
    if not code and request.GET.get("code"):
        typed = service.normalise_verification_code(request.GET["code"]) or "-"
        return redirect("skills_public:verify", code=typed)
    idents = [f"ip:{client_ip(request) or ''}"]
    if code and throttle.is_blocked("verify", idents, limit=VERIFY_LIMIT):
        return render(request, "skills/verify.html", {"throttled": True}, status=429)
    certificate = None
    if code:
        throttle.count_attempt("verify", idents, window_seconds=VERIFY_WINDOW_SECONDS)
        normal = service.normalise_verification_code(code)
        if normal:
            certificate = (
                Certificate.objects.select_related("programme").filter(verification_code=normal).first()
            )
    language = get_language() or "vi"
    context: dict[str, Any] = {"code": code, "looked_up": bool(code), "certificate": None}
    if certificate is not None:
        context.update(
            certificate=certificate,
            initials=service.name_initials(certificate.holder_name),
            programme_name=certificate.programme.display_name(language),
            skills=_skills_for_display(certificate, language),
        )
    return render(request, "skills/verify.html", context, status=200 if certificate or not code else 404)


@require_perm(Perm.REGISTRY_EDIT)
@require_POST
def certificate_revoke(request: AuthenticatedHttpRequest, certificate_id: Any) -> HttpResponse:
    certificate = get_in_scope_or_404(
        Certificate.objects.select_related("resident"),
        revoke_scope(request.user).q(**UNITS),
        pk=certificate_id,
    )
    try:
        service.certificate_revoke(
            acting_user=request.user, certificate=certificate, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã thu hồi chứng nhận."))
    return redirect(certificate.resident)


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên (tiếng Việt)"), max_length=160)
    name_en = forms.CharField(label=gettext_lazy("Tên (tiếng Anh)"), max_length=160, required=False)
    issuer = forms.CharField(label=gettext_lazy("Đơn vị cấp"), max_length=200)
    active = forms.BooleanField(label=gettext_lazy("Đang cấp"), required=False)

    def __init__(self, *args: Any, skills: list[Skill], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "vi"
        level_choices = [
            (0, _("Không yêu cầu")),
            *[(value, f"{value} — {label}") for value, label in Level.choices],
        ]
        self.skill_fields = []
        for skill in skills:
            name = f"level_{skill.code}"
            self.fields[name] = forms.TypedChoiceField(
                label=skill.display_name(language),
                choices=level_choices,
                coerce=int,
                initial=0,
                required=False,
                empty_value=0,  # type: ignore[arg-type]  # Django takes any value; the stubs say str
            )
            self.skill_fields.append((skill.code, name))

    def required_levels(self) -> dict[str, int]:
        return {code: self.cleaned_data[name] for code, name in self.skill_fields if self.cleaned_data[name]}


@require_perm(Perm.CATALOGUE_EDIT)
def programme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    language = get_language() or "vi"
    programmes = [
        (p, p.display_name(language), p.certificates.filter(revoked_at__isnull=True).count())
        for p in CertificateProgramme.objects.order_by("-active", "name")
    ]
    return render(request, "skills/programme_list.html", {"programmes": programmes})


@require_perm(Perm.CATALOGUE_EDIT)
def programme_edit(request: AuthenticatedHttpRequest, programme_id: int | None = None) -> HttpResponse:
    programme = get_object_or_404(CertificateProgramme, pk=programme_id) if programme_id else None
    skills = list(Skill.objects.filter(version=published_version()).order_by("position"))
    initial: dict[str, Any] = {"active": True}
    if programme is not None:
        initial = {
            "name": programme.name,
            "name_en": programme.name_en,
            "issuer": programme.issuer,
            "active": programme.active,
            **{f"level_{code}": level for code, level in programme.required_levels.items()},
        }
    form = ProgrammeForm(request.POST or None, initial=initial, skills=skills)
    if request.method == "POST" and form.is_valid():
        try:
            service.programme_save(
                acting_user=request.user,
                programme=programme,
                name=form.cleaned_data["name"],
                name_en=form.cleaned_data["name_en"],
                issuer=form.cleaned_data["issuer"],
                required_levels=form.required_levels(),
                active=form.cleaned_data["active"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã lưu loại chứng nhận."))
            return redirect("skills:programmes")
    return render(request, "skills/programme_form.html", {"form": form, "programme": programme})
