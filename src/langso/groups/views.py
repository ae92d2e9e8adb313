"""Group-session and invitation pages. Thin: parse input, call a selector or service, render.

The session form is one POST form: "Tìm" narrows the village's list with the registry's search (with
or without diacritics) and keeps everyone already ticked; "Lưu" records the session once (its UUID is
made when the form is first shown, the same rule as the phones' sync).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from langso.accounts.access import Perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.core.http import apply_validation_error, paginate, require_perm
from langso.groups import invitations, selectors, services
from langso.groups.forms import InvitationForm, SessionForm
from langso.groups.models import Invitation
from langso.places.models import Commune, Village
from langso.registry import selectors as registry_selectors
from langso.skills.models import Level, Skill
from langso.skills.services import published_version
from langso.teams.synced import SyncConflict

PEOPLE_LIMIT = 300


def _skills() -> list[Skill]:
    return list(Skill.objects.filter(version=published_version()).order_by("position"))


def _skill_choices() -> list[tuple[str, str]]:
    language = get_language() or "vi"
    return [(s.code, s.display_name(language)) for s in _skills()]


def _taught(data: Any) -> dict[str, int]:
    """The skills ticked on the form, each with the level chosen for the whole class (a level that is
    not a number is left to the service, which refuses it with a message)."""
    if data is None:
        return {}
    taught = {}
    for code in data.getlist("skill"):
        level = str(data.get(f"level-{code}") or "2")
        taught[code] = int(level) if level.isdigit() else 0
    return taught


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


@require_perm(Perm.TEAMS_VIEW)
def session_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "groups/session_list.html",
        {
            "page": paginate(request, selectors.session_list(user=user)),
            "invitations": selectors.invitation_list(user=user)[:20],
            "can_record": Commune.objects.filter(
                selectors.session_communes(user, Perm.VISIT_RECORD)
            ).exists(),
        },
    )


def _commune_for(request: AuthenticatedHttpRequest, perm: str) -> Commune | None:
    communes = Commune.objects.filter(selectors.session_communes(request.user, perm))
    code = str(request.GET.get("commune") or "")
    if code:
        commune = communes.filter(code=int(code)).first() if code.isdigit() else None
        if commune is None:
            raise Http404
        return commune
    first_two = list(communes[:2])
    return first_two[0] if len(first_two) == 1 else None


def _commune_picker(request: AuthenticatedHttpRequest, perm: str) -> HttpResponse:
    communes = Commune.objects.filter(selectors.session_communes(request.user, perm)).order_by("name")
    return render(
        request, "groups/commune_picker.html", {"page": paginate(request, communes), "path": request.path}
    )


@require_perm(Perm.VISIT_RECORD)
def session_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    commune = _commune_for(request, Perm.VISIT_RECORD)
    if commune is None:
        return _commune_picker(request, Perm.VISIT_RECORD)
    villages = list(Village.objects.filter(commune=commune).order_by("name"))
    data = request.POST if request.method == "POST" else None
    village_id = _uuid((data or request.GET).get("village"))
    village = next((v for v in villages if v.pk == village_id), None)
    form = SessionForm(
        data,
        initial={
            "session_id": uuid.uuid4(),
            "held_on": timezone.localdate(),
            "place_kind": "cultural_house",
            "organiser_kind": "team",
        },
        walk_in_villages=[(str(v.pk), v.name) for v in villages],
    )
    q = str((data or request.GET).get("q") or "").strip()[:100]
    ticked = {p for p in (_uuid(v) for v in (data.getlist("present") if data else [])) if p}
    skills = _skills()
    taught = _taught(data)
    if data is not None and data.get("action") == "save" and form.is_valid():
        fixes: dict[uuid.UUID, dict[str, int]] = {}
        for pid in ticked:
            for code in taught:
                value = data.get(f"fix-{pid}-{code}")
                if value and value.isdigit():
                    fixes.setdefault(pid, {})[code] = int(value)
        walk_ins = tuple(
            services.WalkIn(
                name=form.cleaned_data[f"wi{i}_name"],
                birth_year=form.cleaned_data[f"wi{i}_year"],
                sex=form.cleaned_data[f"wi{i}_sex"] or "",
                village_id=_uuid(form.cleaned_data[f"wi{i}_village"]),
            )
            for i in range(3)
            if form.cleaned_data[f"wi{i}_name"].strip()
        )
        try:
            session, outcome = services.session_record(
                acting_user=user,
                data=services.SessionInput(
                    id=form.cleaned_data["session_id"],
                    commune_code=commune.code,
                    held_on=form.cleaned_data["held_on"],
                    place_kind=form.cleaned_data["place_kind"],
                    place_name=form.cleaned_data["place_name"],
                    organiser_kind=form.cleaned_data["organiser_kind"],
                    organiser_name=form.cleaned_data["organiser_name"],
                    village_id=village.pk if village else None,
                    invitation_id=_uuid(data.get("invitation")),
                    skills=tuple(taught.items()),
                    attendees=tuple(services.Attendee(pid, fixes.get(pid, {})) for pid in sorted(ticked)),
                    walk_ins=walk_ins,
                    notes=form.cleaned_data["notes"],
                ),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except SyncConflict as conflict:
            form.add_error(None, conflict.message)
        else:
            if outcome == "stored":
                messages.success(request, _("Đã ghi buổi học cộng đồng."))
            return redirect("groups:session", session_id=session.pk)
    people: list[Any] = []
    if village is not None:
        filters = registry_selectors.ResidentFilters(q=q, village_id=village.pk)
        people = sorted(
            registry_selectors.resident_list(user=user, filters=filters)[:PEOPLE_LIMIT],
            key=lambda r: (r.household.code if r.household else "", r.sort_key),
        )
    shown = {p.pk for p in people}
    invitation_choices = Invitation.objects.filter(selectors.invitation_scope_q(user), commune=commune)[:20]
    return render(
        request,
        "groups/session_form.html",
        {
            "commune": commune,
            "villages": villages,
            "village": village,
            "form": form,
            "q": q,
            "people": people,
            "ticked": {str(p) for p in ticked},
            "hidden_ticked": [str(p) for p in ticked if p not in shown],
            "skill_rows": [(sk, sk.code in taught, taught.get(sk.code, 2)) for sk in skills],
            "taught_skills": [s for s in skills if s.code in taught],
            "levels": [(value, label) for value, label in Level.choices],
            "language": get_language() or "vi",
            "invitations": invitation_choices,
            "chosen_invitation": (data or request.GET).get("invitation", ""),
        },
    )


@require_perm(Perm.TEAMS_VIEW)
def session_detail(request: AuthenticatedHttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = selectors.session_get(user=request.user, session_id=session_id)
    page = selectors.session_page(session=session)
    names = dict(_skill_choices())
    present = [
        (a, [(names.get(code, code), level) for code, level in sorted(page.levels.get(a.pk, {}).items())])
        for a in page.present
    ]
    taught = [names.get(k.skill_code, k.skill_code) for k in page.skills]
    return render(
        request, "groups/session_detail.html", {"s": session, "p": page, "present": present, "taught": taught}
    )


@require_perm(Perm.VISIT_RECORD)
def invitation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    commune = _commune_for(request, Perm.VISIT_RECORD)
    if commune is None:
        return _commune_picker(request, Perm.VISIT_RECORD)
    from langso.guides.selectors import guide_codes

    villages = list(Village.objects.filter(commune=commune).order_by("name"))
    data = request.POST if request.method == "POST" else None
    village_id = _uuid((data or request.GET).get("village"))
    village = next((v for v in villages if v.pk == village_id), None)
    skill_choices = _skill_choices()
    codes = guide_codes()
    form = InvitationForm(
        data,
        initial={
            "rule": invitations.Rule.NOT_VNEID2,
            "guide_slug": "vneid_level2" if "vneid_level2" in codes else "",
        },
        skills=skill_choices,
        guides=[(c, n) for c, n in skill_choices if c in codes],
    )
    households = list(invitations.household_choices(user=user, village_id=village.pk)) if village else []
    if data is not None and data.get("action") == "save" and form.is_valid():
        household_ids = tuple(h for h in (_uuid(v) for v in data.getlist("household")) if h)
        rule = invitations.InvitationRule(
            form.cleaned_data["rule"],
            village_id=village.pk if village else None,
            skill_code=form.cleaned_data["skill_code"],
            household_ids=household_ids,
        )
        try:
            invitation = invitations.invitation_create(
                acting_user=user,
                rule=rule,
                title=form.cleaned_data["title"],
                planned_on=form.cleaned_data["planned_on"],
                place=form.cleaned_data["place"],
                guide_slug=form.cleaned_data["guide_slug"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã lập danh sách mời."))
            return redirect("groups:invitation", invitation_id=invitation.pk)
    return render(
        request,
        "groups/invitation_form.html",
        {
            "commune": commune,
            "villages": villages,
            "village": village,
            "form": form,
            "households": households,
        },
    )


def _guide_url(request: HttpRequest, invitation: Invitation) -> str:
    if not invitation.guide_slug:
        return ""
    return request.build_absolute_uri(reverse("guides:guide", args=[invitation.guide_slug]))


@require_perm(Perm.TEAMS_VIEW)
def invitation_detail(request: AuthenticatedHttpRequest, invitation_id: uuid.UUID) -> HttpResponse:
    invitation = selectors.invitation_get(user=request.user, invitation_id=invitation_id)
    guide_url = _guide_url(request, invitation)
    return render(
        request,
        "groups/invitation_detail.html",
        {
            "invitation": invitation,
            "people": selectors.invited_people(invitation),
            "message": invitations.share_message(invitation, guide_url=guide_url),
            "guide_url": guide_url,
            "qr": invitations.qr_svg(guide_url) if guide_url else "",
            "sessions": invitation.sessions.all(),
        },
    )


@require_perm(Perm.TEAMS_VIEW)
def invitation_print(request: AuthenticatedHttpRequest, invitation_id: uuid.UUID) -> HttpResponse:
    invitation = selectors.invitation_get(user=request.user, invitation_id=invitation_id)
    guide_url = _guide_url(request, invitation)
    return render(
        request,
        "groups/invitation_print.html",
        {
            "invitation": invitation,
            "people": selectors.invited_people(invitation),
            "message": invitations.share_message(invitation, guide_url=guide_url),
            "qr": invitations.qr_svg(guide_url) if guide_url else "",
        },
    )
