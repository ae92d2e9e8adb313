"""Writes to the skills catalogue, rules and records. Each takes the acting user and audits."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.registry.models import Resident
from langso.skills.models import (
    CatalogueStatus,
    CatalogueVersion,
    Evidence,
    Level,
    RuleKind,
    Skill,
    SkillRecord,
    SkillRule,
)
from langso.skills.shipped import ShippedCatalogue, shipped_catalogue

SKILL_FIELDS = (
    "area",
    "name",
    "name_en",
    "description",
    "description_en",
    "digcomp",
    "vn_domain",
    "basic_skill",
    "position",
)


def _differs(version: CatalogueVersion, shipped: ShippedCatalogue) -> bool:
    rows = list(version.skills.order_by("position", "code").values("code", *SKILL_FIELDS))
    wanted = [
        {"code": s.code, "position": index, **{k: getattr(s, k) for k in SKILL_FIELDS if k != "position"}}
        for index, s in enumerate(shipped.skills)
    ]
    return rows != wanted


def _version_from(shipped: ShippedCatalogue, number: int, note: str) -> CatalogueVersion:
    version = CatalogueVersion.objects.create(
        number=number,
        status=CatalogueStatus.PUBLISHED,
        published_at=timezone.now(),
        note=note,
        shipped_hash=shipped.hash,
    )
    Skill.objects.bulk_create(
        [
            Skill(
                version=version,
                position=index,
                **{k: getattr(s, k) for k in ("code", *SKILL_FIELDS) if k != "position"},
            )
            for index, s in enumerate(shipped.skills)
        ]
    )
    return version


@transaction.atomic
def install_default_catalogue() -> CatalogueVersion:
    """Put the shipped catalogue (skills/content/catalogue.toml) and the national rules into the database;
    idempotent, run after every `migrate`. Returns the published version.

    - No published version: version 1 from the file.
    - The published version came from the shipped file (no one published it) and the file changed: the
      file becomes a new published version and the old one is retired. Versions are never edited in
      place, so every skill record keeps meaning what it meant.
    - The published version is one province staff published: it is kept; the catalogue page says that
      the shipped catalogue changed (`shipped_catalogue_changed`) and a new draft brings its new skills.
    The national rules are created when missing and never changed here (staff edit them in the app).
    """
    shipped = shipped_catalogue()
    published = CatalogueVersion.objects.select_for_update().filter(status=CatalogueStatus.PUBLISHED).first()
    if published is None:
        number = (CatalogueVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        published = _version_from(shipped, number, "Danh mục mặc định của Làng Số")
    elif published.published_by_id is None and published.shipped_hash != shipped.hash:
        if _differs(published, shipped):
            published.status = CatalogueStatus.RETIRED
            published.save(update_fields=["status"])
            number = (CatalogueVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
            published = _version_from(shipped, number, "Danh mục mặc định của Làng Số (bản cập nhật)")
        else:  # installed before versions recorded their source: the same content
            published.shipped_hash = shipped.hash
            published.save(update_fields=["shipped_hash"])
    SkillRule.objects.get_or_create(
        kind=RuleKind.DIGITAL_CITIZEN,
        province=None,
        defaults={"required_levels": shipped.digital_citizen_levels},
    )
    SkillRule.objects.get_or_create(
        kind=RuleKind.HOUSEHOLD_BASIC_SKILLS,
        province=None,
        defaults={"requires_smartphone": False, "required_levels": {"level": shipped.household_basic_level}},
    )
    return published


def shipped_catalogue_changed() -> bool:
    """True when the published catalogue is one province staff made and the shipped catalogue changed
    since the version it was drafted from: staff should review the new shipped skills."""
    published = CatalogueVersion.objects.filter(status=CatalogueStatus.PUBLISHED).first()
    return bool(
        published is not None
        and published.published_by_id is not None
        and published.shipped_hash != shipped_catalogue().hash
    )


def published_version() -> CatalogueVersion:
    version = CatalogueVersion.objects.filter(status=CatalogueStatus.PUBLISHED).first()
    return version if version is not None else install_default_catalogue()


@transaction.atomic
def catalogue_draft_start(*, acting_user: User) -> CatalogueVersion:
    """A draft copy of the published catalogue, to edit before publishing. One draft at a time."""
    draft = CatalogueVersion.objects.select_for_update().filter(status=CatalogueStatus.DRAFT).first()
    if draft is not None:
        return draft
    current = published_version()
    number = (CatalogueVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    shipped = shipped_catalogue()
    # A draft starts from the shipped catalogue's current fingerprint: skills the shipped file added
    # since the published version was made are brought in, for staff to keep or remove.
    draft = CatalogueVersion.objects.create(
        number=number, status=CatalogueStatus.DRAFT, shipped_hash=shipped.hash
    )
    skills = [
        Skill(version=draft, code=s.code, **{k: getattr(s, k) for k in SKILL_FIELDS})
        for s in current.skills.all()
    ]
    if current.shipped_hash != shipped.hash:
        have = {s.code for s in skills}
        start = max((s.position for s in skills), default=0) + 1
        skills += [
            Skill(
                version=draft,
                position=start + index,
                **{k: getattr(s, k) for k in ("code", *SKILL_FIELDS) if k != "position"},
            )
            for index, s in enumerate(x for x in shipped.skills if x.code not in have)
        ]
    Skill.objects.bulk_create(skills)
    audit.record(actor=acting_user, action=AuditAction.CREATE, obj=draft, note="catalogue draft")
    return draft


@transaction.atomic
def draft_skill_save(*, acting_user: User, draft: CatalogueVersion, code: str, **fields: Any) -> Skill:
    """Add or change a skill in the draft. Published versions are never edited."""
    if draft.status != CatalogueStatus.DRAFT:
        raise ValidationError(_("Chỉ sửa được bản nháp của danh mục; phiên bản đã áp dụng giữ nguyên."))
    unknown = set(fields) - set(SKILL_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields {sorted(unknown)}")
    skill = Skill.objects.filter(version=draft, code=code).first() or Skill(version=draft, code=code)
    before = audit.snapshot(skill, ["code", *SKILL_FIELDS]) if skill.pk else {}
    for key, value in fields.items():
        setattr(skill, key, value)
    skill.full_clean(exclude=["version"], validate_unique=False)
    skill.save()
    audit.record(
        actor=acting_user,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=skill,
        changes=audit.diff(before, audit.snapshot(skill, ["code", *SKILL_FIELDS])),
    )
    return skill


@transaction.atomic
def catalogue_publish(*, acting_user: User, draft: CatalogueVersion, note: str = "") -> CatalogueVersion:
    draft = CatalogueVersion.objects.select_for_update().get(pk=draft.pk)
    if draft.status != CatalogueStatus.DRAFT:
        raise ValidationError(_("Phiên bản này không phải bản nháp."))
    if draft.skills.count() < 1:
        raise ValidationError(_("Danh mục phải có ít nhất một kỹ năng."))
    CatalogueVersion.objects.filter(status=CatalogueStatus.PUBLISHED).update(status=CatalogueStatus.RETIRED)
    draft.status = CatalogueStatus.PUBLISHED
    draft.published_at = timezone.now()
    draft.published_by = acting_user
    draft.note = note[:300]
    draft.save()
    audit.record(actor=acting_user, action=AuditAction.UPDATE, obj=draft, note="catalogue published")
    return draft


def _refresh_current_level(resident: Resident, skill_code: str) -> None:
    """Re-derive one person's current level in one skill from the whole history (the rule lives in rules.py)."""
    from langso.skills.models import CurrentSkillLevel
    from langso.skills.rules import Observation, current_levels

    history = SkillRecord.objects.filter(resident=resident, skill_code=skill_code).order_by("created_at")
    levels = current_levels(
        Observation(r.skill_code, r.level, r.evidence, r.recorded_on, order)
        for order, r in enumerate(history)
    )
    current = levels.get(skill_code)
    if current is None:
        CurrentSkillLevel.objects.filter(resident=resident, skill_code=skill_code).delete()
        return
    CurrentSkillLevel.objects.update_or_create(
        resident=resident,
        skill_code=skill_code,
        defaults={
            "level": current.level,
            "evidence": current.evidence,
            "recorded_on": current.recorded_on,
            "province_id": resident.province_id,
            "commune_id": resident.commune_id,
            "village_id": resident.village_id,
        },
    )


