"""The batch path of the phone sync (field.visit_batch): a run of visits is checked with a fixed number
of queries and written in bulk, with the same results, record by record, as storing them one at a time."""

from __future__ import annotations

import datetime
import json
import random
import re
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from langso.accounts.models import Role, RoleAssignment
from langso.accounts.tests.factories import user_with_role
from langso.core.models import AuditEntry
from langso.places.tests.factories import BAC_KAN_WARD, CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry.models import CommuneChangeCounter
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.skills import services as skill_services
from langso.skills.models import Certificate, CertificateProgramme, CurrentSkillLevel, SkillRecord
from langso.teams import services, visits
from langso.teams.models import HouseholdAssignment, Visit, VisitService, VisitSkill
from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SKILLS = ["phone_basics", "install_apps", "video_call", "zalo_groups", "search_information"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _commune_side(code, user, households=6):
    village = VillageFactory(commune=commune(code))
    if user is not None:
        RoleAssignment.objects.create(user=user, role=Role.TEAM_MEMBER, village=village)
    member = TeamMemberFactory(team=TeamFactory(village=village), user=user)
    homes = []
    for _ in range(households):
        household = HouseholdFactory(village=village)
        people = [ResidentFactory(household=household) for _ in range(random.randint(1, 4))]
        HouseholdAssignment.objects.create(household=household, member=member, assigned_on=TODAY)
        homes.append((household, people))
    return {"village": village, "member": member, "homes": homes}


@pytest.fixture
def world():
    random.seed(7)
    village = VillageFactory(commune=commune(NGHIA_TA))
    user = user_with_role(Role.TEAM_MEMBER, village=village)
    nghia_ta = _commune_side(NGHIA_TA, user, households=30)
    bac_kan = _commune_side(BAC_KAN_WARD, user, households=10)
    _device, token = services.device_token_issue(acting_user=user, name="Máy của tổ")
    return {"user": user, "token": token, "nghia_ta": nghia_ta, "bac_kan": bac_kan}


def post(client, token, records):
    return client.post(
        "/api/v1/field/batch",
        data=json.dumps({"records": records}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def visit(home, *, day=None, level=None, skill=None, **extra):
    household, people = home
    person = random.choice(people)
    data = {
        "household_id": str(household.pk),
        "visited_on": str(day or TODAY - datetime.timedelta(days=random.randint(0, 20))),
        "present": [str(p.pk) for p in people[: random.randint(1, len(people))]],
        "skills": [
            {
                "resident_id": str(person.pk),
                "skill_code": skill or random.choice(SKILLS),
                "level": level or random.randint(1, 4),
            }
        ],
        "services": [{"service": "vneid_installed", "resident_id": str(person.pk)}],
        "notes": random.choice(["", "Bà cụ nghe kém, hướng dẫn chậm", "  Hẹn tuần sau  "]),
        **extra,
    }
    return {"id": str(uuid.uuid4()), "kind": "visit", "data": data}


def stored_state():
    return {
        "visits": Visit.objects.count(),
        "present": Visit.present.through.objects.count(),
        "skills": VisitSkill.objects.count(),
        "records": SkillRecord.objects.count(),
        "services": VisitService.objects.count(),
        "levels": sorted(CurrentSkillLevel.objects.values_list("resident_id", "skill_code", "level")),
        "audit": AuditEntry.objects.count(),
    }


def test_a_bad_record_in_the_middle_is_refused_and_the_others_are_stored(client, world):
    homes = world["nghia_ta"]["homes"]
    records = [visit(h) for h in homes[:10]]
    records[4]["data"]["visited_on"] = "2999-01-01"
    records[6]["data"]["skills"][0]["skill_code"] = "no_such_skill"
    audit_before = AuditEntry.objects.count()

    results = post(client, world["token"], records).json()["results"]

    assert [r["status"] for r in results] == ["stored"] * 4 + ["rejected", "stored", "rejected"] + [
        "stored"
    ] * 3
    assert [r["id"] for r in results] == [r["id"] for r in records]
    assert "visited_on" in results[4]["errors"] and "skills" in results[6]["errors"]
    assert Visit.objects.count() == 8 and SkillRecord.objects.count() == 8
    # One audit line per visit and per skill record, as one at a time wrote them.
    assert AuditEntry.objects.count() - audit_before == 16
    kept = Visit.objects.get(pk=records[0]["id"])
    assert kept.member == world["nghia_ta"]["member"] and kept.team_id == world["nghia_ta"]["member"].team_id
    assert kept.notes == records[0]["data"]["notes"].strip()
    assert sorted(str(p) for p in kept.present.values_list("pk", flat=True)) == sorted(
        records[0]["data"]["present"]
    )
    assert kept.services.get().service == "vneid_installed"
    assert kept.skills.get().skill_record.resident_id == uuid.UUID(
        records[0]["data"]["skills"][0]["resident_id"]
    )
    assert not Visit.objects.filter(pk__in=[records[4]["id"], records[6]["id"]]).exists()


def test_a_replayed_batch_changes_nothing_and_says_duplicate(client, world):
    records = [visit(h) for h in world["nghia_ta"]["homes"][:20]]
    first = post(client, world["token"], records).json()
    state = stored_state()

    again = post(client, world["token"], list(reversed(records))).json()

    assert first["stored"] == 20
    assert again["duplicates"] == 20 and again["stored"] == 0
    assert stored_state() == state


def test_a_batch_mixing_communes_stores_each_visit_in_its_commune_and_moves_both_counters(client, world):
    nghia_ta, bac_kan = world["nghia_ta"], world["bac_kan"]
    records = [visit(h) for h in nghia_ta["homes"][:5]] + [visit(h) for h in bac_kan["homes"][:5]]
    random.shuffle(records)
    counters = dict(CommuneChangeCounter.objects.values_list("commune_id", "value"))

    body = post(client, world["token"], records).json()

    assert body["stored"] == 10
    for record in records:
        stored = Visit.objects.get(pk=record["id"])
        side = nghia_ta if stored.commune_id == NGHIA_TA else bac_kan
        assert stored.household.commune_id == stored.commune_id
        assert stored.member == side["member"]
    after = dict(CommuneChangeCounter.objects.values_list("commune_id", "value"))
    assert after[NGHIA_TA] > counters.get(NGHIA_TA, 0) and after[BAC_KAN_WARD] > counters.get(BAC_KAN_WARD, 0)


def test_a_household_outside_the_members_units_is_refused_in_the_batch(client, world):
    stranger = _commune_side(BAC_KAN_WARD, None, households=1)["homes"][0]
    other_village = VillageFactory(commune=commune(NGHIA_TA))
    outside = (HouseholdFactory(village=other_village), [])
    records = [visit(world["nghia_ta"]["homes"][0]), visit(stranger), visit(world["nghia_ta"]["homes"][1])]
    records.append(
        {
            "id": str(uuid.uuid4()),
            "kind": "visit",
            "data": {"household_id": str(outside[0].pk), "visited_on": str(TODAY)},
        }
    )

    results = post(client, world["token"], records).json()["results"]

    assert [r["status"] for r in results] == ["stored", "rejected", "stored", "rejected"]
    assert "household" in results[1]["errors"] and "household" in results[3]["errors"]


def test_a_record_already_applied_is_a_duplicate_and_a_changed_one_is_refused(client, world):
    homes = world["nghia_ta"]["homes"]
    applied, changed = visit(homes[0]), visit(homes[1])
    post(client, world["token"], [applied, changed])
    changed["data"]["notes"] = "Nội dung khác"
    repeated = visit(homes[2])
    repeated_again = {**repeated}

    results = post(
        client, world["token"], [visit(homes[3]), applied, changed, repeated, repeated_again]
    ).json()["results"]

    assert [r["status"] for r in results] == ["stored", "duplicate", "rejected", "stored", "duplicate"]
    assert results[2]["errors"]["id"]
    assert Visit.objects.get(pk=changed["id"]).notes != "Nội dung khác"
    assert Visit.objects.count() == 4


def test_current_levels_follow_the_same_rule_as_one_record_at_a_time(client, world):
    """Several visits of one batch teach the same people the same skills on different days, over a
    history stored before: the current level is the one the per-record rule derives from it all."""
    homes = world["nghia_ta"]["homes"][:4]
    for _household, people in homes:
        skill_services.skill_record_add(
            acting_user=world["user"],
            resident=people[0],
            skill_code="video_call",
            level=4,
            recorded_on=TODAY - datetime.timedelta(days=5),
        )
    records = []
    for day in range(8):
        for home in homes:
            record = visit(home, day=TODAY - datetime.timedelta(days=day), skill="video_call")
            record["data"]["skills"][0]["resident_id"] = str(home[1][0].pk)
            records.append(record)
    random.shuffle(records)

    assert post(client, world["token"], records).json()["stored"] == len(records)

    batch_levels = stored_state()["levels"]
    for _household, people in homes:
        skill_services._refresh_current_level(people[0], "video_call")
    assert stored_state()["levels"] == batch_levels


def test_a_batch_that_completes_a_programme_issues_its_certificate_once(client, world):
    programme = CertificateProgramme.objects.create(
        name="Kỹ năng số cơ bản", issuer="UBND xã", required_levels={"phone_basics": 2, "video_call": 2}
    )
    home = world["nghia_ta"]["homes"][0]
    person = home[1][0]
    first, second = visit(home, skill="phone_basics", level=3), visit(home, skill="video_call", level=2)
    for record in (first, second):
        record["data"]["skills"][0]["resident_id"] = str(person.pk)
    third = visit(home, skill="video_call", level=3)
    third["data"]["skills"][0]["resident_id"] = str(person.pk)

    post(client, world["token"], [first, second])
    post(client, world["token"], [third])

    certificate = Certificate.objects.get(resident=person, programme=programme)
    assert certificate.holder_name == person.full_name
    assert AuditEntry.objects.filter(object_id=str(certificate.pk), action="issue").count() == 1


def test_when_the_bulk_write_meets_a_record_stored_meanwhile_each_record_still_gets_its_result(
    client, world, monkeypatch
):
    """Another request stores one of the batch's visits between the checks and the write (two phones
    of the same member resending at once): the bulk insert fails, and one at a time gives every
    record its exact result."""
    homes = world["nghia_ta"]["homes"]
    records = [visit(h) for h in homes[:6]]
    meanwhile = records[2]
    checks = visits.visit_errors
    checked = []

    def another_request_stores_one_after_the_checks_began(data, *args):
        checked.append(data.id)
        if len(checked) == len(records):  # the batch read what was stored before this
            visits.visit_record(
                acting_user=world["user"],
                data=visits.visit_input(uuid.UUID(meanwhile["id"]), meanwhile["data"]),
            )
        return checks(data, *args)

    monkeypatch.setattr(visits, "visit_errors", another_request_stores_one_after_the_checks_began)

    results = post(client, world["token"], records).json()["results"]

    assert [r["status"] for r in results] == ["stored", "stored", "duplicate", "stored", "stored", "stored"]
    assert Visit.objects.count() == 6 and SkillRecord.objects.count() == 6


def test_a_visit_teaching_one_person_the_same_skill_twice_is_refused_not_an_error(client, world):
    home = world["nghia_ta"]["homes"][0]
    record = visit(home)
    record["data"]["skills"].append(dict(record["data"]["skills"][0]))

    results = post(client, world["token"], [record, visit(home)]).json()["results"]

    assert [r["status"] for r in results] == ["rejected", "stored"]
    assert "skills" in results[0]["errors"]


def _statements(sql_list):
    """Each statement as (verb, table); consecutive INSERTs into one table count once (SQLite's driver
    splits a bulk insert into chunks of 999 parameters; PostgreSQL sends one)."""
    shapes = []
    for sql in sql_list:
        sql = re.sub(r"^\d+ times: ", "", sql)  # an executemany, as Django logs it
        match = re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', sql)
        shape = (sql.split()[0], match.group(1) if match else "")
        if not (shape[0] == "INSERT" and shapes and shapes[-1] == shape):
            shapes.append(shape)
    return shapes


def _queries_for(client, world, count, skill):
    homes = world["nghia_ta"]["homes"] + world["bac_kan"]["homes"]
    # A skill nobody holds yet: every current level of the batch is new, whatever its size.
    records = [visit(random.choice(homes), skill=skill) for _ in range(count)]
    with CaptureQueriesContext(connection) as captured:
        body = post(client, world["token"], records).json()
    assert body["stored"] == count
    return [q["sql"] for q in captured.captured_queries]


def test_a_batch_of_100_visits_is_checked_and_written_with_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    homes = world["nghia_ta"]["homes"] + world["bac_kan"]["homes"]
    post(client, world["token"], [visit(random.choice(homes)) for _ in range(30)])
    records = [visit(random.choice(homes)) for _ in range(100)]

    # About 20 statements; SQLite's driver splits the bigger inserts into a few chunks.
    with django_assert_max_num_queries(30):
        body = post(client, world["token"], records).json()

    assert body["stored"] == 100


def test_the_number_of_queries_does_not_grow_with_the_batch(client, world):
    _queries_for(client, world, 3, "phone_basics")  # the catalogue and the device's first use are behind us
    small = _queries_for(client, world, 10, "video_call")
    large = _queries_for(client, world, 100, "zalo_groups")

    assert _statements(large) == _statements(small)
    if connection.vendor == "postgresql":
        assert len(large) == len(small)


def _mixed(world, count, stored, skill):
    """`count` records over two communes with, every tenth place, a bad record and a replay of a
    visit stored before; the good ones teach a skill nobody holds yet (every current level is new)."""
    sides = (world["nghia_ta"]["homes"], world["bac_kan"]["homes"])
    records = [visit(random.choice(sides[i % 2]), skill=skill) for i in range(count)]
    for place in range(0, count, 10):
        records[place + 3]["data"]["visited_on"] = "2999-01-01"
        records[place + 7] = stored[place // 10]
    return records


def test_a_mixed_batch_is_checked_with_the_same_queries_whatever_its_size(client, world):
    """Visits of two communes, bad records in the middle and replays of stored visits: the statements
    are the same for 20 records and for 100."""
    homes = world["nghia_ta"]["homes"] + world["bac_kan"]["homes"]
    stored = [visit(random.choice(homes), skill="phone_basics") for _ in range(12)]
    post(client, world["token"], stored)
    shapes = {}
    for count, replays, skill in ((20, stored[:2], "video_call"), (100, stored[2:12], "zalo_groups")):
        records = _mixed(world, count, replays, skill)
        with CaptureQueriesContext(connection) as captured:
            body = post(client, world["token"], records).json()
        statuses = [r["status"] for r in body["results"]]
        assert statuses.count("rejected") == count // 10 and statuses.count("duplicate") == count // 10
        assert statuses.count("stored") == count - 2 * (count // 10)
        kept = [r["id"] for r, status in zip(records, statuses, strict=True) if status == "stored"]
        assert set(Visit.objects.filter(pk__in=kept).values_list("commune_id", flat=True)) == {
            NGHIA_TA,
            BAC_KAN_WARD,
        }
        shapes[count] = [q["sql"] for q in captured.captured_queries]

    assert _statements(shapes[100]) == _statements(shapes[20])
    # One write of the audit trail for the batch (still a line per visit and per skill record).
    assert [s for s in _statements(shapes[100]) if s[1] == "core_auditentry"] == [
        ("INSERT", "core_auditentry")
    ]
    if connection.vendor == "postgresql":
        assert len(shapes[100]) == len(shapes[20])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's triggers bump row by row")
def test_a_batch_bumps_each_commune_it_touches_once_and_last(client, world):
    """Seven tables written for a hundred visits of two communes: each commune's change number moves
    by exactly one, in one statement made after every other write of the batch (the counter rows
    are locked for the bump and the commit only); a commune the batch does not touch does not move."""
    post(client, world["token"], [visit(world["nghia_ta"]["homes"][0])])  # first use behind us
    HouseholdFactory(village=VillageFactory(commune=commune(CUOR_DANG)))
    before = dict(CommuneChangeCounter.objects.values_list("commune_id", "value"))
    sides = (world["nghia_ta"]["homes"], world["bac_kan"]["homes"])
    records = [visit(random.choice(sides[i % 2])) for i in range(100)]

    with CaptureQueriesContext(connection) as captured:
        assert post(client, world["token"], records).json()["stored"] == 100

    after = dict(CommuneChangeCounter.objects.values_list("commune_id", "value"))
    assert after[NGHIA_TA] == before[NGHIA_TA] + 1 and after[BAC_KAN_WARD] == before[BAC_KAN_WARD] + 1
    assert after[CUOR_DANG] == before[CUOR_DANG]
    sql = [q["sql"] for q in captured.captured_queries]
    bumps = [i for i, q in enumerate(sql) if "registry_communechangecounter" in q]
    writes = [i for i, q in enumerate(sql) if q.startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(bumps) == 1 and bumps[0] == writes[-1]
