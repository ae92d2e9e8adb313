"""Guides in other languages: the language list, translations, recordings (upload checks, review),
the public page and handout in a chosen language, and the eSpeak build leaving recorded steps alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.core.models import AuditEntry
from langso.guides import recordings
from langso.guides.audio import build_all
from langso.guides.languages import guide_languages, guides_per_language
from langso.guides.models import Guide, GuideLanguage, GuideStep, RecordingStatus, StepRecording
from langso.guides.shipped import load_languages
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune

pytestmark = pytest.mark.django_db


def webm(size: int = 6000) -> bytes:
    """The head of a WebM file with an Opus track, as Chrome's MediaRecorder writes it, padded."""
    head = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm"
    head += b"\x18\x53\x80\x67" + b"\x00" * 40 + b"\x86\x86A_OPUS" + b"\x63\xa2OpusHead"
    return head + b"\x00" * (size - len(head))


def ogg(size: int = 3000) -> bytes:
    head = b"OggS\x00\x02" + b"\x00" * 22 + b"OpusHead\x01\x01"
    return head + b"\x00" * (size - len(head))


def mp4(size: int = 3000) -> bytes:
    head = b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A mp42" + b"\x00" * 60 + b"mp4a"
    return head + b"\x00" * (size - len(head))


@pytest.fixture
def guide() -> Guide:
    Guide.objects.all().delete()
    guide = Guide.objects.create(skill_code="vneid-thu", title="Cài VNeID")
    GuideStep.objects.create(guide=guide, number=1, text="Mở CH Play.")
    GuideStep.objects.create(guide=guide, number=2, text="Tìm VNeID và bấm Cài đặt.")
    return guide


@pytest.fixture
def tay() -> GuideLanguage:
    GuideLanguage.objects.filter(code="tay").update(active=True)
    return GuideLanguage.objects.get(code="tay")


@pytest.fixture
def staff(province_staff: Any) -> Any:
    return province_staff


@pytest.fixture
def member(db: Any) -> Any:
    village = VillageFactory(commune=commune(NGHIA_TA), name="Nà Ngần")
    return user_with_role(Role.TEAM_MEMBER, village=village)


def translate(staff: Any, guide: Guide, language: GuideLanguage) -> None:
    recordings.translation_save(
        acting_user=staff,
        guide=guide,
        language=language,
        title="Cài VNeID (Tày)",
        summary="",
        steps={1: "Khai CH Play.", 2: "Chỏ VNeID lẻ nhấn Cài đặt."},
    )


# --- the language list ---------------------------------------------------------------------------


def test_the_language_list_is_data_with_vietnamese_on_and_the_others_off():
    codes = list(GuideLanguage.objects.values_list("code", flat=True))
    assert [language.code for language in load_languages()] == codes
    assert {"ede", "mnong", "giarai", "tay", "nung", "mong", "dao", "thai", "khmer"} <= set(codes)
    assert list(GuideLanguage.objects.filter(active=True).values_list("code", flat=True)) == ["vi"]


def test_staff_switch_a_language_on_audited_and_vietnamese_cannot_be_switched_off(client, staff):
    client.force_login(staff)
    response = client.post(reverse("guides:languages"), {"code": "ede", "active": "1"})
    assert response.status_code == 302
    assert GuideLanguage.objects.get(code="ede").active
    assert AuditEntry.objects.filter(object_type__icontains="guidelanguage", object_id="ede").exists()
    client.post(reverse("guides:languages"), {"code": "vi", "active": "0"}, follow=True)
    assert GuideLanguage.objects.get(code="vi").active


def test_a_guide_exists_in_a_language_only_once_every_step_is_translated(guide, tay, staff):
    recordings.translation_save(
        acting_user=staff, guide=guide, language=tay, title="T", summary="", steps={1: "Một"}
    )
    assert [lang.code for lang in guide_languages(guide)] == ["vi"]
    translate(staff, guide, tay)
    assert [lang.code for lang in guide_languages(guide)] == ["vi", "tay"]
    figures = {f.language.code: f for f in guides_per_language()}
    assert figures["tay"].guides == 1 and figures["tay"].recorded == 0
    assert figures["vi"].guides == 1


