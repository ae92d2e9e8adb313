"""Writes to villages and their coverage. Each takes the acting user and audits in the same transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from langso.core import audit
from langso.core.models import AuditAction
from langso.core.text import clean_text, fold, place_sort_key
from langso.places.models import Commune, Coverage, Village, VillageKind


def _check_name(commune: Commune, name: str, *, exclude_id: Any = None) -> str:
    name = clean_text(name)
    if not name:
        raise ValidationError({"name": _("Tên thôn/bản không được để trống.")})
    taken = Village.objects.filter(commune=commune, name_folded=fold(name))
    if exclude_id:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise ValidationError({"name": _("Xã đã có thôn/bản tên “%(name)s”.") % {"name": name}})
    return name


@transaction.atomic
def village_create(
    *,
    acting_user: Any,
    commune: Commune,
    name: str,
    kind: str = VillageKind.THON,
    broadband: str = Coverage.UNKNOWN,
    mobile_4g: str = Coverage.UNKNOWN,
    mobile_5g: str = Coverage.UNKNOWN,
    coverage_checked_on: datetime.date | None = None,
) -> Village:
    name = _check_name(commune, name)
    village = Village(
        commune=commune,
        name=name,
        kind=kind,
        broadband=broadband,
        mobile_4g=mobile_4g,
        mobile_5g=mobile_5g,
        coverage_checked_on=coverage_checked_on,
        name_folded=fold(name),
        sort_key=place_sort_key(name),
    )
    village.full_clean(exclude=["name_folded", "sort_key"], validate_unique=False)
    try:
        with transaction.atomic():
            village.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("Xã đã có thôn/bản tên “%(name)s”.") % {"name": name}}) from exc
    audit.record(actor=acting_user, action=AuditAction.CREATE, obj=village, changes=audit.snapshot(village))
    return village


@transaction.atomic
def village_update(*, acting_user: Any, village: Village, **fields: Any) -> Village:
    allowed = {"name", "kind", "broadband", "mobile_4g", "mobile_5g", "coverage_checked_on"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"village_update got unexpected fields {sorted(unknown)}")
    before = audit.snapshot(village)
    if "name" in fields:
        fields["name"] = _check_name(village.commune, fields["name"], exclude_id=village.pk)
        village.name_folded = fold(fields["name"])
        village.sort_key = place_sort_key(fields["name"])
    for key, value in fields.items():
        setattr(village, key, value)
    village.full_clean(exclude=["name_folded", "sort_key"], validate_unique=False)
    village.save()
    changes = audit.diff(before, audit.snapshot(village))
    if changes:
        audit.record(actor=acting_user, action=AuditAction.UPDATE, obj=village, changes=changes)
    return village
