"""One shape of a visit (teams.visits.VisitData): the web form fills it, and its content hash covers it."""

from __future__ import annotations

import datetime
import uuid

from langso.teams.forms import PHONE_ONLY, VisitForm
from langso.teams.visits import FactUpdate, ServiceDone, SkillTaught, VisitData, VisitInput

PERSON = uuid.uuid4()
HOUSEHOLD = uuid.uuid4()


def _form() -> VisitForm:
    return VisitForm(
        {
            "visit_id": str(uuid.uuid4()),
            "visited_on": "05/03/2026",
            "present": [str(PERSON)],
            "skill_person_0": str(PERSON),
            "skill_code_0": "video_call",
            "skill_level_0": "2",
            "service_person_0": str(PERSON),
            "service_0": "vneid_level2",
            "no_signal": "on",
            "broken_phone": "on",
            "no_phone": "on",
            "scam": "on",
            "notes": "Hẹn dạy tiếp",
            "follow_up_on": "12/03/2026",
        },
        people=[(str(PERSON), "Lò Văn A")],
        skills=[("video_call", "Gọi video")],
        skill_rows=1,
        service_rows=1,
    )


def test_the_web_visit_form_fills_every_field_of_the_visit_shape_but_the_phones_own():
    form = _form()
    assert form.is_valid(), form.errors
    visit = form.visit(HOUSEHOLD)
    filled = {
        name
        for name in VisitData.model_fields
        if getattr(visit, name) != VisitData.model_fields[name].default
    }
    assert filled == set(VisitData.model_fields) - PHONE_ONLY
    assert (visit.visited_on, visit.follow_up_on) == (datetime.date(2026, 3, 5), datetime.date(2026, 3, 12))
    assert visit.skills == [SkillTaught(PERSON, "video_call", 2)]
    assert visit.services == [ServiceDone("vneid_level2", PERSON)]
    assert set(VisitData.model_fields) > PHONE_ONLY


def _visit(**changes: object) -> VisitInput:
    base: dict[str, object] = {"id": uuid.uuid4(), "household_id": HOUSEHOLD, "visited_on": "2026-03-05"}
    return VisitInput(**{**base, **changes})


def test_every_field_of_the_visit_shape_counts_in_its_content_hash():
    """A resend under the same UUID is compared by this hash: a field it left out could change unseen."""
    other = {
        "household_id": uuid.uuid4(),
        "visited_on": "2026-03-06",
        "present": [PERSON],
        "skills": [SkillTaught(PERSON, "video_call", 2)],
        "services": [ServiceDone("vneid_level2")],
        "no_signal": True,
        "broken_phone": True,
        "no_phone": True,
        "scam": True,
        "notes": "Khác",
        "follow_up_on": "2026-03-12",
        "updates": [FactUpdate("resident", PERSON, "owns_smartphone", False, True)],
        "photo": b"\xff\xd8\xff\xe0",
    }
    assert set(other) == set(VisitData.model_fields)
    base = _visit().payload()
    for name, value in other.items():
        assert _visit(**{name: value}).payload() != base, name


def test_a_part_of_a_visit_is_built_positionally_or_from_the_phones_json_alike():
    update = FactUpdate("household", HOUSEHOLD, "address", "Xóm Trên", "Cạnh trường")
    sent = {
        "target": "household",
        "id": str(HOUSEHOLD),
        "field": "address",
        "before": "Xóm Trên",
        "after": "Cạnh trường",
    }
    assert VisitData.model_validate(
        {"household_id": HOUSEHOLD, "visited_on": "2026-03-05", "updates": [sent]}
    ).updates == [update]
    assert {ServiceDone("vneid_level2"), ServiceDone("vneid_level2")} == {ServiceDone("vneid_level2", None)}
