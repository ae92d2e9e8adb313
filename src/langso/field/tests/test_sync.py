"""The field sync on a shared, lost or signed-out phone: whose records, whose list, whose key."""

from __future__ import annotations

import gzip
import hashlib
import json
import uuid

import pytest
from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.core.models import AuditEntry
from langso.places.tests.factories import NGHIA_TA, PHU_XUAN_DL, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.teams import device_keys, phone_records, services
from langso.teams.models import DeviceToken, FactConflict, HeldRecord, HeldStatus, HouseholdAssignment, Visit
from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def team():
    """Two members of one team in Nghĩa Tá, each with households of their own, and an officer."""
    village = VillageFactory(commune=commune(NGHIA_TA), name="Bản Cọ")
    team = TeamFactory(village=village)
    people = {}
    for key, head in (("a", "HOÀNG VĂN PÁO"), ("b", "Lò Thị Mai")):
        user = user_with_role(Role.TEAM_MEMBER, village=village)
        member = TeamMemberFactory(team=team, user=user)
        household = HouseholdFactory(village=village, address="")
        person = ResidentFactory(household=household, full_name=head, birth_year=1950, is_head=True)
        HouseholdAssignment.objects.create(
            household=household, member=member, assigned_on=timezone.localdate()
        )
        _device, token = services.device_token_issue(acting_user=user, name=f"Máy {key}")
        people[key] = {
            "user": user,
            "member": member,
            "household": household,
            "person": person,
            "token": token,
        }
    people["village"] = village
    people["officer"] = commune_officer(village.commune)
    return people


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def worklist(client, token, **params):
    return client.get("/api/v1/field/worklist", params, **auth(token))


def post_batch(client, token, records):
    return client.post(
        "/api/v1/field/batch",
        data=json.dumps({"records": records}),
        content_type="application/json",
        **auth(token),
    )


def visit(person, **data):
    return {
        "id": str(uuid.uuid4()),
        "kind": "visit",
        "recorded_by": str(person["user"].pk),
        "data": {
            "household_id": str(person["household"].pk),
            "visited_on": str(timezone.localdate()),
            **data,
        },
    }


# --- Whose list ---------------------------------------------------------------------------------------


def test_a_cursor_never_makes_another_users_or_devices_download_unchanged(client, team):
    a, b = team["a"], team["b"]
    first = worklist(client, a["token"]).json()
    assert worklist(client, a["token"], since=first["cursor"]).json()["unchanged"] is True

    # The same cursor, sent by the other member (a phone that kept the first member's list), is
    # not good for them: they get their own list, whole.
    theirs = worklist(client, b["token"], since=first["cursor"]).json()
    assert theirs["unchanged"] is False and theirs["partial"] is False
    assert [h["id"] for h in theirs["households"]] == [str(b["household"].pk)]
    assert theirs["user_id"] == str(b["user"].pk)
    # Nor for the same member on another phone.
    _device, other_phone = services.device_token_issue(acting_user=a["user"], name="Máy thứ hai")
    again = worklist(client, other_phone, since=first["cursor"]).json()
    assert again["unchanged"] is False and [h["id"] for h in again["households"]] == [str(a["household"].pk)]


def test_after_a_visit_the_phone_downloads_only_what_changed(client, team):
    a = team["a"]
    second = HouseholdFactory(village=team["village"], code="BC-02")
    HouseholdAssignment.objects.create(household=second, member=a["member"], assigned_on=timezone.localdate())
    first = worklist(client, a["token"]).json()
    assert len(first["households"]) == 2

    post_batch(client, a["token"], [visit(a)])
    delta = worklist(client, a["token"], since=first["cursor"], delta=1).json()

    assert delta["partial"] is True and delta["unchanged"] is False
    assert [h["id"] for h in delta["households"]] == [str(a["household"].pk)]
    assert delta["meta_changed"] is False and delta["skills"] == []
    services.households_unassign(acting_user=team["officer"], households=[second])
    gone = worklist(client, a["token"], since=delta["cursor"], delta=1).json()
    assert gone["removed"] == [str(second.pk)] and gone["households"] == []


def test_an_old_cursor_from_a_lost_answer_gets_the_whole_list(client, team):
    a = team["a"]
    first = worklist(client, a["token"]).json()
    post_batch(client, a["token"], [visit(a)])
    worklist(client, a["token"], since=first["cursor"], delta=1)  # this answer never reached the phone
    post_batch(client, a["token"], [visit(a)])

    retry = worklist(client, a["token"], since=first["cursor"], delta=1).json()

    assert retry["partial"] is False and len(retry["households"]) == 1 and retry["skills"]


def test_the_sync_answers_are_gzip_compressed(client, team):
    response = client.get("/api/v1/field/worklist", HTTP_ACCEPT_ENCODING="gzip", **auth(team["a"]["token"]))

    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["households"]


# --- Whose records ------------------------------------------------------------------------------------


def test_a_record_sent_with_another_users_key_is_refused_with_a_reason(client, team):
    a, b = team["a"], team["b"]
    record = visit(a)  # recorded by A, sent by the phone with B's key

    result = post_batch(client, b["token"], [record]).json()["results"][0]

    assert result["status"] == "rejected"
    assert "người khác ghi" in result["errors"]["recorded_by"][0]
    assert Visit.objects.count() == 0
    stored = post_batch(client, a["token"], [record]).json()["results"][0]
    assert stored["status"] == "stored"
    assert Visit.objects.get().recorded_by == a["user"]


