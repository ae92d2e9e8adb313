from __future__ import annotations

import json
import uuid

import pytest
from django.core.cache import cache
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.field import api as field_api
from langso.places.tests.factories import VillageFactory
from langso.registry.models import Poverty
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.teams import services
from langso.teams.models import HouseholdAssignment, SignalReport, Visit
from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def field(client):
    village = VillageFactory()
    user = user_with_role(Role.TEAM_MEMBER, village=village)
    member = TeamMemberFactory(team=TeamFactory(village=village), user=user)
    household = HouseholdFactory(village=village, poverty=Poverty.POOR)
    person = ResidentFactory(household=household, cccd="001070000123", phone="0912345678")
    HouseholdAssignment.objects.create(household=household, member=member, assigned_on=timezone.localdate())
    _device, token = services.device_token_issue(acting_user=user, name="Máy của tổ")
    return {"village": village, "user": user, "household": household, "person": person, "token": token}


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post_batch(client, token, records):
    return client.post(
        "/api/v1/field/batch",
        data=json.dumps({"records": records}),
        content_type="application/json",
        **auth(token),
    )


def visit_record(field, **data):
    return {
        "id": str(uuid.uuid4()),
        "kind": "visit",
        "data": {"household_id": str(field["household"].pk), "visited_on": str(timezone.localdate()), **data},
    }


def test_the_worklist_sent_to_a_phone_holds_no_cccd_phone_ethnicity_or_poverty(client, field):
    response = client.get("/api/v1/field/worklist", **auth(field["token"]))

    assert response.status_code == 200
    body = response.content.decode()
    data = response.json()
    assert [h["code"] for h in data["households"]] == [field["household"].code]
    assert data["households"][0]["people"][0]["name"] == field["person"].full_name
    assert "001070000123" not in body and "0912345678" not in body
    assert "poor" not in data["households"][0]["reasons"]
    assert "ethnic" not in body and "poverty" not in body


def test_the_worklist_sent_to_a_phone_says_what_to_teach_each_person_as_their_page_does(client, field):
    from langso.skills.explain import next_skills
    from langso.skills.services import skill_record_add

    person = field["person"]
    person.owns_smartphone = True
    person.save(update_fields=["owns_smartphone"])
    skill_record_add(acting_user=None, resident=person, skill_code="vneid_level2", level=2)

    data = client.get("/api/v1/field/worklist", **auth(field["token"])).json()

    teach = data["households"][0]["people"][0]["teach"]
    assert teach[0]["skill"] == "vneid_level2" and (teach[0]["current"], teach[0]["target"]) == (2, 3)
    assert "cong-dan-so" in teach[0]["because"]
    assert {"code": "cong-dan-so", "label": "Công dân số"} in data["rules"]
    on_the_page = next_skills(person, limit=2)
    assert [(t["skill"], t["target"]) for t in teach] == [(s.skill.code, s.target) for s in on_the_page]


def test_a_batch_stores_good_records_refuses_bad_ones_and_a_resend_changes_nothing(client, field):
    good = visit_record(
        field, skills=[{"resident_id": str(field["person"].pk), "skill_code": "video_call", "level": 2}]
    )
    bad = visit_record(field, visited_on="2999-01-01")
    report = {
        "id": str(uuid.uuid4()),
        "kind": "signal",
        "data": {
            "village_id": str(field["village"].pk),
            "description": "Đầu bản, gần suối",
            "operator": "vnpt",
            "technology": "4g",
            "reported_on": str(timezone.localdate()),
        },
    }

    first = post_batch(client, field["token"], [good, bad, report]).json()
    again = post_batch(client, field["token"], [good, report]).json()

    assert [r["status"] for r in first["results"]] == ["stored", "rejected", "stored"]
    assert "visited_on" in first["results"][1]["errors"]
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]
    assert Visit.objects.count() == 1 and SignalReport.objects.count() == 1


def test_a_changed_record_under_an_old_uuid_is_refused_with_a_reason(client, field):
    record = visit_record(field, notes="một")
    post_batch(client, field["token"], [record])
    record["data"]["notes"] = "hai"

    result = post_batch(client, field["token"], [record]).json()["results"][0]

    assert result["status"] == "rejected" and result["errors"]["id"]
    assert Visit.objects.get().notes == "một"


