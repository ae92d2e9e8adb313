"""Follow-ups of the smartphone programme recorded in the field app, through the field sync batch."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.core.cache import cache
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.devices import services
from langso.devices.models import FieldFollowUp, Outcome
from langso.devices.tests.conftest import approve, handover
from langso.teams.models import HouseholdAssignment
from langso.teams.services import device_token_issue
from langso.teams.tests.factories import TeamFactory, TeamMemberFactory


@pytest.fixture
def due(world):
    """A phone handed over 40 days ago (its 1-month check is due), in a household a member visits."""
    cache.clear()
    candidate = approve(world).candidates.first()
    allocation = services.allocate(
        acting_user=world["officer"],
        candidate=candidate,
        handover=handover(datetime.date.today() - datetime.timedelta(days=40)),
    )
    user = user_with_role(Role.TEAM_MEMBER, village=world["village"])
    member = TeamMemberFactory(team=TeamFactory(village=world["village"]), user=user)
    HouseholdAssignment.objects.create(
        household=allocation.household, member=member, assigned_on=timezone.localdate()
    )
    _device, token = device_token_issue(acting_user=user, name="Máy của tổ")
    return {"user": user, "token": token, "follow_up": allocation.follow_ups.get(months=1), "world": world}


def send(client, token, record):
    return client.post(
        "/api/v1/field/batch",
        data=json.dumps({"records": [record]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()["results"][0]


def record(due, **data):
    return {
        "id": str(uuid.uuid4()),
        "kind": "followup",
        "recorded_by": str(due["user"].pk),
        "data": {
            "follow_up_id": str(due["follow_up"].pk),
            "done_on": str(timezone.localdate()),
            "outcome": "in_use",
            "sim_active": True,
            **data,
        },
    }


def test_the_worklist_carries_the_follow_ups_due_in_a_household(client, due):
    data = client.get("/api/v1/field/worklist", HTTP_AUTHORIZATION=f"Bearer {due['token']}").json()

    checks = [c for h in data["households"] for c in h["device_follow_ups"]]
    assert [c["id"] for c in checks] == [str(due["follow_up"].pk)]
    assert {o["code"] for o in data["followup_outcomes"]} >= {"in_use", "returned"}


def test_a_follow_up_from_the_phone_is_stored_once_by_the_programmes_own_rules(client, due):
    first = record(due, notes="Cụ gọi video được cho con")

    assert send(client, due["token"], first)["status"] == "stored"
    assert send(client, due["token"], first)["status"] == "duplicate"
    follow_up = due["follow_up"]
    follow_up.refresh_from_db()
    assert follow_up.outcome == Outcome.IN_USE and follow_up.recorded_by == due["user"]
    assert follow_up.notes == "Cụ gọi video được cho con" and FieldFollowUp.objects.count() == 1
    # Another phone's record of the same check does not overwrite it.
    other = send(client, due["token"], record(due, outcome="broken"))
    assert other["status"] == "rejected" and "đã được ghi" in other["errors"]["follow_up"][0]
    # The programme's rules apply as on the website: no check in the future.
    follow_up.done_on = None
    follow_up.save()
    future = send(
        client, due["token"], record(due, done_on=str(timezone.localdate() + datetime.timedelta(days=3)))
    )
    assert future["status"] == "rejected" and future["errors"]["done_on"]


def test_a_follow_up_outside_the_members_units_is_refused(client, due):
    from langso.places.tests.factories import PHU_XUAN_DL, VillageFactory, commune

    stranger = user_with_role(Role.TEAM_MEMBER, village=VillageFactory(commune=commune(PHU_XUAN_DL)))
    _device, token = device_token_issue(acting_user=stranger, name="Máy khác")
    result = send(client, token, {**record(due), "recorded_by": str(stranger.pk)})

    assert result["status"] == "rejected" and "phạm vi" in result["errors"]["follow_up"][0]
