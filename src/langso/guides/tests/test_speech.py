"""The speech engine: real eSpeak NG and LAME, no fakes."""

from __future__ import annotations

import threading

import pytest

from langso.guides.speech import (
    SpeechError,
    normalize_for_speech,
    number_in_words,
    speech_fingerprint,
    synthesize,
)

# MPEG-2 layer III (what LAME writes at 22,050 Hz): kbit/s by header index, samples per frame.
_MPEG2_BITRATES = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_MPEG2_SAMPLE_RATES = (22050, 24000, 16000)


def mp3_frames(data: bytes) -> tuple[int, int]:
    """Walk the MP3 frame by frame (skipping an ID3 tag); return (frames, sample rate).

    Fails unless every byte belongs to a well-formed frame: sync bits, layer III, a valid bitrate.
    """
    position = 0
    if data[:3] == b"ID3":
        size = data[6] << 21 | data[7] << 14 | data[8] << 7 | data[9]
        position = 10 + size
    frames, sample_rate = 0, 0
    while position < len(data):
        header = int.from_bytes(data[position : position + 4], "big")
        assert header >> 21 == 0x7FF, f"no frame sync at byte {position}"
        assert (header >> 19) & 3 == 2, "not MPEG-2"
        assert (header >> 17) & 3 == 1, "not layer III"
        bitrate = _MPEG2_BITRATES[(header >> 12) & 0xF] * 1000
        sample_rate = _MPEG2_SAMPLE_RATES[(header >> 10) & 3]
        assert bitrate, "free or bad bitrate"
        position += 72 * bitrate // sample_rate + ((header >> 9) & 1)
        frames += 1
    assert position == len(data), "the last frame is cut short"
    return frames, sample_rate


def test_synthesis_gives_a_well_formed_mp3_as_long_as_the_reported_seconds():
    audio = synthesize("Mở ứng dụng VNeID trên điện thoại.")
    frames, sample_rate = mp3_frames(audio.mp3)
    assert sample_rate == 22050
    assert frames > 50
    # 576 samples a frame; LAME adds about a frame of delay and padding at each end.
    assert frames * 576 / sample_rate == pytest.approx(audio.seconds, abs=0.2)
    assert 1.0 < audio.seconds < 10.0


def test_a_longer_text_gives_a_longer_reading():
    short = synthesize("Bấm Đăng nhập.")
    long = synthesize(
        "Bấm Đăng nhập, nhập số định danh cá nhân và mật khẩu, rồi bấm Xác nhận và chờ mã gửi về điện thoại."
    )
    assert long.seconds > short.seconds * 2
    assert len(long.mp3) > len(short.mp3) * 2


def test_vietnamese_tone_marks_change_what_is_said():
    readings = {synthesize(word).mp3 for word in ("ma", "má", "mà", "mả", "mã", "mạ")}
    assert len(readings) == 6


def test_the_vietnamese_voice_reads_differently_from_the_english_one():
    assert synthesize("xin chào", voice="vi").mp3 != synthesize("xin chào", voice="en").mp3


def test_synthesis_is_repeatable_so_a_text_hash_identifies_the_audio():
    assert (
        synthesize("Chụp ảnh mặt trước thẻ căn cước.").mp3
        == synthesize("Chụp ảnh mặt trước thẻ căn cước.").mp3
    )


@pytest.mark.parametrize("text", ["", "   ", "…", " - ! "])
def test_a_text_with_nothing_to_read_is_refused_with_a_clear_message(text):
    with pytest.raises(SpeechError, match="Không có nội dung để đọc"):
        synthesize(text)


def test_an_overlong_text_is_refused():
    with pytest.raises(SpeechError, match="quá dài"):
        synthesize("a " * 1500)


@pytest.mark.parametrize("voice", ["xx-khong-co", "vi; rm"])
def test_an_unknown_voice_is_refused(voice):
    with pytest.raises(SpeechError, match="giọng đọc"):
        synthesize("xin chào", voice=voice)


def test_the_engine_gives_each_thread_its_own_reading():
    texts = [f"Đây là bước số {n} của hướng dẫn." for n in range(1, 7)]
    expected = {text: synthesize(text).mp3 for text in texts}
    results: dict[str, bytes] = {}
    errors: list[BaseException] = []

    def read(text: str) -> None:
        try:
            results[text] = synthesize(text).mp3
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=read, args=(text,)) for text in texts * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert results == expected


def test_the_fingerprint_names_the_voice():
    assert speech_fingerprint("vi") != speech_fingerprint("en")


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (5, "năm"),
        (10, "mười"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (25, "hai mươi lăm"),
        (105, "một trăm linh năm"),
        (2025, "hai nghìn không trăm hai mươi lăm"),
        (200_000, "hai trăm nghìn"),
        (1_000_000, "một triệu"),
        (1_005_000, "một triệu không trăm linh năm nghìn"),
        (3_000_000_010, "ba tỷ không trăm mười"),
    ],
)
def test_numbers_are_said_in_vietnamese_words(number, words):
    assert number_in_words(number) == words


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Vào dichvucong.gov.vn", "Vào dịch vụ công chấm gov chấm vê en."),
        ("Mở VNeID, quét mã QR.", "Mở vê en e ai đi, quét mã kiu a."),
        ("Phí 1.000.000 đồng.", "Phí một triệu đồng."),
        ("Gọi 0912345678.", "Gọi không chín một hai ba bốn năm sáu bảy tám."),
        ("Bấm *101# rồi gọi.", "Bấm sao một không một thăng rồi gọi."),
        (
            "Hạn 15/7/2025 lúc 8:30.",
            "Hạn ngày mười lăm tháng bảy năm hai nghìn không trăm hai mươi lăm lúc tám giờ ba mươi phút.",
        ),
        ("Từ ngày 1/10", "Từ ngày một tháng mười."),
        ("Cài đặt > Bảo mật → Mật khẩu", "Cài đặt, Bảo mật, Mật khẩu."),
        ("Mở Zalo hoặc Facebook.", "Mở da lô hoặc phây búc."),
        ("Lãi 3,5% một năm.", "Lãi 3,5% một năm."),
    ],
)
def test_text_is_rewritten_the_way_a_vietnamese_speaker_reads_it(text, spoken):
    assert normalize_for_speech(text) == spoken