def test_malformed_records_are_refused_one_by_one(client, field):
    records = [
        {"id": str(uuid.uuid4()), "kind": "visit", "data": {"household_id": "not-a-uuid"}},
        {"id": str(uuid.uuid4()), "kind": "helpdesk", "data": {"minutes": "many"}},
        visit_record(field),
    ]

    results = post_batch(client, field["token"], records).json()["results"]

    assert [r["status"] for r in results] == ["rejected", "rejected", "stored"]


def test_a_revoked_token_is_refused(client, field):
    from langso.teams.models import DeviceToken

    services.device_token_revoke(acting_user=field["user"], device=DeviceToken.objects.get())

    assert client.get("/api/v1/field/worklist", **auth(field["token"])).status_code == 401
    assert post_batch(client, field["token"], [visit_record(field)]).status_code == 401
    assert Visit.objects.count() == 0


def test_no_token_and_a_session_are_not_enough_for_the_sync_endpoints(client, field):
    client.force_login(field["user"])
    assert client.get("/api/v1/field/worklist").status_code == 401


def test_a_device_is_rate_limited(client, field, monkeypatch):
    monkeypatch.setattr(field_api, "RATE_LIMIT_PER_MINUTE", 3)
    codes = [client.get("/api/v1/field/worklist", **auth(field["token"])).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_signed_in_member_gets_a_token_once_and_can_revoke_it(client, field):
    client.force_login(field["user"])
    issued = client.post(
        "/api/v1/field/devices", data=json.dumps({"name": "Redmi"}), content_type="application/json"
    ).json()
    assert issued["token"].startswith("ls_")
    listed = client.get("/api/v1/field/devices").json()
    assert all("token" not in d for d in listed)

    client.post(f"/api/v1/field/devices/{issued['id']}/revoke")
    assert client.get("/api/v1/field/worklist", **auth(issued["token"])).status_code == 401


def test_a_telecom_partner_cannot_get_a_field_token(client):
    partner = user_with_role(Role.TELECOM_PARTNER, village=VillageFactory())
    client.force_login(partner)
    response = client.post(
        "/api/v1/field/devices", data=json.dumps({"name": "x"}), content_type="application/json"
    )
    assert response.status_code == 403


def test_the_worklist_download_follows_the_servers_change_sequence_not_the_phones_clock(client, field):
    from langso.registry import services as registry_services

    first = client.get("/api/v1/field/worklist", **auth(field["token"])).json()
    same = client.get(f"/api/v1/field/worklist?since={first['cursor']}", **auth(field["token"])).json()
    assert same["unchanged"] is True and same["households"] == []

    registry_services.resident_update(
        acting_user=None, resident=field["person"], full_name="Nguyễn Văn Đổi Tên"
    )
    changed = client.get(f"/api/v1/field/worklist?since={same['cursor']}", **auth(field["token"])).json()

    assert changed["unchanged"] is False
    assert changed["households"][0]["people"][0]["name"] == "Nguyễn Văn Đổi Tên"
    assert changed["cursor"] != first["cursor"]
    # A garbled cursor means "send everything", never an error.
    assert client.get("/api/v1/field/worklist?since=xx:yy", **auth(field["token"])).json()["households"]


def test_a_fact_corrected_on_the_phone_is_applied_when_the_server_did_not_change_it(client, field):
    person = field["person"]
    record = visit_record(
        field,
        updates=[
            {
                "target": "resident",
                "id": str(person.pk),
                "field": "owns_smartphone",
                "before": False,
                "after": True,
            }
        ],
    )

    assert post_batch(client, field["token"], [record]).json()["results"][0]["status"] == "stored"
    person.refresh_from_db()
    assert person.owns_smartphone is True


def test_a_small_jpeg_photo_is_kept_with_the_visit_and_other_files_are_refused(client, field):
    import base64

    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 2000
    ok = visit_record(field, photo=base64.b64encode(jpeg).decode())
    png = visit_record(field, photo=base64.b64encode(b"\x89PNG\r\n" + b"\x00" * 100).decode())
    garbled = visit_record(field, photo="not base64!!")
    huge = visit_record(field, photo=base64.b64encode(b"\xff\xd8\xff" + b"\x00" * 310_000).decode())

    results = post_batch(client, field["token"], [ok, png, garbled, huge]).json()["results"]

    assert [r["status"] for r in results] == ["stored", "rejected", "rejected", "rejected"]
    assert bytes(Visit.objects.get().photo) == jpeg