def published_skill_codes() -> set[str]:
    """The skill codes of the catalogue version in force."""
    return set(Skill.objects.filter(version=published_version()).values_list("code", flat=True))


def _current_skill(code: str) -> Skill:
    skill = Skill.objects.filter(version=published_version(), code=code).first()
    if skill is None:
        raise ValidationError(_("Kỹ năng “%(code)s” không có trong danh mục đang dùng.") % {"code": code})
    return skill


@transaction.atomic
def skill_record_add(
    *,
    acting_user: User | None,
    resident: Resident,
    skill_code: str,
    level: int,
    evidence: str = Evidence.OBSERVED,
    recorded_on: datetime.date | None = None,
    note: str = "",
) -> SkillRecord:
    """Record one observation of a person's level in a skill, against the catalogue version in force."""
    if level not in Level.values:
        raise ValidationError({"level": [_("Mức độ phải từ 1 đến 4.")]})
    if evidence not in Evidence.values:
        raise ValidationError({"evidence": [_("Loại minh chứng không hợp lệ.")]})
    recorded_on = recorded_on or timezone.localdate()
    if recorded_on > timezone.localdate():
        raise ValidationError({"recorded_on": [_("Ngày ghi nhận không được sau hôm nay.")]})
    skill = _current_skill(skill_code)
    record = SkillRecord.objects.create(
        resident=resident,
        skill=skill,
        skill_code=skill.code,
        level=level,
        evidence=evidence,
        recorded_on=recorded_on,
        recorded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        note=note[:300],
        province_id=resident.province_id,
        commune_id=resident.commune_id,
        village_id=resident.village_id,
    )
    _refresh_current_level(resident, skill.code)
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=record,
        resident_id=resident.pk,
        changes={
            "skill": skill.code,
            "level": level,
            "evidence": evidence,
            "recorded_on": recorded_on.isoformat(),
        },
    )
    # In the same transaction: a record and the certificate it completes land together or not at all.
    from langso.skills.certificates import issue_due_certificates

    issue_due_certificates(resident=resident, acting_user=acting_user)
    return record


