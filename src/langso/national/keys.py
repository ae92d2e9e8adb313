"""Ed25519 keys of the national tier: a province signs its packages with a private key only it holds;
the national instance keeps the province's public key, which verifies but cannot sign. A leak of the
national database therefore lets nobody forge a province's package (as a shared HMAC secret would).

Formats: the private key as an unencrypted PKCS#8 PEM file on the province's server (readable by the
service user only); the public key as the 32 raw bytes in base64 (44 characters), short enough to read
out on the phone or paste into the admin site.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def generate() -> tuple[str, str]:
    """A new key pair: (private key PEM, public key base64)."""
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return pem, public_of(pem)


def _private(pem: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def public_of(pem: str) -> str:
    raw = _private(pem).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def _public(text: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not base64") from None
    if len(raw) != 32:
        raise ValueError("not 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def validate_public_key(text: str) -> None:
    """For the admin form: the public key as `national_keygen` prints it."""
    if not text:
        return
    try:
        _public(text)
    except ValueError:
        raise ValidationError(
            _("Khóa công khai không đúng: cần 44 ký tự base64 như lệnh national_keygen in ra."),
            code="invalid",
        ) from None


def sign(body: str, pem: str) -> str:
    return base64.b64encode(_private(pem).sign(body.encode())).decode()


def verify(body: str, signature: str, public_key: str) -> bool:
    try:
        raw = base64.b64decode(signature, validate=True)
        _public(public_key).verify(raw, body.encode())
    except (ValueError, binascii.Error, InvalidSignature):
        return False
    return True
