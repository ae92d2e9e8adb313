"""Writes to the registry. Every function takes the acting user, validates with the shared rules,
and records the audit entry in the same transaction as the change."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.core.text import fold, vietnamese_sort_key
from langso.places.models import Village
from langso.registry import rules
from langso.registry.models import Consent, Household, Poverty, Resident, SmartphoneSource

RESIDENT_FIELDS = (
    "full_name",
    "birth_date",
    "birth_year",
    "sex",
    "ethnic_group",
    "cccd",
    "phone",
    "has_disability",
    "owns_smartphone",
    "is_head",
    "notes",
)
HOUSEHOLD_FIELDS = ("code", "address", "poverty", "poverty_year", "notes")
# Sensitive values are audited as "changed" without the values themselves.
_SENSITIVE = {"cccd", "ethnic_group", "has_disability"}


def _redact(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: (["•••", "•••"] if k in _SENSITIVE else v) for k, v in changes.items()}


def _collect(errors: dict[str, list[str]], field: str, func: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return func(*args, **kwargs)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)
        return None


def clean_resident_input(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check a person's facts; raise one ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    # "Giàng A Dính (bố chủ hộ)": the note in brackets goes to the person's notes, not the name.
    name, name_note = rules.split_name_note(data.get("full_name"))
    cleaned["full_name"] = _collect(errors, "full_name", rules.normalize_name, name)
    cleaned["notes"] = rules.merge_notes(data.get("notes"), name_note)
    cleaned["sex"] = _collect(errors, "sex", rules.normalize_sex, data.get("sex"))
    birth = _collect(
        errors, "birth_date", rules.normalize_birth, data.get("birth_date"), data.get("birth_year")
    )
    cleaned["birth_date"], cleaned["birth_year"] = birth if birth else (None, None)
    cleaned["ethnic_group"] = (
        _collect(errors, "ethnic_group", rules.normalize_ethnic_group, data.get("ethnic_group")) or ""
    )
    cleaned["cccd"] = _collect(errors, "cccd", rules.normalize_optional_cccd, data.get("cccd"))
    cleaned["phone"] = _collect(errors, "phone", rules.normalize_optional_phone, data.get("phone")) or ""
    for flag in ("has_disability", "owns_smartphone", "is_head"):
        cleaned[flag] = bool(data.get(flag) or False)
    if cleaned["cccd"] and "sex" not in errors and "birth_date" not in errors:
        _collect(
            errors,
            "cccd",
            rules.check_cccd_against_person,
            cleaned["cccd"],
            sex=cleaned["sex"],
            birth_year=cleaned["birth_year"],
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def resident_input_errors(data: dict[str, Any], *, exclude_id: Any = None) -> dict[str, list[str]]:
    """Every problem with a person's facts at once, the taken CCCD included: the form shows them all in
    one round instead of one field after another. Empty when the facts would be accepted."""
    errors: dict[str, list[str]] = {}
    try:
        clean_resident_input(data)
    except ValidationError as error:
        errors = error.message_dict
    if "cccd" not in errors:
        cccd = _collect(errors, "cccd", rules.normalize_optional_cccd, data.get("cccd"))
        if _cccd_taken(cccd, exclude_id=exclude_id):
            errors.update(_duplicate_cccd_error().message_dict)
    return errors


def _cccd_taken(cccd: str | None, *, exclude_id: Any = None) -> bool:
    if not cccd:
        return False
    others = Resident.objects.filter(cccd=cccd)
    if exclude_id:
        others = others.exclude(pk=exclude_id)
    return others.exists()


def _duplicate_cccd_error() -> ValidationError:
    # The same words whether or not the other record is inside the user's units: no one learns more.
    return ValidationError({"cccd": [_("Số CCCD này đã có trong sổ. Hãy tìm người đó thay vì tạo mới.")]})


def _place(resident: Resident, household: Household) -> None:
    resident.household = household
    resident.village_id = household.village_id
    resident.commune_id = household.commune_id
    resident.province_id = household.province_id


@transaction.atomic
def resident_register(*, acting_user: User, household: Household, **data: Any) -> Resident:
    cleaned = clean_resident_input(data)
    if _cccd_taken(cleaned["cccd"]):
        raise _duplicate_cccd_error()
    resident = Resident(
        **cleaned, name_folded=fold(cleaned["full_name"]), sort_key=vietnamese_sort_key(cleaned["full_name"])
    )
    _place(resident, household)
    _note_smartphone(resident, SmartphoneSource.REGISTRY, timezone.localdate())
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as exc:  # two officers saving the same CCCD at once
        raise _duplicate_cccd_error() from exc
    if resident.is_head:
        _make_head(household, resident)
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=resident,
        resident_id=resident.pk,
        changes=_redact(audit.snapshot(resident, list(RESIDENT_FIELDS))),
    )
    return resident


def _note_smartphone(resident: Resident, source: str, on: datetime.date, *, to_check: bool = False) -> None:
    resident.smartphone_source = source
    resident.smartphone_on = on
    resident.smartphone_to_check = to_check


def resident_smartphone_set(
    *,
    acting_user: User,
    resident: Resident,
    owns: bool,
    source: str,
    on: datetime.date,
    to_check: bool = False,
    note: str = "",
) -> Resident:
    """What a programme or a visit learned about a person's smartphone, written through to the person
    with where it came from and when (the person's page shows both). `to_check` asks the next visit
    to find out (a handed-over device came back or was lost)."""
    if source not in SmartphoneSource.values:
        raise ValueError(f"unknown smartphone source {source!r}")
    with transaction.atomic():
        locked = Resident.objects.select_for_update().get(pk=resident.pk)
        before = audit.snapshot(locked, ["owns_smartphone", "smartphone_source", "smartphone_to_check"])
        locked.owns_smartphone = owns
        _note_smartphone(locked, source, on, to_check=to_check)
        locked.save(
            update_fields=[
                "owns_smartphone",
                "smartphone_source",
                "smartphone_on",
                "smartphone_to_check",
                "updated_at",
            ]
        )
        changes = audit.diff(
            before, audit.snapshot(locked, ["owns_smartphone", "smartphone_source", "smartphone_to_check"])
        )
        if changes:
            audit.record(
                actor=acting_user,
                action=AuditAction.UPDATE,
                obj=locked,
                resident_id=locked.pk,
                changes=changes,
                note=note,
            )
    for name in ("owns_smartphone", "smartphone_source", "smartphone_on", "smartphone_to_check"):
        setattr(resident, name, getattr(locked, name))
    return locked


def _make_head(household: Household, resident: Resident) -> None:
    Resident.objects.filter(household=household, is_head=True).exclude(pk=resident.pk).update(is_head=False)
    Household.objects.filter(pk=household.pk).update(head=resident)
    household.head = resident


@transaction.atomic
def resident_update(
    *, acting_user: User, resident: Resident, household: Household | None = None, **data: Any
) -> Resident:
    current = {name: getattr(resident, name) for name in RESIDENT_FIELDS}
    current.update(data)
    cleaned = clean_resident_input(current)
    if _cccd_taken(cleaned["cccd"], exclude_id=resident.pk):
        raise _duplicate_cccd_error()
    before = audit.snapshot(resident, [*RESIDENT_FIELDS, "household_id"])
    if cleaned["owns_smartphone"] != resident.owns_smartphone:
        _note_smartphone(resident, SmartphoneSource.REGISTRY, timezone.localdate())
    for key, value in cleaned.items():
        setattr(resident, key, value)
    resident.name_folded = fold(resident.full_name)
    resident.sort_key = vietnamese_sort_key(resident.full_name)
    if household is not None and household.pk != resident.household_id:
        _place(resident, household)
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as exc:
        raise _duplicate_cccd_error() from exc
    if resident.is_head:
        _make_head(resident.household, resident)
    changes = audit.diff(before, audit.snapshot(resident, [*RESIDENT_FIELDS, "household_id"]))
    if changes:
        audit.record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=resident,
            resident_id=resident.pk,
            changes=_redact(changes),
        )
    return resident


@transaction.atomic
def resident_delete(*, acting_user: User, resident: Resident, reason: str = "") -> None:
    snapshot = _redact(audit.snapshot(resident, list(RESIDENT_FIELDS)))
    Household.objects.filter(head=resident).update(head=None)
    resident_id, label = resident.pk, str(resident)
    _keep_help_desk_counts(resident)
    try:
        with transaction.atomic():
            resident.delete()
    except ProtectedError as exc:
        # A smartphone candidacy or handover record names the person: those are kept as records.
        raise ValidationError(
            _(
                "Không xóa được: người này có trong danh sách hoặc biên bản cấp điện thoại. "
                "Hãy loại khỏi danh sách trước, hoặc dùng yêu cầu xóa dữ liệu cá nhân."
            )
        ) from exc
    audit.record(
        actor=acting_user,
        action=AuditAction.DELETE,
        object_type="registry.resident",
        object_id=str(resident_id),
        object_repr=label,
        resident_id=resident_id,
        changes=snapshot,
        note=reason,
    )


def _keep_help_desk_counts(resident: Resident) -> None:
    """Help-desk sessions stay counted for the commune when the person leaves the registry: they
    become anonymous walk-ins (a session must name someone)."""
    from langso.teams.models import HelpDeskSession

    HelpDeskSession.objects.filter(resident=resident).update(
        resident=None, walk_in_name=_("Người đã rời khỏi sổ"), walk_in_birth_year=None
    )


def clean_household_input(data: dict[str, Any]) -> dict[str, Any]:
    from langso.core.text import clean_text

    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    code = clean_text(str(data.get("code") or ""))
    if not code:
        errors["code"] = [_("Mã hộ không được để trống.")]
    elif len(code) > 30:
        errors["code"] = [_("Mã hộ dài quá 30 ký tự.")]
    cleaned["code"] = code
    cleaned["address"] = clean_text(str(data.get("address") or ""))[:200]
    cleaned["notes"] = str(data.get("notes") or "")
    cleaned["poverty"] = (
        _collect(errors, "poverty", rules.normalize_poverty, data.get("poverty")) or Poverty.NONE
    )
    cleaned["poverty_year"] = _collect(
        errors, "poverty_year", rules.normalize_poverty_year, data.get("poverty_year"), cleaned["poverty"]
    )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _household_code_taken_error() -> ValidationError:
    return ValidationError({"code": [_("Xã đã có hộ mang mã này.")]})


@transaction.atomic
def household_register(*, acting_user: User, village: Village, **data: Any) -> Household:
    cleaned = clean_household_input(data)
    household = Household(
        **cleaned, village=village, commune_id=village.commune_id, province_id=village.commune.province_id
    )
    if Household.objects.filter(commune_id=village.commune_id, code=cleaned["code"]).exists():
        raise _household_code_taken_error()
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError as exc:
        raise _household_code_taken_error() from exc
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=household,
        changes=audit.snapshot(household, [*HOUSEHOLD_FIELDS, "village_id"]),
    )
    return household


@transaction.atomic
def household_update(
    *, acting_user: User, household: Household, village: Village | None = None, **data: Any
) -> Household:
    current = {name: getattr(household, name) for name in HOUSEHOLD_FIELDS}
    current.update(data)
    cleaned = clean_household_input(current)
    if (
        Household.objects.filter(commune_id=household.commune_id, code=cleaned["code"])
        .exclude(pk=household.pk)
        .exists()
    ):
        raise _household_code_taken_error()
    before = audit.snapshot(household, [*HOUSEHOLD_FIELDS, "village_id"])
    for key, value in cleaned.items():
        setattr(household, key, value)
    if village is not None and village.pk != household.village_id:
        if village.commune_id != household.commune_id:
            raise ValidationError({"village": [_("Chỉ chuyển hộ sang thôn khác trong cùng xã.")]})
        household.village = village
        Resident.objects.filter(household=household).update(village=village)
    household.save()
    changes = audit.diff(before, audit.snapshot(household, [*HOUSEHOLD_FIELDS, "village_id"]))
    if changes:
        audit.record(actor=acting_user, action=AuditAction.UPDATE, obj=household, changes=changes)
    return household


@transaction.atomic
def consent_record(
    *,
    acting_user: User,
    resident: Resident,
    purpose: str,
    given: bool = True,
    method: str = "paper",
    recorded_on: datetime.date | None = None,
) -> Consent:
    consent = Consent(
        resident=resident,
        purpose=purpose,
        given=given,
        method=method,
        recorded_on=recorded_on or timezone.localdate(),
        recorded_by=acting_user,
    )
    consent.full_clean()
    consent.save()
    audit.record(
        actor=acting_user,
        action=AuditAction.CONSENT,
        obj=consent,
        resident_id=resident.pk,
        changes={
            "purpose": purpose,
            "given": given,
            "method": method,
            "recorded_on": consent.recorded_on.isoformat(),
        },
    )
    return consent


def cccd_reveal(*, acting_user: User, resident: Resident) -> str:
    """Return the full CCCD number and record that this user saw it."""
    audit.record(
        actor=acting_user, action=AuditAction.REVEAL, obj=resident, resident_id=resident.pk, note="cccd"
    )
    return resident.cccd or ""
