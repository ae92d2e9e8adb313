"""Writes of the national tier: a province builds and sends its days; the national instance stores them.

Province side. `package_build` makes the day's package once (a rebuild whose counts did not change
keeps its version; one whose counts changed, e.g. visits synced late for that day, gets the next
version and must be sent again). `packages_send` sends every day not yet acknowledged, oldest first,
and stops at the first failure so the days arrive in order; after days offline the next run sends
them all. An acknowledgement is recorded per day.

National side. `package_receive` verifies the signature against the province's registered key, checks
the data-dictionary version, and stores the package idempotently: the same day and version with the
same counts is acknowledged and changes nothing; a newer version replaces the stored day, with an
audit line; an older version is acknowledged as outdated and changes nothing.
"""

from __future__ import annotations

import datetime
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.national import keys
from langso.national import package as pkg
from langso.national.dictionary import dictionary_version
from langso.national.models import (
    OutgoingPackage,
    ProvinceKey,
    ReceivedCount,
    ReceivedPackage,
    ReceivedVillage,
    Via,
)
from langso.operations.models import MaintenanceKind
from langso.operations.runs import run_record

# --- Province side --------------------------------------------------------------------------------


def _province_settings() -> tuple[int, pkg.Signer]:
    """The province's code and how it signs: its Ed25519 private key (LANGSO_NATIONAL_PRIVATE_KEY_FILE,
    made by `national_keygen`) or, until it has one, the shared secret (LANGSO_NATIONAL_SECRET)."""
    code = settings.NATIONAL_PROVINCE
    key_file, secret = settings.NATIONAL_PRIVATE_KEY_FILE, settings.NATIONAL_SECRET
    if not code or not (key_file or secret):
        raise ImproperlyConfigured(
            "LANGSO_NATIONAL_PROVINCE and LANGSO_NATIONAL_PRIVATE_KEY_FILE (or, during the move to "
            "Ed25519, LANGSO_NATIONAL_SECRET) must be set to send to the national instance."
        )
    if key_file:
        try:
            with open(key_file, encoding="ascii") as handle:
                return int(code), pkg.ed25519_signer(handle.read())
        except OSError as error:
            raise ImproperlyConfigured(f"LANGSO_NATIONAL_PRIVATE_KEY_FILE cannot be read: {error}") from None
    return int(code), pkg.hmac_signer(secret)


def package_build(
    *,
    day: datetime.date,
    province_code: int | None = None,
    secret: str | None = None,
    signer: pkg.Signer | None = None,
) -> OutgoingPackage:
    """The day's package, built (or rebuilt: a new version only when its counts changed). Signed by
    `signer` (or with the HMAC `secret`), else as the settings say."""
    if signer is None and secret is not None:
        signer = pkg.hmac_signer(secret)
    if province_code is None or signer is None:
        province_code, signer = _province_settings()
    content = pkg.counts_for_day(province_code, day)
    digest = pkg.digest_of(content)
    with transaction.atomic():
        existing = (
            OutgoingPackage.objects.select_for_update().filter(province_code=province_code, day=day).first()
        )
        same = (
            existing is not None and existing.digest == digest and existing.dictionary == dictionary_version()
        )
        if (
            existing is not None
            and same
            and (existing.acknowledged_at or pkg.scheme_of(existing.envelope) == signer.scheme)
        ):
            return existing
        # Counts changed: the next version. The same counts not yet acknowledged but signed the old way
        # (a province moving to Ed25519): signed again, same version, so the national instance takes it.
        version = existing.version + (0 if same else 1) if existing is not None else 1
        envelope = pkg.envelope(
            province_code=province_code, day=day, version=version, content=content, signer=signer
        )
        if existing is None:
            return OutgoingPackage.objects.create(
                province_code=province_code,
                day=day,
                version=version,
                dictionary=dictionary_version(),
                envelope=envelope,
                digest=digest,
            )
        existing.version, existing.envelope, existing.digest = version, envelope, digest
        existing.dictionary = dictionary_version()
        existing.acknowledged_at, existing.acknowledgement, existing.attempts = None, "", 0
        existing.last_error = ""
        existing.save()
        return existing


