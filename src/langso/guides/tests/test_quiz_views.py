"""The check as a page: score only for anyone, quiz evidence for a team member with a person in
their scope or for a citizen in their own session, and a 404 outside the scope."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.core.models import AuditEntry
from langso.guides.models import Guide
from langso.places.tests.factories import CUOR_DANG, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.skills.citizen import CITIZEN_SESSION_KEY, CITIZEN_UNTIL_KEY
from langso.skills.models import CurrentSkillLevel, Evidence, SkillRecord
from langso.skills.services import skill_record_add

pytestmark = pytest.mark.django_db

CODE = "vneid_level2"


def _answers(right: int) -> dict[str, str]:
    """The form data with the first `right` questions answered right and the rest wrong."""
    data = {}
    for i, q in enumerate(Guide.objects.get(skill_code=CODE).questions.order_by("number")):
        data[f"q{q.number}"] = str(q.correct if i < right else (q.correct + 1) % len(q.choices))
    return data


def _url(resident: Any = None) -> str:
    url = reverse("guides:quiz", args=[CODE])
    return f"{url}?resident={resident.pk}" if resident is not None else url


def _open_citizen_session(client: Client, resident: Any) -> None:
    session = client.session
    session[CITIZEN_SESSION_KEY] = str(resident.pk)
    session[CITIZEN_UNTIL_KEY] = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    session.save()


def test_anyone_sees_the_questions_as_big_radio_choices(client: Client) -> None:
    response = client.get(_url())

    page = response.content.decode()
    assert response.status_code == 200
    guide = Guide.objects.get(skill_code=CODE)
    for q in guide.questions.all():
        assert q.prompt in page
        assert page.count(f'name="q{q.number}"') == len(q.choices)
    assert 'class="choice"' in page


def test_an_anonymous_visitor_gets_a_score_and_explanations_and_nothing_is_recorded(client: Client) -> None:
    response = client.post(_url(), _answers(right=4))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Đúng 4/4 câu." in page and "Đạt" in page
    assert Guide.objects.get(skill_code=CODE).questions.first().explanation in page
    assert not SkillRecord.objects.exists()


def test_a_failed_check_shows_the_right_answers(client: Client) -> None:
    page = client.post(_url(), _answers(right=1)).content.decode()

    assert "Đúng 1/4 câu." in page and "Chưa đạt: cần đúng 3 câu." in page
    assert "Đáp án đúng:" in page


def test_a_tampered_form_is_scored_without_error(client: Client) -> None:
    response = client.post(_url(), {"q1": "-1", "q2": "1", "q3": "x", "q77": "1"})

    assert response.status_code == 200
    assert "/4 câu." in response.content.decode()


def test_a_form_without_a_single_valid_answer_is_neither_scored_nor_recorded(client: Client) -> None:
    """Tampered or empty, nothing answered is no evidence: the check is shown again."""
    response = client.post(_url(), {"q1": "-1", "q2": "99", "q3": "x", "q77": "1"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Chưa trả lời câu nào" in page and "Đúng 0/4 câu." not in page


def test_an_officer_pressing_submit_with_no_answer_records_nothing_for_the_person(
    client: Client, officer: Any, resident: Any
) -> None:
    from langso.skills.models import SkillRecord

    client.force_login(officer)
    response = client.post(_url(resident), {})

    assert "Chưa trả lời câu nào" in response.content.decode()
    assert not SkillRecord.objects.filter(resident=resident).exists()


def test_an_officer_checking_with_a_person_in_scope_records_can_do_alone_as_quiz_evidence(
    client: Client, officer: Any, resident: Any
) -> None:
    client.force_login(officer)
    assert resident.full_name in client.get(_url(resident)).content.decode()

    response = client.post(_url(resident), _answers(right=3))

    assert response.status_code == 200
    record = SkillRecord.objects.get(resident=resident)
    assert (record.skill_code, record.level, record.evidence) == (CODE, 3, Evidence.QUIZ)
    assert record.recorded_by == officer
    assert record.note == "Bài kiểm tra: đúng 3/4 câu."
    assert CurrentSkillLevel.objects.get(resident=resident, skill_code=CODE).level == 3
    assert "Đã ghi nhận vào hồ sơ kỹ năng" in response.content.decode()
    assert AuditEntry.objects.filter(actor=officer, object_type="skills.skillrecord").exists()
    assert "no-store" in response["Cache-Control"]


def test_a_passed_check_never_lowers_a_person_who_can_teach_others(
    client: Client, officer: Any, resident: Any
) -> None:
    skill_record_add(acting_user=officer, resident=resident, skill_code=CODE, level=4)
    client.force_login(officer)

    page = client.post(_url(resident), _answers(right=4)).content.decode()

    assert SkillRecord.objects.filter(resident=resident).count() == 1
    assert CurrentSkillLevel.objects.get(resident=resident, skill_code=CODE).level == 4
    assert "Không ghi nhận mức mới" in page


def test_a_failed_first_check_records_introduced_and_a_later_failure_nothing(
    client: Client, officer: Any, resident: Any
) -> None:
    client.force_login(officer)

    client.post(_url(resident), _answers(right=0))
    client.post(_url(resident), _answers(right=0))

    assert list(SkillRecord.objects.filter(resident=resident).values_list("level", "evidence")) == [
        (1, Evidence.QUIZ)
    ]


def test_a_person_outside_the_officers_scope_is_a_404_like_a_missing_one(
    client: Client, officer: Any
) -> None:
    elsewhere = ResidentFactory(
        household=HouseholdFactory(village=VillageFactory(commune=commune(CUOR_DANG)))
    )
    client.force_login(officer)

    assert client.get(_url(elsewhere)).status_code == 404
    assert client.post(_url(elsewhere), _answers(right=4)).status_code == 404
    assert client.get(reverse("guides:quiz", args=[CODE]) + f"?resident={uuid.uuid4()}").status_code == 404
    assert client.get(reverse("guides:quiz", args=[CODE]) + "?resident=not-a-uuid").status_code == 404
    assert not SkillRecord.objects.exists()
    denied = AuditEntry.objects.filter(actor=officer, action="denied")
    assert denied.count() == 4
    assert any(str(elsewhere.pk) in entry.changes["path"] for entry in denied)


def test_a_team_member_who_may_not_edit_the_registry_cannot_record_a_check(
    client: Client, resident: Any
) -> None:
    member = user_with_role(Role.TEAM_MEMBER, commune=resident.commune)
    client.force_login(member)

    assert client.post(_url(resident), _answers(right=4)).status_code == 404
    assert not SkillRecord.objects.exists()


def test_an_anonymous_visitor_with_a_person_in_the_address_is_sent_to_sign_in(
    client: Client, resident: Any
) -> None:
    response = client.post(_url(resident), _answers(right=4))

    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not SkillRecord.objects.exists()


def test_a_citizen_in_their_own_session_records_their_check_with_no_recording_user(
    client: Client, resident: Any
) -> None:
    _open_citizen_session(client, resident)
    assert "Kết quả sẽ được ghi vào hồ sơ kỹ năng của bác." in client.get(_url()).content.decode()

    response = client.post(_url(), _answers(right=4))

    record = SkillRecord.objects.get(resident=resident)
    assert (record.level, record.evidence, record.recorded_by) == (3, Evidence.QUIZ, None)
    assert "no-store" in response["Cache-Control"]


def test_an_expired_citizen_session_records_nothing(client: Client, resident: Any) -> None:
    session = client.session
    session[CITIZEN_SESSION_KEY] = str(resident.pk)
    session[CITIZEN_UNTIL_KEY] = (timezone.now() - datetime.timedelta(minutes=1)).isoformat()
    session.save()

    client.post(_url(), _answers(right=4))

    assert not SkillRecord.objects.exists()


def test_a_guide_whose_skill_left_the_catalogue_scores_but_says_why_nothing_was_recorded(
    client: Client, officer: Any, resident: Any
) -> None:
    guide = Guide.objects.create(skill_code="old_skill", title="Kỹ năng cũ")
    for n in (1, 2, 3):
        guide.questions.create(number=n, prompt=f"Câu {n}", choices=[{"vi": "a"}, {"vi": "b"}], correct=0)
    client.force_login(officer)

    response = client.post(
        reverse("guides:quiz", args=["old_skill"]) + f"?resident={resident.pk}",
        {"q1": "0", "q2": "0", "q3": "0"},
    )

    page = response.content.decode()
    assert response.status_code == 200 and "Đúng 3/3 câu." in page
    assert "không có trong danh mục đang dùng" in page
    assert not SkillRecord.objects.exists()


def test_the_persons_page_links_each_skill_to_its_guide_and_to_a_check_with_them(
    client: Client, officer: Any, resident: Any
) -> None:
    client.force_login(officer)

    page = client.get(resident.get_absolute_url()).content.decode()

    assert f'href="{reverse("guides:guide", args=[CODE])}"' in page
    assert f'href="{reverse("guides:quiz", args=[CODE])}?resident={resident.pk}"' in page
    assert "Kiểm tra cùng người này" in page


def test_a_viewer_without_edit_rights_sees_guide_links_but_no_check_link(
    client: Client, resident: Any
) -> None:
    client.force_login(user_with_role(Role.TEAM_MEMBER, commune=resident.commune))

    page = client.get(resident.get_absolute_url()).content.decode()

    assert reverse("guides:guide", args=[CODE]) in page
    assert "Kiểm tra cùng người này" not in page
