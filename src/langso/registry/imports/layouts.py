"""Column mappings chosen by an officer, remembered per commune and list kind for the same headers."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.places.models import Commune
from langso.registry.imports.columns import RELATION, Column
from langso.registry.imports.mapping import header_signature
from langso.registry.models import ImportColumnMapping


def recall(*, commune: Commune | None, kind: str) -> Callable[[str], list[str] | None]:
    """A lookup: the fields chosen before for headers with this signature (None when never mapped)."""

    def lookup(signature: str) -> list[str] | None:
        found = (
            ImportColumnMapping.objects.filter(commune=commune, kind=kind, signature=signature)
            .values_list("fields", flat=True)
            .first()
        )
        return list(found) if found else None

    return lookup


def clean_fields(spec: tuple[Column, ...], headers: list[str], fields: list[str]) -> list[str]:
    """The officer's choice, checked: a known field or "" per column, each field once, the required
    ones present. ValidationError with a Vietnamese message otherwise."""
    keys = {c.key: c for c in spec}
    allowed = set(keys) | ({RELATION} if "is_head" in keys else set())
    fields = [(f or "").strip() for f in fields][: len(headers)]
    fields += [""] * (len(headers) - len(fields))
    errors = []
    seen: dict[str, str] = {}
    for header, key in zip(headers, fields, strict=True):
        if not key:
            continue
        if key not in allowed:
            errors.append(_("Cột “%(header)s”: hãy chọn một trường trong danh sách.") % {"header": header})
            continue
        target = "is_head" if key == RELATION else key
        if target in seen:
            label = str(keys[target].header)
            errors.append(
                _("“%(field)s” được chọn cho hai cột: “%(first)s” và “%(second)s”. Hãy chọn một cột.")
                % {"field": label, "first": seen[target], "second": header}
            )
        seen[target] = header
    missing = [str(c.header) for c in spec if c.required and c.key not in seen]
    if missing:
        errors.append(_("Chưa có cột nào cho trường bắt buộc: %(fields)s.") % {"fields": ", ".join(missing)})
    if errors:
        raise ValidationError(errors)
    return fields


def remember(
    *, acting_user: User, commune: Commune | None, kind: str, headers: list[str], fields: list[str]
) -> ImportColumnMapping:
    """Keep the mapping for the next file with the same headers (replacing an older one)."""
    mapping, created = ImportColumnMapping.objects.update_or_create(
        commune=commune,
        kind=kind,
        signature=header_signature(headers),
        defaults={"headers": headers, "fields": fields, "created_by": acting_user},
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=mapping,
        changes={"kind": kind, "headers": headers[:50], "fields": fields[:50]},
    )
    return mapping
