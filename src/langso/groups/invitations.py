"""Invitations to a group session: who to invite (by a rule, or a list of households), frozen as a
list; the printable list for the village head and the loudspeaker; the short message with the
guide's link and QR the team leader shares to the village's Zalo group.

The rules read the same facts the rest of the app does: "VNeID level 2" is what the worklist's
"vneid_missing" reason and the campaign fact mean — the service done at a visit or the help desk,
or the skill `vneid_level2` reached "can do alone" (`skills.CurrentSkillLevel`).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from langso.accounts.access import Perm
from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.core.text import clean_text
from langso.groups.models import Invitation, InvitationRuleKind, InvitedPerson
from langso.places.models import Village
from langso.registry.models import Household, Resident
from langso.registry.selectors import resident_scope_q
from langso.skills.models import CurrentSkillLevel
from langso.teams.models import HelpDeskOutcome, HelpDeskSession, Service, VisitService

ADULT_AGE = 18
PROFICIENT = 3  # "Tự làm được"
MAX_INVITED = 2000
VNEID_SKILL = "vneid_level2"


Rule = InvitationRuleKind
RULE_CHOICES = InvitationRuleKind.choices


def adults_q(today: datetime.date | None = None) -> Q:
    """18 or older by birth year (what commune registers hold for many elderly people)."""
    today = today or timezone.localdate()
    return Q(birth_year__lte=today.year - ADULT_AGE)


def vneid_level2_q() -> Q:
    """Residents with VNeID level 2: done at a visit or the help desk, or the skill reached.

    The subqueries leave out rows with no person (a service noted for the household, a walk-in at the
    desk): under `exclude`, one NULL in a `NOT IN` list would make SQL exclude everyone."""
    return (
        Q(
            pk__in=VisitService.objects.filter(service=Service.VNEID_LEVEL2, resident__isnull=False).values(
                "resident_id"
            )
        )
        | Q(
            pk__in=HelpDeskSession.objects.filter(
                procedure=Service.VNEID_LEVEL2, outcome=HelpDeskOutcome.DONE, resident__isnull=False
            ).values("resident_id")
        )
        | Q(
            pk__in=CurrentSkillLevel.objects.filter(skill_code=VNEID_SKILL, level__gte=PROFICIENT).values(
                "resident_id"
            )
        )
    )


def skill_reached_q(skill_code: str) -> Q:
    return Q(
        pk__in=CurrentSkillLevel.objects.filter(skill_code=skill_code, level__gte=PROFICIENT).values(
            "resident_id"
        )
    )


@dataclass(frozen=True)
class InvitationRule:
    rule: str
    village_id: uuid.UUID | None = None
    skill_code: str = ""
    household_ids: tuple[uuid.UUID, ...] = ()

    def params(self) -> dict[str, Any]:
        return {
            "skill_code": self.skill_code,
            "households": sorted(str(h) for h in self.household_ids),
        }


def invitees(*, user: User, rule: InvitationRule, today: datetime.date | None = None) -> QuerySet[Resident]:
    """The people a rule picks, within the units where the user records team work, in the order of the
    village's list (household by household). Raises ValidationError for an incomplete rule."""
    people = Resident.objects.filter(resident_scope_q(user, Perm.VISIT_RECORD)).filter(adults_q(today))
    if rule.rule == Rule.HOUSEHOLDS:
        if not rule.household_ids:
            raise ValidationError({"households": [_("Chọn ít nhất một hộ.")]})
        people = people.filter(household_id__in=rule.household_ids)
    else:
        if rule.village_id is None:
            raise ValidationError({"village": [_("Chọn thôn/bản.")]})
        people = people.filter(village_id=rule.village_id)
        if rule.rule == Rule.NOT_VNEID2:
            people = people.exclude(vneid_level2_q())
        elif rule.rule == Rule.MISSING_SKILL:
            if not rule.skill_code:
                raise ValidationError({"skill_code": [_("Chọn kỹ năng.")]})
            people = people.exclude(skill_reached_q(rule.skill_code))
        elif rule.rule != Rule.ADULTS:
            raise ValidationError({"rule": [_("Cách chọn người mời không hợp lệ.")]})
    return people.select_related("household", "village").order_by(
        "village__name", "household__code", "sort_key"
    )


