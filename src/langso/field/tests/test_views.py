from __future__ import annotations

import base64
import json
import uuid

import pytest

from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.places.tests.factories import VillageFactory
from langso.teams.models import DeviceToken
from langso.teams.services import device_for_token

pytestmark = pytest.mark.django_db


def field_cookie(response):
    """What the field app reads from its cookie: token, sealing key, user id and name, device id."""
    value = response.cookies["langso_field"].value
    return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


def test_the_app_shell_is_the_same_for_everyone_and_holds_no_personal_data(client):
    anonymous = client.get("/field/")
    member = user_with_role(Role.TEAM_MEMBER, village=VillageFactory(), full_name="Hà Thị Riêng Tư")
    client.force_login(member)
    signed_in = client.get("/field/")

    assert anonymous.status_code == signed_in.status_code == 200
    assert "Hà Thị Riêng Tư" not in signed_in.content.decode()
    assert b'id="field-strings"' in anonymous.content
    assert "csrfmiddlewaretoken" not in signed_in.content.decode()


def test_the_service_worker_may_look_after_the_whole_site_and_is_never_stale(client):
    response = client.get("/field/sw.js")

    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"].startswith("application/javascript")
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_the_offline_manifest_lists_the_shell_and_its_files(client):
    data = client.get("/field/offline-manifest.json").json()

    assert "/field/" in data["urls"]
    assert any(url.endswith("field/app.js") for url in data["urls"])
    assert data["version"]


def test_the_install_manifest_names_the_app_and_its_icons(client):
    data = client.get("/field/manifest.webmanifest").json()
    assert data["display"] == "standalone" and len(data["icons"]) == 2


def test_connecting_a_phone_issues_a_token_to_a_team_member_only(client):
    member = user_with_role(Role.TEAM_MEMBER, village=VillageFactory())
    partner = user_with_role(Role.TELECOM_PARTNER, village=VillageFactory())

    assert client.get("/field/connect/").status_code == 302  # sign in first
    client.force_login(partner)
    assert client.post("/field/connect/", {"device_name": "x"}).status_code == 403
    client.force_login(member)
    response = client.post("/field/connect/", {"device_name": "Redmi 9A"})

    assert response.status_code == 302 and response["Location"] == "/field/"
    token = field_cookie(response)["t"]
    assert device_for_token(token) == DeviceToken.objects.get(user=member, name="Redmi 9A")
    assert "no-store" in response["Cache-Control"]


def test_connecting_again_ends_the_key_the_phone_held_whoever_it_was_and_keeps_each_members_seal(client):
    village = VillageFactory()
    first = user_with_role(Role.TEAM_MEMBER, village=village)
    second = user_with_role(Role.TEAM_MEMBER, village=village)
    client.force_login(first)
    one = field_cookie(client.post("/field/connect/", {"device_name": "Máy chung"}))
    client.force_login(second)  # the browser keeps the cookie: the phone is the same
    two = field_cookie(client.post("/field/connect/", {"device_name": "Máy chung"}))
    client.force_login(first)
    three = field_cookie(client.post("/field/connect/", {"device_name": "Máy chung"}))

    assert device_for_token(one["t"]) is None and device_for_token(two["t"]) is None
    assert device_for_token(three["t"]).user == first
    assert one["k"] == three["k"] != two["k"]  # the member's own sealing key, the same each time
    assert (one["u"], two["u"]) == (str(first.pk), str(second.pk))
    assert DeviceToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_signing_out_of_the_website_ends_the_phones_key_and_drops_its_cookie(client):
    member = user_with_role(Role.TEAM_MEMBER, village=VillageFactory())
    client.force_login(member)
    token = field_cookie(client.post("/field/connect/", {"device_name": "Redmi"}))["t"]

    response = client.post("/accounts/logout/")

    assert response.cookies["langso_field"].value == ""
    assert device_for_token(token) is None
    assert DeviceToken.objects.get().revoked_by == member


def test_the_home_page_leads_a_member_to_the_field_app_and_an_officer_to_what_waits(client):
    from langso.accounts.tests.factories import commune_officer
    from langso.teams.models import HeldRecord

    village = VillageFactory()
    member = user_with_role(Role.TEAM_MEMBER, village=village)
    client.force_login(member)
    page = client.get("/").content.decode()
    assert "Mở ứng dụng thực địa" in page and "Thêm vào màn hình chính" in page

    officer = commune_officer(village.commune)
    HeldRecord.objects.create(
        id=uuid.uuid4(),
        kind="signal",
        data={},
        commune=village.commune,
        province_id=village.commune.province_id,
    )
    client.force_login(officer)
    page = client.get("/").content.decode()
    assert "1 bản ghi từ máy đã thu hồi" in page and "/teams/conflicts/" in page
    partner = user_with_role(Role.TELECOM_PARTNER, village=village)
    client.force_login(partner)
    assert "Mở ứng dụng thực địa" not in client.get("/").content.decode()
