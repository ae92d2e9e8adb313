"""Team pages: the commune's teams, a team, a member's worklist, home visits, help desk, weak signal.

Thin: parse input, call a selector or service, render. Records made here (visits, help-desk sessions,
signal reports) carry a UUID made when the form is first shown, so a double submit stores once —
the same rule as the phones' sync.
"""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from langso.accounts.access import Perm, has_perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.accounts.models import User
from langso.core.http import apply_validation_error, paginate, pick_commune, query_without_page, require_perm
from langso.places.models import Commune, Village
from langso.places.selectors import commune_list, village_choices, village_get, village_list, village_scope_q
from langso.registry import selectors as registry_selectors
from langso.registry.models import Household, Resident
from langso.skills.models import Level, Skill
from langso.skills.services import published_version
from langso.teams import selectors, services, web_selectors
from langso.teams.forms import (
    PROBLEMS,
    AssignForm,
    HelpDeskForm,
    MemberForm,
    SignalFilterForm,
    SignalMoveForm,
    SignalReportForm,
    TeamForm,
    VisitForm,
    WorklistFilterForm,
)
from langso.teams.models import HelpDeskOutcome, Service, SignalReport, SignalStatus, Team, Visit
from langso.teams.services import HelpDeskInput, ServiceDone, SignalReportInput, SkillTaught, VisitInput

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

VILLAGE_CHOICES_LIMIT = 500
MAX_INACTIVE_DAYS = 365
WORKLIST_PAGE_SIZE = 50
HOUSEHOLDS_PAGE_SIZE = 30
HELPDESK_SEARCH_LIMIT = 10
# Rows of "person, skill, level" a visit form starts with, and how many "more rows" may add.
SKILL_ROWS, SKILL_ROWS_MAX = 3, 15
SERVICE_ROWS = 2


def _store_once(form: Any, store: Any) -> tuple[Any, str] | None:
    """Run a store-once service (keyed by the form's hidden UUID). Its refusal goes onto the form,
    in Vietnamese, and gives None; otherwise (record, "stored" | "duplicate")."""
    try:
        return store()
    except services.SyncConflict as conflict:
        form.add_error(None, conflict.message)
    except ValidationError as error:
        apply_validation_error(form, error)
    return None


def _village_choices(user: User, perm: str) -> list[tuple[str, Any]]:
    return village_choices(list(village_list(user=user, perm=perm)[: VILLAGE_CHOICES_LIMIT + 1]))


def _manages_team(user: User, team: Team) -> bool:
    return has_perm(user, Perm.TEAMS_MANAGE) and (
        Team.objects.filter(selectors.units_q(user, Perm.TEAMS_MANAGE), pk=team.pk).exists()
    )


def _int_param(value: Any, default: int, low: int, high: int) -> int:
    text = str(value or "").strip()
    return min(max(int(text), low), high) if text.isdigit() else default


# --- The commune's teams ------------------------------------------------------------------------


