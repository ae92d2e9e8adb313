"""Stored readings of guide steps: freshness, the public MP3 address, the task and the command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse

from langso.accounts.tests.factories import UserFactory
from langso.guides import audio as audio_module
from langso.guides.audio import build_all, ensure_step_audio, step_audio_is_current, text_hash
from langso.guides.audio_views import step_audio
from langso.guides.models import Guide, GuideStep
from langso.guides.tasks import build_guide_audio
from langso.guides.tests.test_speech import mp3_frames

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide() -> Guide:
    # Only the guide made here: the default guides from the data migration would slow these tests.
    Guide.objects.all().delete()
    guide = Guide.objects.create(skill_code="thu-nghiem-am-thanh", title="Thử nghiệm bản đọc")
    GuideStep.objects.create(guide=guide, number=1, text="Mở ứng dụng VNeID trên điện thoại.")
    GuideStep.objects.create(guide=guide, number=2, text="Bấm Đăng nhập, rồi nhập số định danh cá nhân.")
    return guide


@pytest.fixture
def step(guide: Guide) -> GuideStep:
    return guide.steps.get(number=1)


@pytest.fixture
def synth_calls(monkeypatch) -> list[str]:
    """Records each synthesis (still made by the real engine)."""
    calls: list[str] = []
    real = audio_module.synthesize

    def recording(text: str, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(audio_module, "synthesize", recording)
    return calls


def fresh(step: GuideStep) -> GuideStep:
    return GuideStep.objects.get(pk=step.pk)


def audio_url(step_id: int) -> str:
    return reverse("guides:step_audio", kwargs={"step_id": step_id})


# --- services ------------------------------------------------------------------------------------


def test_the_hash_changes_with_the_text_and_only_with_it(step):
    before = text_hash(step)
    assert len(before) == 64
    assert text_hash(fresh(step)) == before
    step.text = "Mở ứng dụng VNeID trên máy tính bảng."
    assert text_hash(step) != before


def test_a_step_without_a_reading_gets_one_stored_with_its_hash_and_length(step):
    assert not step_audio_is_current(step)
    mp3 = ensure_step_audio(step)
    stored = fresh(step)
    assert bytes(stored.audio) == mp3
    assert stored.audio_text_hash == text_hash(stored)
    assert 1 < stored.audio_seconds < 10
    assert step_audio_is_current(stored)
    frames, _rate = mp3_frames(mp3)
    assert frames > 0


def test_the_reading_is_made_again_only_when_the_text_changes(step, synth_calls):
    first = ensure_step_audio(fresh(step))
    assert ensure_step_audio(fresh(step)) == first
    assert len(synth_calls) == 1

    step = fresh(step)
    step.text = "Mở ứng dụng VNeID, rồi chờ một chút cho ứng dụng tải xong dữ liệu."
    step.save()
    second = ensure_step_audio(fresh(step))
    assert len(synth_calls) == 2
    assert second != first
    assert step_audio_is_current(fresh(step))


def test_two_requests_making_the_same_reading_at_once_both_succeed_with_the_same_bytes(step):
    first_copy, second_copy = fresh(step), fresh(step)  # both loaded before either wrote
    from_first = ensure_step_audio(first_copy)
    from_second = ensure_step_audio(second_copy)
    assert from_first == from_second == bytes(fresh(step).audio)


def test_a_reading_is_not_stored_under_a_text_that_changed_meanwhile(step):
    stale_copy = fresh(step)
    GuideStep.objects.filter(pk=step.pk).update(text="Một nội dung mới hơn.")
    ensure_step_audio(stale_copy)
    stored = fresh(step)
    assert stored.audio is None
    assert stored.audio_text_hash == ""


def test_build_all_makes_missing_readings_and_keeps_current_ones(guide, synth_calls):
    first = build_all()
    assert (first.steps, first.generated, first.kept, first.failed) == (2, 2, 0, [])
    assert first.total_bytes == sum(len(bytes(s.audio)) for s in GuideStep.objects.all())
    assert first.total_seconds > 2

    again = build_all()
    assert (again.generated, again.kept) == (0, 2)
    assert again.total_bytes == first.total_bytes
    assert len(synth_calls) == 2

    forced = build_all(force=True)
    assert (forced.generated, forced.kept) == (2, 0)


def test_build_all_reports_a_step_with_nothing_to_read_and_goes_on(guide):
    empty = GuideStep.objects.create(guide=guide, number=3, text=" … ")
    stats = build_all()
    assert stats.failed == [empty.pk]
    assert stats.generated == 2


def test_the_background_task_builds_the_missing_readings(guide):
    result = build_guide_audio.enqueue()
    assert result.return_value["generated"] == 2
    assert all(step_audio_is_current(s) for s in GuideStep.objects.all())
    assert build_guide_audio.enqueue().return_value["generated"] == 0


def test_the_command_prints_counts_size_and_length(guide):
    out = StringIO()
    call_command("build_guide_audio", stdout=out)
    assert "2 step(s): 2 reading(s) made, 0 already current, 0 without readable text" in out.getvalue()
    assert " MB, " in out.getvalue()
    out = StringIO()
    call_command("build_guide_audio", "--force", stdout=out)
    assert "2 reading(s) made, 0 already current" in out.getvalue()


# --- the MP3 address -----------------------------------------------------------------------------


def test_anyone_gets_the_reading_as_a_cacheable_mp3(client, step):
    response = client.get(audio_url(step.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/mpeg"
    assert response["ETag"] == f'"{text_hash(step)}"'
    assert response["Cache-Control"].startswith("public, max-age=")  # the security middleware's say
    assert int(response["Content-Length"]) == len(response.content)
    assert response.public_content is True
    mp3_frames(response.content)
    assert bytes(fresh(step).audio) == response.content  # made on first request, and kept


def test_the_view_lets_browsers_keep_a_reading_for_a_day(rf, step):
    response = step_audio(rf.get(audio_url(step.pk)), step_id=step.pk)
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response.public_content is True


def test_a_signed_in_user_gets_the_reading_too(client, step):
    client.force_login(UserFactory())
    response = client.get(audio_url(step.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/mpeg"


def test_a_browser_with_the_current_reading_gets_not_modified(client, step, synth_calls):
    etag = client.get(audio_url(step.pk))["ETag"]
    response = client.get(audio_url(step.pk), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""
    assert len(synth_calls) == 1


def test_a_changed_text_gives_a_new_reading_under_a_new_etag(client, step):
    old = client.get(audio_url(step.pk))
    GuideStep.objects.filter(pk=step.pk).update(text="Mở ứng dụng Zalo trên điện thoại của bạn.")
    response = client.get(audio_url(step.pk), HTTP_IF_NONE_MATCH=old["ETag"])
    assert response.status_code == 200
    assert response["ETag"] != old["ETag"]
    assert response.content != old.content


def test_an_unknown_step_is_not_found(client, guide):
    missing = GuideStep.objects.order_by("-pk").first().pk + 100
    assert client.get(audio_url(missing)).status_code == 404


def test_a_step_with_nothing_to_read_is_not_found(client, guide):
    empty = GuideStep.objects.create(guide=guide, number=3, text="...")
    assert client.get(audio_url(empty.pk)).status_code == 404


def test_the_reading_cannot_be_posted_to(client, step):
    assert client.post(audio_url(step.pk)).status_code == 405


def test_the_step_include_offers_a_light_audio_player(step):
    from langso.guides.selectors import StepView

    html = render_to_string(
        "guides/_step_audio.html", {"item": StepView(step, step.text, audio_url(step.pk))}
    )
    assert '<audio controls preload="none"' in html
    assert f'src="{audio_url(step.pk)}"' in html
    assert "Nghe bước này" in html
    assert "<script" not in html
