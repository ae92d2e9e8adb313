"""A guide in Tày, heard in a person's voice: a team member records a step on the phone (Chromium's
fake microphone), province staff approve it, and a visitor plays it on the public guide page — and
again with the network cut, from the field app's offline guides."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _unavailable
from tests.browser.helpers import PHONE, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAKE_MEDIA = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]

PLAY_JS = """async (selector) => {
  const audio = document.querySelector(selector);
  await audio.play();
  await new Promise((resolve) => setTimeout(resolve, 700));
  audio.pause();
  return { time: audio.currentTime, error: audio.error ? audio.error.code : null };
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium with a fake microphone (a beep) that needs no permission prompt."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed")
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *FAKE_MEDIA])
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def tay_guide(settings: Any) -> Any:
    """A guide translated into Tày (Tày switched on), a team member and province staff."""
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role
    from langso.guides import recordings
    from langso.guides.languages import install_default_languages
    from langso.guides.models import Guide, GuideLanguage, GuideStep
    from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune, ensure_units

    settings.DEMO_MODE = True  # province staff skip the second factor as demo users
    ensure_units()
    install_default_languages()
    GuideLanguage.objects.filter(code="tay").update(active=True)
    guide = Guide.objects.create(skill_code="vneid_tay", title="Cài VNeID")
    GuideStep.objects.create(guide=guide, number=1, text="Mở CH Play.")
    GuideStep.objects.create(guide=guide, number=2, text="Tìm VNeID và bấm Cài đặt.")
    staff = user_with_role(Role.PROVINCE_STAFF, province=commune(NGHIA_TA).province, is_demo=True)
    member = user_with_role(
        Role.TEAM_MEMBER, village=VillageFactory(commune=commune(NGHIA_TA), name="Nà Ngần")
    )
    recordings.translation_save(
        acting_user=staff,
        guide=guide,
        language=GuideLanguage.objects.get(code="tay"),
        title="Cài VNeID",
        summary="",
        steps={1: "Khai CH Play.", 2: "Chỏ VNeID lẻ nhấn Cài đặt."},
    )
    return {"guide": guide, "staff": staff, "member": member}


def test_a_tay_recording_is_made_on_the_phone_approved_and_played_online_and_offline(
    browser: Browser, live_server: Any, tay_guide: dict[str, Any], sign_in_session: Any
) -> None:
    from langso.guides.models import StepRecording

    guide = tay_guide["guide"]

    def phone() -> tuple[BrowserContext, Page]:
        ctx = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=live_server.url)
        ctx.set_default_timeout(15_000)
        return ctx, ctx.new_page()

    # 1. The team member records step 1 in Tày, listens, records again, sends.
    ctx, page = phone()
    _sign_in(ctx, live_server, tay_guide["member"])
    page.goto(f"/guides/{guide.skill_code}/record/tay/")
    step = page.locator(".rec-step[data-step='1']")
    expect(step).to_contain_text("Khai CH Play.")
    assert_no_horizontal_scroll(page)
    for _ in range(2):  # the second pass is the re-record button
        button = (
            step.get_by_role("button", name="Ghi âm") if not step.get_attribute("data-recorded") else None
        )
        (button or step.get_by_role("button", name="Ghi lại")).click()
        expect(step.get_by_role("button", name="Dừng")).to_be_visible()
        page.wait_for_timeout(1500)
        step.get_by_role("button", name="Dừng").click()
        expect(step.get_by_role("button", name="Gửi bản ghi")).to_be_visible()
    step.get_by_role("button", name="Gửi bản ghi").click()
    expect(step.locator(".rec-msg")).to_contain_text("Đã gửi")
    recording = StepRecording.objects.get(step__guide=guide, language_id="tay")
    assert recording.status == "pending" and recording.content_type == "audio/webm"
    assert 1024 < recording.size < 100_000
    ctx.close()

    # 2. Province staff listen and approve.
    ctx, page = phone()
    _sign_in(ctx, live_server, tay_guide["staff"])
    page.goto("/guides/manage/recordings/")
    item = page.locator(f"#rec-{recording.pk}")
    expect(item).to_contain_text("Khai CH Play.")
    assert page.evaluate(PLAY_JS, f"#rec-{recording.pk} audio")["error"] is None
    item.get_by_role("button", name="Duyệt").click()
    expect(page.get_by_text("Đã duyệt bản ghi âm.")).to_be_visible()
    ctx.close()

    # 3. A visitor picks Tày on the public page and plays the step.
    ctx, page = phone()
    page.goto(f"/guides/{guide.skill_code}/")
    page.get_by_role("link", name="Tày").click()
    expect(page.locator("#buoc-1")).to_contain_text("Khai CH Play.")
    played = page.evaluate(PLAY_JS, "#buoc-1 audio")
    assert played["error"] is None and played["time"] > 0.2
    assert_no_horizontal_scroll(page)

    # 4. The field app keeps Tày on the phone; with the network cut the page and its voice still play.
    page.goto("/field/#guides")
    page.get_by_label("Tày").check()
    page.get_by_role("button", name="Lưu về máy").click()
    expect(page.locator("#guides-status")).to_contain_text("Đã lưu 3 trang")
    ctx.set_offline(True)
    page.goto(f"/guides/{guide.skill_code}/?lang=tay")
    expect(page.locator("#buoc-1")).to_contain_text("Khai CH Play.")
    played = page.evaluate(PLAY_JS, "#buoc-1 audio")
    assert played["error"] is None and played["time"] > 0.2
    ctx.close()


def _sign_in(ctx: BrowserContext, live_server: Any, user: Any) -> None:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    ctx.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