@require_perm(Perm.TEAMS_VIEW)
def commune_teams(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    commune = pick_commune(request, perm=Perm.TEAMS_VIEW, picker_template="teams/commune_picker.html")
    if isinstance(commune, HttpResponse):
        return commune
    days = _int_param(request.GET.get("days"), selectors.INACTIVE_TEAM_DAYS, 1, MAX_INACTIVE_DAYS)
    overview = selectors.commune_overview(user=user, commune_code=commune.code, inactive_days=days)
    can_manage = has_perm(user, Perm.TEAMS_MANAGE) and (
        Village.objects.filter(village_scope_q(user, Perm.TEAMS_MANAGE), commune=commune).exists()
    )
    return render(
        request,
        "teams/commune_teams.html",
        {
            "commune": commune,
            "overview": overview,
            "teams": selectors.team_list(user=user, commune_code=commune.code),
            "days": days,
            "can_manage": can_manage,
            "several_communes": commune_list(user=user, perm=Perm.TEAMS_VIEW)[:2].count() > 1,
        },
    )


@require_perm(Perm.TEAMS_MANAGE)
def team_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TeamForm(
        request.POST or None,
        villages=_village_choices(request.user, Perm.TEAMS_MANAGE),
        initial={"village": request.GET.get("village"), "established_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = village_get(user=request.user, village_id=data["village"], perm=Perm.TEAMS_MANAGE)
        try:
            team = services.team_create(
                acting_user=request.user,
                village=village,
                name=data["name"],
                established_on=data["established_on"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã lập tổ %(name)s.") % {"name": team.name})
            return redirect("teams:team", team_id=team.pk)
    return render(request, "teams/team_form.html", {"form": form, "creating": True})


@require_perm(Perm.TEAMS_MANAGE)
def team_edit(request: AuthenticatedHttpRequest, team_id: uuid.UUID) -> HttpResponse:
    team = selectors.team_get(user=request.user, team_id=team_id, perm=Perm.TEAMS_MANAGE)
    form = TeamForm(
        request.POST or None,
        editing=True,
        initial={"name": team.name, "established_on": team.established_on, "is_active": team.is_active},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(acting_user=request.user, team=team, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("teams:team", team_id=team.pk)
    return render(request, "teams/team_form.html", {"form": form, "team": team, "creating": False})


def _member_choices(team: Team) -> list[tuple[str, str]]:
    return [
        (str(m.pk), m.full_name) for m in team.members.filter(is_active=True).order_by("role", "full_name")
    ]


@require_perm(Perm.TEAMS_VIEW)
def team_detail(request: AuthenticatedHttpRequest, team_id: uuid.UUID) -> HttpResponse:
    team = selectors.team_get(user=request.user, team_id=team_id)
    can_manage = _manages_team(request.user, team)
    member_form = MemberForm()
    if request.method == "POST":
        # Adding a member posts here, so the form comes back with its errors in place.
        if not can_manage:
            raise PermissionDenied
        member_form = MemberForm(request.POST)
        if member_form.is_valid():
            member = _add_member(request, team, member_form)
            if member is not None:
                messages.success(request, _("Đã thêm %(name)s vào tổ.") % {"name": member.full_name})
                return redirect("teams:team", team_id=team.pk)
    return _render_team(request, team, can_manage=can_manage, member_form=member_form)


def _add_member(request: AuthenticatedHttpRequest, team: Team, form: MemberForm) -> Any:
    data = dict(form.cleaned_data)
    username = data.pop("username")
    account = None
    if username:
        account = web_selectors.account_for_team(team, username)
        if account is None:
            form.add_error("username", _("Không tìm thấy tài khoản này ở thôn hoặc xã/phường của tổ."))
            return None
    try:
        return services.member_add(acting_user=request.user, team=team, user=account, **data)
    except ValidationError as error:
        apply_validation_error(form, error)
        if hasattr(error, "error_dict") and "user" in error.error_dict:
            form.add_error("username", error.message_dict["user"])
        return None


def _render_team(
    request: HttpRequest,
    team: Team,
    *,
    can_manage: bool,
    member_form: MemberForm,
    assign_form: AssignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    q = str(request.GET.get("q") or "")[:100]
    paginator = Paginator(web_selectors.team_households(team, q=q), HOUSEHOLDS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "teams/team_detail.html",
        {
            "team": team,
            "members": web_selectors.team_members(team),
            "can_manage": can_manage,
            "member_form": member_form,
            "assign_form": assign_form or AssignForm(members=_member_choices(team)),
            "page": page,
            "q": q,
            "query": query_without_page(request),
            "household_total": paginator.count,
        },
        status=status,
    )


@require_POST
@require_perm(Perm.TEAMS_MANAGE)
def member_set_active(request: AuthenticatedHttpRequest, member_id: uuid.UUID) -> HttpResponse:
    member = web_selectors.team_member_get(user=request.user, member_id=member_id)
    active = request.POST.get("active") == "1"
    services.member_set_active(acting_user=request.user, member=member, active=active)
    if active:
        messages.success(request, _("%(name)s tham gia tổ trở lại.") % {"name": member.full_name})
    else:
        messages.success(
            request,
            _("%(name)s đã ngừng tham gia tổ; các hộ của người này chờ giao cho thành viên khác.")
            % {"name": member.full_name},
        )
    return redirect("teams:team", team_id=member.team_id)


@require_POST
@require_perm(Perm.TEAMS_MANAGE)
def team_assign(request: AuthenticatedHttpRequest, team_id: uuid.UUID) -> HttpResponse:
    team = selectors.team_get(user=request.user, team_id=team_id, perm=Perm.TEAMS_MANAGE)
    form = AssignForm(request.POST, members=_member_choices(team))
    if form.is_valid():
        data = form.cleaned_data
        # Only households of the team's own village can be ticked; anything else is ignored.
        households = list(Household.objects.filter(village_id=team.village_id, pk__in=data["households"]))
        try:
            if not households:
                raise ValidationError({"households": [_("Hãy đánh dấu ít nhất một hộ.")]})
            if data["action"] == "assign":
                member = team.members.get(pk=data["member"])
                count = services.households_assign(
                    acting_user=request.user, member=member, households=households
                )
                messages.success(
                    request,
                    _("Đã giao %(count)s hộ cho %(name)s.") % {"count": count, "name": member.full_name},
                )
            else:
                count = services.households_unassign(acting_user=request.user, households=households)
                messages.success(request, _("Đã bỏ phân công %(count)s hộ.") % {"count": count})
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            # Back to the same search and page of the list (a query string on our own path).
            back = QueryDict(request.POST.get("back", "")[:300])
            params = urlencode({k: back[k] for k in ("q", "page") if back.get(k)})
            url = reverse("teams:team", kwargs={"team_id": team.pk})
            return redirect(f"{url}?{params}#households" if params else f"{url}#households")
    return _render_team(
        request, team, can_manage=True, member_form=MemberForm(), assign_form=form, status=200
    )


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
        request.GET or None, reasons=reasons, villages=_village_choices(user, Perm.VISIT_RECORD)
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
    skills = Skill.objects.filter(version=published_version()).order_by("position", "code")
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
    skill_rows = _int_param(request.POST.get("skill_rows"), SKILL_ROWS, SKILL_ROWS, SKILL_ROWS_MAX)
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
    data = form.cleaned_data
    visit_input = VisitInput(
        id=data["visit_id"],
        household_id=household.pk,
        visited_on=data["visited_on"],
        present=data["present_ids"],
        skills=tuple(SkillTaught(p, code, level) for p, code, level in data["skills_taught"]),
        services=tuple(ServiceDone(service, person) for service, person in data["services_done"]),
        no_signal=data["no_signal"],
        broken_phone=data["broken_phone"],
        no_phone=data["no_phone"],
        scam=data["scam"],
        notes=data["notes"],
        follow_up_on=data["follow_up_on"],
    )
    stored = _store_once(form, lambda: services.visit_record(acting_user=request.user, data=visit_input))
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
        Household.objects.filter(selectors.units_q(request.user, Perm.VISIT_RECORD), pk=household.pk).exists()
    )
    return render(
        request,
        "teams/household_visits.html",
        {"household": household, "page": page, "visits": visits, "can_record": can_record, "query": ""},
    )


# --- Help desk ----------------------------------------------------------------------------------


@require_perm(Perm.TEAMS_VIEW)
def helpdesk(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    communes = web_selectors.helpdesk_communes(user, Perm.TEAMS_VIEW)
    code = str(request.GET.get("commune") or "").strip()
    commune: Commune | None
    if code:
        commune = communes.filter(code=int(code)).first() if code.isdigit() else None
        if commune is None:
            raise Http404
    else:
        first_two = list(communes[:2])
        commune = first_two[0] if len(first_two) == 1 else None
        if commune is None:
            return render(
                request,
                "teams/helpdesk_picker.html",
                {"page": paginate(request, communes), "query": query_without_page(request)},
            )
    can_record = web_selectors.helpdesk_communes(user, Perm.HELPDESK_RECORD).filter(pk=commune.pk).exists()
    q = str(request.GET.get("q") or "").strip()[:100]
    form = HelpDeskForm(
        request.POST or None,
        initial={"session_id": uuid.uuid4(), "helped_on": timezone.localdate(), "minutes": 15},
    )
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            response = _store_helpdesk(request, commune, form)
            if response is not None:
                return response
    matches: list[Resident] = []
    if q and can_record:
        filters = registry_selectors.ResidentFilters(q=q, commune_code=commune.code, adults_only=True)
        matches = list(registry_selectors.resident_list(user=user, filters=filters)[:HELPDESK_SEARCH_LIMIT])
    sessions, totals = web_selectors.helpdesk_week(user=user, commune=commune)
    start, end = web_selectors.week_bounds()
    chosen = str(form["resident"].value() or "")
    return render(
        request,
        "teams/helpdesk.html",
        {
            "commune": commune,
            "form": form,
            "can_record": can_record,
            "q": q,
            "matches": matches,
            "chosen": chosen,
            "sessions": sessions[:200],
            "totals": totals,
            "total_sessions": sum(t.sessions for t in totals),
            "total_done": sum(t.done for t in totals),
            "total_minutes": sum(t.minutes for t in totals),
            "week_start": start,
            "week_end": end,
            "outcomes": dict(HelpDeskOutcome.choices),
            "several_communes": communes[:2].count() > 1,
        },
    )


def _store_helpdesk(
    request: AuthenticatedHttpRequest, commune: Commune, form: HelpDeskForm
) -> HttpResponse | None:
    data = form.cleaned_data
    session_input = HelpDeskInput(
        id=data["session_id"],
        commune_code=commune.code,
        helped_on=data["helped_on"],
        procedure=data["procedure"],
        outcome=data["outcome"],
        minutes=data["minutes"],
        resident_id=data["resident"],
        walk_in_name="" if data["resident"] else data["walk_in_name"],
        walk_in_birth_year=None if data["resident"] else data["walk_in_birth_year"],
        notes=data["notes"],
    )
    stored = _store_once(form, lambda: services.helpdesk_record(acting_user=request.user, data=session_input))
    if stored is None:
        return None
    _session, outcome = stored
    if outcome == "duplicate":
        messages.info(request, _("Lượt hỗ trợ này đã được lưu trước đó; không lưu thêm lần nữa."))
    else:
        messages.success(request, _("Đã ghi lượt hỗ trợ."))
    return redirect(f"{reverse('teams:helpdesk')}?commune={commune.code}")


# --- Weak-signal reports ------------------------------------------------------------------------


@require_perm(Perm.SIGNAL_VIEW)
def signal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SignalFilterForm(request.GET or None)
    status, overdue = "", False
    if form.is_valid():
        status, overdue = form.cleaned_data["status"], form.cleaned_data["overdue"]
    reports = selectors.signal_report_list(user=request.user, status=status, overdue=overdue)
    page = paginate(request, reports.order_by("-reported_on", "-created_at", "id"))
    today = timezone.localdate()
    return render(
        request,
        "teams/signal_list.html",
        {
            "form": form,
            "page": page,
            "rows": [_signal_row(r, today) for r in page],
            "query": query_without_page(request),
            "can_report": has_perm(request.user, Perm.SIGNAL_REPORT),
        },
    )


def _signal_row(report: Any, today: datetime.date) -> dict[str, Any]:
    is_open = report.status in (SignalStatus.REPORTED, SignalStatus.CONFIRMED)
    end = today if is_open or report.closed_on is None else report.closed_on
    return {
        "report": report,
        "days_open": max((end - report.reported_on).days, 0),
        "overdue": report.is_overdue(today),
        "is_open": is_open,
    }


@require_perm(Perm.SIGNAL_REPORT)
def signal_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SignalReportForm(
        request.POST or None,
        villages=_village_choices(request.user, Perm.SIGNAL_REPORT),
        initial={"report_id": uuid.uuid4(), "reported_on": timezone.localdate(), "households_affected": 0},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report_input = SignalReportInput(
            id=data["report_id"],
            village_id=uuid.UUID(data["village"]),
            description=data["description"],
            operator=data["operator"],
            technology=data["technology"],
            reported_on=data["reported_on"],
            households_affected=data["households_affected"],
            latitude=data["latitude"],
            longitude=data["longitude"],
        )
        try:
            report, outcome = services.signal_report_create(acting_user=request.user, data=report_input)
        except services.SyncConflict as conflict:
            form.add_error(None, conflict.message)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if outcome == "duplicate":
                messages.info(request, _("Báo cáo này đã được gửi trước đó; không lưu thêm lần nữa."))
            else:
                messages.success(request, _("Đã gửi báo cáo vùng lõm sóng."))
            return redirect("teams:signal", report_id=report.pk)
    return render(request, "teams/signal_form.html", {"form": form})


def _moves(report: Any) -> list[tuple[str, StrOrPromise]]:
    labels = dict(SignalStatus.choices)
    allowed = services.SIGNAL_MOVES.get(report.status, frozenset())
    return [(s, labels[s]) for s in SignalStatus.values if s in allowed]


@require_perm(Perm.SIGNAL_VIEW)
def signal_detail(request: AuthenticatedHttpRequest, report_id: uuid.UUID) -> HttpResponse:
    report = selectors.signal_report_get(user=request.user, report_id=report_id)
    return _render_signal(request, report)


def _render_signal(
    request: AuthenticatedHttpRequest, report: Any, move_form: SignalMoveForm | None = None
) -> HttpResponse:
    can_handle = has_perm(request.user, Perm.SIGNAL_HANDLE) and (
        SignalReport.objects.filter(
            selectors.signal_report_scope_q(request.user, Perm.SIGNAL_HANDLE), pk=report.pk
        ).exists()
    )
    moves = _moves(report)
    return render(
        request,
        "teams/signal_detail.html",
        {
            "report": report,
            "row": _signal_row(report, timezone.localdate()),
            "events": report.events.select_related("by"),
            "can_handle": can_handle and bool(moves),
            "move_form": move_form or SignalMoveForm(moves=moves),
        },
    )


@require_POST
@require_perm(Perm.SIGNAL_HANDLE)
def signal_move(request: AuthenticatedHttpRequest, report_id: uuid.UUID) -> HttpResponse:
    # Another operator's report, or one outside the partner's area, is the same 404 as a missing one.
    report = selectors.signal_report_get(user=request.user, report_id=report_id, perm=Perm.SIGNAL_HANDLE)
    form = SignalMoveForm(request.POST, moves=_moves(report))
    if form.is_valid():
        try:
            services.signal_report_move(
                acting_user=request.user,
                report=report,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã cập nhật trạng thái báo cáo."))
            return redirect("teams:signal", report_id=report.pk)
    return _render_signal(request, report, move_form=form)
