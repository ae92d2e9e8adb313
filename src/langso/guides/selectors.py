"""Reads of guides. Guides are public content, so nothing here is scoped by jurisdiction."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from langso.guides.models import Guide, GuideStep

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


def guide_groups(language: str) -> list[GuideGroup]:
    """Every guide, grouped by the area of its skill in the catalogue in force and in catalogue order;
    guides whose skill is not in that catalogue come last, under "Khác"."""
    from langso.skills.models import Skill, SkillArea
    from langso.skills.services import published_version

    guides = {
        g.skill_code: g
        for g in Guide.objects.only("skill_code", "title", "title_en", "summary", "summary_en")
    }
    groups: dict[str, GuideGroup] = {}
    for skill in Skill.objects.filter(version=published_version()).order_by("position", "code"):
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