def test_translation_needs_an_active_language_and_a_title(guide, staff):
    nung = GuideLanguage.objects.get(code="nung")
    with pytest.raises(ValidationError, match="chưa được bật"):
        translate(staff, guide, nung)
    nung.active = True
    nung.save()
    with pytest.raises(ValidationError):
        recordings.translation_save(
            acting_user=staff, guide=guide, language=nung, title=" ", summary="", steps={}
        )


# --- uploads ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "declared", "found"),
    [
        (webm(), "audio/webm;codecs=opus", "audio/webm"),
        (ogg(), "audio/ogg", "audio/ogg"),
        (mp4(), "audio/mp4", "audio/mp4"),
    ],
)
def test_opus_and_aac_recordings_are_recognised_by_their_bytes(data, declared, found):
    assert recordings.sniff_audio(data, declared) == found


@pytest.mark.parametrize(
    ("data", "declared", "message"),
    [
        (b"\x1a\x45\xdf\xa3", "audio/webm", "quá ngắn"),
        (webm(recordings.MAX_RECORDING_BYTES + 1), "audio/webm", "quá lớn"),
        (b"ID3" + b"\x00" * 5000, "audio/mpeg", "không phải bản ghi âm"),
        (b"<html>" + b"x" * 5000, "audio/webm", "không phải bản ghi âm"),
        (ogg(), "audio/webm", "không khớp"),
    ],
)
def test_bad_uploads_are_refused_with_a_vietnamese_reason(data, declared, message):
    with pytest.raises(ValidationError, match=message):
        recordings.sniff_audio(data, declared)


def test_a_member_uploads_from_the_record_page_and_re_recording_replaces_their_pending_one(
    client, guide, tay, staff, member
):
    translate(staff, guide, tay)
    client.force_login(member)
    url = reverse("guides:record", args=[guide.skill_code, "tay"])
    choose = client.get(reverse("guides:record_choose")).content.decode()
    assert url in choose
    assert f"{reverse('field:shell')}#guides" in choose  # the way back to the field app's guides tab
    page = client.get(url)
    assert page.status_code == 200
    assert f"{reverse('field:shell')}#guides" in page.content.decode()
    assert "microphone=(self)" in page["Permissions-Policy"]
    assert "Khai CH Play." in page.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    first = client.post(url, {"step": "1", "audio": SimpleUploadedFile("a.webm", webm(), "audio/webm")})
    assert first.status_code == 201, first.content
    again = client.post(url, {"step": "1", "audio": SimpleUploadedFile("b.webm", webm(7000), "audio/webm")})
    assert again.status_code == 201
    rows = StepRecording.objects.filter(step__guide=guide, language=tay)
    assert rows.count() == 1
    assert rows.get().size == 7000 and rows.get().text == "Khai CH Play." and rows.get().status == "pending"
    bad = client.post(
        url, {"step": "2", "audio": SimpleUploadedFile("x.mp3", b"ID3" + b"0" * 4000, "audio/mpeg")}
    )
    assert bad.status_code == 422
    assert "không phải bản ghi âm" in bad.json()["errors"][0]
    assert rows.count() == 1  # nothing half-written
    huge = SimpleUploadedFile("h.webm", webm(recordings.MAX_RECORDING_BYTES + 10), "audio/webm")
    too_big = client.post(url, {"step": "2", "audio": huge})
    assert too_big.status_code == 422 and "quá lớn" in too_big.json()["errors"][0]
    assert rows.count() == 1


