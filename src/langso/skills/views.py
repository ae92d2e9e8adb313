from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from langso.accounts.access import Perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.accounts.models import User
from langso.core.http import apply_validation_error, require_perm
from langso.registry.selectors import resident_get
from langso.skills import services
from langso.skills.forms import SkillEditForm, SkillRecordForm
from langso.skills.models import Skill, SkillArea


@require_perm(Perm.REGISTRY_EDIT)
def record_create(request: AuthenticatedHttpRequest, resident_id: str) -> HttpResponse:
    resident = resident_get(user=request.user, resident_id=resident_id, perm=Perm.REGISTRY_EDIT)
    language = get_language() or "vi"
    # Grouped by area, none chosen beforehand: the first skill is never recorded just because nobody
    # changed the list.
    groups: dict[str, list[tuple[str, str]]] = {}
    for s in Skill.objects.filter(version=services.published_version()).order_by("position"):
        groups.setdefault(str(dict(SkillArea.choices).get(s.area, s.area)), []).append(
            (s.code, s.display_name(language))
        )
    skills = list(groups.items())
    form = SkillRecordForm(
        request.POST or None,
        skills=skills,
        initial={
            "recorded_on": timezone.localdate(),
            "skill_code": request.GET.get("skill"),
            "level": request.GET.get("level")
            if request.GET.get("level", "") in {"1", "2", "3", "4"}
            else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.skill_record_add(acting_user=request.user, resident=resident, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Đã ghi nhận kỹ năng."))
            return redirect(resident)
    return render(request, "skills/record_form.html", {"form": form, "resident": resident})


@require_POST
@require_perm(Perm.REGISTRY_EDIT)
def record_void(request: AuthenticatedHttpRequest, resident_id: str, record_id: str) -> HttpResponse:
    from langso.skills.models import SkillRecord

    resident = resident_get(user=request.user, resident_id=resident_id, perm=Perm.REGISTRY_EDIT)
    record = get_object_or_404(SkillRecord.with_voided, pk=record_id, resident=resident)
    if request.method == "POST":
        try:
            services.skill_record_void(
                acting_user=request.user, record=record, reason=request.POST.get("reason", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã hủy ghi nhận. Các số liệu được tính lại."))
    return redirect(f"{resident.get_absolute_url()}#skill-history")


def _user_province(user: User) -> int | None:
    """The province whose own rules apply to what this user sees (None: national rules)."""
    from langso.accounts.access import scope_for
    from langso.places.models import Commune, Village

    scope = scope_for(user, Perm.REGISTRY_VIEW)
    provinces = set(scope.province_codes)
    provinces |= set(
        Commune.objects.filter(code__in=scope.commune_codes).values_list("province_id", flat=True)
    )
    provinces |= set(
        Village.objects.filter(pk__in=scope.village_ids).values_list("commune__province_id", flat=True)
    )
    return provinces.pop() if len(provinces) == 1 else None


@require_perm(Perm.REGISTRY_VIEW)
def rules(request: AuthenticatedHttpRequest) -> HttpResponse:
    from langso.skills.explain import all_rules

    return render(request, "skills/rules.html", {"rules": all_rules(_user_province(request.user))})


@require_perm(Perm.REGISTRY_VIEW)
def rule(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    """One rule, written out from the rule itself: what it asks for, skill by skill, level by level."""
    from django.http import Http404

    from langso.skills.explain import rule_by_key

    found = rule_by_key(key, _user_province(request.user))
    if found is None:
        raise Http404
    return render(request, "skills/rule.html", {"rule": found})


@require_perm(Perm.REGISTRY_VIEW)
def catalogue(request: AuthenticatedHttpRequest) -> HttpResponse:
    from langso.accounts.access import has_perm
    from langso.skills.selectors import draft_version

    version = services.published_version()
    draft = draft_version()
    show = (
        draft
        if (draft and request.GET.get("draft") and has_perm(request.user, Perm.CATALOGUE_EDIT))
        else version
    )
    return render(
        request,
        "skills/catalogue.html",
        {
            "version": show,
            "published": version,
            "draft": draft,
            "skills": show.skills.order_by("position", "code"),
            "can_edit": has_perm(request.user, Perm.CATALOGUE_EDIT),
            "shipped_changed": has_perm(request.user, Perm.CATALOGUE_EDIT)
            and services.shipped_catalogue_changed(),
        },
    )


@require_perm(Perm.CATALOGUE_EDIT)
def draft_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.catalogue_draft_start(acting_user=request.user)
    return redirect(f"{reverse('skills:catalogue')}?draft=1")


@require_perm(Perm.CATALOGUE_EDIT)
def draft_skill_edit(request: AuthenticatedHttpRequest, code: str | None = None) -> HttpResponse:
    from langso.skills.selectors import draft_version

    draft = draft_version()
    if draft is None:
        return redirect("skills:catalogue")
    skill = get_object_or_404(Skill, version=draft, code=code) if code else None
    initial = (
        {f: getattr(skill, f) for f in ("code", *services.SKILL_FIELDS)}
        if skill
        else {"position": draft.skills.count()}
    )
    form = SkillEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        new_code = data.pop("code")
        if skill and new_code != skill.code:
            form.add_error("code", _("Không đổi mã của kỹ năng đã có: hồ sơ cũ dựa vào mã này."))
        else:
            try:
                services.draft_skill_save(acting_user=request.user, draft=draft, code=new_code, **data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Đã lưu vào bản nháp."))
                return redirect(f"{reverse('skills:catalogue')}?draft=1")
    return render(request, "skills/skill_form.html", {"form": form, "skill": skill, "draft": draft})


@require_perm(Perm.CATALOGUE_EDIT)
def draft_publish(request: AuthenticatedHttpRequest) -> HttpResponse:
    from langso.skills.selectors import draft_version

    draft = draft_version()
    if request.method == "POST" and draft is not None:
        try:
            services.catalogue_publish(
                acting_user=request.user, draft=draft, note=request.POST.get("note", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã áp dụng danh mục phiên bản %(n)s.") % {"n": draft.number})
    return redirect("skills:catalogue")


def _drill_unit(user: User, commune_code: int | None) -> tuple[str, int] | None:
    """The unit whose people a number of the skills page opens (the campaigns' drill-down list), when
    the user may open that list and the page is about one commune or one province."""
    from langso.accounts.access import Perm, may_open, scope_for

    if not may_open(user, "campaigns:drill"):
        return None
    if commune_code:
        return ("commune", commune_code)
    scope = scope_for(user, Perm.CAMPAIGNS_VIEW)
    if scope.village_ids or scope.everything:
        return None
    if len(scope.province_codes) == 1 and not scope.commune_codes:
        return ("province", next(iter(scope.province_codes)))
    if len(scope.commune_codes) == 1 and not scope.province_codes:
        return ("commune", next(iter(scope.commune_codes)))
    return None


@require_perm(Perm.REGISTRY_VIEW)
def numbers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Skills reached per area and per skill, per unit and over time, for the steering committee."""
    from langso.accounts.access import Perm
    from langso.places.selectors import commune_list
    from langso.skills.models import SkillArea
    from langso.skills.selectors import digital_citizen_count, skill_counts, skill_progress_by_month

    language = get_language() or "vi"
    in_scope = commune_list(user=request.user, perm=Perm.REGISTRY_VIEW)
    # A picker for up to a province's communes; beyond that, ?commune= still works.
    communes = [(c.code, c.name) for c in in_scope[:400]]
    picked = request.GET.get("commune", "")
    commune_code = int(picked) if picked.isdigit() and in_scope.filter(code=int(picked)).exists() else None
    counts = skill_counts(user=request.user, commune_code=commune_code)
    citizens = digital_citizen_count(user=request.user, commune_code=commune_code)
    progress = skill_progress_by_month(user=request.user, commune_code=commune_code)
    areas: dict[str, list[int]] = {}
    for c in counts:
        total = areas.setdefault(c.skill.area, [0, 0])
        total[0] += c.reached
        total[1] += c.recorded
    area_labels = dict(SkillArea.choices)
    return render(
        request,
        "skills/numbers.html",
        {
            "communes": communes,
            "commune_code": commune_code,
            "citizens": citizens,
            "citizen_percent": round(100 * citizens.citizens / citizens.adults, 1)
            if citizens.adults
            else None,
            "drill": _drill_unit(request.user, commune_code),
            "rows": [
                (
                    c.skill.display_name(language),
                    c.skill.get_area_display(),
                    c.reached,
                    c.recorded,
                    progress.by_skill.get(c.skill.code, []),
                )
                for c in counts
            ],
            "areas": [
                (area_labels[area], reached, recorded, progress.by_area.get(area, []), f"skills_{area}")
                for area, (reached, recorded) in areas.items()
            ],
            "months": [f"{m[5:]}/{m[:4]}" for m in progress.months],
        },
    )
