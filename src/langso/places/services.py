"""Writes to villages and their coverage. Each takes the acting user and audits in the same transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.core.text import clean_text, fold, place_sort_key
from langso.places.models import Commune, Coverage, Village, VillageKind
from langso.places.naming import VillageIndex, village_key


def same_village_message(name: str, existing: str) -> str:
    """Why a new village name is refused: the commune has it already, perhaps with another kind word."""
    if fold(name) == fold(existing):
        return _("Xã đã có thôn/bản tên “%(name)s”.") % {"name": existing}
    return _(
        "Xã đã có thôn/bản “%(existing)s”: “%(name)s” là cùng tên ấy (bỏ qua chữ Thôn/Bản/Tổ…, "
        "chữ hoa, dấu và số 0 ở đầu). Nếu đúng là một thôn khác, hãy đặt tên phân biệt."
    ) % {"existing": existing, "name": name}


def _check_name(commune: Commune, name: str, *, exclude_id: Any = None, current: str = "") -> str:
    """The clean name, unless it is empty or another village of the commune goes by it.

    "Bản Cáu" is refused beside "Thôn Bản Cáu", "Thôn 03" beside "Thôn 3", "Xóm Đồng Tâm" beside
    "Thôn Đồng Tâm": each would be the same village entered twice (places.naming).
    """
    name = clean_text(name)
    if not name:
        raise ValidationError({"name": _("Tên thôn/bản không được để trống.")})
    if current and village_key(current) == village_key(name):
        # The same name written another way ("Thôn 03" for "Thôn 3"): nothing new can clash with it,
        # and a commune that already holds two such villages can still edit each of them.
        others = Village.objects.filter(commune=commune, name_folded=fold(name)).exclude(pk=exclude_id)
        if others.exists():
            raise ValidationError({"name": same_village_message(name, name)})
        return name
    others = Village.objects.filter(commune=commune).only("pk", "name")
    if exclude_id:
        others = others.exclude(pk=exclude_id)
    found = VillageIndex(others, name_of=lambda village: village.name).match(name)
    if found.candidates:
        raise ValidationError({"name": same_village_message(name, found.candidates[0].name)})
    return name


@transaction.atomic
def village_create(
    *,
    acting_user: User,
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
def village_update(*, acting_user: User, village: Village, **fields: Any) -> Village:
    allowed = {"name", "kind", "broadband", "mobile_4g", "mobile_5g", "coverage_checked_on"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"village_update got unexpected fields {sorted(unknown)}")
    before = audit.snapshot(village)
    if "name" in fields:
        fields["name"] = _check_name(
            village.commune, fields["name"], exclude_id=village.pk, current=village.name
        )
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
