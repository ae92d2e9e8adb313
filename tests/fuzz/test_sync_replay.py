"""Hypothesis properties of the phone sync (POST /api/v1/field/batch, teams.services.store_synced).

A phone that lost its connection resends whatever it is unsure about, in any grouping and order.
For any batch of visits, help-desk sessions and weak-signal reports (good, bad and malformed):
- once sent, replaying it any number of times, split into smaller batches and reordered, leaves the
  stored state exactly as the first send left it, and acknowledges every record the same way
  (stored → duplicate, rejected → rejected with the same reasons);
- a record sent again under the same UUID with changed content is refused with a reason, and the
  server keeps the first version.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from langso.core.models import AuditEntry
from langso.registry.models import Household, Resident
from langso.skills.models import CurrentSkillLevel, SkillRecord
from langso.teams.models import (
    FactConflict,
    HelpDeskSession,
    Operator,
    Service,
    SignalReport,
    SignalReportEvent,
    Technology,
    Visit,
    VisitService,
    VisitSkill,
)
from tests.fuzz import profiles
from tests.fuzz.world import Side, two_communes

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FIELD_DAY = st.one_of(
    st.dates(TODAY - datetime.timedelta(days=400), TODAY).map(str),
    st.sampled_from([str(TODAY + datetime.timedelta(days=30)), "2001-01-01", "31/12/2024", "", "hôm qua"]),
)
SHORT_TEXT = st.text(max_size=30)


def _visit(side: Side, other: Side) -> st.SearchStrategy[dict[str, Any]]:
    households = st.sampled_from([*side.households, other.households[0]])
    people = st.sampled_from([*side.residents, other.residents[0]]).map(lambda r: str(r.pk))
    return st.builds(
        lambda household, day, present, skills, services, notes, flags, update, follow_up: {
            "household_id": str(household.pk),
            "visited_on": day,
            "present": present,
            "skills": skills,
            "services": services,
            "notes": notes,
            "no_signal": flags[0],
            "scam": flags[1],
            **({"updates": [update]} if update else {}),
            **({"follow_up_on": follow_up} if follow_up else {}),
        },
        households,
        FIELD_DAY,
        st.lists(people, max_size=3, unique=True),
        st.lists(
            st.fixed_dictionaries(
                {
                    "resident_id": people,
                    "skill_code": st.sampled_from(["video_call", "vneid", "khong-co"]),
                    "level": st.integers(0, 5),
                }
            ),
            max_size=2,
        ),
        st.lists(
            st.fixed_dictionaries({"service": st.sampled_from([*Service.values[:3], "bay"])}), max_size=2
        ),
        SHORT_TEXT,
        st.tuples(st.booleans(), st.booleans()),
        st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "target": st.just("resident"),
                    "id": people,
                    "field": st.just("owns_smartphone"),
                    "before": st.booleans(),
                    "after": st.booleans(),
                }
            ),
            st.fixed_dictionaries(
                {
                    "target": st.just("household"),
                    "id": households.map(lambda h: str(h.pk)),
                    "field": st.sampled_from(["address", "poverty"]),
                    "before": SHORT_TEXT,
                    "after": SHORT_TEXT,
                }
            ),
        ),
        st.one_of(st.none(), FIELD_DAY),
    )


def _helpdesk(side: Side, other: Side) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "commune_code": st.sampled_from([side.commune.code, other.commune.code]),
            "helped_on": FIELD_DAY,
            "procedure": st.sampled_from([*Service.values[:2], "bay"]),
            "outcome": st.sampled_from(["done", "not_done", "maybe"]),
            "minutes": st.integers(-5, 600),
        },
        optional={
            "resident_id": st.sampled_from([*side.residents, other.residents[0]]).map(lambda r: str(r.pk)),
            "walk_in_name": SHORT_TEXT,
            "walk_in_birth_year": st.integers(1850, 2100),
            "notes": SHORT_TEXT,
        },
    )


def _signal(side: Side, other: Side) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "village_id": st.sampled_from([str(side.village.pk), str(other.village.pk)]),
            "description": st.one_of(st.just("Cuối buôn, gần suối"), SHORT_TEXT),
            "operator": st.sampled_from([*Operator.values[:2], "x"]),
            "technology": st.sampled_from([*Technology.values[:2], "6g"]),
            "reported_on": FIELD_DAY,
        },
        optional={
            "households_affected": st.integers(-1, 20_000),
            "latitude": st.floats(-90, 90),
            "longitude": st.floats(100, 112),
        },
    )


def _valid(side: Side) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """Records the server stores: drawn often so that every example has some."""
    day = st.dates(TODAY - datetime.timedelta(days=400), TODAY).map(str)
    return st.one_of(
        st.builds(
            lambda household, visited_on, notes: (
                "visit",
                {"household_id": str(household.pk), "visited_on": visited_on, "notes": notes},
            ),
            st.sampled_from(side.households),
            day,
            SHORT_TEXT,
        ),
        st.builds(
            lambda helped_on, minutes, name: (
                "helpdesk",
                {
                    "commune_code": side.commune.code,
                    "helped_on": helped_on,
                    "procedure": Service.values[0],
                    "outcome": "done",
                    "minutes": minutes,
                    "walk_in_name": f"Khách {name}",
                },
            ),
            day,
            st.integers(1, 480),
            SHORT_TEXT,
        ),
        st.builds(
            lambda reported_on, description: (
                "signal",
                {
                    "village_id": str(side.village.pk),
                    "description": f"Cuối buôn {description}",
                    "operator": Operator.values[0],
                    "technology": Technology.values[0],
                    "reported_on": reported_on,
                },
            ),
            day,
            SHORT_TEXT,
        ),
    )


def _records(side: Side, other: Side) -> st.SearchStrategy[list[dict[str, Any]]]:
    record = st.one_of(
        _valid(side),
        st.tuples(st.just("visit"), _visit(side, other)),
        st.tuples(st.just("helpdesk"), _helpdesk(side, other)),
        st.tuples(st.just("signal"), _signal(side, other)),
        # Malformed: wrong types, missing fields, another kind's data.
        st.tuples(
            st.sampled_from(["visit", "helpdesk", "signal"]),
            st.dictionaries(
                st.sampled_from(["household_id", "minutes", "village_id"]), SHORT_TEXT, max_size=2
            ),
        ),
    )
    return st.lists(
        st.tuples(st.uuids(), record).map(lambda r: {"id": str(r[0]), "kind": r[1][0], "data": r[1][1]}),
        min_size=1,
        max_size=8,
        unique_by=lambda r: r["id"],
    )


def _send(client: Client, side: Side, records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    cache.clear()  # the 60-a-minute limit per phone is not what this test is about
    response = client.post(
        "/api/v1/field/batch",
        data=json.dumps({"records": records}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {side.token}",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stored"] + body["duplicates"] + body["rejected"] == len(records)
    return {r["id"]: r for r in body["results"]}


def _state() -> dict[str, Any]:
    """Everything a sync can write, row by row (the phone's last-used time aside)."""
    return {
        model.__name__: [tuple(sorted(row.items())) for row in model.objects.order_by("pk").values()]
        for model in (
            Visit,
            VisitSkill,
            VisitService,
            HelpDeskSession,
            SignalReport,
            SignalReportEvent,
            SkillRecord,
            CurrentSkillLevel,
            FactConflict,
            Resident,
            Household,
            AuditEntry,
        )
    } | {
        "present": sorted(
            (str(v), str(r)) for v, r in Visit.present.through.objects.values_list("visit_id", "resident_id")
        )
    }


@pytest.fixture
def sides(db) -> tuple[Side, Side]:
    return two_communes()


def test_replaying_a_batch_in_any_grouping_and_order_changes_nothing(client, sides):
    side, other = sides
    seen = {"stored": 0, "rejected": 0}

    @settings(max_examples=profiles.examples(15))
    @given(records=_records(side, other), data=st.data())
    def run(records: list[dict[str, Any]], data: st.DataObject) -> None:
        with transaction.atomic():  # each example starts from the same registry
            first = _send(client, side, records)
            for result in first.values():
                seen[result["status"]] += 1
            after_first = _state()
            for _replay in range(data.draw(st.integers(1, 3), label="replays")):
                order = data.draw(st.permutations(records), label="order")
                cut = data.draw(st.integers(0, len(order)), label="split at")
                again: dict[str, dict[str, Any]] = {}
                for part in (order[:cut], order[cut:]):
                    if part:
                        again |= _send(client, side, part)
                assert _state() == after_first
                for record_id, result in first.items():
                    expected = "duplicate" if result["status"] in ("stored", "duplicate") else "rejected"
                    assert again[record_id]["status"] == expected, (result, again[record_id])
                    if expected == "rejected":
                        assert again[record_id]["errors"] == result["errors"]
            transaction.set_rollback(True)

    run()
    assert seen["stored"] and seen["rejected"], seen


def test_a_changed_record_under_a_sent_uuid_is_refused_and_the_first_version_kept(client, sides):
    side, other = sides
    changes = {
        "visit": ("notes", "đã sửa"),
        "helpdesk": ("minutes", 7),
        "signal": ("description", "Chỗ khác hẳn"),
    }

    @settings(max_examples=profiles.examples(15))
    @given(records=_records(side, other))
    def run(records: list[dict[str, Any]]) -> None:
        with transaction.atomic():
            first = _send(client, side, records)
            stored = [r for r in records if first[r["id"]]["status"] == "stored"]
            if stored:
                before = _state()
                changed = []
                for record in stored:
                    key, value = changes[record["kind"]]
                    if record["data"].get(key) == value:
                        value = f"{value} lần hai" if isinstance(value, str) else value + 1
                    changed.append({**record, "data": {**record["data"], key: value}})
                results = _send(client, side, changed)
                for record in changed:
                    result = results[record["id"]]
                    assert result["status"] == "rejected" and result["errors"].get("id"), result
                assert _state() == before
            transaction.set_rollback(True)

    run()


def test_a_resend_from_another_communes_phone_stores_nothing_and_says_nothing(client, sides):
    side, other = sides
    seen = {"stored": 0}

    @settings(max_examples=profiles.examples(8))
    @given(records=_records(side, other))
    def run(records: list[dict[str, Any]]) -> None:
        with transaction.atomic():
            first = _send(client, side, records)
            mine = [r for r in records if first[r["id"]]["status"] == "stored"]
            seen["stored"] += len(mine)
            rows_before = _rows_of(mine)
            results = _send(client, other, mine)  # the same UUIDs, from the other commune's phone
            for record in mine:
                # Refused as out of its units: not "duplicate", which would tell it the record exists.
                assert results[record["id"]]["status"] == "rejected"
            assert _rows_of(mine) == rows_before
            assert not [s for s in side.secrets_of() if s in json.dumps(results, ensure_ascii=False)]
            transaction.set_rollback(True)

    run()
    assert seen["stored"], "the generated batches never held a valid record"


def _rows_of(records: list[dict[str, Any]]) -> list[Any]:
    models = {"visit": Visit, "helpdesk": HelpDeskSession, "signal": SignalReport}
    return [list(models[r["kind"]].objects.filter(pk=r["id"]).values()) for r in records]