@transaction.atomic
def invitation_create(
    *,
    acting_user: User,
    rule: InvitationRule,
    title: str,
    planned_on: datetime.date | None = None,
    place: str = "",
    guide_slug: str = "",
) -> Invitation:
    """Freeze the people a rule picks today into an invitation list (audited)."""
    errors: dict[str, list[str]] = {}
    title = clean_text(title)
    if not title:
        errors["title"] = [_("Ghi tên buổi.")]
    if rule.rule not in dict(RULE_CHOICES):
        errors["rule"] = [_("Cách chọn người mời không hợp lệ.")]
    if guide_slug:
        from langso.guides.selectors import guide_codes

        if guide_slug not in guide_codes():
            errors["guide_slug"] = [_("Không có hướng dẫn này.")]
    if errors:
        raise ValidationError(errors)
    people = list(invitees(user=acting_user, rule=rule).values_list("pk", "commune_id", "province_id"))
    if not people:
        raise ValidationError({"rule": [_("Không có ai phù hợp để mời.")]})
    if len(people) > MAX_INVITED:
        raise ValidationError(
            {"rule": [_("Quá nhiều người (hơn %(n)s); hãy chọn theo từng thôn.") % {"n": MAX_INVITED}]}
        )
    communes = {(c, p) for _pk, c, p in people}
    if len(communes) > 1:
        raise ValidationError({"households": [_("Các hộ phải cùng một xã/phường.")]})
    ((commune_id, province_id),) = communes
    village = Village.objects.filter(pk=rule.village_id).first() if rule.village_id else None
    if village is None and rule.rule == Rule.HOUSEHOLDS:
        villages = set(
            Household.objects.filter(pk__in=rule.household_ids).values_list("village_id", flat=True)
        )
        village = Village.objects.get(pk=villages.pop()) if len(villages) == 1 else None
    invitation = Invitation.objects.create(
        province_id=province_id,
        commune_id=commune_id,
        village=village,
        title=title[:150],
        planned_on=planned_on,
        place=clean_text(place)[:150],
        rule=rule.rule,
        rule_params=rule.params(),
        guide_slug=guide_slug,
        created_by=acting_user,
    )
    InvitedPerson.objects.bulk_create(
        [InvitedPerson(invitation=invitation, resident_id=pk) for pk, _c, _p in people]
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=invitation,
        changes={"rule": rule.rule, **rule.params(), "people": len(people)},
    )
    return invitation


def share_message(invitation: Invitation, *, guide_url: str = "") -> str:
    """The short message for the village's Zalo group (and the loudspeaker): what, when, where, and
    the guide to look at beforehand. No names: a group chat is no place for a list of people."""
    parts = [invitation.title]
    when = invitation.planned_on.strftime("%d/%m/%Y") if invitation.planned_on else ""
    if when and invitation.place:
        parts.append(_("Ngày %(date)s tại %(place)s.") % {"date": when, "place": invitation.place})
    elif when:
        parts.append(_("Ngày %(date)s.") % {"date": when})
    elif invitation.place:
        parts.append(_("Tại %(place)s.") % {"place": invitation.place})
    parts.append(_("Mời bà con mang theo điện thoại và căn cước công dân."))
    if guide_url:
        parts.append(_("Xem trước hướng dẫn: %(url)s") % {"url": guide_url})
    return "\n".join(parts)


def qr_svg(url: str) -> str:
    # segno writes the SVG itself from the URL's bits: no user text reaches the markup unescaped.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4))  # noqa: S308


def household_choices(*, user: User, village_id: uuid.UUID) -> Iterable[Household]:
    from langso.registry.models import Household as H

    return (
        H.objects.filter(village_id=village_id)
        .filter(
            Q(
                pk__in=Resident.objects.filter(resident_scope_q(user, Perm.VISIT_RECORD)).values(
                    "household_id"
                )
            )
        )
        .select_related("head")
        .order_by("code")
    )