def days_to_build(today: datetime.date, province_code: int) -> list[datetime.date]:
    """Yesterday, and the days since the last package built (the scheduler missed none unless the
    machine was off): at most a week back, beyond which a past day's current-state facts mislead."""
    yesterday = today - datetime.timedelta(days=1)
    last = (
        OutgoingPackage.objects.filter(province_code=province_code, day__lte=yesterday)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    first = (
        max(last + datetime.timedelta(days=1), yesterday - datetime.timedelta(days=6)) if last else yesterday
    )
    return [first + datetime.timedelta(days=n) for n in range((yesterday - first).days + 1)]


Poster = Callable[[str, bytes], tuple[int, dict[str, Any]]]


def http_post(url: str, body: bytes) -> tuple[int, dict[str, Any]]:
    """POST the envelope; the status and the JSON answer (an unreachable server raises OSError)."""
    request = urllib.request.Request(  # noqa: S310 - the administrator's configured https/http URL
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.NATIONAL_TIMEOUT) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            answer = json.loads(error.read() or b"{}")
        except ValueError:
            answer = {}
        return error.code, answer


@dataclass
class SendResult:
    sent: list[OutgoingPackage]
    failed: OutgoingPackage | None = None
    error: str = ""
    built: list[OutgoingPackage] = field(default_factory=list)


def packages_send(*, url: str | None = None, post: Poster | None = None) -> SendResult:
    """Send every unacknowledged day, oldest first; stop at the first that fails (sent again next run)."""
    url, post = url or settings.NATIONAL_URL, post or http_post
    if not url:
        raise ImproperlyConfigured("LANGSO_NATIONAL_URL is not set.")
    result = SendResult(sent=[])
    for outgoing in OutgoingPackage.objects.filter(acknowledged_at__isnull=True).order_by(
        "day", "province_code"
    ):
        outgoing.attempts += 1
        try:
            status, answer = post(url, outgoing.envelope.encode())
        except OSError as error:
            status, answer = 0, {"error": f"Không kết nối được máy chủ quốc gia: {error}"}
        if status == 200 and answer.get("status") in ACKNOWLEDGED:
            outgoing.acknowledged_at, outgoing.acknowledgement = timezone.now(), answer["status"]
            outgoing.last_error = ""
            outgoing.save(update_fields=["attempts", "acknowledged_at", "acknowledgement", "last_error"])
            result.sent.append(outgoing)
            continue
        outgoing.last_error = str(answer.get("error") or f"HTTP {status}")[:300]
        outgoing.save(update_fields=["attempts", "last_error"])
        result.failed, result.error = outgoing, outgoing.last_error
        break
    return result


def national_run(
    *, today: datetime.date | None = None, also: list[datetime.date] | None = None
) -> SendResult:
    """The nightly job (`national_send`, or the `send_to_national` task): build the days not built yet
    (and `also`), then send every unacknowledged day. Safe to run twice: a day built with the same
    counts keeps its version, and an acknowledged day is not sent again."""
    province, signer = _province_settings()
    days = days_to_build(today or timezone.localdate(), province) + list(also or [])
    built = [package_build(day=day, province_code=province, signer=signer) for day in sorted(set(days))]
    result = packages_send()
    result.built = built
    # The operations page shows the last send, and whether it went through.
    sent = ", ".join(f"{p.day:%d/%m/%Y} v{p.version}" for p in result.sent)
    detail = (
        _("Chưa gửi được ngày %(day)s: %(error)s")
        % {"day": f"{result.failed.day:%d/%m/%Y}", "error": result.error}
        if result.failed is not None
        else _("Đã gửi: %(days)s") % {"days": sent}
        if sent
        else _("Không có ngày nào cần gửi.")
    )
    run_record(
        kind=MaintenanceKind.NATIONAL_SEND, ok=result.failed is None, detail=detail, rows=len(result.sent)
    )
    return result


# --- National side --------------------------------------------------------------------------------

STORED, UNCHANGED, REPLACED, OUTDATED = "stored", "unchanged", "replaced", "outdated"
ACKNOWLEDGED = frozenset({STORED, UNCHANGED, REPLACED, OUTDATED})


@dataclass(frozen=True)
class Receipt:
    status: str
    province_code: int
    day: datetime.date
    version: int

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "province": self.province_code,
            "day": self.day.isoformat(),
            "version": self.version,
        }


