"""A day's package: what it holds, how it is signed and how a signature is checked.

The package is canonical JSON (sorted keys, no spaces) and the signature covers its exact bytes; the
envelope carries the package as a string so no re-encoding on the way can change what was signed.

Two signing schemes, named in the envelope: Ed25519 (`keys`: the province keeps the private key, the
national instance only the public one) and, during the move to it, HMAC-SHA256 with a secret the
province and the national instance share. The national instance accepts HMAC from a province only
while a secret is registered for it; removing the secret ends the transition.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from langso.campaigns.facts import FACTS, FactContext
from langso.national import keys
from langso.national.dictionary import dictionary_version, fact_specs
from langso.places.models import Village

FORMAT = "langso-national/1"
HMAC = "hmac-sha256"
ED25519 = "ed25519"
SCHEMES = (ED25519, HMAC)


class PackageError(Exception):
    """A package refused; the message is the Vietnamese reason the sender is told."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def counts_for_day(province_code: int, day: datetime.date) -> dict[str, Any]:
    """The counts of one province at the end of `day`: per village (or commune), every fact of the
    dictionary, and the villages as units (code, commune, label). No person appears: each fact is a
    grouped count."""
    ctx = FactContext(day=day, province_code=province_code)
    facts: dict[str, list[list[Any]]] = {}
    for key, (name, params) in fact_specs().items():
        counts = FACTS[name].count(ctx, **params)
        facts[key] = sorted(
            [commune, "" if village is None else str(village), int(n)]
            for (_province, commune, village), n in counts.items()
            if n
        )
    villages = sorted(
        [str(pk), commune, name]
        for pk, commune, name in Village.objects.filter(
            commune__province_id=province_code, created_at__lt=ctx.end
        ).values_list("pk", "commune_id", "name")
    )
    return {"facts": facts, "villages": villages}


def digest_of(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def sign(body: str, secret: str) -> str:
    return hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Signer:
    """How a province signs: Ed25519 with its private key (PEM), or HMAC with the shared secret."""

    scheme: str
    key: str = field(repr=False)

    def sign(self, body: str) -> str:
        return keys.sign(body, self.key) if self.scheme == ED25519 else sign(body, self.key)


def hmac_signer(secret: str) -> Signer:
    return Signer(HMAC, secret)


def ed25519_signer(private_pem: str) -> Signer:
    return Signer(ED25519, private_pem)


def envelope(
    *,
    province_code: int,
    day: datetime.date,
    version: int,
    content: dict[str, Any],
    signer: Signer,
) -> str:
    body = canonical(
        {
            "format": FORMAT,
            "province": province_code,
            "day": day.isoformat(),
            "version": version,
            "dictionary": dictionary_version(),
            "digest": digest_of(content),
            **content,
        }
    )
    return canonical(
        {
            "format": FORMAT,
            "scheme": signer.scheme,
            "province": province_code,
            "package": body,
            "signature": signer.sign(body),
        }
    )


@dataclass(frozen=True)
class Package:
    province_code: int
    day: datetime.date
    version: int
    dictionary: str
    digest: str
    facts: dict[str, list[list[Any]]]
    villages: list[list[Any]]


def read_envelope(raw: bytes | str) -> tuple[int, str, str, str]:
    """The envelope's province, signing scheme, package text and signature, or a refusal saying what
    is wrong."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise PackageError("Gói số liệu không đọc được (không phải JSON).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PackageError("Gói số liệu không đúng định dạng của Làng Số.")
    scheme = data.get("scheme")
    if scheme not in SCHEMES:
        raise PackageError("Cách ký gói số liệu không được hỗ trợ.")
    province, body, signature = data.get("province"), data.get("package"), data.get("signature")
    if not isinstance(province, int) or not isinstance(body, str) or not isinstance(signature, str):
        raise PackageError("Gói số liệu thiếu mã tỉnh, nội dung hoặc chữ ký.")
    return province, scheme, body, signature


def verify(body: str, signature: str, secret: str) -> bool:
    return hmac.compare_digest(sign(body, secret), signature)


def scheme_of(envelope_text: str) -> str:
    return str(json.loads(envelope_text).get("scheme", ""))


def parse(body: str, province_code: int) -> Package:
    """The package's content, checked for shape (after its signature was verified)."""
    try:
        data = json.loads(body)
        day = datetime.date.fromisoformat(data["day"])
        package = Package(
            province_code=int(data["province"]),
            day=day,
            version=int(data["version"]),
            dictionary=str(data["dictionary"]),
            digest=str(data["digest"]),
            facts={
                str(k): [[int(c), str(v), int(n)] for c, v, n in rows] for k, rows in data["facts"].items()
            },
            villages=[
                [str(code), int(commune), str(label)[:100]] for code, commune, label in data["villages"]
            ],
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise PackageError("Nội dung gói số liệu không đúng cấu trúc.") from None
    if package.province_code != province_code:
        raise PackageError("Mã tỉnh trong gói số liệu khác mã tỉnh đã ký.")
    if package.version < 1:
        raise PackageError("Phiên bản gói số liệu không hợp lệ.")
    if digest_of({"facts": data["facts"], "villages": data["villages"]}) != package.digest:
        raise PackageError("Mã kiểm tra nội dung gói số liệu không khớp.")
    return package
