"""One phone, several people, and what it keeps for whom (issue 12, points 1–5).

Two members and their team leader pass one phone (one browser profile) around; one signs out with no
signal; another connects; the phone is lost and its key revoked from the website; a member taps
"Lưu" twice at once; an officer changes a worklist while the phone is offline.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.field_people import (
    WATCH_WORKLIST_JS,
    build_team,
    connect,
    dump_storage,
    record_visit,
    retry_db,
    wait_for,
)
from tests.browser.helpers import field_cookie, wait_until_offline_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team() -> Any:
    return build_team()


def _visits(**filters: Any) -> list[Any]:
    from langso.teams.models import Visit

    return retry_db(lambda: list(Visit.objects.filter(**filters).select_related("device")))


def _device_of(user: Any) -> Any:
    from langso.teams.models import DeviceToken

    return retry_db(lambda: DeviceToken.objects.filter(user=user).order_by("-created_at").first())


def _accept_dialogs(page: Page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def test_two_members_and_a_leader_share_a_phone_and_each_record_stays_its_recorders(
    page: Page, context: BrowserContext, team: Any, sign_in_session: Any
) -> None:
    _accept_dialogs(page)
    a, b, leader = team.a, team.b, team.leader
    connect(page, sign_in_session, a.user)
    expect(page.locator("#worklist .card")).to_have_count(2, timeout=20_000)
    wait_until_offline_ready(page, ["/field/", "/static/field/app.js"])

    # No signal: H'Tuyết records a visit, then signs out of the phone to hand it over.
    context.set_offline(True)
    record_visit(page, "EK-01", notes="Bà bị gọi điện giả danh công an, đã hướng dẫn chặn số")
    expect(page.locator("#outbox-count")).to_have_text("1")
    page.get_by_role("link", name="Chờ gửi").click()
    page.get_by_role("button", name="Đăng xuất khỏi máy này").click()
    expect(page.locator("#notice")).to_contain_text("Đã đăng xuất")
    expect(page.locator("#others-waiting")).to_contain_text("1 bản ghi chưa gửi của H'Tuyết Niê")
    assert field_cookie(context) is None

    # Nothing of hers can be read in the browser any more: no name, no note, no key.
    dumped = dump_storage(page)
    assert "langso-field/outbox" in dumped and "H'Tuyết Niê" in dumped  # her sealed record, labelled
    for secret in [*a.names, "giả danh công an", "EK-01"]:
        assert secret not in dumped, f"{secret!r} is still readable in the browser's storage"

    # Back online: her key ends at the first contact (the phone signed out without a signal).
    context.set_offline(False)
    wait_for(page, lambda: _device_of(a.user).revoked_at is not None, what="the signed-out key to be revoked")

    # Y Sơn connects the same phone: only his households, from the very first screen on.
    page.add_init_script(f"({WATCH_WORKLIST_JS})()")
    connect(page, sign_in_session, b.user)
    expect(page.locator("#worklist .card")).to_have_count(2, timeout=20_000)
    expect(page.locator("#worklist")).to_contain_text("AMA KHOA")
    shown = " ".join(page.evaluate("() => window.__shown"))
    assert "AMA KHOA" in shown  # the watch saw the screens
    for name in a.names:
        assert name not in shown, f"{name!r} (H'Tuyết's household) was shown to Y Sơn"
    expect(page.locator("#others-waiting")).to_contain_text("H'Tuyết Niê")
    page.get_by_role("link", name="Chờ gửi").click()
    page.get_by_role("button", name="Gửi ngay").click()
    expect(page.locator("#toast")).to_have_text("Không có gì chờ gửi.")
    page.wait_for_timeout(1500)
    assert _visits() == []  # her visit is never sent with his key

    # The leader connects, records his own visit: stored as his.
    connect(page, sign_in_session, leader.user)
    expect(page.locator("#worklist .card")).to_have_count(1, timeout=20_000)
    record_visit(page, "EL-01")
    wait_for(page, lambda: len(_visits(recorded_by=leader.user)) == 1, what="the leader's visit")
    assert _device_of(b.user).revoked_at is not None  # the phone holds one member's key at a time

    # H'Tuyết signs in again on this phone: her visit goes, stored as hers, with her own new key.
    connect(page, sign_in_session, a.user)
    wait_for(page, lambda: len(_visits(recorded_by=a.user)) == 1, what="H'Tuyết's visit")
    visit = _visits(recorded_by=a.user)[0]
    assert visit.household_id == a.households[0].pk
    assert visit.device.user_id == a.user.pk and visit.device.revoked_at is None
    assert "giả danh công an" in visit.notes
    assert len(_visits()) == 2
    expect(page.locator("#others-waiting")).to_have_count(0)


def test_signing_out_on_the_website_ends_the_phone_key_and_leaves_nothing_readable(
    page: Page, context: BrowserContext, team: Any, sign_in_session: Any
) -> None:
    a = team.a
    connect(page, sign_in_session, a.user)
    expect(page.locator("#worklist .card")).to_have_count(2, timeout=20_000)
    token = field_cookie(context)["t"]

    page.goto("/")
    page.locator("form[action='/accounts/logout/']").evaluate("(form) => form.requestSubmit()")
    page.wait_for_url("**/accounts/login/**")

    assert field_cookie(context) is None
    assert _device_of(a.user).revoked_at is not None
    assert (
        page.request.get("/api/v1/field/worklist", headers={"Authorization": f"Bearer {token}"}).status == 401
    )
    dumped = dump_storage(page)
    for secret in [*a.names, token]:
        assert secret not in dumped, f"{secret!r} is still readable after signing out"
    page.goto("/field/")
    expect(page.get_by_text("Máy này chưa được kết nối")).to_be_visible()


def test_a_revoked_phone_wipes_itself_at_its_next_contact_and_the_officer_decides_on_what_it_sent(
    page: Page, context: BrowserContext, browser: Any, live_server: Any, team: Any, sign_in_session: Any
) -> None:
    _accept_dialogs(page)
    a = team.a
    connect(page, sign_in_session, a.user)
    expect(page.locator("#worklist .card")).to_have_count(2, timeout=20_000)
    wait_until_offline_ready(page, ["/field/", "/static/field/app.js"])
    context.set_offline(True)
    record_visit(page, "EK-02", notes="Hướng dẫn cài VNeID")

    # The phone is lost at the market: the commune officer revokes its key from the website.
    officer_context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url)
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(team.officer)
    officer_context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    officer = officer_context.new_page()
    officer.goto("/field/devices/")
    expect(officer.locator("#devices")).to_contain_text("H'Tuyết Niê")
    officer.get_by_role("button", name="Thu hồi khóa").click()
    expect(officer.get_by_text("Đã thu hồi khóa")).to_be_visible()

    # Next contact: the phone hands over what it had not sent, then forgets her data.
    context.set_offline(False)
    expect(page.locator("#sync-status")).to_contain_text("đã chuyển cho cán bộ xã", timeout=20_000)
    expect(page.get_by_text("Máy này chưa được kết nối")).to_be_visible()
    assert field_cookie(context) is None
    dumped = dump_storage(page)
    for secret in [*a.names, "Hướng dẫn cài VNeID"]:
        assert secret not in dumped
    assert _visits() == []

    # The officer sees it as "từ máy đã thu hồi" and accepts it: stored as hers.
    officer.goto("/")
    expect(officer.locator("#field-waiting")).to_contain_text("1 bản ghi từ máy đã thu hồi")
    officer.locator("#field-waiting a").click()
    expect(officer.locator(".held")).to_contain_text("từ máy đã thu hồi")
    expect(officer.locator(".held")).to_contain_text("Hướng dẫn cài VNeID")
    officer.get_by_role("button", name="Nhận bản ghi").click()
    expect(officer.get_by_text("Đã nhận bản ghi")).to_be_visible()
    visits = _visits()
    assert len(visits) == 1 and visits[0].recorded_by_id == a.user.pk
    officer_context.close()


def test_two_taps_on_save_at_the_same_instant_and_a_reload_store_one_visit_each(
    page: Page, context: BrowserContext, team: Any, sign_in_session: Any
) -> None:
    a = team.a
    connect(page, sign_in_session, a.user)
    expect(page.locator("#worklist .card")).to_have_count(2, timeout=20_000)
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 6})  # a cheap phone

    for attempt in range(3):
        page.locator(".card-link", has_text="EK-01").click()
        expect(page.locator("#visit-form")).to_be_visible()
        page.get_by_label("Ghi chú").fill(f"Lần {attempt}")
        # Two taps in the same instant, as a shaky finger makes them.
        page.locator("#visit-form button[type=submit]").evaluate("(b) => { b.click(); b.click(); }")
        expect(page.locator("#worklist")).to_be_visible()
        wait_for(page, lambda n=attempt: len(_visits()) == n + 1, what=f"visit {attempt + 1}")
    page.wait_for_timeout(1000)
    assert len(_visits()) == 3

    # A form reloaded after it was opened keeps its record's id: still one visit when saved.
    page.locator(".card-link", has_text="EK-02").click()
    expect(page.locator("#visit-form")).to_be_visible()
    opened = page.url
    page.reload()
    expect(page.locator("#visit-form")).to_be_visible()
    assert page.url == opened
    page.locator("#visit-form button[type=submit]").evaluate("(b) => { b.click(); b.click(); }")
    wait_for(page, lambda: len(_visits()) == 4, what="the reloaded form's visit")
    page.wait_for_timeout(1000)
    assert len(_visits()) == 4
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})


def test_the_worklist_screen_shows_a_change_made_while_offline_without_a_tap_and_says_what_the_commune_kept(
    page: Page, context: BrowserContext, team: Any, sign_in_session: Any
) -> None:
    from langso.registry.models import Household
    from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
    from langso.teams import services

    a = team.a
    answers: list[Any] = []
    page.on(
        "response",
        lambda r: answers.append(r) if "/api/v1/field/worklist" in r.url and r.status == 200 else None,
    )
    connect(page, sign_in_session, a.user)
    expect(page.locator("#worklist .card")).to_have_count(2, timeout=20_000)
    wait_until_offline_ready(page, ["/field/", "/static/field/app.js"])

    context.set_offline(True)
    page.get_by_role("link", name="Chờ gửi").click()
    page.get_by_role("button", name="Gửi ngay").click()
    expect(page.locator("#toast")).to_contain_text("không có mạng")
    page.get_by_role("link", name="Hộ cần đến").click()
    # Offline, she corrects the household's address...
    page.locator(".card-link", has_text="EK-01").click()
    page.get_by_label("Địa chỉ").fill("Cuối buôn, gần suối")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#worklist")).to_be_visible()

    # ...while the commune gives her a new household and writes another address on the server.
    new = HouseholdFactory(village=team.village, code="EK-09")
    head = ResidentFactory(household=new, full_name="H'HEN BYĂ", birth_year=1961, is_head=True)
    new.head = head
    new.save()
    services.households_assign(acting_user=team.officer, member=a.member, households=[new])
    Household.objects.filter(pk=a.households[0].pk).update(address="Thôn 3, nhà văn hóa")

    answers.clear()
    context.set_offline(False)
    # No tap: the screen redraws with the new household once the phone has it.
    expect(page.locator("#worklist")).to_contain_text("H'HEN BYĂ", timeout=15_000)
    expect(page.locator("#sync-status")).to_contain_text("Đã gửi 1")
    # The download after the send carried only what changed, compressed.
    partial = [r.json() for r in answers if r.json().get("partial")]
    assert partial, "the worklist after the send was downloaded whole"
    assert {h["code"] for h in partial[-1]["households"]} <= {"EK-01", "EK-09"}
    assert any(r.headers.get("content-encoding") == "gzip" for r in answers)

    # What the commune kept is said where the member looks for what was sent.
    page.get_by_role("link", name="Chờ gửi").click()
    expect(page.locator("#sent-list")).to_contain_text("Thôn 3, nhà văn hóa")
    expect(page.locator("#sent-list")).to_contain_text("Cuối buôn, gần suối")
