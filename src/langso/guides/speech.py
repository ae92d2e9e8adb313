"""Offline speech for guide steps: eSpeak NG reads Vietnamese, LAME makes a small MP3.

Both engines come from PyPI and run on the server with no network: `espeakng-loader` ships
libespeak-ng.so with its data (the Vietnamese voices included), driven here through ctypes, and
`lameenc` encodes the samples. See docs/guides-audio.md for why this engine and what it costs.

This module knows nothing of Django: it turns a text into MP3 bytes, the same bytes every time for the
same text. libespeak-ng keeps its state in globals, so one lock serialises every use of it.
"""

from __future__ import annotations

import ctypes
import re
import threading
import unicodedata
from dataclasses import dataclass
from importlib import metadata

# Slower than eSpeak's 175 words a minute (about 3 syllables a second instead of 4): many listeners
# are elderly and new to smartphones.
WORDS_PER_MINUTE = 130
# CBR (not VBR) so that every browser shows the right length without a Xing header; 32 kbit/s mono
# keeps the hissing consonants (s/x, ch/tr) that tell Vietnamese words apart, at 4 KB a second.
MP3_KBPS = 32
# Some phones cut the first moment of a sound while their audio output wakes up.
LEAD_IN_SECONDS = 0.15
MAX_CHARS = 2000
# Bump when normalize_for_speech() or the settings above change: every stored reading is then stale.
NORMALIZER_VERSION = 1

# espeak-ng's speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000  # return errors instead of calling exit()
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_ENDPAUSE = 0x1000
_PARAM_RATE = 1
_EE_OK = 0
_EE_NOT_FOUND = 2

_VOICE_NAME = re.compile(r"^[A-Za-z0-9-]{2,40}$")


class SpeechError(ValueError):
    """The text cannot be read aloud; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class SpeechAudio:
    mp3: bytes
    seconds: float


def speech_fingerprint(voice: str = "vi") -> str:
    """Everything besides the text that shapes the audio; part of each reading's hash."""
    return (
        f"espeakng-loader {metadata.version('espeakng-loader')}; lameenc {metadata.version('lameenc')}; "
        f"voice {voice}; {WORDS_PER_MINUTE} wpm; {MP3_KBPS} kbps; lead {LEAD_IN_SECONDS}; "
        f"normalizer {NORMALIZER_VERSION}"
    )


def synthesize(text: str, *, voice: str = "vi") -> SpeechAudio:
    """Read `text` aloud with the eSpeak NG voice `voice`; return MP3 bytes and the length in seconds."""
    if len(text) > MAX_CHARS:
        raise SpeechError(f"Nội dung quá dài để đọc (tối đa {MAX_CHARS} ký tự).")
    spoken = normalize_for_speech(text)
    if not any(ch.isalnum() for ch in spoken):
        raise SpeechError("Không có nội dung để đọc: văn bản trống.")
    if not _VOICE_NAME.match(voice):
        raise SpeechError(f"Tên giọng đọc không hợp lệ: {voice!r}.")
    with _lock:
        pcm, sample_rate = _pcm(spoken, voice)
    if not pcm:
        raise SpeechError("Bộ đọc không tạo ra âm thanh cho văn bản này.")
    pcm = bytes(int(LEAD_IN_SECONDS * sample_rate) * 2) + pcm
    return SpeechAudio(mp3=_encode_mp3(pcm, sample_rate), seconds=round(len(pcm) / 2 / sample_rate, 1))


# --- Text normalisation --------------------------------------------------------------------------
# eSpeak reads Vietnamese words well, but not everything a guide writes: it spells or anglicises
# product names, reads "1.000.000" as "một triệu không trăm không trăm", and runs a phone number
# together as one big number. These rules rewrite such things the way a Vietnamese speaker says them.

