"""The default guides: one per default skill, complete, installed after migrate, and never
overwriting what province staff edited."""

from __future__ import annotations

import pytest

from langso.guides.illustrations import validate_spec
from langso.guides.models import Guide, GuideStep, QuizQuestion
from langso.guides.services import QuestionInput, StepInput, guide_save, install_default_guides
from langso.guides.shipped import shipped_guides
from langso.skills.shipped import shipped_catalogue

DEFAULT_GUIDES = shipped_guides()
DEFAULT_SKILLS = shipped_catalogue().skills


def test_every_default_skill_has_exactly_one_default_guide() -> None:
    codes = [g.skill_code for g in DEFAULT_GUIDES]
    assert sorted(codes) == sorted(s.code for s in DEFAULT_SKILLS)
    assert len(codes) == len(set(codes)) == 22


@pytest.mark.parametrize("content", DEFAULT_GUIDES, ids=lambda g: g.skill_code)
def test_each_default_guide_has_4_to_6_short_translated_steps_with_a_valid_picture(content) -> None:
    assert content.title and content.title_en and content.summary and content.summary_en
    assert 4 <= len(content.steps) <= 6
    for step in content.steps:
        assert step.text.strip() and step.text_en.strip()
        assert len(step.text) <= 160, f"step too long for a first-time reader: {step.text}"
        assert validate_spec(step.illustration) == step.illustration
        assert step.illustration["items"], "every default step has a picture"


@pytest.mark.parametrize("content", DEFAULT_GUIDES, ids=lambda g: g.skill_code)
def test_each_default_guide_has_3_to_5_questions_with_one_valid_right_answer(content) -> None:
    assert 3 <= len(content.questions) <= 5
    prompts = [q.prompt for q in content.questions]
    assert len(prompts) == len(set(prompts)), "no question twice in one check"
    for q in content.questions:
        assert q.prompt and q.prompt_en and q.explanation and q.explanation_en
        assert 2 <= len(q.choices) <= 4
        assert 0 <= q.correct < len(q.choices)
        assert all(vi.strip() and en.strip() for vi, en in q.choices)
        assert len({vi for vi, _en in q.choices}) == len(q.choices), "choices differ"
        assert len(q.prompt) <= 300 and len(q.explanation) <= 300


def test_the_key_facts_are_stated_where_they_belong() -> None:
    by_code = {g.skill_code: g for g in DEFAULT_GUIDES}
    level2 = " ".join(s.text for s in by_code["vneid_level2"].steps)
    assert "công an" in level2 and "gắn chip" in level2
    birth = " ".join(s.text for s in by_code["online_birth_registration"].steps)
    assert "dichvucong.gov.vn" in birth
    ehealth = " ".join(s.text for s in by_code["ehealth_book"].steps)
    assert "VNeID" in ehealth
    otp = by_code["passwords"]
    assert any("OTP" in q.prompt and q.choices[q.correct][0].startswith("Không") for q in otp.questions)


@pytest.mark.django_db
def test_migrate_installed_every_default_guide_with_its_steps_and_questions() -> None:
    assert Guide.objects.count() == 22
    for content in DEFAULT_GUIDES:
        guide = Guide.objects.get(skill_code=content.skill_code)
        assert guide.steps.count() == len(content.steps)
        assert guide.questions.count() == len(content.questions)
        assert not guide.edited


@pytest.mark.django_db
def test_installing_again_changes_nothing() -> None:
    before = list(GuideStep.objects.order_by("pk").values_list("pk", "text"))

    assert install_default_guides() == []

    assert list(GuideStep.objects.order_by("pk").values_list("pk", "text")) == before


@pytest.mark.django_db
def test_installing_refreshes_an_untouched_guide_but_keeps_unchanged_steps_and_their_audio() -> None:
    guide = Guide.objects.get(skill_code="qr_payment")
    first = guide.steps.get(number=1)
    GuideStep.objects.filter(pk=first.pk).update(audio=b"mp3", audio_text_hash="h")
    GuideStep.objects.filter(guide=guide, number=2).update(text="cũ")
    QuizQuestion.objects.filter(guide=guide, number=3).delete()

    assert install_default_guides() == ["qr_payment"]

    first.refresh_from_db()
    assert (bytes(first.audio), first.audio_text_hash) == (b"mp3", "h")
    assert guide.steps.get(number=2).text != "cũ"
    assert guide.questions.count() == 3


@pytest.mark.django_db
def test_installing_never_overwrites_a_guide_staff_edited(province_staff) -> None:
    guide_save(
        acting_user=province_staff,
        skill_code="qr_payment",
        title="QR của tỉnh",
        steps=[StepInput("Bước riêng của tỉnh.")],
        questions=[QuestionInput(f"Câu {n}?", [{"vi": "Có"}, {"vi": "Không"}], 0) for n in range(3)],
    )
    GuideStep.objects.filter(guide__skill_code="qr_payment").update(text="Sửa tay")

    assert "qr_payment" not in install_default_guides()

    guide = Guide.objects.get(skill_code="qr_payment")
    assert guide.title == "QR của tỉnh"
    assert list(guide.steps.values_list("text", flat=True)) == ["Sửa tay"]
