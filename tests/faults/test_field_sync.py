"""Field sync (/api/v1/field/batch) cut off in the middle of a batch, by SIGKILL to the app server or an
immediate stop of PostgreSQL; the phone retries the same batch once the server is back.

The moment: the phone's batch of 100 visits (each with a photo, so a batch takes a second or more)
runs in a thread while the test watches the database; when 15 of its visits are committed the fault
is injected. No test hook in the app: the kill lands wherever the server happens to be. A run of plain
visits is written in one transaction (field.visit_batch), so every fourth visit here also says the
household has no smartphone, which takes the one-at-a-time path: the batch commits in about fifty
steps, runs of three visits in bulk and single visits in turn, and the fault lands between two of
them or inside one.

Checked: every visit acknowledged earlier (the first batch, answered 200) is stored; every visit
committed before the crash is there after it; the retry answers "duplicate" for exactly those and
"stored" for the rest; each visit, its skill record, its service, its audit line exist once.
"""

from __future__ import annotations

import base64
import datetime
import os
import threading
import time
import uuid
from typing import Any

import pytest

from tests.faults.harness import driver, http_json, wait_until

pytestmark = pytest.mark.faults

BATCH = 100
CUT_AFTER = 15


def _records(seed: dict[str, Any], first_day: int) -> list[dict[str, Any]]:
    """A phone's outbox: one visit per household and day, a skill taught, a service done, a photo."""
    records = []
    for n in range(BATCH):
        household = seed["households"][n % len(seed["households"])]
        person = household["people"][0]
        photo = b"\xff\xd8\xff\xe0" + os.urandom(30_000)  # a JPEG header and 30 KB of picture
        records.append(
            {
                "id": str(uuid.uuid4()),
                "kind": "visit",
                "data": {
                    "household_id": household["id"],
                    "visited_on": str(datetime.date.today() - datetime.timedelta(days=first_day + n // 50)),
                    "present": household["people"],
                    "skills": [{"resident_id": person, "skill_code": "video_call", "level": 2}],
                    "services": [{"service": "vneid_installed", "resident_id": person}],
                    "notes": f"Lần {n}: hướng dẫn gọi video cho cả nhà.",
                    "photo": base64.b64encode(photo).decode(),
                    "no_phone": n % 4 == 3,
                },
            }
        )
    return records


def _stored_ids(site: Any, ids: list[str]) -> set[str]:
    rows = site.query("SELECT id::text FROM teams_visit WHERE id = ANY(%s::uuid[])", (ids,))
    return {row[0] for row in rows}


def _send_until_answered(url: str, body: Any, token: str, timeout: float = 60) -> dict[str, Any]:
    """The phone's outbox: resend the same batch until the server answers 200."""
    answers: list[Any] = []
    started = time.monotonic()

    def attempt() -> dict[str, Any] | None:
        try:
            status, answer = http_json("POST", url, body, token=token, timeout=30)
        except OSError as error:  # refused, reset: the server is not back yet
            answers.append(repr(error))
            return None
        answers.append(status)
        return answer if status == 200 else None

    answer = wait_until(
        attempt, timeout=timeout, every=0.25, what=f"the batch to be accepted ({answers[-3:]})"
    )
    print(f"[faults] the batch was accepted after {time.monotonic() - started:.1f} s; attempts: {answers}")
    return answer


@pytest.mark.parametrize("fault", ["app_server_killed", "postgres_immediate_stop"])
def test_a_sync_batch_cut_off_midway_is_stored_exactly_once_after_the_retry(installation, fault):
    site = installation
    seed = driver(site.env, "seed-field", "--households", "50")
    server = site.start_app_server()
    url = f"{site.base_url}/api/v1/field/batch"
    token = seed["token"]

    acknowledged = _records(seed, first_day=10)
    status, answer = http_json("POST", url, {"records": acknowledged}, token=token)
    assert status == 200 and answer["stored"] == BATCH, answer

    cut = _records(seed, first_day=1)
    cut_ids = [r["id"] for r in cut]
    in_flight: dict[str, Any] = {}

    def phone() -> None:
        try:
            in_flight["answer"] = http_json("POST", url, {"records": cut}, token=token, timeout=60)
        except OSError as error:
            in_flight["error"] = repr(error)

    sender = threading.Thread(target=phone)
    sender.start()
    wait_until(
        lambda: len(_stored_ids(site, cut_ids)) >= CUT_AFTER, timeout=60, what="the batch to be under way"
    )
    committed_seen = _stored_ids(site, cut_ids)
    if fault == "app_server_killed":
        server.kill()
    else:
        site.cluster.crash()
    sender.join(timeout=60)
    # The phone got no acknowledgement: a dropped connection, or an error from a server without its database.
    assert "error" in in_flight or in_flight["answer"][0] >= 500, in_flight
    if fault == "app_server_killed":
        site.wait_for_killed_sessions()
        committed = _stored_ids(site, cut_ids)
    else:
        site.cluster.start()
        assert site.cluster.recovered_from_crash()
        committed = _stored_ids(site, cut_ids)
    # Committed before the crash means kept after it; and the crash did come in the middle.
    assert committed_seen <= committed
    assert CUT_AFTER <= len(committed) < BATCH, len(committed)

    if fault == "app_server_killed":
        server.start()
    retried = _send_until_answered(url, {"records": cut}, token)

    print(
        f"[faults] field sync, {fault}: {len(committed_seen)} seen committed when the fault hit, "
        f"{len(committed)} after it; the phone got {in_flight}; retry: {retried['stored']} stored, "
        f"{retried['duplicates']} duplicates"
    )
    statuses = {r["id"]: r["status"] for r in retried["results"]}
    assert {i for i, s in statuses.items() if s == "duplicate"} == committed
    assert {i for i, s in statuses.items() if s == "stored"} == set(cut_ids) - committed
    assert retried["rejected"] == 0
    again = _send_until_answered(url, {"records": acknowledged}, token)
    assert again["duplicates"] == BATCH and again["stored"] == 0

    all_ids = [r["id"] for r in acknowledged + cut]
    assert _stored_ids(site, all_ids) == set(all_ids)
    assert site.scalar("SELECT count(*) FROM teams_visit") == 2 * BATCH
    assert site.scalar("SELECT count(*) FROM teams_visitskill") == 2 * BATCH
    assert site.scalar("SELECT count(DISTINCT skill_record_id) FROM teams_visitskill") == 2 * BATCH
    assert site.scalar("SELECT count(*) FROM skills_skillrecord") == 2 * BATCH
    assert site.scalar("SELECT count(*) FROM teams_visitservice") == 2 * BATCH
    assert (
        site.scalar("SELECT count(*) FROM core_auditentry WHERE object_id = ANY(%s)", (all_ids,)) == 2 * BATCH
    )
