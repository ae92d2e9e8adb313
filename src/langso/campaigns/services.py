"""Writes for campaigns: campaigns, their targets and per-commune overrides, steering committees.

Each function takes the acting user, checks the unit is theirs (the same 404 as a missing one),
validates with messages for an officer, and writes its audit entry in the same transaction.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from langso.accounts.access import Perm, scope_for
from langso.accounts.models import User
from langso.campaigns.models import Campaign, Display, Indicator, Split, SteeringCommittee, Target
from langso.campaigns.shipped import SHIPPED_FIELDS, row_hash, shipped_indicators
from langso.core import audit
from langso.core.models import AuditAction
from langso.core.text import clean_text
from langso.places.models import Commune, Province

PERCENT_MAX = Decimal(100)


def may_manage_province(user: User, province_code: int) -> bool:
    """Campaigns are set by the province: a role granting CAMPAIGNS_MANAGE at the province (or above)."""
    scope = scope_for(user, Perm.CAMPAIGNS_MANAGE)
    return scope.everything or province_code in scope.province_codes


def _require_province(user: User, province_code: int) -> None:
    if not may_manage_province(user, province_code):
        raise Http404


def _check_period(starts_on: datetime.date, ends_on: datetime.date) -> None:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": [_("Ngày kết thúc phải từ ngày bắt đầu trở về sau.")]})


@transaction.atomic
def campaign_create(
    *, acting_user: User, province: Province, name: str, starts_on: datetime.date, ends_on: datetime.date
) -> Campaign:
    _require_province(acting_user, province.code)
    _check_period(starts_on, ends_on)
    campaign = Campaign(
        province=province, name=clean_text(name), starts_on=starts_on, ends_on=ends_on, created_by=acting_user
    )
    campaign.full_clean()
    campaign.save()
    audit.record(actor=acting_user, action=AuditAction.CREATE, obj=campaign, changes=audit.snapshot(campaign))
    return campaign


@transaction.atomic
def campaign_update(
    *, acting_user: User, campaign: Campaign, name: str, starts_on: datetime.date, ends_on: datetime.date
) -> Campaign:
    _require_province(acting_user, campaign.province_id)
    _check_period(starts_on, ends_on)
    outside = campaign.targets.exclude(deadline__range=(starts_on, ends_on)).count()
    if outside:
        raise ValidationError(
            _("Có %(count)d chỉ tiêu có hạn nằm ngoài thời gian mới; hãy sửa hạn của các chỉ tiêu đó trước.")
            % {"count": outside}
        )
    before = audit.snapshot(campaign)
    campaign.name, campaign.starts_on, campaign.ends_on = clean_text(name), starts_on, ends_on
    campaign.full_clean()
    campaign.save()
    changes = audit.diff(before, audit.snapshot(campaign))
    if changes:
        audit.record(actor=acting_user, action=AuditAction.UPDATE, obj=campaign, changes=changes)
    return campaign


def _validate_target(
    *,
    campaign: Campaign,
    indicator: Indicator,
    value: Decimal,
    deadline: datetime.date,
    commune: Commune | None,
    existing: Target | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if not indicator.is_active:
        errors.setdefault("indicator", []).append(_("Chỉ số này không còn được dùng."))
    if not campaign.starts_on <= deadline <= campaign.ends_on:
        errors.setdefault("deadline", []).append(
            _("Hạn phải nằm trong thời gian của chiến dịch (từ %(start)s đến %(end)s).")
            % {
                "start": date_format(campaign.starts_on, "SHORT_DATE_FORMAT"),
                "end": date_format(campaign.ends_on, "SHORT_DATE_FORMAT"),
            }
        )
    if indicator.display == Display.PERCENT and not Decimal(0) <= value <= PERCENT_MAX:
        errors.setdefault("value", []).append(_("Chỉ tiêu theo tỉ lệ phải từ 0 đến 100 (%)."))
    elif value < 0:
        errors.setdefault("value", []).append(_("Chỉ tiêu không được là số âm."))
    others = Target.objects.filter(campaign=campaign, indicator=indicator)
    if existing is not None:
        others = others.exclude(pk=existing.pk)
    if commune is None:
        if others.filter(commune__isnull=True).exists():
            errors.setdefault("indicator", []).append(
                _("Chiến dịch đã có chỉ tiêu chung của tỉnh cho chỉ số “%(name)s”; hãy sửa chỉ tiêu đó.")
                % {"name": indicator.name}
            )
    else:
        if commune.province_id != campaign.province_id:
            errors.setdefault("commune", []).append(_("Xã/phường này không thuộc tỉnh của chiến dịch."))
        elif others.filter(commune=commune).exists():
            errors.setdefault("commune", []).append(
                _("Xã/phường này đã có chỉ tiêu riêng cho chỉ số “%(name)s”.") % {"name": indicator.name}
            )
        if not others.filter(commune__isnull=True).exists():
            errors.setdefault("commune", []).append(
                _("Hãy đặt chỉ tiêu chung của tỉnh cho chỉ số này trước, rồi mới đặt chỉ tiêu riêng cho xã.")
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def target_save(
    *,
    acting_user: User,
    campaign: Campaign,
    indicator: Indicator,
    value: Decimal,
    deadline: datetime.date,
    commune: Commune | None = None,
    target: Target | None = None,
    split: str = "",
) -> Target:
    """Create a target (province-wide when `commune` is None, else that commune's override) or,
    with `target`, change it."""
    _require_province(acting_user, campaign.province_id)
    if target is not None and target.campaign_id != campaign.pk:
        raise Http404
    _validate_target(
        campaign=campaign,
        indicator=indicator,
        value=value,
        deadline=deadline,
        commune=commune,
        existing=target,
    )
    before = audit.snapshot(target) if target is not None else None
    target = target or Target(campaign=campaign)
    target.indicator, target.value, target.deadline, target.commune = indicator, value, deadline, commune
    if split:
        if split not in Split.values:
            raise ValidationError({"split": [_("Cách chia không hợp lệ.")]})
        target.split = split
    target.full_clean()
    target.save()
    if before is None:
        audit.record(actor=acting_user, action=AuditAction.CREATE, obj=target, changes=audit.snapshot(target))
    else:
        changes = audit.diff(before, audit.snapshot(target))
        if changes:
            audit.record(actor=acting_user, action=AuditAction.UPDATE, obj=target, changes=changes)
    return target


@transaction.atomic
def target_delete(*, acting_user: User, target: Target) -> None:
    """Remove a target; removing a province-wide one removes its communes' overrides too."""
    _require_province(acting_user, target.campaign.province_id)
    overrides = []
    if target.commune_id is None:
        overrides = list(
            Target.objects.filter(campaign_id=target.campaign_id, indicator_id=target.indicator_id).exclude(
                pk=target.pk
            )
        )
    for row in [*overrides, target]:
        audit.record(actor=acting_user, action=AuditAction.DELETE, obj=row, changes=audit.snapshot(row))
        row.delete()


def may_edit_committee(user: User, commune: Commune) -> bool:
    scope = scope_for(user, Perm.COMMITTEE_EDIT)
    return (
        scope.everything or commune.code in scope.commune_codes or commune.province_id in scope.province_codes
    )


@transaction.atomic
def committee_save(
    *,
    acting_user: User,
    commune: Commune,
    established_on: datetime.date,
    decision: str = "",
    chair: str = "",
) -> SteeringCommittee:
    """Record (or correct) the commune's steering committee. The commune's change sequence moves on,
    so "communes with a steering committee" shows it at the next dashboard read."""
    if not may_edit_committee(acting_user, commune):
        raise Http404
    if established_on > timezone.localdate():
        raise ValidationError({"established_on": [_("Ngày thành lập không được sau hôm nay.")]})
    committee = SteeringCommittee.objects.filter(commune=commune).first()
    before = audit.snapshot(committee) if committee else None
    committee = committee or SteeringCommittee(commune=commune)
    committee.established_on = established_on
    committee.decision = clean_text(decision)
    committee.chair = clean_text(chair)
    committee.full_clean()
    committee.save()
    if before is None:
        audit.record(
            actor=acting_user, action=AuditAction.CREATE, obj=committee, changes=audit.snapshot(committee)
        )
    else:
        changes = audit.diff(before, audit.snapshot(committee))
        if not changes:
            return committee
        audit.record(actor=acting_user, action=AuditAction.UPDATE, obj=committee, changes=changes)
    return committee


@transaction.atomic
def install_default_indicators() -> list[str]:
    """Put the shipped indicators (campaigns/content/indicators.toml) into the database; idempotent, run
    after every `migrate`. Returns the codes created or updated.

    A new shipped indicator is created. An existing one is updated to the shipped version only when
    its row still equals the version it was installed from (its `shipped_hash`); one changed in the
    admin is kept, and `indicators_to_review` lists it when its shipped version changed. Rows
    installed before the fingerprint was recorded are adopted when they equal the file.
    """
    rows = {row.code: row for row in Indicator.objects.select_for_update()}
    touched = []
    for position, shipped in enumerate(shipped_indicators()):
        row = rows.get(shipped.values["code"])
        if row is None:
            Indicator.objects.create(position=position, shipped_hash=shipped.hash, **shipped.values)
            touched.append(shipped.values["code"])
            continue
        current = row_hash({field: getattr(row, field) for field in SHIPPED_FIELDS})
        if current == shipped.hash:
            if row.shipped_hash != shipped.hash:
                Indicator.objects.filter(pk=row.pk).update(shipped_hash=shipped.hash)
        elif row.shipped_hash and current == row.shipped_hash:  # untouched since installed: follow the file
            Indicator.objects.filter(pk=row.pk).update(shipped_hash=shipped.hash, **shipped.values)
            touched.append(row.code)
    return touched


def indicators_to_review() -> list[Indicator]:
    """Indicators changed locally whose shipped version is not the one they were installed from."""
    shipped = {i.values["code"]: i.hash for i in shipped_indicators()}
    return [
        row
        for row in Indicator.objects.filter(code__in=list(shipped))
        if row.shipped_hash != shipped[row.code]
        and row_hash({field: getattr(row, field) for field in SHIPPED_FIELDS}) != shipped[row.code]
    ]
