import datetime

import pytest

from langso.skills.rules import (
    Observation,
    current_levels,
    digital_citizen_status,
    household_meets_basic_rule,
)
from langso.skills.shipped import shipped_catalogue

D = datetime.date


def test_the_current_level_is_the_latest_record_even_when_it_is_lower():
    levels = current_levels(
        [
            Observation("qr_payment", 1, "observed", D(2025, 7, 1)),
            Observation("qr_payment", 3, "observed", D(2025, 8, 1)),
            Observation("qr_payment", 2, "observed", D(2025, 9, 1)),
            Observation("video_call", 4, "self", D(2025, 7, 1)),
        ]
    )
    assert levels["qr_payment"].level == 2
    assert levels["video_call"].level == 4


def test_on_the_same_day_stronger_evidence_decides_then_the_later_record():
    levels = current_levels(
        [
            Observation("bank_app", 3, "quiz", D(2025, 7, 1), order=1),
            Observation("bank_app", 4, "self", D(2025, 7, 1), order=2),
            Observation("zalo_groups", 2, "observed", D(2025, 7, 1), order=1),
            Observation("zalo_groups", 3, "observed", D(2025, 7, 1), order=2),
        ]
    )
    assert (levels["bank_app"].level, levels["bank_app"].evidence) == (3, "quiz")
    assert levels["zalo_groups"].level == 3


def test_an_empty_history_has_no_levels():
    assert current_levels([]) == {}


def _levels(**codes):
    return current_levels(
        Observation(code, level, "observed", D(2025, 7, 1)) for code, level in codes.items()
    )


def test_a_digital_citizen_owns_a_smartphone_has_vneid_level_2_did_a_procedure_and_pays_cashless():
    status = digital_citizen_status(
        owns_smartphone=True,
        levels=_levels(vneid_level2=3, qr_payment=3, medical_appointment=3),
        required_levels={"vneid_level2": 3, "qr_payment": 3},
    )
    assert status.is_digital_citizen
    assert status.missing == []


def test_the_status_says_exactly_what_is_missing():
    status = digital_citizen_status(
        owns_smartphone=False,
        levels=_levels(vneid_level2=2),
        required_levels={"vneid_level2": 3, "qr_payment": 3},
    )
    assert not status.is_digital_citizen
    assert [(m.kind, m.skill_code, m.needed_level, m.current_level) for m in status.missing] == [
        ("smartphone", "", 0, 0),
        ("skill", "vneid_level2", 3, 2),
        ("skill", "qr_payment", 3, 0),
        ("online_procedure", "", 3, 0),
    ]


def test_the_rule_is_configurable():
    status = digital_citizen_status(
        owns_smartphone=False,
        levels=_levels(video_call=2),
        required_levels={"video_call": 2},
        requires_smartphone=False,
        requires_online_procedure=False,
    )
    assert status.is_digital_citizen


DEFAULT_SKILLS = shipped_catalogue().skills
BASIC_OF = {s.code: s.basic_skill for s in DEFAULT_SKILLS}


def test_a_household_meets_the_basic_rule_when_one_member_masters_all_five_basic_skills():
    master = _levels(online_birth_registration=3, buy_online=3, qr_payment=3, scam_awareness=3, zalo_groups=4)
    partial = _levels(
        online_birth_registration=3, buy_online=3, qr_payment=3, scam_awareness=3, zalo_groups=2
    )
    assert household_meets_basic_rule([partial, master], BASIC_OF)
    assert not household_meets_basic_rule([partial, _levels(zalo_groups=4)], BASIC_OF)
    assert not household_meets_basic_rule([], BASIC_OF)


@pytest.mark.parametrize("skill", DEFAULT_SKILLS, ids=lambda s: s.code)
def test_every_default_skill_maps_to_digcomp_and_the_vietnamese_framework(skill):
    area, _dot, competence = skill.digcomp.partition(".")
    assert area in {"1", "2", "3", "4", "5"} and competence.isdigit()
    assert 1 <= skill.vn_domain <= 6
    assert skill.name and skill.name_en and skill.description and skill.description_en


def test_the_default_catalogue_has_at_least_20_skills_and_covers_all_five_basic_skills():
    assert len(DEFAULT_SKILLS) >= 20
    assert len({s.code for s in DEFAULT_SKILLS}) == len(DEFAULT_SKILLS)
    assert {s.basic_skill for s in DEFAULT_SKILLS} - {""} == {
        "public_services",
        "shopping",
        "payment",
        "safety",
        "local_platforms",
    }