def package_receive(raw: bytes | str, *, via: str = Via.HTTP, actor: Any = None) -> Receipt:
    """Verify, check and store one envelope. Raises `PackageError` (a Vietnamese reason) and writes
    nothing when it is refused."""
    if not settings.NATIONAL_INSTANCE:
        raise pkg.PackageError(
            "Máy chủ này không phải máy chủ quốc gia (LANGSO_NATIONAL_INSTANCE).", status=404
        )
    province_code, scheme, body, signature = pkg.read_envelope(raw)
    key = ProvinceKey.objects.filter(province_code=province_code, is_active=True).first()
    if key is None:
        raise pkg.PackageError(
            f"Tỉnh mã {province_code} chưa được quản trị viên đăng ký khóa ký.", status=403
        )
    if scheme == pkg.ED25519:
        if not key.public_key:
            raise pkg.PackageError(
                f"Tỉnh mã {province_code} chưa đăng ký khóa công khai Ed25519 với máy chủ quốc gia.",
                status=403,
            )
        verified = keys.verify(body, signature, key.public_key)
    else:
        if not key.secret:
            raise pkg.PackageError(
                f"Tỉnh mã {province_code} đã chuyển sang chữ ký Ed25519: gói ký bằng khóa bí mật dùng chung "
                "không còn được nhận.",
                status=403,
            )
        verified = pkg.verify(body, signature, key.secret)
    if not verified:
        raise pkg.PackageError(
            "Chữ ký không đúng: gói số liệu không phải do tỉnh ký hoặc đã bị sửa.", status=403
        )
    package = pkg.parse(body, province_code)
    if package.dictionary != dictionary_version():
        raise pkg.PackageError(
            f"Phiên bản từ điển dữ liệu của tỉnh ({package.dictionary}) khác của máy chủ quốc gia "
            f"({dictionary_version()}): hai bên phải dùng cùng phiên bản Làng Số. Gói số liệu chưa được nhận.",
            status=409,
        )
    return _store(package, via=via, actor=actor)


@transaction.atomic
def _store(package: pkg.Package, *, via: str, actor: Any) -> Receipt:
    stored = (
        ReceivedPackage.objects.select_for_update()
        .filter(province_code=package.province_code, day=package.day)
        .first()
    )
    if stored is not None and (stored.digest == package.digest or package.version < stored.version):
        status = UNCHANGED if stored.digest == package.digest else OUTDATED
        return Receipt(status, package.province_code, package.day, stored.version)
    before = None
    if stored is None:
        stored = ReceivedPackage(province_code=package.province_code, day=package.day)
    else:
        before = {"version": stored.version, "digest": stored.digest}
        stored.counts.all().delete()
    stored.version, stored.dictionary, stored.digest, stored.via = (
        package.version,
        package.dictionary,
        package.digest,
        via,
    )
    stored.save()
    ReceivedCount.objects.bulk_create(
        [
            ReceivedCount(package=stored, fact=fact, commune_code=commune, village_code=village, count=n)
            for fact, rows in package.facts.items()
            for commune, village, n in rows
        ],
        batch_size=5000,
    )
    _store_villages(package)
    after = {"version": stored.version, "digest": stored.digest}
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.IMPORT,
        obj=stored,
        changes={k: [before[k], after[k]] for k in after} if before else {},
        note=(
            f"Thay gói số liệu ngày {package.day:%d/%m/%Y} của tỉnh {package.province_code}: "
            f"phiên bản {before['version']} → {package.version}"
            if before
            else f"Nhận gói số liệu ngày {package.day:%d/%m/%Y} của tỉnh {package.province_code}"
        ),
        username=f"tinh-{package.province_code}",
    )
    return Receipt(REPLACED if before else STORED, package.province_code, package.day, stored.version)


def _store_villages(package: pkg.Package) -> None:
    known = dict(
        ReceivedVillage.objects.filter(code__in=[v[0] for v in package.villages]).values_list("code", "label")
    )
    new = [
        ReceivedVillage(code=code, province_code=package.province_code, commune_code=commune, label=label)
        for code, commune, label in package.villages
        if code not in known
    ]
    ReceivedVillage.objects.bulk_create(new, batch_size=5000)
    for code, commune, label in package.villages:
        if code in known and known[code] != label:  # a village renamed by its commune
            ReceivedVillage.objects.filter(code=code).update(label=label, commune_code=commune)


@transaction.atomic
def province_key_register(
    *,
    acting_user: User | None,
    province_code: int,
    secret: str = "",
    public_key: str = "",
    is_active: bool = True,
) -> ProvinceKey:
    """Register (or replace) a province's keys (administrators, in the admin site): its Ed25519 public
    key and/or, during the move to Ed25519, the shared HMAC secret (empty: HMAC packages refused). The
    audit line records the public key (it is public) and that the secret changed, never the secret."""
    public_key = public_key.strip()
    keys.validate_public_key(public_key)
    if not secret and not public_key:
        raise ValidationError(_("Cần khóa công khai Ed25519 của tỉnh (hoặc khóa bí mật dùng chung)."))
    before = ProvinceKey.objects.filter(province_code=province_code).first()
    key, created = ProvinceKey.objects.update_or_create(
        province_code=province_code,
        defaults={"secret": secret, "public_key": public_key, "is_active": is_active},
    )
    secret_change = (
        "removed"
        if before and before.secret and not secret
        else "changed"
        if secret != (before.secret if before else "")
        else "unchanged"
    )
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=key,
        changes={"secret": secret_change, "public_key": public_key, "is_active": is_active},
        note=f"Khóa ký của tỉnh {province_code}",
    )
    return key