@transaction.atomic
def skill_record_void(*, acting_user: User, record: SkillRecord, reason: str) -> SkillRecord:
    """Take a wrong record out of the person's levels and every number, keeping it in the history with
    who voided it, when and why. The commune's numbers are recomputed (the change triggers see it)."""
    reason = " ".join((reason or "").split())[:300]
    if len(reason) < 5:
        raise ValidationError({"reason": [_("Hãy ghi lý do hủy (ít nhất 5 ký tự) để người sau hiểu.")]})
    locked = SkillRecord.with_voided.select_for_update().get(pk=record.pk)
    if locked.voided_at is not None:
        raise ValidationError(_("Ghi nhận này đã được hủy trước đó."))
    locked.voided_at = timezone.now()
    locked.voided_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    locked.void_reason = reason
    locked.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    resident = Resident.objects.get(pk=locked.resident_id)
    _refresh_current_level(resident, locked.skill_code)
    audit.record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=locked,
        resident_id=resident.pk,
        changes={"voided": [False, True], "skill": locked.skill_code, "level": locked.level},
        note=reason,
    )
    return locked


@transaction.atomic
def skill_rule_update(
    *,
    acting_user: User,
    kind: str,
    required_levels: dict[str, int],
    requires_smartphone: bool = True,
    province: Any = None,
) -> SkillRule:
    known = published_skill_codes()
    if kind == RuleKind.DIGITAL_CITIZEN:
        unknown = set(required_levels) - known
        if unknown:
            raise ValidationError(
                _("Kỹ năng không có trong danh mục: %(codes)s") % {"codes": ", ".join(sorted(unknown))}
            )
    if any(not isinstance(v, int) or v not in Level.values for v in required_levels.values()):
        raise ValidationError(_("Mức tối thiểu phải từ 1 đến 4."))
    rule, _created = SkillRule.objects.get_or_create(kind=kind, province=province)
    before = {"required_levels": rule.required_levels, "requires_smartphone": rule.requires_smartphone}
    rule.required_levels = required_levels
    rule.requires_smartphone = requires_smartphone
    rule.updated_by = acting_user
    rule.save()
    audit.record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=rule,
        changes=audit.diff(
            before, {"required_levels": required_levels, "requires_smartphone": requires_smartphone}
        ),
    )
    return rule
