"""Writes of the country's targets (national staff): set, change, remove; each audited in the same
transaction, with messages for the person at the form. The rules follow the province campaigns'
(`campaigns.services.target_save`): a rate between 0 and 100, one country target per indicator, a
province's own target only after the country's, and no deadline already past."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from langso.accounts.access import Perm, scope_for
from langso.accounts.models import User
from langso.campaigns.models import Display, Indicator
from langso.core import audit
from langso.core.models import AuditAction
from langso.national.models import NationalSplit, NationalTarget
from langso.national.selectors import national_indicators
from langso.places.models import Province

PERCENT_MAX = Decimal(100)


def may_set_targets(user: User) -> bool:
    """The country's targets are set by those who hold the national role for the whole country."""
    return scope_for(user, Perm.NATIONAL_TARGETS).everything


def _require(user: User) -> None:
    if not may_set_targets(user):
        raise Http404


def _validate(
    *,
    indicator: Indicator,
    value: Decimal,
    deadline: datetime.date,
    province_code: int | None,
    split: str,
    existing: NationalTarget | None,
) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if indicator.pk not in {i.pk for i in national_indicators()}:
        add("indicator", _("Chỉ số này không tính được từ số liệu các tỉnh gửi lên."))
    if indicator.display == Display.PERCENT and not Decimal(0) <= value <= PERCENT_MAX:
        add("value", _("Chỉ tiêu theo tỉ lệ phải từ 0 đến 100 (%)."))
    elif value < 0:
        add("value", _("Chỉ tiêu không được là số âm."))
    if (existing is None or existing.deadline != deadline) and deadline < timezone.localdate():
        add("deadline", _("Hạn không được trước hôm nay."))
    if split and split not in NationalSplit.values:
        add("split", _("Cách chia không hợp lệ."))
    others = NationalTarget.objects.filter(indicator=indicator)
    if existing is not None:
        others = others.exclude(pk=existing.pk)
    country = others.filter(province_code__isnull=True).first()
    if province_code is None:
        if country is not None:
            add(
                "indicator",
                _("Đã có chỉ tiêu toàn quốc cho chỉ số “%(name)s”; hãy sửa chỉ tiêu đó.")
                % {"name": indicator.name},
            )
        elif not indicator.denominator:
            own = sum((t.value for t in others.filter(province_code__isnull=False)), Decimal(0))
            if own > value:
                add("value", _own_too_big(own, value))
    else:
        if not Province.objects.filter(code=province_code).exists():
            add("province", _("Hãy chọn một tỉnh/thành phố trong danh sách."))
        elif others.filter(province_code=province_code).exists():
            add(
                "province",
                _("Tỉnh/thành phố này đã có chỉ tiêu riêng cho chỉ số “%(name)s”.")
                % {"name": indicator.name},
            )
        if country is None:
            add(
                "province",
                _("Hãy đặt chỉ tiêu toàn quốc cho chỉ số này trước, rồi mới đặt chỉ tiêu riêng cho tỉnh."),
            )
        elif not indicator.denominator:
            own = value + sum((t.value for t in others.filter(province_code__isnull=False)), Decimal(0))
            if own > country.value:
                add("value", _own_too_big(own, country.value))
    if errors:
        raise ValidationError(errors)


def _own_too_big(own: Decimal, total: Decimal) -> str:
    return _("Tổng chỉ tiêu riêng của các tỉnh (%(own)s) lớn hơn chỉ tiêu toàn quốc (%(total)s).") % {
        "own": number_format(own, 0, use_l10n=True, force_grouping=True),
        "total": number_format(total, 0, use_l10n=True, force_grouping=True),
    }


@transaction.atomic
def target_save(
    *,
    acting_user: User,
    indicator: Indicator,
    value: Decimal,
    deadline: datetime.date,
    province_code: int | None = None,
    split: str = "",
    target: NationalTarget | None = None,
) -> NationalTarget:
    """Set the country's target for an indicator (`province_code` None) or a province's own; with
    `target`, change it."""
    _require(acting_user)
    _validate(
        indicator=indicator,
        value=value,
        deadline=deadline,
        province_code=province_code,
        split=split,
        existing=target,
    )
    before = audit.snapshot(target) if target is not None else None
    target = target or NationalTarget()
    target.indicator, target.value, target.deadline = indicator, value, deadline
    target.province_code = province_code
    if split:
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
def target_delete(*, acting_user: User, target: NationalTarget) -> None:
    """Remove a target; removing the country's removes the provinces' own for that indicator too."""
    _require(acting_user)
    rows = [target]
    if target.province_code is None:
        rows = [
            *NationalTarget.objects.filter(indicator_id=target.indicator_id).exclude(pk=target.pk),
            target,
        ]
    for row in rows:
        audit.record(actor=acting_user, action=AuditAction.DELETE, obj=row, changes=audit.snapshot(row))
        row.delete()
