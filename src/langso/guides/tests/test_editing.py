"""Province staff edit guides (steps, pictures, questions) and create one for a skill without; the
change is audited and validated in Vietnamese; nobody else may edit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.core.models import AuditEntry
from langso.guides.models import Guide, GuideStep
from langso.guides.services import QuestionInput, StepInput, guide_save
from langso.skills.services import catalogue_draft_start, catalogue_publish, draft_skill_save

pytestmark = pytest.mark.django_db

CODE = "qr_payment"


def _form_data(guide: Guide | None, **changes: Any) -> dict[str, str]:
    """The edit form as a browser would post it, from the guide's current content."""
    steps = list(guide.steps.all()) if guide else []
    questions = list(guide.questions.all()) if guide else []
    data = {
        "title": guide.title if guide else "Hướng dẫn mới",
        "title_en": guide.title_en if guide else "",
        "summary": guide.summary if guide else "",
        "summary_en": guide.summary_en if guide else "",
        "pass_mark": "0",
        "steps-TOTAL_FORMS": "6",
        "steps-INITIAL_FORMS": "6",
        "questions-TOTAL_FORMS": "5",
        "questions-INITIAL_FORMS": "5",
    }
    for i in range(6):
        step = steps[i] if i < len(steps) else None
        data[f"steps-{i}-text"] = step.text if step else ""
        data[f"steps-{i}-text_en"] = step.text_en if step else ""
        data[f"steps-{i}-illustration"] = json.dumps(step.illustration) if step and step.illustration else ""
    for i in range(5):
        q = questions[i] if i < len(questions) else None
        data[f"questions-{i}-prompt"] = q.prompt if q else ""
        data[f"questions-{i}-prompt_en"] = q.prompt_en if q else ""
        data[f"questions-{i}-correct"] = str(q.correct) if q else "0"
        data[f"questions-{i}-explanation"] = q.explanation if q else ""
        data[f"questions-{i}-explanation_en"] = ""
        for c in range(4):
            choice = q.choices[c] if q and c < len(q.choices) else {}
            data[f"questions-{i}-choice_{c}"] = choice.get("vi", "")
            data[f"questions-{i}-choice_{c}_en"] = choice.get("en", "")
    data.update(changes)
    return data


def test_province_staff_change_a_steps_text_and_the_change_is_audited(
    client: Client, province_staff: Any
) -> None:
    guide = Guide.objects.get(skill_code=CODE)
    first = guide.steps.get(number=1)
    GuideStep.objects.filter(guide=guide).update(audio=b"mp3", audio_text_hash="old")
    client.force_login(province_staff)
    assert client.get(reverse("guides:edit", args=[CODE])).status_code == 200

    response = client.post(
        reverse("guides:edit", args=[CODE]),
        _form_data(guide, **{"steps-1-text": "Đưa camera vào mã QR, giữ yên tay."}),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    guide.refresh_from_db()
    assert guide.edited and guide.updated_by == province_staff
    assert guide.steps.get(number=2).text == "Đưa camera vào mã QR, giữ yên tay."
    # The unchanged step is the same row with its reading; the speech work re-reads the changed one
    # because its text no longer matches the stored hash.
    kept = guide.steps.get(number=1)
    assert kept.pk == first.pk and bytes(kept.audio) == b"mp3"
    entry = AuditEntry.objects.get(object_type="guides.guide", actor=province_staff)
    assert entry.changes["steps_changed"] == [2]


def test_staff_remove_a_step_by_emptying_it_and_change_a_question(
    client: Client, province_staff: Any
) -> None:
    guide = Guide.objects.get(skill_code=CODE)
    client.force_login(province_staff)
    count = guide.steps.count()

    response = client.post(
        reverse("guides:edit", args=[CODE]),
        _form_data(
            guide,
            **{
                f"steps-{count - 1}-text": "",
                f"steps-{count - 1}-text_en": "",
                f"steps-{count - 1}-illustration": "",
                "questions-0-choice_2": "Hỏi người bán",
                "questions-0-correct": "2",
            },
        ),
    )

    assert response.status_code == 302
    assert guide.steps.count() == count - 1
    question = guide.questions.get(number=1)
    assert question.correct == 2 and question.choices[2]["vi"] == "Hỏi người bán"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"steps-0-illustration": "{không phải json"}, "Mô tả hình phải là JSON hợp lệ."),
        ({"steps-0-illustration": '{"theme": "pink"}'}, "Màu “pink” không có"),
        ({"questions-0-correct": "3"}, "Đáp án đúng phải là một lựa chọn đã nhập."),
        ({"questions-0-choice_0": ""}, "Nhập các lựa chọn theo thứ tự"),
        ({"questions-0-choice_1": ""}, "Câu hỏi cần ít nhất 2 lựa chọn."),
        ({"steps-0-text": "", "steps-0-text_en": "only English"}, "cần nội dung tiếng Việt"),
        ({"questions-1-prompt": "", "questions-2-prompt": ""}, "Bài kiểm tra cần từ 3 đến 5 câu hỏi."),
        ({"pass_mark": "5"}, "không được lớn hơn số câu hỏi"),
        ({"title": ""}, "Trường này là bắt buộc."),
    ],
)
def test_bad_edits_are_refused_with_a_clear_message_and_nothing_changes(
    client: Client, province_staff: Any, changes: dict[str, str], message: str
) -> None:
    guide = Guide.objects.get(skill_code=CODE)
    before = list(guide.steps.values_list("text", flat=True))
    client.force_login(province_staff)

    response = client.post(reverse("guides:edit", args=[CODE]), _form_data(guide, **changes))

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    guide.refresh_from_db()
    assert not guide.edited
    assert list(guide.steps.values_list("text", flat=True)) == before


