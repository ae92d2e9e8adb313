"""The field app's sync API: a phone downloads its worklist and sends what it recorded offline.

Phones authenticate with a per-device token (Authorization: Bearer ls_...), issued to a signed-in
user and revocable at any time. A batch gets one result per record (field.sync; runs of visits are
checked and written together, field.visit_batch): a bad record is refused with its reasons while the
others are stored; every record's UUID makes a resend
harmless; a record is stored only under its own recorder. Answers are gzip-compressed.
"""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from ninja import Field, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth
from pydantic import BaseModel

from langso.accounts.access import Perm, has_perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.accounts.models import User
from langso.field import sync
from langso.field.worklist import WorklistOut, worklist_for_device
from langso.teams import device_keys
from langso.teams.models import DeviceToken

router = Router(tags=["field sync"])

MAX_BATCH = 100
# Requests per device per minute; a phone reconnecting after days offline sends a few batches.
RATE_LIMIT_PER_MINUTE = 60
# The cookie the field app keeps its key in (see langso.field.keys).
FIELD_COOKIE = "langso_field"


class DeviceRequest(HttpRequest):
    """A request DeviceAuth let through: the phone's key and its member (for the type checker)."""

    device: DeviceToken
    user: User


class DeviceAuth(HttpBearer):
    """A live device's key. With `allow_revoked`, a revoked key is let through too (marked), so that
    what a lost phone still sends can be held for the commune instead of vanishing."""

    def __init__(self, *, allow_revoked: bool = False) -> None:
        super().__init__()
        self.allow_revoked = allow_revoked

    def authenticate(self, request: HttpRequest, token: str) -> DeviceToken | None:
        device = device_keys.device_for_token(token)
        if device is None and self.allow_revoked:
            device = device_keys.device_by_token(token)
        if device is None:
            return None
        _rate_limit(device)
        request.user = device.user
        request.device = device  # type: ignore[attr-defined]  # what makes it a DeviceRequest
        return device


def _rate_limit(device: DeviceToken) -> None:
    key = f"sync-rate:{device.pk}:{int(timezone.now().timestamp() // 60)}"
    count = cache.get_or_set(key, 0, timeout=120) or 0
    if count >= RATE_LIMIT_PER_MINUTE:
        raise HttpError(429, _("Quá nhiều yêu cầu từ thiết bị này; hãy thử lại sau một phút."))
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=120)


def revoked_message() -> str:
    return _(
        "Khóa của máy này đã bị thu hồi (đăng xuất, thay bằng người khác, hoặc báo mất máy). "
        "Máy đã xóa dữ liệu của bạn; hãy kết nối lại nếu đây là máy của bạn."
    )


# --- Devices (signed-in web session) ------------------------------------------------------------


# Text the database stores: PostgreSQL text cannot hold a NUL character (it was a 500).
NO_NUL = r"^[^\x00]*$"


class DeviceIn(Schema):
    name: str = Field(max_length=80, pattern=NO_NUL)


class DeviceIssued(Schema):
    id: uuid.UUID
    name: str
    token: str


class DeviceOut(Schema):
    id: uuid.UUID
    name: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


@router.post(
    "/devices", response=DeviceIssued, auth=django_auth, summary="Cấp khóa đồng bộ cho một điện thoại"
)
def device_issue(request: AuthenticatedHttpRequest, payload: DeviceIn) -> DeviceIssued:
    if not has_perm(request.user, Perm.VISIT_RECORD):
        raise HttpError(403, _("Bạn không có quyền dùng ứng dụng thực địa."))
    device, token = device_keys.device_token_issue(acting_user=request.user, name=payload.name)
    return DeviceIssued(id=device.pk, name=device.name, token=token)


@router.get("/devices", response=list[DeviceOut], auth=django_auth, summary="Các điện thoại của tôi")
def device_list(request: AuthenticatedHttpRequest) -> list[DeviceToken]:
    return list(DeviceToken.objects.filter(user=request.user))


@router.post("/devices/{device_id}/revoke", response=DeviceOut, auth=django_auth, summary="Thu hồi khóa")
def device_revoke(request: AuthenticatedHttpRequest, device_id: uuid.UUID) -> DeviceToken:
    # The member's own phones, or (a commune officer) those of their communes' members; the same 404
    # for a device that does not exist and one that is not theirs.
    device = device_keys.devices_visible(user=request.user).filter(pk=device_id).first()
    if device is None:
        raise HttpError(404, _("Không tìm thấy."))
    return device_keys.device_token_revoke(acting_user=request.user, device=device)


# --- Sign-out from the phone ----------------------------------------------------------------------


class SignedOut(Schema):
    signed_out: bool
    ended: int = 0


SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class Receipts(Schema):
    # SHA-256 (hex) of keys the phone dropped while offline.
    digests: list[str] = Field(max_length=20)


