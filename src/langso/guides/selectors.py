"""Reads of guides. Guides are public content, so nothing here is scoped by jurisdiction."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from langso.guides.languages import (
    active_languages,
    current_recorded_steps,
    current_recordings,
    guide_codes_in,
    guide_languages,
    guide_translation,
    language_get,
    step_translations,
)
from langso.guides.models import Guide, GuideStep, GuideTranslation
from langso.skills.models import SkillArea
from langso.skills.selectors import published_skills

PUBLIC_CSS = ("langso/app.css", "guides/guides.css")


@dataclass(frozen=True)
class GuideCard:
    skill_code: str
    title: str
    summary: str


@dataclass(frozen=True)
class GuideGroup:
    area: str
    label: str
    guides: list[GuideCard]


def guide_groups(language: str, content: Any = None) -> list[GuideGroup]:
    """Every guide, grouped by the area of its skill in the catalogue in force and in catalogue order;
    guides whose skill is not in that catalogue come last, under "Khác". With a guide language
    `content` (Tày…), only the guides translated into it, under their translated titles."""
    rows = Guide.objects.only("skill_code", "title", "title_en", "summary", "summary_en")
    if content is not None:
        rows = rows.filter(skill_code__in=guide_codes_in(content))
    guides = {g.skill_code: g for g in rows}
    if content is not None:
        for head in GuideTranslation.objects.filter(language=content, guide__skill_code__in=list(guides)):
            guide = guides[head.guide.skill_code]
            guide.title, guide.summary, guide.title_en, guide.summary_en = head.title, head.summary, "", ""
    groups: dict[str, GuideGroup] = {}
    for skill in published_skills():
        guide = guides.pop(skill.code, None)
        if guide is None:
            continue
        group = groups.setdefault(skill.area, GuideGroup(skill.area, str(SkillArea(skill.area).label), []))
        group.guides.append(
            GuideCard(guide.skill_code, guide.display("title", language), guide.display("summary", language))
        )
    if guides:
        other = GuideGroup("other", _("Khác"), [])
        for guide in sorted(guides.values(), key=lambda g: g.skill_code):
            other.guides.append(
                GuideCard(
                    guide.skill_code, guide.display("title", language), guide.display("summary", language)
                )
            )
        groups["other"] = other
    return list(groups.values())


def guide_get(skill_code: str) -> Guide:
    """One guide with its steps (without the audio bytes, which the page never needs) and questions."""
    steps = GuideStep.objects.defer("audio").order_by("number")
    guide = (
        Guide.objects.prefetch_related(Prefetch("steps", queryset=steps), "questions")
        .filter(skill_code=skill_code)
        .first()
    )
    if guide is None:
        raise Http404
    return guide


def guide_codes() -> set[str]:
    return set(Guide.objects.values_list("skill_code", flat=True))


def language_query(language: str) -> str:
    """The query string that pins a public page's language in its address ("" for the default)."""
    return "" if language == settings.LANGUAGE_CODE else f"?lang={language}"


@dataclass
class StepView:
    step: GuideStep
    text: str
    audio_url: str = ""
    recorded: bool = False  # a person's voice (approved recording), not eSpeak


@dataclass
class GuidePage:
    title: str
    summary: str
    steps: list[StepView]
    language: Any = None  # the GuideLanguage of the text; None for the guide's own (vi/en) text
    tag: str = ""  # the lang attribute of the text
    languages: list[Any] = field(default_factory=list)  # every language the guide exists in