def test_staff_create_a_guide_for_a_new_skill_that_has_none(client: Client, province_staff: Any) -> None:
    draft = catalogue_draft_start(acting_user=province_staff)
    draft_skill_save(
        acting_user=province_staff,
        draft=draft,
        code="ai_assistant",
        area="information",
        name="Hỏi trợ lý AI",
        name_en="Ask an AI assistant",
        digcomp="1.1",
        vn_domain=6,
        position=30,
    )
    catalogue_publish(acting_user=province_staff, draft=draft)
    client.force_login(province_staff)
    assert "ai_assistant" in client.get(reverse("guides:manage")).content.decode()
    form_page = client.get(reverse("guides:create") + "?skill=ai_assistant").content.decode()
    assert "Hỏi trợ lý AI" in form_page

    data = _form_data(
        None,
        title="Hỏi trợ lý AI",
        **{"steps-0-text": "Mở ứng dụng trợ lý.", "steps-1-text": "Bấm hình micro rồi hỏi."},
    )
    for i in range(3):
        data.update(
            {
                f"questions-{i}-prompt": f"Câu {i + 1}?",
                f"questions-{i}-choice_0": "Có",
                f"questions-{i}-choice_1": "Không",
            }
        )
    response = client.post(reverse("guides:create") + "?skill=ai_assistant", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    guide = Guide.objects.get(skill_code="ai_assistant")
    assert guide.steps.count() == 2 and guide.questions.count() == 3 and guide.edited
    assert AuditEntry.objects.filter(object_type="guides.guide", action="create").exists()
    assert client.get(reverse("guides:guide", args=["ai_assistant"])).status_code == 200


def test_creating_a_guide_that_exists_opens_its_edit_page(client: Client, province_staff: Any) -> None:
    client.force_login(province_staff)

    response = client.get(reverse("guides:create") + f"?skill={CODE}")

    assert response.status_code == 302 and response["Location"] == reverse("guides:edit", args=[CODE])


def test_no_guide_for_a_skill_outside_the_catalogue(client: Client, province_staff: Any) -> None:
    client.force_login(province_staff)

    assert client.get(reverse("guides:create") + "?skill=khong_co").status_code == 404
    with pytest.raises(ValidationError):
        guide_save(
            acting_user=province_staff,
            skill_code="khong_co",
            title="X",
            steps=[StepInput("Một bước.")],
            questions=[QuestionInput(f"C{n}", [{"vi": "a"}, {"vi": "b"}], 0) for n in range(3)],
        )


@pytest.mark.parametrize("role", [Role.COMMUNE_OFFICER, Role.TEAM_LEADER, Role.AUDITOR, Role.TELECOM_PARTNER])
def test_only_catalogue_editors_may_edit_guides(client: Client, role: str, resident: Any) -> None:
    client.force_login(user_with_role(role, commune=resident.commune))
    guide = Guide.objects.get(skill_code=CODE)

    assert client.get(reverse("guides:manage")).status_code == 403
    assert client.get(reverse("guides:edit", args=[CODE])).status_code == 403
    assert (
        client.post(reverse("guides:edit", args=[CODE]), _form_data(guide, title="Bị sửa")).status_code == 403
    )
    assert Guide.objects.get(skill_code=CODE).title == guide.title


def test_anonymous_visitors_are_sent_to_sign_in_before_editing(client: Client) -> None:
    response = client.get(reverse("guides:edit", args=[CODE]))

    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