# Written form (any case) -> how it is said in Vietnam.
_LEXICON = {
    "vneid": "vê en e ai đi",
    "otp": "ô tê pê",
    "qr": "kiu a",
    "zalo": "da lô",
    "facebook": "phây búc",
    "google": "gu gồ",
    "youtube": "diu túp",
    "wi-fi": "oai phai",
    "wifi": "oai phai",
    "email": "i meo",
    "e-mail": "i meo",
    "online": "on lai",
    "app": "áp",
    "ok": "ô kê",
    "iphone": "ai phôn",
    "ch play": "xê hát plây",
    "app store": "áp xto",
    "chrome": "cờ rôm",
    "camera": "ca mê ra",
    "tiktok": "tích tóc",
    "shopee": "sốp pi",
    "bhyt": "bảo hiểm y tế",
    "đ/kg": "đồng một cân",
    "kg": "ki lô gam",
    "đ": "đồng",
}
# Parts of web addresses written without diacritics.
_DOMAIN_WORDS = {
    "dichvucong": "dịch vụ công",
    "chinhphu": "chính phủ",
    "baohiemxahoi": "bảo hiểm xã hội",
    "vneid": _LEXICON["vneid"],
    "www": "vê kép vê kép vê kép",
    "vn": "vê en",
}
_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUP_NAMES = ("", "nghìn", "triệu", "tỷ")

_LEXICON_RE = re.compile(
    r"(?<![\w.@-])("
    + "|".join(re.escape(k) for k in sorted(_LEXICON, key=len, reverse=True))
    + r")(?![\w-])",
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(r"(?<![\w.+-])([\w.+-]+)@(?=[a-z0-9-]+\.)", re.IGNORECASE)
_DOMAIN_RE = re.compile(
    r"(?<![\w.-])(?:https?://)?((?:[a-z0-9-]+\.)+(?:vn|com|net|org|gov|edu|info))((?:/[\w.-]*)*)(?![\w-])",
    re.IGNORECASE,
)
_USSD_RE = re.compile(r"(?<![\w*#])\*[\d*]+#")
_DATE_RE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])")
_TIME_RE = re.compile(r"(?<![\d:])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])")
_INTEGER_RE = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+)(?!\d|[.,]\d)")
_ARROW_RE = re.compile(r"\s*(?:→|⇒|»|\s>\s)\s*")


def normalize_for_speech(text: str) -> str:
    """The text as eSpeak should read it: names, addresses, dates, times and numbers in words."""
    text = unicodedata.normalize("NFC", text).strip()
    text = _ARROW_RE.sub(", ", text)  # "Cài đặt → Bảo mật": a pause between menu levels
    text = _USSD_RE.sub(lambda m: " ".join(_USSD_WORDS.get(c, c) for c in m.group(0)), text)
    text = _EMAIL_RE.sub(lambda m: f"{m.group(1)} a còng ", text)
    text = _DOMAIN_RE.sub(_say_address, text)
    text = _LEXICON_RE.sub(lambda m: _LEXICON[m.group(1).lower()], text)
    text = _DATE_RE.sub(_say_date, text)
    text = _TIME_RE.sub(_say_time, text)
    text = _INTEGER_RE.sub(lambda m: _say_integer(m.group(1)), text)
    text = re.sub(r"\s+", " ", text).strip()
    if text and text[-1] not in ".!?…":
        text += "."  # a falling tone at the end, as a sentence
    return text


_USSD_WORDS = {"*": "sao", "#": "thăng", **{str(d): w for d, w in enumerate(_DIGITS)}}


def _say_address(match: re.Match[str]) -> str:
    labels = match.group(1).split(".")
    spoken = " chấm ".join(_DOMAIN_WORDS.get(label.lower(), label) for label in labels)
    path = [part for part in match.group(2).strip(".").split("/") if part]
    if path:
        spoken += " gạch chéo " + " gạch chéo ".join(path)
    return spoken


def _say_date(match: re.Match[str]) -> str:
    day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return match.group(0)
    prefix = "" if match.string[: match.start()].rstrip().lower().endswith("ngày") else "ngày "
    return f"{prefix}{day} tháng {month}" + (f" năm {year}" if year else "")


def _say_time(match: re.Match[str]) -> str:
    minutes = int(match.group(2))
    return f"{int(match.group(1))} giờ" + (f" {minutes} phút" if minutes else "")


