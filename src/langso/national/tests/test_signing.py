"""Ed25519 signatures of the daily packages: the province keeps its private key, the national instance
only the public one; HMAC with a shared secret is accepted while the secret is registered (the move
from one to the other), and refused once it is removed."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from langso.core.models import AuditEntry
from langso.national import keys, services
from langso.national import package as pkg
from langso.national.models import OutgoingPackage, ProvinceKey, ReceivedPackage
from langso.national.package import PackageError
from langso.national.tests.seed import seed_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(settings: Any) -> Any:
    settings.NATIONAL_INSTANCE = True
    return settings


def today() -> datetime.date:
    return timezone.localdate()


def test_a_package_signed_with_the_provinces_private_key_is_received_with_only_its_public_key(national):
    private, public = keys.generate()
    services.province_key_register(acting_user=None, province_code=66, public_key=public)
    seed_province(66)

    built = services.package_build(day=today(), province_code=66, signer=pkg.ed25519_signer(private))
    receipt = services.package_receive(built.envelope)

    assert receipt.status == "stored" and json.loads(built.envelope)["scheme"] == "ed25519"
    stored = ProvinceKey.objects.get()
    assert (stored.public_key, stored.secret) == (public, "")  # nothing here can sign for the province
    assert "PRIVATE" not in str(AuditEntry.objects.filter(object_type="national.provincekey").get().changes)


def test_a_package_signed_with_another_key_or_altered_is_refused(national):
    _private, public = keys.generate()
    other, _public = keys.generate()
    services.province_key_register(acting_user=None, province_code=66, public_key=public)
    seed_province(66)
    forged = services.package_build(day=today(), province_code=66, signer=pkg.ed25519_signer(other)).envelope

    with pytest.raises(PackageError, match="Chữ ký không đúng"):
        services.package_receive(forged)
    envelope = json.loads(forged)
    for signature in ("không phải base64", "AAAA"):
        with pytest.raises(PackageError, match="Chữ ký không đúng"):
            services.package_receive(pkg.canonical({**envelope, "signature": signature}))
    assert not ReceivedPackage.objects.exists()


def test_hmac_is_accepted_during_the_move_and_refused_once_the_secret_is_removed(national):
    private, public = keys.generate()
    services.province_key_register(acting_user=None, province_code=19, secret="bi-mat-cu", public_key=public)
    seed_province(19)
    yesterday = today() - datetime.timedelta(days=1)
    old_way = services.package_build(day=yesterday, province_code=19, secret="bi-mat-cu").envelope
    assert services.package_receive(old_way).status == "stored"

    services.province_key_register(acting_user=None, province_code=19, public_key=public)  # the move is done
    old_again = services.package_build(day=today(), province_code=19, secret="bi-mat-cu").envelope
    with pytest.raises(PackageError, match="đã chuyển sang chữ ký Ed25519") as refused:
        services.package_receive(old_again)
    assert refused.value.status == 403
    line = AuditEntry.objects.filter(object_type="national.provincekey").order_by("pk").last()
    assert line.changes["secret"] == "removed" and "bi-mat-cu" not in str(line.changes)

    # The same day, not yet acknowledged, is signed again the new way with the same version.
    resigned = services.package_build(day=today(), province_code=19, signer=pkg.ed25519_signer(private))
    assert resigned.version == 1 and pkg.scheme_of(resigned.envelope) == "ed25519"
    assert services.package_receive(resigned.envelope).status == "stored"


def test_a_province_without_a_registered_public_key_is_told_so(national):
    services.province_key_register(acting_user=None, province_code=19, secret="bi-mat")
    seed_province(19)
    private, _public = keys.generate()
    envelope = services.package_build(
        day=today(), province_code=19, signer=pkg.ed25519_signer(private)
    ).envelope
    with pytest.raises(PackageError, match="chưa đăng ký khóa công khai Ed25519"):
        services.package_receive(envelope)


def test_a_wrong_public_key_or_no_key_at_all_is_refused_in_vietnamese(national):
    with pytest.raises(ValidationError, match="44 ký tự base64"):
        services.province_key_register(acting_user=None, province_code=19, public_key="khong-phai-khoa")
    with pytest.raises(ValidationError, match="Cần khóa công khai Ed25519"):
        services.province_key_register(acting_user=None, province_code=19)
    assert not ProvinceKey.objects.exists()


def test_keygen_writes_a_private_key_only_its_owner_reads_and_national_send_signs_with_it(
    national, tmp_path, client
):
    path = tmp_path / "tinh-66.pem"
    out = io.StringIO()
    call_command("national_keygen", "--output", str(path), stdout=out)
    public = out.getvalue().split()[-1]
    assert path.stat().st_mode & 0o777 == 0o600
    assert keys.public_of(path.read_text()) == public
    with pytest.raises(CommandError, match="đã có"):
        call_command("national_keygen", "--output", str(path))

    services.province_key_register(acting_user=None, province_code=66, public_key=public)
    national.NATIONAL_PROVINCE, national.NATIONAL_SECRET = 66, ""
    national.NATIONAL_PRIVATE_KEY_FILE = str(path)
    national.NATIONAL_URL = "/national/receive/"
    seed_province(66)

    def post(url: str, body: bytes) -> tuple[int, dict[str, Any]]:
        response = client.post(url, data=body, content_type="application/json")
        return response.status_code, response.json()

    services.package_build(day=today())
    result = services.packages_send(post=post)

    assert [p.acknowledgement for p in result.sent] == ["stored"]
    assert pkg.scheme_of(OutgoingPackage.objects.get().envelope) == "ed25519"
