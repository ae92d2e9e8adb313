"""The audio reading of a guide step, public like the guides themselves."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from langso.guides.audio import ensure_step_audio, text_hash
from langso.guides.models import GuideStep
from langso.guides.speech import SpeechError

CACHE_CONTROL = "public, max-age=86400"


@require_safe
def step_audio(request: HttpRequest, step_id: int) -> HttpResponse:
    # The text decides the bytes, so its hash is a strong ETag; a revalidation needs no audio loaded.
    step = get_object_or_404(GuideStep.objects.select_related("guide").defer("audio"), pk=step_id)
    etag = f'"{text_hash(step)}"'
    # An empty response only carries the headers that a 304 repeats.
    headers = HttpResponse(headers={"ETag": etag, "Cache-Control": CACHE_CONTROL})
    conditional = get_conditional_response(request, etag=etag, response=headers)
    if (
        conditional is not None and conditional is not headers
    ):  # 304 Not Modified (or 412 for a failed If-Match)
        conditional.public_content = True  # type: ignore[attr-defined]  # read by our cache middleware
        return conditional
    try:
        mp3 = ensure_step_audio(step)
    except SpeechError as error:
        raise Http404(str(error)) from error
    response = HttpResponse(mp3, content_type="audio/mpeg")
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    response["Content-Length"] = str(len(mp3))
    response["Content-Disposition"] = f'inline; filename="{step.guide.skill_code}-{step.number}.mp3"'
    # Guides are public: the security middleware lets this be cached even for a signed-in user.
    response.public_content = True  # type: ignore[attr-defined]  # read by our cache middleware
    return response
