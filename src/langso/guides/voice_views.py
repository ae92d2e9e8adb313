"""Guides in other languages: the province's languages, translating, recording on the phone, review,
and the public audio of a recording. Rules live in langso.guides.recordings and .languages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from langso.accounts.access import Perm, may_open
from langso.accounts.http import AuthenticatedHttpRequest
from langso.core.http import require_perm
from langso.guides import languages as langs
from langso.guides import recordings, selectors
from langso.guides.models import Guide, GuideLanguage, GuideStep, RecordingStatus, StepRecording

# The recording page needs the microphone (MediaRecorder) and plays back what was just recorded
# (a blob: address) before it is sent.
RECORD_PERMISSIONS = "camera=(), microphone=(self), geolocation=(self)"
RECORD_CSP_MEDIA = "; media-src 'self' blob:"
PUBLIC_AUDIO_CACHE = "public, max-age=86400"


def _language_or_404(code: str, *, allow_vietnamese: bool = True) -> GuideLanguage:
    language = langs.language_get(code)
    if language is None or (language.is_vietnamese and not allow_vietnamese):
        raise Http404
    return language


@require_perm(Perm.CATALOGUE_EDIT)
def languages(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list of languages (data); province staff switch on the ones their people speak."""
    if request.method == "POST":
        language = get_object_or_404(GuideLanguage, code=request.POST.get("code", ""))
        try:
            recordings.language_set_active(
                acting_user=request.user, language=language, active=request.POST.get("active") == "1"
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã lưu: tiếng %(name)s.") % {"name": language.name})
        return redirect("guides:languages")
    figures = {f.language.code: f for f in langs.guides_per_language(active_only=False)}
    rows = [(language, figures.get(language.code)) for language in GuideLanguage.objects.all()]
    return render(request, "guides/languages.html", {"rows": rows})


@require_perm(Perm.CATALOGUE_EDIT)
def translate(request: AuthenticatedHttpRequest, skill_code: str, lang: str) -> HttpResponse:
    language = _language_or_404(lang, allow_vietnamese=False)
    guide = selectors.guide_get(skill_code)
    steps = list(guide.steps.all())
    head = langs.guide_translation(guide, language)
    texts = langs.step_translations(guide, language)
    errors: list[str] = []
    values: dict[str, Any] = {
        "title": head.title if head else "",
        "summary": head.summary if head else "",
        "steps": {s.number: texts.get(s.pk, "") for s in steps},
    }
    if request.method == "POST":
        values = {
            "title": request.POST.get("title", ""),
            "summary": request.POST.get("summary", ""),
            "steps": {s.number: request.POST.get(f"step-{s.number}", "") for s in steps},
        }
        try:
            recordings.translation_save(
                acting_user=request.user,
                guide=guide,
                language=language,
                title=values["title"],
                summary=values["summary"],
                steps=values["steps"],
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Đã lưu bản tiếng %(name)s.") % {"name": language.name})
            return redirect("guides:translate", guide.skill_code, language.code)
    rows = [(s, values["steps"].get(s.number, "")) for s in steps]
    return render(
        request,
        "guides/translate.html",
        {"guide": guide, "language": language, "values": values, "rows": rows, "errors": errors},
    )


@require_perm(Perm.GUIDE_RECORD)
def record_choose(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where a team member starts: per active language, the guides that can be recorded in it."""
    titles = dict(Guide.objects.values_list("skill_code", "title"))
    rows = [
        (lang, [(code, titles.get(code, code)) for code in langs.guide_codes_in(lang)])
        for lang in langs.active_languages()
    ]
    # A member comes here from the field app's "Hướng dẫn" tab: the way back to it.
    field_app = may_open(request.user, "field:shell")
    return render(request, "guides/record_choose.html", {"rows": rows, "field_app": field_app})


@require_perm(Perm.GUIDE_RECORD)
def record(request: AuthenticatedHttpRequest, skill_code: str, lang: str) -> HttpResponse:
    """The page a team member records a guide's steps on, one by one (GET), and where each recording
    is sent (POST, multipart: `step` number and `audio` file; answers JSON)."""
    language = _language_or_404(lang)
    guide = selectors.guide_get(skill_code)
    steps = list(guide.steps.all())
    if request.method == "POST":
        step = next((s for s in steps if str(s.number) == request.POST.get("step", "")), None)
        upload = request.FILES.get("audio")
        if step is None or upload is None:
            return JsonResponse({"ok": False, "errors": [_("Thiếu bước hoặc bản ghi âm.")]}, status=400)
        try:
            # A file too big is refused by its size, before it is read into memory.
            recordings.check_size(upload.size or 0)
        except ValidationError as error:
            return JsonResponse({"ok": False, "errors": error.messages}, status=422)
        data = upload.read()
        try:
            saved = recordings.recording_upload(
                acting_user=request.user,
                step=GuideStep.objects.select_related("guide").get(pk=step.pk),
                language=language,
                data=data,
                content_type=upload.content_type or "",
            )
        except ValidationError as error:
            return JsonResponse({"ok": False, "errors": error.messages}, status=422)
        return JsonResponse(
            {"ok": True, "id": str(saved.id), "message": _("Đã gửi. Cán bộ tỉnh sẽ nghe và duyệt.")},
            status=201,
        )
    translations = langs.step_translations(guide, language) if not language.is_vietnamese else None
    mine = {
        r.step_id: r
        for r in StepRecording.objects.filter(step__guide=guide, language=language, recorded_by=request.user)
        .defer("audio")
        .order_by("recorded_at")
    }
    published = langs.current_recordings(guide, language)
    rows = [
        {
            "step": s,
            "text": langs.step_text(s, language, translations),
            "mine": mine.get(s.pk),
            "published": s.pk in published,
        }
        for s in steps
    ]
    response = render(
        request,
        "guides/record.html",
        {
            "guide": guide,
            "language": language,
            "rows": rows,
            "languages": langs.guide_languages(guide),
            "max_kb": recordings.MAX_RECORDING_BYTES // 1024,
            "field_app": may_open(request.user, "field:shell"),
        },
    )
    response["Permissions-Policy"] = RECORD_PERMISSIONS
    response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY + RECORD_CSP_MEDIA
    return response


@require_perm(Perm.GUIDE_REVIEW)
def review_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    mine = langs.reviewable_recordings(request.user)
    waiting = (
        mine.filter(status=RecordingStatus.PENDING)
        .select_related("step__guide", "language", "recorded_by")
        .defer("audio")
        .order_by("recorded_at")[:100]
    )
    recent = (
        mine.exclude(status=RecordingStatus.PENDING)
        .select_related("step__guide", "language", "recorded_by", "reviewed_by")
        .defer("audio")
        .order_by("-reviewed_at")[:20]
    )
    return render(request, "guides/recordings.html", {"waiting": waiting, "recent": recent})


@require_POST
@require_perm(Perm.GUIDE_REVIEW)
def review(request: AuthenticatedHttpRequest, recording_id: Any) -> HttpResponse:
    recording = get_object_or_404(langs.reviewable_recordings(request.user).defer("audio"), pk=recording_id)
    approve = request.POST.get("decision") == "approve"
    try:
        recordings.recording_review(
            acting_user=request.user,
            recording=recording,
            approve=approve,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã duyệt bản ghi âm.") if approve else _("Đã từ chối bản ghi âm."))
    return redirect("guides:recordings")


@require_perm(Perm.GUIDE_REVIEW)
def recording_audio(request: AuthenticatedHttpRequest, recording_id: Any) -> HttpResponse:
    """A recording's sound, for its reviewer (a waiting one is not public)."""
    recording = get_object_or_404(langs.reviewable_recordings(request.user), pk=recording_id)
    response = HttpResponse(bytes(recording.audio), content_type=recording.content_type)
    response["Content-Length"] = str(recording.size)
    return response


@require_safe
def step_recording(request: HttpRequest, lang: str, step_id: int) -> HttpResponse:
    """The published (approved, current) recording of a step in a language: public, like the guides."""
    language = _language_or_404(lang)
    step = get_object_or_404(GuideStep.objects.select_related("guide"), pk=step_id)
    current = langs.current_recordings(step.guide, language).get(step.pk)
    if current is None:
        raise Http404
    etag = f'"{current.sha256}"'
    headers = HttpResponse(headers={"ETag": etag, "Cache-Control": PUBLIC_AUDIO_CACHE})
    conditional = get_conditional_response(request, etag=etag, response=headers)
    if conditional is not None and conditional is not headers:
        conditional.public_content = True  # type: ignore[attr-defined]  # read by our cache middleware
        return conditional
    audio = StepRecording.objects.values_list("audio", flat=True).get(pk=current.pk)
    response = HttpResponse(bytes(audio), content_type=current.content_type)
    response["ETag"] = etag
    response["Cache-Control"] = PUBLIC_AUDIO_CACHE
    response["Content-Length"] = str(current.size)
    filename = f"{step.guide.skill_code}-{step.number}-{language.code}.{current.extension}"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response.public_content = True  # type: ignore[attr-defined]  # read by our cache middleware
    return response


def step_audio_url(step: GuideStep, language: GuideLanguage, recorded: bool) -> str:
    if recorded:
        return reverse("guides:step_recording", kwargs={"lang": language.code, "step_id": step.pk})
    return reverse("guides:step_audio", kwargs={"step_id": step.pk}) if language.is_vietnamese else ""