def test_a_step_without_text_in_the_language_cannot_be_recorded(guide, tay, member):
    with pytest.raises(ValidationError, match="chưa có nội dung"):
        recordings.recording_upload(
            acting_user=member,
            step=guide.steps.get(number=1),
            language=tay,
            data=webm(),
            content_type="audio/webm",
        )


def test_a_team_member_cannot_review_and_a_visitor_cannot_record(client, guide, tay, member):
    client.force_login(member)
    assert client.get(reverse("guides:recordings")).status_code == 403
    client.logout()
    response = client.get(reverse("guides:record", args=[guide.skill_code, "tay"]))
    assert response.status_code == 302 and "login" in response["Location"]


# --- review and publication -----------------------------------------------------------------------


def recorded(
    member: Any, guide: Guide, language: GuideLanguage, number: int = 1, data: bytes | None = None
) -> Any:
    return recordings.recording_upload(
        acting_user=member,
        step=guide.steps.get(number=number),
        language=language,
        data=data or webm(),
        content_type="audio/webm",
    )


def test_review_publishes_approved_recordings_only_and_rejection_needs_a_reason(
    client, guide, tay, staff, member
):
    translate(staff, guide, tay)
    recording = recorded(member, guide, tay)
    step = guide.steps.get(number=1)
    public = reverse("guides:step_recording", kwargs={"lang": "tay", "step_id": step.pk})
    assert client.get(public).status_code == 404  # waiting: not public
    page = client.get(reverse("guides:guide", args=[guide.skill_code]) + "?lang=tay").content.decode()
    assert "Khai CH Play." in page and public not in page

    with pytest.raises(ValidationError):
        recordings.recording_review(acting_user=staff, recording=recording, approve=False, reason="")
    client.force_login(staff)
    client.post(reverse("guides:recording_review", args=[recording.pk]), {"decision": "approve"})
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.APPROVED and recording.reviewed_by == staff
    assert AuditEntry.objects.filter(object_id=str(recording.pk), action="approve").exists()
    client.logout()
    response = client.get(public)
    assert response.status_code == 200 and response["Content-Type"] == "audio/webm"
    assert response.content == webm()
    page = client.get(reverse("guides:guide", args=[guide.skill_code]) + "?lang=tay").content.decode()
    assert public in page and 'lang="tyz"' in page

    # A second recording approved replaces the first; the first stays stored, marked replaced.
    second = recorded(member, guide, tay, data=webm(8000))
    recordings.recording_review(acting_user=staff, recording=second, approve=True)
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.REPLACED
    assert client.get(public).content == webm(8000)

    third = recorded(member, guide, tay, number=2)
    recordings.recording_review(acting_user=staff, recording=third, approve=False, reason="Đọc nhầm bước")
    third.refresh_from_db()
    assert third.status == RecordingStatus.REJECTED and third.reason == "Đọc nhầm bước"
    with pytest.raises(ValidationError, match="đã được duyệt hoặc từ chối"):
        recordings.recording_review(acting_user=staff, recording=third, approve=True)


def test_a_recording_stops_playing_when_the_text_it_reads_changes(client, guide, tay, staff, member):
    translate(staff, guide, tay)
    recordings.recording_review(acting_user=staff, recording=recorded(member, guide, tay), approve=True)
    step = guide.steps.get(number=1)
    public = reverse("guides:step_recording", kwargs={"lang": "tay", "step_id": step.pk})
    assert client.get(public).status_code == 200
    recordings.translation_save(
        acting_user=staff, guide=guide, language=tay, title="Cài VNeID (Tày)", summary="",
        steps={1: "Khai CH Play nẩy.", 2: "Chỏ VNeID lẻ nhấn Cài đặt."},
    )  # fmt: skip
    assert client.get(public).status_code == 404


# --- Vietnamese recordings and the eSpeak build ---------------------------------------------------


