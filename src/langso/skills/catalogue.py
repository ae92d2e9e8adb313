"""The skills catalogue in force: the shipped catalogue installed (and updated) into the database, and
the published version every record, rule and guide reads. Staff's drafts and publishing are writes, in
services.py; this module is below services, certificates, selectors and explain, which all read it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from langso.skills.models import CatalogueStatus, CatalogueVersion, RuleKind, Skill, SkillRule
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
