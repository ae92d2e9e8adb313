"""The readings play in Chromium, the browser of the cheap Android phones the guides are read on."""

from __future__ import annotations

import base64

import pytest
from tests.browser.conftest import browser  # noqa: F401 - the Chromium fixture, with its skip rules

from langso.guides.speech import synthesize

pytestmark = pytest.mark.browser

DECODE = """async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const player = new Audio();
    const canPlay = player.canPlayType("audio/mpeg");
    player.src = URL.createObjectURL(new Blob([bytes], {type: "audio/mpeg"}));
    const duration = await new Promise((done) => {
        player.onloadedmetadata = () => done(player.duration);
        player.onerror = () => done(-player.error.code);
    });
    const decoded = await new OfflineAudioContext(1, 22050, 22050).decodeAudioData(bytes.buffer);
    let peak = 0;
    for (const sample of decoded.getChannelData(0)) peak = Math.max(peak, Math.abs(sample));
    return {canPlay, duration, decoded: decoded.duration, peak};
}"""


def test_chromium_decodes_a_reading_to_its_full_length(browser):  # noqa: F811
    audio = synthesize("Mở trình duyệt, gõ dichvucong.gov.vn rồi bấm Đăng nhập.")
    page = browser.new_page()
    try:
        result = page.evaluate(DECODE, base64.b64encode(audio.mp3).decode())
    finally:
        page.close()
    assert result["canPlay"] in ("probably", "maybe")
    assert result["duration"] == pytest.approx(audio.seconds, abs=0.2)
    assert result["decoded"] == pytest.approx(audio.seconds, abs=0.2)
    assert result["peak"] > 0.3  # speech, not silence