def _end_website_session(request: HttpRequest, users: set[Any]) -> None:
    """The phone's browser is signed in on the website as one of these members: end that session
    too, or the next person to pick up the phone would still be them."""
    session = getattr(request, "session", None)
    if session is not None and str(session.get(SESSION_KEY, "")) in {str(u) for u in users}:
        session.flush()


def _drop_cookie(response: HttpResponse) -> None:
    response.delete_cookie(FIELD_COOKIE, path="/", samesite="Strict")


@router.post(
    "/signout",
    response=SignedOut,
    auth=DeviceAuth(allow_revoked=True),
    summary="Đăng xuất máy này: thu hồi khóa, xóa phiên đăng nhập của máy",
)
def sign_out(request: DeviceRequest, response: HttpResponse) -> SignedOut:
    device = request.device
    device_keys.device_sign_out(device=device)
    _end_website_session(request, {device.user_id})
    _drop_cookie(response)
    return SignedOut(signed_out=True, ended=1)


@router.post(
    "/signout-receipts",
    response=SignedOut,
    auth=None,
    summary="Thu hồi các khóa mà máy đã bỏ khi đăng xuất lúc mất mạng",
)
def sign_out_receipts(request: HttpRequest, payload: Receipts) -> SignedOut:
    # Only what can be a key's hash reaches the database: anything else (a NUL character, which
    # PostgreSQL text refuses, was a 500) names no key, and the phone's other receipts still count.
    digests = [digest for digest in payload.digests if SHA256_HEX.fullmatch(digest)]
    users = set(DeviceToken.objects.filter(token_hash__in=digests[:20]).values_list("user_id", flat=True))
    ended = device_keys.devices_sign_out_by_digest(digests=digests)
    _end_website_session(request, users)
    return SignedOut(signed_out=True, ended=ended)


# --- Download -----------------------------------------------------------------------------------


@router.get("/worklist", response=WorklistOut, auth=DeviceAuth(), summary="Danh sách hộ cần đến của tôi")
@decorate_view(gzip_page)
def worklist(request: DeviceRequest, since: str = "", delta: bool = False) -> WorklistOut:
    """`since` is the cursor of the phone's last download; with `delta=1` and a cursor this device
    was given, only what changed is sent (see field.worklist)."""
    return worklist_for_device(
        device=request.device,
        since=since,
        delta=delta,
        language=getattr(request, "LANGUAGE_CODE", "vi"),
    )


# --- Upload -------------------------------------------------------------------------------------
# Plain pydantic models: ninja's Schema adds a wrapping validator (to read model instances) that cost
# more than the validation itself, 100 records and 100 results a batch.


class RecordIn(BaseModel):
    id: uuid.UUID
    kind: str = Field(max_length=20, pattern=r"^(visit|helpdesk|signal|followup|group)$")
    data: dict[str, Any]
    # Who recorded it on the phone (the user's id as the worklist gave it). A phone shared by several
    # members sends each record with its recorder's own key; the server checks they match.
    recorded_by: str | None = Field(None, max_length=40)


class BatchIn(BaseModel):
    records: list[RecordIn] = Field(max_length=MAX_BATCH)


class RecordResult(BaseModel):
    id: uuid.UUID
    kind: str
    status: str  # stored | duplicate | rejected | held
    errors: dict[str, list[str]] = {}
    notes: list[str] = []


class BatchOut(BaseModel):
    results: list[RecordResult]
    stored: int
    duplicates: int
    rejected: int


class RevokedOut(BaseModel):
    detail: str
    revoked: bool = True
    # Records held for the commune's officers ("held"), or refused with reasons.
    results: list[RecordResult] = []


@router.post(
    "/batch",
    response={200: BatchOut, 401: RevokedOut},
    auth=DeviceAuth(allow_revoked=True),
    summary="Gửi các bản ghi làm ngoại tuyến",
)
@decorate_view(gzip_page)
def batch(request: DeviceRequest, payload: BatchIn) -> Any:
    device = request.device
    outcomes = sync.receive_batch(
        device=device,
        records=[
            sync.Incoming(id=r.id, kind=r.kind, data=r.data, recorded_by=r.recorded_by)
            for r in payload.records
        ],
    )
    results = [
        RecordResult(id=r.id, kind=r.kind, status=o.status, errors=o.errors, notes=o.notes)
        for r, o in zip(payload.records, outcomes, strict=True)
    ]
    if not device.is_live:
        return Status(401, RevokedOut(detail=revoked_message(), results=results))
    return Status(
        200,
        BatchOut(
            results=results,
            stored=sum(r.status == "stored" for r in results),
            duplicates=sum(r.status == "duplicate" for r in results),
            rejected=sum(r.status == "rejected" for r in results),
        ),
    )
