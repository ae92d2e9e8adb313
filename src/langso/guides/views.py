"""Guide pages: public (index, guide, check) and, for province staff, editing.

The index and guide pages carry `response.public_content = True`: they show nothing about the
visitor, so SecurityHeadersMiddleware lets browsers and the field app's service worker keep them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from langso.accounts.access import Perm, may_open
from langso.accounts.http import AuthenticatedHttpRequest
from langso.core.http import require_perm
from langso.guides import selectors, services
from langso.guides.forms import GuideForm, QuestionFormSet, StepFormSet, question_initial, step_initial
from langso.guides.models import Guide
from langso.guides.quiz import score_quiz


def _public_language(request: HttpRequest) -> tuple[str, str]:
    """The page language: ?lang= when given (so a cached page's address says its language), else the
    language the middleware chose from the cookie. Returns (language, query string for links).

    ?lang= may also name a guide language switched on by the province (?lang=tay): the interface is
    then Vietnamese and the guide's text and recordings are in that language (see _content_language)."""
    asked = request.GET.get("lang", "")
    if asked not in dict(settings.LANGUAGES) and _content_language(request) is not None:
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return settings.LANGUAGE_CODE, f"?lang={asked}"
    if asked in dict(settings.LANGUAGES):
        translation.activate(asked)
        request.LANGUAGE_CODE = asked
        return asked, f"?lang={asked}"
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language, selectors.language_query(language)


def _content_language(request: HttpRequest) -> Any:
    """The GuideLanguage named by ?lang= when it is an active language other than Vietnamese."""
    from langso.guides.languages import language_get

    asked = request.GET.get("lang", "")
    if not asked or asked in dict(settings.LANGUAGES):
        return None
    return language_get(asked)


def _public(response: HttpResponse, language: str) -> HttpResponse:
    response.public_content = True  # type: ignore[attr-defined]  # read by our cache middleware
    response["Content-Language"] = language
    # The same address answers in the cookie's language when it has no ?lang=.
    patch_vary_headers(response, ["Cookie"])
    return response


def index(request: HttpRequest) -> HttpResponse:
    language, lang_query = _public_language(request)
    content = _content_language(request)
    # The link to edit the guides shows only to who may follow it; that page is then theirs alone,
    # so it is not marked public (no cache may hand it to someone else).
    can_edit = may_open(request.user, "guides:manage")
    response = render(
        request,
        "guides/index.html",
        {
            "groups": selectors.guide_groups(language, content),
            "lang_query": lang_query,
            "language": language,
            "content_language": content,
            "languages": selectors.index_languages(),
            "can_edit": can_edit,
        },
    )
    if can_edit:
        response["Content-Language"] = language
        return response
    return _public(response, language)


def guide_detail(request: HttpRequest, skill_code: str) -> HttpResponse:
    language, lang_query = _public_language(request)
    guide = selectors.guide_get(skill_code)
    page = selectors.guide_page(guide, language, _content_language(request))
    if page is None:  # a language this guide has not been translated into
        return redirect(reverse("guides:guide", args=[guide.skill_code]))
    response = render(
        request,
        "guides/guide.html",
        {"guide": guide, "page": page, "steps": page.steps, "lang_query": lang_query, "language": language},
    )
    return _public(response, page.tag or language)


def _quiz_resident(request: HttpRequest) -> tuple[Any, Any, HttpResponse | None]:
    """Who the check's result is recorded for: (resident, acting user, redirect). A team member with
    ?resident=<id> in their scope, else the person of an open citizen session, else nobody."""
    from langso.accounts.access import has_perm
    from langso.registry.selectors import resident_get
    from langso.skills.citizen import current_citizen

    resident_id = request.GET.get("resident")
    if resident_id:
        if not request.user.is_authenticated:
            return None, None, redirect_to_login(request.get_full_path())
        try:
            if not has_perm(request.user, Perm.REGISTRY_EDIT):
                raise Http404
            resident = resident_get(user=request.user, resident_id=resident_id, perm=Perm.REGISTRY_EDIT)
        except Http404:
            # /guides/ is public, so the audit middleware does not watch it; a person outside the
            # user's scope is a refused access to personal data all the same.
            from langso.accounts.services import denied_record

            denied_record(
                acting_user=request.user,
                path=request.get_full_path(),
                status=404,
                method=request.method or "",
            )
            raise
        return resident, request.user, None
    citizen = current_citizen(request)
    if citizen is not None:
        return citizen, None, None
    return None, None, None


def quiz(request: HttpRequest, skill_code: str) -> HttpResponse:
    language, lang_query = _public_language(request)
    guide = selectors.guide_get(skill_code)
    resident, acting_user, login = _quiz_resident(request)
    if login is not None:
        return login
    context: dict[str, Any] = {
        "guide": guide,
        "questions": guide.questions.all(),
        "resident": resident,
        "for_citizen": resident is not None and acting_user is None,
        "lang_query": lang_query,
        "language": language,
    }
    if request.method == "POST":
        answers = {q.number: request.POST.get(f"q{q.number}") for q in guide.questions.all()}
        result = score_quiz(guide, answers)
        context["result"] = result
        if result.answered_none:
            # Nothing answered is no evidence: the check is shown again and nothing is recorded.
            context["nothing_answered"] = True
            template = "guides/quiz.html"
        elif resident is not None:
            try:
                context["record"] = services.quiz_evidence_record(
                    acting_user=acting_user, resident=resident, guide=guide, result=result
                )
            except ValidationError as error:
                context["record_error"] = " ".join(error.messages)
            context["recorded"] = True
        if not result.answered_none:
            template = "guides/quiz_result.html"
    else:
        template = "guides/quiz.html"
    response = render(request, template, context)
    if resident is not None:
        # A citizen session is not a signed-in user, but this page is about them: never cache it.
        response.personal_data = True  # type: ignore[attr-defined]  # read by our cache middleware
    return response


@require_perm(Perm.CATALOGUE_EDIT)
def manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    from langso.skills.models import Skill
    from langso.skills.services import published_version

    language = translation.get_language() or settings.LANGUAGE_CODE
    guides = {g.skill_code: g for g in Guide.objects.select_related("updated_by")}
    skills = list(Skill.objects.filter(version=published_version()).order_by("position", "code"))
    rows = [(s, guides.pop(s.code, None)) for s in skills]
    # Guides the province edited whose shipped file changed since: listed first in the notice.
    to_review = [g for _s, g in rows if g is not None and services.shipped_version_changed(g)]
    from langso.guides.languages import guides_per_language

    return render(
        request,
        "guides/manage.html",
        {
            "rows": rows,
            "orphans": list(guides.values()),
            "to_review": to_review,
            "language": language,
            "figures": guides_per_language(),
        },
    )


def _other_languages() -> list[Any]:
    from langso.guides.languages import active_languages

    return active_languages(with_vietnamese=False)


@require_perm(Perm.CATALOGUE_EDIT)
def edit(request: AuthenticatedHttpRequest, skill_code: str | None = None) -> HttpResponse:
    from langso.skills.models import Skill
    from langso.skills.services import published_version

    if skill_code is None:  # a new guide, for a skill of the catalogue that has none
        skill_code = request.GET.get("skill", "")
        if Guide.objects.filter(skill_code=skill_code).exists():
            return redirect("guides:edit", skill_code)
        skill = Skill.objects.filter(version=published_version(), code=skill_code).first()
        if skill is None:
            raise Http404
        guide = None
        initial: dict[str, Any] = {"title": skill.name, "title_en": skill.name_en, "pass_mark": 0}
        heading = skill.name
    else:
        guide = selectors.guide_get(skill_code)
        initial = {f: getattr(guide, f) for f in services.GUIDE_FIELDS}
        heading = guide.title
    data = request.POST if request.method == "POST" else None
    form = GuideForm(data, initial=initial)
    steps = StepFormSet(data, initial=step_initial(guide), prefix="steps")
    questions = QuestionFormSet(data, initial=question_initial(guide), prefix="questions")
    errors: list[str] = []
    if data is not None and form.is_valid() and steps.is_valid() and questions.is_valid():
        try:
            saved = services.guide_save(
                acting_user=request.user,
                skill_code=skill_code,
                steps=[s for s in (f.to_input() for f in steps) if s is not None],
                questions=[q for q in (f.to_input() for f in questions) if q is not None],
                **form.cleaned_data,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, texts in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, texts)
            else:
                errors = error.messages
        else:
            messages.success(request, _("Đã lưu hướng dẫn."))
            return redirect(reverse("guides:edit", args=[saved.skill_code]))
    return render(
        request,
        "guides/edit.html",
        {
            "guide": guide,
            "skill_code": skill_code,
            "heading": heading,
            "form": form,
            "steps": steps,
            "questions": questions,
            "errors": errors,
            "other_languages": _other_languages(),
            "shipped": services.shipped_content(guide)
            if guide and services.shipped_version_changed(guide)
            else None,
        },
    )


@require_perm(Perm.CATALOGUE_EDIT)
@require_POST
def review_shipped(request: AuthenticatedHttpRequest, skill_code: str) -> HttpResponse:
    """Staff settle "the shipped version changed": take the shipped guide, or keep theirs."""
    guide = selectors.guide_get(skill_code)
    take = request.POST.get("choice") == "shipped"
    try:
        services.guide_review_shipped(acting_user=request.user, guide=guide, take_shipped=take)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Đã thay bằng bản gốc mới.")
            if take
            else _("Đã giữ bản của tỉnh; thông báo này sẽ không hiện lại."),
        )
    return redirect("guides:edit", skill_code)
