"""The commune's teams, a team, its members and the households assigned to them.

Thin: parse input, call a selector or service, render.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from langso.accounts.access import Perm, has_perm, units_q
from langso.accounts.decorators import require_perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.accounts.models import User
from langso.core.http import apply_validation_error, query_without_page
from langso.places.models import Village
from langso.places.picker import pick_commune
from langso.places.selectors import commune_list, village_get, village_scope_q
from langso.registry.models import Household
from langso.teams import selectors, services, web_selectors
from langso.teams.forms import (
    AssignForm,
    MemberForm,
    TeamForm,
)
from langso.teams.models import Team
from langso.teams.views.common import int_param, villages_for

MAX_INACTIVE_DAYS = 365
HOUSEHOLDS_PAGE_SIZE = 30


def _manages_team(user: User, team: Team) -> bool:
    return has_perm(user, Perm.TEAMS_MANAGE) and (
        Team.objects.filter(units_q(user, Perm.TEAMS_MANAGE), pk=team.pk).exists()
    )


# --- The commune's teams ------------------------------------------------------------------------


@require_perm(Perm.TEAMS_VIEW)
def commune_teams(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    commune = pick_commune(request, perm=Perm.TEAMS_VIEW, picker_template="teams/commune_picker.html")
    if isinstance(commune, HttpResponse):
        return commune
    days = int_param(request.GET.get("days"), selectors.INACTIVE_TEAM_DAYS, 1, MAX_INACTIVE_DAYS)
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
        villages=villages_for(request.user, Perm.TEAMS_MANAGE),
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