def guide_page(guide: Guide, language: str, content: Any = None) -> GuidePage | None:
    """What a guide's public page shows: its text in `content` (a GuideLanguage other than Vietnamese)
    or in the interface `language` (vi/en), and per step the reading to play: an approved recording
    in that language, else eSpeak's Vietnamese reading on a Vietnamese or English page. None when the
    guide is not translated into `content`."""
    available = guide_languages(guide)
    steps = list(guide.steps.all())
    if content is not None:
        if content.code not in {lang.code for lang in available}:
            return None
        head = guide_translation(guide, content)
        texts = step_translations(guide, content)
        recorded = current_recordings(guide, content)
        views = [
            StepView(
                s,
                texts.get(s.pk, ""),
                _recording_url(content.code, s.pk) if s.pk in recorded else "",
                s.pk in recorded,
            )
            for s in steps
        ]
        title = head.title if head else guide.title
        return GuidePage(title, head.summary if head else "", views, content, content.tag, available)
    vietnamese = language_get("vi", active_only=False)
    recorded = current_recordings(guide, vietnamese) if vietnamese else {}
    views = []
    for s in steps:
        text = s.text_en if language == "en" and s.text_en else s.text
        if s.pk in recorded:
            views.append(StepView(s, text, _recording_url("vi", s.pk), True))
        else:
            views.append(StepView(s, text, _espeak_url(s.pk)))
    return GuidePage(
        guide.display("title", language), guide.display("summary", language), views, None, "", available
    )


def _recording_url(code: str, step_id: int) -> str:
    return reverse("guides:step_recording", kwargs={"lang": code, "step_id": step_id})


def _espeak_url(step_id: int) -> str:
    try:
        return reverse("guides:step_audio", kwargs={"step_id": step_id})
    except NoReverseMatch:
        return ""


def index_languages() -> list[Any]:
    """The active guide languages (other than Vietnamese) that at least one guide is translated into."""
    return [lang for lang in active_languages(with_vietnamese=False) if guide_codes_in(lang)]


def offline_urls(language: str, *, include_audio: bool = False) -> list[str]:
    """Every address a phone needs to show every guide offline in `language`: the index, each guide
    page and the stylesheets. The language is in the address (?lang=en) so that a cached English page
    and a cached Vietnamese page never take each other's place. The field app's service worker
    precaches these; the quiz is not among them (it is a form that posts). The step readings are
    left out unless `include_audio`: they weigh far more than the pages (the speech work serves them
    at guides:step_audio, the same address in both languages)."""
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    query = language_query(language)
    urls = [reverse("guides:index") + query]
    urls += [
        reverse("guides:guide", args=[code]) + query
        for code in Guide.objects.order_by("skill_code").values_list("skill_code", flat=True)
    ]
    urls += [static(path) for path in PUBLIC_CSS]
    if include_audio:
        # Without the speech work's route there is nothing to fetch: keep the pages only.
        with contextlib.suppress(NoReverseMatch):
            steps = GuideStep.objects.order_by("guide__skill_code", "number").values_list("pk", flat=True)
            urls += [reverse("guides:step_audio", kwargs={"step_id": pk}) for pk in steps]
    return urls


def offline_language_urls(codes: list[str]) -> list[str]:
    """What a phone keeps to read and hear the guides offline in the member's chosen guide languages
    (Tày, Ê-đê…): the index and each translated guide's page in that language (?lang=tay), and the
    published recordings. Vietnamese ("vi") adds the recorded Vietnamese readings. Unknown or
    switched-off codes are ignored."""
    urls: list[str] = []
    for code in dict.fromkeys(codes):
        lang = language_get(code)
        if lang is None:
            continue
        if not lang.is_vietnamese:
            urls.append(reverse("guides:index") + f"?lang={lang.code}")
            urls += [reverse("guides:guide", args=[c]) + f"?lang={lang.code}" for c in guide_codes_in(lang)]
        urls += [_recording_url(lang.code, pk) for pk in sorted(current_recorded_steps(lang))]
    return urls


def offline_languages() -> list[dict[str, Any]]:
    """The guide languages a phone can keep: the active ones with translated guides or, for
    Vietnamese, with recorded readings; each with how many guides it has."""
    out = []
    for lang in active_languages():
        if lang.is_vietnamese:
            if current_recorded_steps(lang):
                out.append({"code": lang.code, "name": lang.name, "guides": len(guide_codes_in(lang))})
            continue
        codes = guide_codes_in(lang)
        if codes:
            out.append({"code": lang.code, "name": lang.name, "guides": len(codes)})
    return out