def test_a_lost_correction_tells_the_member_what_the_commune_kept(client, team):
    a = team["a"]
    a["household"].address = "Đầu bản"
    a["household"].save()
    record = visit(
        a,
        updates=[
            {
                "target": "household",
                "id": str(a["household"].pk),
                "field": "address",
                "before": "",
                "after": "Cuối bản",
            }
        ],
    )

    result = post_batch(client, a["token"], [record]).json()["results"][0]

    assert result["status"] == "stored" and FactConflict.objects.count() == 1
    assert "Đầu bản" in result["notes"][0] and "Cuối bản" in result["notes"][0]


# --- Revoked phones -----------------------------------------------------------------------------------


def test_what_a_revoked_phone_sends_is_held_for_the_communes_officer(client, team):
    a = team["a"]
    device = DeviceToken.objects.get(user=a["user"])
    device_keys.device_token_revoke(acting_user=team["officer"], device=device)
    record = visit(a, notes="Hướng dẫn cài VNeID")

    answer = post_batch(client, a["token"], [record])
    again = post_batch(client, a["token"], [record])

    assert answer.status_code == 401 and answer.json()["revoked"] is True
    assert [r["status"] for r in answer.json()["results"]] == ["held"]
    assert [r["status"] for r in again.json()["results"]] == ["held"]
    held = HeldRecord.objects.get()
    assert held.recorded_by == a["user"] and held.commune_id == NGHIA_TA and Visit.objects.count() == 0
    assert worklist(client, a["token"]).status_code == 401

    # An officer of another commune cannot see it; the commune's officer accepts it.
    stranger = commune_officer(commune(PHU_XUAN_DL))
    with pytest.raises(Http404):
        phone_records.held_get(user=stranger, held_id=held.pk)
    client.force_login(stranger)
    assert client.post(f"/teams/conflicts/held/{held.pk}/", {"decision": "accept"}).status_code == 404
    client.force_login(team["officer"])
    client.post(f"/teams/conflicts/held/{held.pk}/", {"decision": "accept"})

    held.refresh_from_db()
    stored = Visit.objects.get()
    assert held.status == HeldStatus.ACCEPTED and held.decided_by == team["officer"]
    assert stored.pk == held.pk and stored.recorded_by == a["user"] and stored.notes == "Hướng dẫn cài VNeID"
    assert AuditEntry.objects.filter(object_id=str(held.pk), actor=team["officer"]).exists()


def test_a_held_record_can_be_dropped(client, team):
    a = team["a"]
    device_keys.device_token_revoke(acting_user=a["user"], device=DeviceToken.objects.get(user=a["user"]))
    post_batch(client, a["token"], [visit(a)])
    client.force_login(team["officer"])

    client.post(f"/teams/conflicts/held/{HeldRecord.objects.get().pk}/", {"decision": "drop"})

    assert HeldRecord.objects.get().status == HeldStatus.DROPPED and Visit.objects.count() == 0
    page = client.get("/teams/conflicts/").content.decode()
    assert "Không có bản ghi nào từ máy đã thu hồi" in page


def test_an_officer_revokes_only_the_phones_of_their_communes_members(client, team):
    a = team["a"]
    device = DeviceToken.objects.get(user=a["user"])
    stranger = commune_officer(commune(PHU_XUAN_DL))
    client.force_login(stranger)
    assert client.post(f"/field/devices/{device.pk}/revoke/").status_code == 404
    client.force_login(team["b"]["user"])
    assert client.post(f"/field/devices/{device.pk}/revoke/").status_code == 404
    assert client.post(f"/api/v1/field/devices/{device.pk}/revoke").status_code == 404

    client.force_login(team["officer"])
    assert a["user"].full_name in client.get("/field/devices/").content.decode()
    client.post(f"/field/devices/{device.pk}/revoke/")

    device.refresh_from_db()
    assert device.revoked_at is not None and device.revoked_by == team["officer"]
    assert device_keys.device_for_token(a["token"]) is None


# --- Sign-out from the phone ----------------------------------------------------------------------------


def test_signing_out_on_the_phone_ends_its_key_and_the_browsers_website_session(client, team):
    a = team["a"]
    client.force_login(a["user"])

    response = client.post("/api/v1/field/signout", **auth(a["token"]))

    assert response.status_code == 200
    assert response.cookies["langso_field"].value == ""
    assert device_keys.device_for_token(a["token"]) is None
    assert client.get("/").status_code == 302  # signed out of the website too


def test_a_phone_signed_out_offline_ends_its_key_at_the_next_contact_with_the_keys_hash(client, team):
    a, b = team["a"], team["b"]
    digest = hashlib.sha256(a["token"].encode()).hexdigest()

    answer = client.post(
        "/api/v1/field/signout-receipts",
        data=json.dumps({"digests": [digest, "not-a-hash", "0" * 64, "a\x00b", digest.upper()]}),
        content_type="application/json",
    ).json()

    assert answer["ended"] == 1
    assert device_keys.device_for_token(a["token"]) is None
    assert device_keys.device_for_token(b["token"]) is not None
    # The hash is no key.
    assert worklist(client, digest).status_code == 401
