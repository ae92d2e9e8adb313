"""Phones' keys to the sync API: issued to a member, replaced, signed out, revoked (a lost phone).

A key (`ls_…`, 256 random bits) is stored only as its SHA-256. Revoking it locks the phone out at
once; at its next contact the phone wipes what it holds. A key is revoked by its member, by a commune
officer for the members of their communes, by a sign-out (on the website or in the app), or when
another member connects the same phone. A phone signed out offline proves it held a key with the
key's SHA-256 (never the key itself), which it sends at its next contact.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.access import Perm, has_perm, scope_for
from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.core.text import clean_text
from langso.teams.models import DeviceToken, FieldUserKey, TeamMember

HEX64 = re.compile(r"^[0-9a-f]{64}$")
# Reasons a key ends, as the audit log and the devices page name them.
REASON_MEMBER = "member"
REASON_OFFICER = "officer"
REASON_SIGNED_OUT = "signed_out"
REASON_REPLACED = "replaced"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def field_key_for(user: User) -> bytes:
    """The member's sealing key (made once, the same on every phone and every connection)."""
    found = FieldUserKey.objects.filter(user=user).values_list("key", flat=True).first()
    if found is not None:
        return bytes(found)
    try:
        with transaction.atomic():
            FieldUserKey.objects.create(user=user, key=secrets.token_bytes(32))
    except IntegrityError:  # made at the same moment by another connection
        pass
    return bytes(FieldUserKey.objects.values_list("key", flat=True).get(user=user))


@transaction.atomic
def device_token_issue(*, acting_user: User, name: str, replacing: str = "") -> tuple[DeviceToken, str]:
    """A new key for one phone; the plain token is returned once and never stored. `replacing` is
    the key the phone held until now (whoever's it was): it is revoked, so a phone never holds two."""
    if replacing:
        old = device_by_token(replacing)
        if old is not None:
            _revoke(old, by=acting_user, reason=REASON_REPLACED)
    token = "ls_" + secrets.token_urlsafe(32)
    device = DeviceToken.objects.create(
        user=acting_user, name=clean_text(name)[:80] or _("Điện thoại"), token_hash=token_digest(token)
    )
    audit.record(actor=acting_user, action=AuditAction.CREATE, obj=device, changes={"name": device.name})
    return device, token


def _revoke(device: DeviceToken, *, by: Any, reason: str) -> bool:
    """Revoke once (a second revocation changes nothing); audited with who and why."""
    updated = DeviceToken.objects.filter(pk=device.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by if getattr(by, "is_authenticated", False) else None
    )
    device.refresh_from_db(fields=["revoked_at", "revoked_by"])
    if updated:
        audit.record(
            actor=by,
            username=device.user.get_username(),
            action=AuditAction.UPDATE,
            obj=device,
            changes={"revoked": True, "reason": reason, "user": device.user.get_username()},
        )
    return bool(updated)


def may_revoke(user: User, device: DeviceToken) -> bool:
    """The member themselves, or a commune officer over a commune where the member is in a team."""
    if device.user_id == getattr(user, "pk", None):
        return True
    if not has_perm(user, Perm.TEAMS_MANAGE):
        return False
    communes_q = scope_for(user, Perm.TEAMS_MANAGE).q(
        province="team__province_id", commune="team__commune_id", village=None
    )
    return TeamMember.objects.filter(communes_q, user_id=device.user_id).exists()


@transaction.atomic
def device_token_revoke(*, acting_user: User, device: DeviceToken) -> DeviceToken:
    if not may_revoke(acting_user, device):
        raise PermissionDenied
    reason = REASON_MEMBER if device.user_id == acting_user.pk else REASON_OFFICER
    _revoke(device, by=acting_user, reason=reason)
    return device


@transaction.atomic
def device_sign_out(*, device: DeviceToken) -> None:
    """The member signed out on the phone (or on the website in the phone's browser)."""
    _revoke(device, by=device.user, reason=REASON_SIGNED_OUT)


@transaction.atomic
def devices_sign_out_by_digest(*, digests: Iterable[str]) -> int:
    """A phone signed out offline sends, at its next contact, the SHA-256 of each key it dropped.
    Knowing a key's hash only lets one end that key: the hash is no key."""
    wanted = [d for d in dict.fromkeys(digests) if isinstance(d, str) and HEX64.match(d)][:20]
    ended = 0
    for device in DeviceToken.objects.filter(token_hash__in=wanted).select_related("user"):
        ended += _revoke(device, by=device.user, reason=REASON_SIGNED_OUT)
    return ended


def device_by_token(token: str) -> DeviceToken | None:
    """The device holding this token, live or not (None for a token the server never issued)."""
    if not token or len(token) > 200:
        return None
    return DeviceToken.objects.select_related("user").filter(token_hash=token_digest(token)).first()


def device_for_token(token: str) -> DeviceToken | None:
    """The live device holding this token, or None (unknown, revoked, or its user disabled)."""
    device = device_by_token(token)
    if device is None or not device.is_live:
        return None
    if device.last_used_at is None or timezone.now() - device.last_used_at > datetime.timedelta(minutes=5):
        # Written at most every few minutes: a busy sync should not rewrite the row on every call.
        DeviceToken.objects.filter(pk=device.pk).update(last_used_at=timezone.now())
    return device


def devices_visible(*, user: User) -> QuerySet[DeviceToken]:
    """The user's own phones and, for a commune officer, the phones of their communes' team members."""
    condition = Q(user=user)
    if has_perm(user, Perm.TEAMS_MANAGE):
        communes_q = scope_for(user, Perm.TEAMS_MANAGE).q(
            province="team__province_id", commune="team__commune_id", village=None
        )
        condition |= Q(
            user_id__in=TeamMember.objects.filter(communes_q, user__isnull=False).values("user_id")
        )
    return (
        DeviceToken.objects.filter(condition)
        .select_related("user", "revoked_by")
        .order_by("revoked_at", "-last_used_at", "-created_at")
    )
