"""A member's worklist and home visits on the website.

Thin: parse input, call a selector or service, render. A visit carries a UUID made when the form is
first shown, so a double submit stores once — the same rule as the phones' sync.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from langso.accounts.access import Perm, has_perm, units_q
from langso.accounts.decorators import require_perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.accounts.models import User
from langso.core.http import paginate, query_without_page
from langso.registry.models import Household, Resident
from langso.skills.models import Level
from langso.skills.selectors import published_skills
from langso.teams import selectors, services, web_selectors
from langso.teams.forms import (
    PROBLEMS,
    VisitForm,
    WorklistFilterForm,
)
from langso.teams.models import Service, Visit
from langso.teams.views.common import int_param, store_once, villages_for

WORKLIST_PAGE_SIZE = 50
# Rows of "person, skill, level" a visit form starts with, and how many "more rows" may add.
SKILL_ROWS, SKILL_ROWS_MAX = 3, 15
SERVICE_ROWS = 2


# --- Worklist and visits ------------------------------------------------------------------------


def _reason_choices(user: User) -> list[tuple[str, str]]:
    labels = selectors.reason_labels()
    if not has_perm(user, Perm.SENSITIVE_VIEW):
        # Poverty status is sensitive: people who may not see it do not get it as a reason either.
        labels.pop("poor", None)
    return list(labels.items())


@require_perm(Perm.VISIT_RECORD)
def worklist(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    reasons = _reason_choices(user)
    form = WorklistFilterForm(
        request.GET or None, reasons=reasons, villages=villages_for(user, Perm.VISIT_RECORD)
    )
    filters = selectors.WorklistFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.WorklistFilters(
            q=data["q"],
            reason=data["reason"],
            village=uuid.UUID(data["village"]) if data["village"] else None,
        )
    entries = selectors.worklist(user=user, filters=filters)
    shown = dict(reasons)
    page = Paginator(entries, WORKLIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(e, [shown[r] for r in e.reasons if r in shown]) for e in page]
    return render(
        request,
        "teams/worklist.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query_without_page(request),
            "today": timezone.localdate(),
            "has_assignments": bool(entries) or selectors.memberships_of(user).exists(),
        },
    )


def _skill_choices() -> list[tuple[str, str]]:
    language = get_language() or "vi"
    skills = published_skills()
    return [(s.code, s.display_name(language)) for s in skills]


def _person_label(person: Resident) -> str:
    return f"{person.full_name} ({person.birth_year})" if person.birth_year else person.full_name


@require_perm(Perm.VISIT_RECORD)
def visit_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    household = web_selectors.household_for(
        user=request.user, household_id=request.GET.get("household"), perm=Perm.VISIT_RECORD
    )
    people = web_selectors.household_residents(household)
    person_choices = [(str(p.pk), _person_label(p)) for p in people]
    skill_rows = int_param(request.POST.get("skill_rows"), SKILL_ROWS, SKILL_ROWS, SKILL_ROWS_MAX)
    more = request.method == "POST" and request.POST.get("more") == "1"
    if more:
        skill_rows = min(skill_rows + SKILL_ROWS, SKILL_ROWS_MAX)
    form_kwargs: dict[str, Any] = {
        "people": person_choices,
        "skills": _skill_choices(),
        "skill_rows": skill_rows,
        "service_rows": SERVICE_ROWS,
    }
    if request.method != "POST":
        # Sensible defaults: today, everyone present, a fresh UUID for this visit.
        form = VisitForm(
            initial={
                "visit_id": uuid.uuid4(),
                "visited_on": timezone.localdate(),
                "present": [str(p.pk) for p in people],
            },
            **form_kwargs,
        )
    elif more:
        # "More rows" redraws the form with what was typed, unchecked, and stores nothing.
        typed: dict[str, Any] = {
            key: request.POST.get(key)
            for key in request.POST
            if key not in ("present", "csrfmiddlewaretoken")
        }
        typed["present"] = request.POST.getlist("present")
        form = VisitForm(initial=typed, **form_kwargs)
    else:
        form = VisitForm(request.POST, **form_kwargs)
        if form.is_valid():
            response = _store_visit(request, household, form)
            if response is not None:
                return response
    return render(
        request,
        "teams/visit_form.html",
        {
            "form": form,
            "household": household,
            "people": people,
            "skill_rows": skill_rows,
            "can_add_rows": skill_rows < SKILL_ROWS_MAX,
            "suggestions": _teach_today(people),
        },
    )


def _teach_today(people: list[Resident]) -> list[tuple[Resident, list[Any]]]:
    """For each person of the household, the next skills to teach (what their rules still miss)."""
    from langso.skills.explain import next_skills_many

    found = next_skills_many(list(people), limit=2)
    return [(person, found[person.pk]) for person in people if found[person.pk]]


def _store_visit(
    request: AuthenticatedHttpRequest, household: Household, form: VisitForm
) -> HttpResponse | None:
    visit_input = form.visit(household.pk)
    stored = store_once(form, lambda: services.visit_record(acting_user=request.user, data=visit_input))
    if stored is None:
        return None
    _visit, outcome = stored
    if outcome == "duplicate":
        messages.info(request, _("Buổi hướng dẫn này đã được lưu trước đó; không lưu thêm lần nữa."))
    else:
        messages.success(request, _("Đã lưu buổi hướng dẫn tại hộ %(code)s.") % {"code": household.code})
    return redirect("teams:household_visits", household_id=household.pk)


@require_perm(Perm.TEAMS_VIEW)
def household_visits(request: AuthenticatedHttpRequest, household_id: uuid.UUID) -> HttpResponse:
    household = web_selectors.household_for(
        user=request.user, household_id=household_id, perm=Perm.TEAMS_VIEW
    )
    page = paginate(request, web_selectors.household_visits(household), per_page=20)
    skill_names = dict(_skill_choices())
    levels = dict(Level.choices)
    services_ = dict(Service.choices)
    people = {p.pk: p.full_name for p in web_selectors.household_residents(household)}
    problem_labels = {name: Visit._meta.get_field(name).verbose_name for name in PROBLEMS}  # type: ignore[union-attr]  # concrete fields
    visits = [
        {
            "visit": v,
            "skills": [
                (
                    people.get(s.resident_id, "—"),
                    skill_names.get(s.skill_code, s.skill_code),
                    levels.get(s.level),
                )
                for s in v.skills.all()
            ],
            "services": [
                (services_.get(s.service, s.service), people.get(s.resident_id) if s.resident_id else "")
                for s in v.services.all()
            ],
            "problems": [label for name, label in problem_labels.items() if getattr(v, name)],
        }
        for v in page
    ]
    can_record = has_perm(request.user, Perm.VISIT_RECORD) and (
        Household.objects.filter(units_q(request.user, Perm.VISIT_RECORD), pk=household.pk).exists()
    )
    return render(
        request,
        "teams/household_visits.html",
        {"household": household, "page": page, "visits": visits, "can_record": can_record, "query": ""},
    )
