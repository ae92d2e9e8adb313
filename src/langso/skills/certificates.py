"""Certificates: issued when a person's current levels meet a programme's requirements, once.

"Once" is kept by the database (a unique constraint on person + programme among certificates that are
not revoked), not by a check before the insert, so two skill records saved at the same moment cannot
issue two certificates. A revoked certificate no longer blocks: if the person still meets the levels
(e.g. it was revoked to correct the name), the next skill record issues a new one.

The verification code is 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn
with `secrets`: 32^10 ≈ 10^15 codes, so the public verification page cannot be walked.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.registry.models import Resident
from langso.skills.models import (
    Certificate,
    CertificateProgramme,
    CurrentSkillLevel,
    Level,
    Skill,
)

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_verification_code(text: str) -> str:
    """Upper case without spaces or dashes; "" when it cannot be a code (the page says "not found")."""
    code = "".join(ch for ch in str(text or "").upper() if ch not in " -")
    return code if len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code) else ""


def name_initials(full_name: str) -> str:
    """ "Nguyễn Văn An" → "N. V. A.": enough to match the paper in hand, too little to find a person."""
    return " ".join(f"{word[0].upper()}." for word in full_name.split() if word[0].isalnum())


def meets(required: dict[str, int], levels: dict[str, int]) -> bool:
    return bool(required) and all(levels.get(code, 0) >= needed for code, needed in required.items())


def issue_due_certificates(*, resident: Resident, acting_user: User | None) -> list[Certificate]:
    """Issue every active programme's certificate whose levels the person now meets and does not hold."""
    levels = dict(CurrentSkillLevel.objects.filter(resident=resident).values_list("skill_code", "level"))
    if not levels:
        return []
    held = set(
        Certificate.objects.filter(resident=resident, revoked_at__isnull=True).values_list(
            "programme_id", flat=True
        )
    )
    issued = []
    for programme in CertificateProgramme.objects.filter(active=True).exclude(pk__in=held):
        if meets(programme.required_levels, levels):
            certificate = _issue(
                resident=resident, programme=programme, levels=levels, acting_user=acting_user
            )
            if certificate is not None:
                issued.append(certificate)
    return issued


def _snapshot(required: dict[str, int], levels: dict[str, int]) -> list[dict[str, Any]]:
    from langso.skills.services import published_version

    skills = {s.code: s for s in Skill.objects.filter(version=published_version(), code__in=list(required))}
    return [
        {
            "code": code,
            "name": skills[code].name if code in skills else code,
            "name_en": skills[code].name_en if code in skills else code,
            "level": levels.get(code, 0),
        }
        for code in sorted(required, key=lambda c: skills[c].position if c in skills else 999)
    ]


def _issue(
    *, resident: Resident, programme: CertificateProgramme, levels: dict[str, int], acting_user: User | None
) -> Certificate | None:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    resident=resident,
                    programme=programme,
                    verification_code=new_verification_code(),
                    holder_name=resident.full_name,
                    issued_on=timezone.localdate(),
                    skills=_snapshot(programme.required_levels, levels),
                    issued_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
                    province_id=resident.province_id,
                    commune_id=resident.commune_id,
                    village_id=resident.village_id,
                )
                audit.record(
                    actor=acting_user,
                    action=AuditAction.ISSUE,
                    obj=certificate,
                    resident_id=resident.pk,
                    changes={"programme": programme.name, "skills": certificate.skills},
                )
                return certificate
        except IntegrityError:
            # Either someone issued it at the same moment (then we are done) or the random code was
            # taken (then draw again).
            if Certificate.objects.filter(
                resident=resident, programme=programme, revoked_at__isnull=True
            ).exists():
                return None
    raise RuntimeError("could not draw an unused verification code")


@transaction.atomic
def certificate_revoke(*, acting_user: User, certificate: Certificate, reason: str) -> Certificate:
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("Hãy ghi lý do thu hồi.")]})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise ValidationError(_("Chứng nhận này đã bị thu hồi trước đó."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = acting_user
    certificate.revoked_reason = reason[:300]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoked_reason", "updated_at"])
    audit.record(
        actor=acting_user,
        action=AuditAction.REVOKE,
        obj=certificate,
        resident_id=certificate.resident_id,
        note=reason,
    )
    return certificate


@transaction.atomic
def programme_save(
    *,
    acting_user: User,
    programme: CertificateProgramme | None,
    name: str,
    name_en: str,
    issuer: str,
    required_levels: dict[str, int],
    active: bool,
) -> CertificateProgramme:
    """Create or change a programme. Certificates already issued keep what they stated."""

    from langso.skills.services import published_skill_codes  # services imports this module

    known = published_skill_codes()
    required = {code: int(level) for code, level in required_levels.items() if int(level or 0) > 0}
    if not required:
        raise ValidationError(_("Hãy chọn ít nhất một kỹ năng và mức cần đạt."))
    unknown = set(required) - known
    if unknown:
        raise ValidationError(
            _("Kỹ năng không có trong danh mục: %(codes)s") % {"codes": ", ".join(sorted(unknown))}
        )
    if any(level not in Level.values for level in required.values()):
        raise ValidationError(_("Mức tối thiểu phải từ 1 đến 4."))
    fields = ["name", "name_en", "issuer", "required_levels", "active"]
    before = audit.snapshot(programme, fields) if programme else {}
    programme = programme or CertificateProgramme()
    programme.name = " ".join(name.split())
    programme.name_en = " ".join(name_en.split())
    programme.issuer = " ".join(issuer.split())
    programme.required_levels = required
    programme.active = active
    programme.updated_by = acting_user
    programme.full_clean()
    programme.save()
    audit.record(
        actor=acting_user,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=programme,
        changes=audit.diff(before, audit.snapshot(programme, fields)),
    )
    return programme
