from __future__ import annotations

import base64
import json

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
