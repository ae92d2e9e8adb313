"""Writes for teams: set-up, members and household assignments.

Each sub-domain has a module of its own: home visits and their conflicts (visits.py), help-desk
sessions (helpdesk.py), weak-signal reports (signal_reports.py) and phones' keys (device_keys.py);
their writes are re-exported here, so `services.<write>` names every write of the app. Records that
come from phones are stored by `synced.store_synced`: the phone's UUID is the primary key, so a resend
can never create a second row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.access import Perm, get_in_scope_or_404, scope_for
from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.core.text import clean_text
from langso.core.validators import normalize_phone
from langso.places.models import Village
from langso.registry.models import Household
from langso.teams.models import Affiliation, HouseholdAssignment, MemberRole, Team, TeamMember
from langso.teams.synced import (  # noqa: F401 - part of this module's interface
    EARLIEST_FIELD_DATE,
    Outcome,
    SyncConflict,
    content_hash,
    store_synced,
)


def _village_in_scope(user: User, perm: str, village_id: Any) -> Village:
    scope = scope_for(user, perm)
    return get_in_scope_or_404(
        Village.objects.select_related("commune"),
        scope.q(province="commune__province_id", commune="commune_id", village="id"),
        pk=village_id,
    )


# --- Teams, members, assignments ---------------------------------------------------------------


@transaction.atomic
def team_create(
    *, acting_user: User, village: Village, name: str, established_on: datetime.date | None = None
) -> Team:
    _village_in_scope(acting_user, Perm.TEAMS_MANAGE, village.pk)
    team = Team(village=village, name=clean_text(name), established_on=established_on)
    team.copy_units_from_village()
    team.full_clean()
    team.save()
    audit.record(actor=acting_user, action=AuditAction.CREATE, obj=team, changes=audit.snapshot(team))
    return team


@transaction.atomic
def team_update(*, acting_user: User, team: Team, **fields: Any) -> Team:
    before = audit.snapshot(team)
    for name in ("name", "established_on", "is_active"):
        if name in fields:
            setattr(team, name, clean_text(fields[name]) if name == "name" else fields[name])
    team.full_clean()
    team.save()
    changes = audit.diff(before, audit.snapshot(team))
    if changes:
        audit.record(actor=acting_user, action=AuditAction.UPDATE, obj=team, changes=changes)
    return team


@transaction.atomic
def member_add(
    *,
    acting_user: User,
    team: Team,
    full_name: str,
    phone: str = "",
    role: str = MemberRole.MEMBER,
    affiliation: str = Affiliation.OTHER,
    user: User | None = None,
) -> TeamMember:
    errors: dict[str, list[str]] = {}
    normalised_phone = ""
    if phone:
        try:
            normalised_phone = normalize_phone(phone)
        except ValidationError as error:
            errors["phone"] = error.messages
    if user is not None and TeamMember.objects.filter(team=team, user=user).exists():
        errors["user"] = [_("Tài khoản này đã là thành viên của tổ.")]
    if errors:
        raise ValidationError(errors)
    member = TeamMember(
        team=team,
        full_name=clean_text(full_name),
        phone=normalised_phone,
        role=role,
        affiliation=affiliation,
        user=user,
    )
    member.full_clean()
    member.save()
    audit.record(actor=acting_user, action=AuditAction.CREATE, obj=member, changes=audit.snapshot(member))
    return member


@transaction.atomic
def member_set_active(*, acting_user: User, member: TeamMember, active: bool) -> TeamMember:
    if member.is_active != active:
        member.is_active = active
        member.save(update_fields=["is_active", "updated_at"])
        if not active:
            # Their households go back to the pool so none is forgotten.
            HouseholdAssignment.objects.filter(member=member).delete()
        audit.record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=member,
            changes={"is_active": [not active, active]},
        )
    return member


@transaction.atomic
def households_assign(*, acting_user: User, member: TeamMember, households: Iterable[Household]) -> int:
    """Give the households to the member (taking them from whoever had them). Returns how many."""
    if not member.is_active:
        raise ValidationError(_("Thành viên này đã ngừng tham gia tổ."))
    households = list(households)
    outside = [h.code for h in households if h.commune_id != member.team.commune_id]
    if outside:
        raise ValidationError(
            _("Các hộ sau không thuộc xã/phường của tổ: %(codes)s") % {"codes": ", ".join(outside[:10])}
        )
    today = timezone.localdate()
    for household in households:
        HouseholdAssignment.objects.update_or_create(
            household=household,
            defaults={"member": member, "assigned_on": today, "assigned_by": acting_user},
        )
    if households:
        audit.record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=member,
            changes={"assigned_households": [h.code for h in households]},
        )
    return len(households)


@transaction.atomic
def households_unassign(*, acting_user: User, households: Iterable[Household]) -> int:
    households = list(households)
    ids = [h.pk for h in households]
    deleted, _details = HouseholdAssignment.objects.filter(household_id__in=ids).delete()
    if deleted:
        audit.record(
            actor=acting_user,
            action=AuditAction.DELETE,
            object_type="teams.householdassignment",
            changes={"households": [str(i) for i in ids]},
        )
    return deleted


# The sub-domains' writes, importable from here as before the split (see the docstring).
from langso.teams.device_keys import (  # noqa: E402, F401
    device_for_token,
    device_token_issue,
    device_token_revoke,
)
from langso.teams.helpdesk import HelpDeskInput, helpdesk_record  # noqa: E402, F401
from langso.teams.signal_reports import (  # noqa: E402, F401
    SIGNAL_MOVES,
    SIGNAL_RESPONSE_DAYS,
    SignalReportInput,
    signal_report_create,
    signal_report_move,
)
from langso.teams.visits import (  # noqa: E402, F401
    MAX_PHOTO_BYTES,
    FactUpdate,
    ServiceDone,
    SkillTaught,
    VisitData,
    VisitInput,
    conflict_resolve,
    visit_record,
)