def test_an_approved_vietnamese_recording_replaces_espeak_and_the_build_leaves_it_alone(
    client, guide, staff, member
):
    vi = GuideLanguage.objects.get(code="vi")
    recording = recorded(member, guide, vi)
    recordings.recording_review(acting_user=staff, recording=recording, approve=True)
    stats = build_all(force=True)
    assert stats.recorded == 1 and stats.generated == 1 and stats.steps == 2
    step = guide.steps.get(number=1)
    step.refresh_from_db()
    assert step.audio is None  # never synthesised
    assert StepRecording.objects.get(pk=recording.pk).audio == webm()  # never overwritten
    page = client.get(reverse("guides:guide", args=[guide.skill_code])).content.decode()
    assert reverse("guides:step_recording", kwargs={"lang": "vi", "step_id": step.pk}) in page
    assert reverse("guides:step_audio", kwargs={"step_id": guide.steps.get(number=2).pk}) in page
    # The step's text changes: the recording no longer reads it, so eSpeak reads it again.
    GuideStep.objects.filter(pk=step.pk).update(text="Mở cửa hàng CH Play.")
    stats = build_all()
    assert stats.recorded == 0 and stats.generated == 1


# --- handout and offline ---------------------------------------------------------------------------


def test_the_handout_prints_in_the_chosen_language(client, guide, tay, staff, monkeypatch):
    translate(staff, guide, tay)
    seen: dict[str, Any] = {}

    def fake_render(template: str, context: dict[str, Any], request: Any = None) -> Any:
        seen.update(context)

        class Doc:
            pages = [1]

            def write_pdf(self) -> bytes:
                return b"%PDF-1.7"

        return Doc()

    monkeypatch.setattr("langso.guides.handout.render_document", fake_render)
    response = client.get(reverse("guides:handout", args=[guide.skill_code]) + "?lang=tay")
    assert response.status_code == 200
    assert seen["title"] == "Cài VNeID (Tày)"
    assert [s["text"] for s in seen["steps"]] == ["Khai CH Play.", "Chỏ VNeID lẻ nhấn Cài đặt."]
    assert seen["url"].endswith("?lang=tay")
    assert "vneid-thu-tay.pdf" in response["Content-Disposition"]


def test_the_field_app_offers_the_languages_and_lists_what_to_keep(client, guide, tay, staff, member):
    translate(staff, guide, tay)
    recording = recorded(member, guide, tay)
    recordings.recording_review(acting_user=staff, recording=recording, approve=True)
    data = client.get(reverse("field:offline_manifest") + "?languages=tay,khmer").json()
    assert data["languages"] == [{"code": "tay", "name": "Tày", "guides": 1}]
    step = guide.steps.get(number=1)
    assert data["language_urls"] == [
        "/guides/?lang=tay",
        f"/guides/{guide.skill_code}/?lang=tay",
        f"/guides/audio/tay/{step.pk}/",
    ]


def test_the_management_page_shows_guides_per_language(client, guide, tay, staff):
    translate(staff, guide, tay)
    client.force_login(staff)
    page = client.get(reverse("guides:manage")).content.decode()
    assert "Hướng dẫn theo tiếng" in page and "Tày" in page


def test_a_reviewer_hears_and_decides_only_recordings_of_members_in_their_province(
    client, guide, tay, staff, member
):
    translate(staff, guide, tay)
    recording = recorded(member, guide, tay)
    elsewhere = user_with_role(Role.PROVINCE_STAFF, province=commune(CUOR_DANG).province, is_demo=True)
    client.force_login(elsewhere)
    page = client.get(reverse("guides:recordings")).content.decode()
    assert str(recording.pk) not in page
    assert client.get(reverse("guides:recording_audio", args=[recording.pk])).status_code == 404
    client.post(reverse("guides:recording_review", args=[recording.pk]), {"decision": "approve"})
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.PENDING

    client.force_login(staff)
    assert str(recording.pk) in client.get(reverse("guides:recordings")).content.decode()
    assert client.get(reverse("guides:recording_audio", args=[recording.pk])).content == webm()