def _say_integer(written: str) -> str:
    digits = written.replace(".", "")
    # A phone number, an identification number, a code: said digit by digit.
    if (digits.startswith("0") and len(digits) > 1) or ("." not in written and len(digits) >= 9):
        return " ".join(_DIGITS[int(d)] for d in digits)
    if len(digits) > 12:
        return " ".join(_DIGITS[int(d)] for d in digits)
    return number_in_words(int(digits))


def number_in_words(number: int) -> str:
    """A whole number below 10**12 in Vietnamese words: 1005000 -> "một triệu không trăm linh năm nghìn"."""
    if not 0 <= number < 10**12:
        raise ValueError("number out of range")
    if number == 0:
        return _DIGITS[0]
    groups = []
    while number:
        number, group = divmod(number, 1000)
        groups.append(group)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        if groups[index] == 0:
            continue
        words += _hundreds_in_words(groups[index], inner=bool(words))
        if _GROUP_NAMES[index]:
            words.append(_GROUP_NAMES[index])
    return " ".join(words)


def _hundreds_in_words(number: int, *, inner: bool) -> list[str]:
    # `inner`: a group after a bigger one, where "không trăm" and "linh" are said (2005: "hai nghìn
    # không trăm linh năm").
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if hundreds or inner:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += ["linh", _DIGITS[units]] if words else [_DIGITS[units]]
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else _DIGITS[units])
    else:
        words += [_DIGITS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 5: "lăm"}.get(units, _DIGITS[units]))
    return words


# --- The engines ---------------------------------------------------------------------------------
# libespeak-ng keeps state in globals, some of it in function-level statics that no call resets (the
# pitch "flutter" position, the gain control): each reading would then depend on everything read
# before it in the process. So each reading loads the library afresh and unloads it afterwards (about
# 5 ms): the same text always gives the same bytes, which the ETag and concurrent writers rely on. The
# lock keeps two threads from sharing one load.

_lock = threading.Lock()

# int callback(short *wav, int numsamples, espeak_EVENT *events); returning 0 lets synthesis go on.
_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
_chunks: list[bytes] = []


@_SynthCallback
def _collect(wav: ctypes._Pointer, count: int, _events: int | None) -> int:
    if wav and count > 0:
        _chunks.append(ctypes.string_at(wav, count * 2))
    return 0


def _pcm(text: str, voice: str) -> tuple[bytes, int]:
    """16-bit mono samples of `text` and their sample rate; call with `_lock` held."""
    import _ctypes

    import espeakng_loader

    lib = ctypes.CDLL(espeakng_loader.get_library_path(), mode=ctypes.RTLD_LOCAL)
    try:
        _declare(lib)
        sample_rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), _INITIALIZE_DONT_EXIT
        )
        if sample_rate <= 0:
            raise SpeechError("Không khởi động được bộ đọc eSpeak NG.")
        try:
            lib.espeak_SetSynthCallback(_collect)
            result = lib.espeak_SetVoiceByName(voice.encode())
            if result == _EE_NOT_FOUND:
                raise SpeechError(f"Không có giọng đọc {voice!r} trong eSpeak NG.")
            if result != _EE_OK:
                raise SpeechError(f"Không chọn được giọng đọc {voice!r} (mã lỗi {result}).")
            lib.espeak_SetParameter(_PARAM_RATE, WORDS_PER_MINUTE, 0)
            data = text.encode("utf-8") + b"\0"
            _chunks.clear()
            result = lib.espeak_Synth(
                data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8 | _ENDPAUSE, None, None
            )
            lib.espeak_Synchronize()
            if result != _EE_OK:
                raise SpeechError(f"Bộ đọc eSpeak NG báo lỗi (mã {result}).")
            return b"".join(_chunks), sample_rate
        finally:
            _chunks.clear()
            lib.espeak_Terminate()
    finally:
        _ctypes.dlclose(lib._handle)


def _declare(lib: ctypes.CDLL) -> None:
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_Synth.argtypes = [
        ctypes.c_char_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_Synchronize.restype = ctypes.c_int
    lib.espeak_Terminate.restype = ctypes.c_int


def _encode_mp3(pcm: bytes, sample_rate: int) -> bytes:
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(MP3_KBPS)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(2)
    return bytes(encoder.encode(pcm) + encoder.flush())
