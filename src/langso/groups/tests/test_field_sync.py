"""Group sessions sent from a phone: the "group" kind of the field batch — exactly once, a result
per record, and only with the recorder's own key."""

from __future__ import annotations

import json
import uuid

import pytest
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.groups.models import Attendance, GroupSession
from langso.skills.models import Evidence, SkillRecord
from langso.teams import device_keys
from langso.teams import services as team_services
from langso.teams.models import DeviceToken, HeldRecord
from langso.teams.tests.factories import TeamMemberFactory

pytestmark = pytest.mark.django_db


def post_batch(client, token, records):
    return client.post(
        "/api/v1/field/batch",
        data=json.dumps({"records": records}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def group_record(world, *, recorded_by=None, **data):
    body = {
        "commune_code": world["commune"].code,
        "held_on": timezone.localdate().isoformat(),
        "place_kind": "cultural_house",
        "place_name": "Nhà văn hóa bản Cọ",
        "organiser_kind": "team",
        "organiser_name": "",
        "village_id": str(world["village"].pk),
        "skills": [{"skill_code": "vneid_level2", "level": 2}, {"skill_code": "qr_payment", "level": 1}],
        "attendees": [{"resident_id": str(p.pk), "levels": {}} for p in world["people"]],
        "walk_ins": [
            {"name": "Ma Thị Sinh", "birth_year": 1958, "sex": "F", "village_id": str(world["other"].pk)},
            {"name": "SÙNG A PAO", "birth_year": None, "sex": "M", "village_id": None},
        ],
    }
    body.update(data)
    return {
        "id": str(uuid.uuid4()),
        "kind": "group",
        "recorded_by": str(recorded_by or world["leader"].pk),
        "data": body,
    }


def test_a_group_session_from_a_phone_is_stored_once_however_often_it_is_sent(client, world):
    record = group_record(world)
    first = post_batch(client, world["token"], [record]).json()
    assert first["results"][0]["status"] == "stored"
    for _ in range(2):
        again = post_batch(client, world["token"], [record]).json()
        assert again["results"][0]["status"] == "duplicate"
    assert GroupSession.objects.count() == 1
    assert Attendance.objects.count() == 12
    assert SkillRecord.objects.filter(evidence=Evidence.GROUP).count() == 20
    session = GroupSession.objects.get()
    assert session.recorded_by == world["leader"]
    assert session.device == DeviceToken.objects.get(user=world["leader"])


def test_each_record_of_a_batch_gets_its_own_result(client, world):
    good = group_record(world)
    bad = group_record(world, place_kind="market")
    outsider = group_record(world, attendees=[{"resident_id": str(world["far"].pk), "levels": {}}])
    answer = post_batch(client, world["token"], [good, bad, outsider]).json()
    statuses = {r["id"]: r["status"] for r in answer["results"]}
    assert statuses == {good["id"]: "stored", bad["id"]: "rejected", outsider["id"]: "rejected"}
    refused = next(r for r in answer["results"] if r["id"] == bad["id"])
    assert "place_kind" in refused["errors"]
    assert GroupSession.objects.count() == 1


def test_the_same_uuid_with_other_content_is_refused_and_the_first_is_kept(client, world):
    record = group_record(world)
    post_batch(client, world["token"], [record])
    changed = {**record, "data": {**record["data"], "walk_ins": []}}
    answer = post_batch(client, world["token"], [changed]).json()
    assert answer["results"][0]["status"] == "rejected"
    assert Attendance.objects.count() == 12


def test_a_session_recorded_by_someone_else_is_refused_with_this_members_key(client, world):
    other = user_with_role(Role.TEAM_MEMBER, village=world["village"])
    TeamMemberFactory(team=world["team"], user=other)
    record = group_record(world, recorded_by=other.pk)
    answer = post_batch(client, world["token"], [record]).json()
    assert answer["results"][0]["status"] == "rejected"
    assert "recorded_by" in answer["results"][0]["errors"]
    assert not GroupSession.objects.exists()


def test_a_session_from_a_revoked_phone_is_held_for_the_commune(client, world):
    device = DeviceToken.objects.get(user=world["leader"])
    device_keys.device_token_revoke(acting_user=world["leader"], device=device)
    answer = post_batch(client, world["token"], [group_record(world)])
    assert answer.status_code == 401
    assert HeldRecord.objects.get().kind == "group"
    assert not GroupSession.objects.exists()


def test_a_member_without_the_right_to_record_gets_a_reason(client, world):
    auditor = user_with_role(Role.AUDITOR, village=world["village"])
    _d, token = team_services.device_token_issue(acting_user=world["leader"], name="x")
    DeviceToken.objects.filter(user=world["leader"]).exclude(pk=_d.pk).delete()
    DeviceToken.objects.filter(pk=_d.pk).update(user=auditor)
    answer = post_batch(client, token, [group_record(world, recorded_by=auditor.pk)]).json()
    assert answer["results"][0]["status"] == "rejected"
    assert "__all__" in answer["results"][0]["errors"]
    assert not GroupSession.objects.exists()
