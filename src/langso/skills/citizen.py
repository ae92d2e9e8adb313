"""A citizen's own view, opened with a one-time code their team member gives them.

The code is 8 digits, easy to read aloud ("1234 5678"), valid for a week, usable once. Only a keyed
hash (HMAC with the secret key) is stored, so a copy of the database does not give working codes.
Guessing is hopeless: 10^8 codes, and a browser session or an address gets 5 tries per 15 minutes.
Using the code binds the browser session to the person for 2 hours; nothing personal is shown
without it.
"""

from __future__ import annotations

import datetime
import enum
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from langso.accounts.models import User
from langso.core import audit, throttle
from langso.core.middleware import client_ip
from langso.core.models import AuditAction
from langso.registry.models import Resident
from langso.skills.models import CitizenAccessCode

CITIZEN_SESSION_KEY = "citizen_resident_id"
CITIZEN_UNTIL_KEY = "citizen_until"

CODE_DIGITS = 8
CODE_VALID = datetime.timedelta(days=7)
SESSION_LENGTH = datetime.timedelta(hours=2)
ATTEMPT_LIMIT = 5
ATTEMPT_WINDOW_SECONDS = 15 * 60
_THROTTLE_SCOPE = "citizen-code"


def current_citizen(request: HttpRequest) -> Resident | None:
    """The resident whose one-time code opened this browser session, or None."""
    resident_id = request.session.get(CITIZEN_SESSION_KEY)
    if not resident_id:
        return None
    until = request.session.get(CITIZEN_UNTIL_KEY)
    try:
        still_open = until is not None and datetime.datetime.fromisoformat(until) > timezone.now()
    except (TypeError, ValueError):
        still_open = False
    if not still_open:
        citizen_sign_out(request)
        return None
    return Resident.objects.filter(pk=resident_id).first()


def code_hash(code: str) -> str:
    return salted_hmac("langso.skills.citizen-code", code, algorithm="sha256").hexdigest()


def format_code(code: str) -> str:
    """ "12345678" → "1234 5678": two groups of four read aloud more easily."""
    return f"{code[:4]} {code[4:]}"


def normalise_code(text: str) -> str:
    """The digits a person typed, ignoring spaces and dashes; "" unless exactly 8 digits."""
    digits = "".join(ch for ch in str(text or "") if not ch.isspace() and ch not in "-.")
    return digits if len(digits) == CODE_DIGITS and digits.isascii() and digits.isdigit() else ""


@transaction.atomic
def access_code_create(*, acting_user: User, resident: Resident) -> tuple[CitizenAccessCode, str]:
    """A new one-time code for a person; any unused earlier code stops working. Returns (row, code)."""
    # Lock the person so two team members pressing the button at once leave one open code.
    Resident.objects.select_for_update().filter(pk=resident.pk).exists()
    now = timezone.now()
    CitizenAccessCode.objects.filter(
        resident=resident, used_at__isnull=True, replaced_at__isnull=True
    ).update(replaced_at=now)
    for _attempt in range(10):
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        try:
            with transaction.atomic():
                row = CitizenAccessCode.objects.create(
                    resident=resident,
                    code_hash=code_hash(code),
                    created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
                    expires_at=now + CODE_VALID,
                )
        except IntegrityError:  # the same code was given before (one chance in millions): draw again
            continue
        audit.record(
            actor=acting_user,
            action=AuditAction.CITIZEN_CODE,
            obj=row,
            object_repr=str(resident),
            resident_id=resident.pk,
            changes={"expires_at": row.expires_at.isoformat()},
        )
        return row, code
    raise RuntimeError("could not draw an unused one-time code")


@transaction.atomic
def access_code_redeem(*, code: str) -> Resident | None:
    """Use a code: the person it belongs to, or None for a wrong, expired, replaced or used code."""
    code = normalise_code(code)
    if not code:
        return None
    wanted = code_hash(code)
    row = (
        CitizenAccessCode.objects.select_for_update()
        .select_related("resident")
        .filter(code_hash=wanted)
        .first()
    )
    now = timezone.now()
    if (
        row is None
        or not constant_time_compare(row.code_hash, wanted)
        or row.used_at is not None
        or row.replaced_at is not None
        or row.expires_at <= now
    ):
        return None
    row.used_at = now
    row.save(update_fields=["used_at"])
    audit.record(
        actor=None,
        action=AuditAction.CITIZEN_ACCESS,
        obj=row,
        object_repr=str(row.resident),
        resident_id=row.resident_id,
        username="citizen",
    )
    return row.resident


class CodeResult(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"


def _throttle_idents(request: HttpRequest) -> list[str]:
    if not request.session.session_key:
        request.session.save()  # a session id to count by, even before anything is stored in it
    return [f"session:{request.session.session_key}", f"ip:{client_ip(request) or ''}"]


def citizen_sign_in_with_code(request: HttpRequest, text: str) -> CodeResult:
    """Check a typed code with throttling; on success bind the session to the person."""
    idents = _throttle_idents(request)
    if throttle.is_blocked(_THROTTLE_SCOPE, idents, limit=ATTEMPT_LIMIT):
        return CodeResult.THROTTLED
    resident = access_code_redeem(code=text)
    if resident is None:
        throttle.count_attempt(_THROTTLE_SCOPE, idents, window_seconds=ATTEMPT_WINDOW_SECONDS)
        return CodeResult.WRONG
    # A new session id, so an id planted before the code was typed is worthless afterwards.
    request.session.cycle_key()
    request.session[CITIZEN_SESSION_KEY] = str(resident.pk)
    request.session[CITIZEN_UNTIL_KEY] = (timezone.now() + citizen_session_length()).isoformat()
    return CodeResult.OK


def citizen_session_length() -> datetime.timedelta:
    seconds = getattr(settings, "LANGSO_CITIZEN_SESSION_SECONDS", None)
    return datetime.timedelta(seconds=int(seconds)) if seconds else SESSION_LENGTH


def citizen_sign_out(request: HttpRequest) -> None:
    """End the citizen's view (a staff sign-in in the same browser, if any, stays)."""
    had = request.session.pop(CITIZEN_SESSION_KEY, None)
    request.session.pop(CITIZEN_UNTIL_KEY, None)
    if had:
        request.session.cycle_key()
