"""The field app where it matters: a team member with a cheap phone and no signal.

They connect the phone, load their worklist, lose the network, record three visits and a weak-signal
report, reload the app while still offline (everything is still there), get the network back and sync.
The connection drops in the middle of that sync, after the server stored the batch but before the phone
heard back; the phone sends again; and the same batch is sent once more on purpose. The server must
hold exactly 3 visits and 1 report throughout.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.browser.helpers import assert_no_horizontal_scroll, field_token, wait_until_offline_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member() -> Any:
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role
    from langso.places.tests.factories import CUOR_DANG, VillageFactory, commune
    from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
    from langso.skills.catalogue import install_default_catalogue
    from langso.teams.models import HouseholdAssignment
    from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

    install_default_catalogue()  # transactional tests flush what the data migrations filled
    village = VillageFactory(commune=commune(CUOR_DANG), name="Buôn Ea Kmar")
    user = user_with_role(Role.TEAM_MEMBER, village=village, username="ytuyet", full_name="H'Tuyết Niê")
    member = TeamMemberFactory(team=TeamFactory(village=village, name="Tổ buôn Ea Kmar"), user=user)
    for number, (head, year) in enumerate([("Y Blô Êban", 1952), ("H'Lan Niê", 1980), ("Y Khu Mlô", 1975)]):
        household = HouseholdFactory(village=village, code=f"EK-0{number + 1}")
        resident = ResidentFactory(household=household, full_name=head, birth_year=year, is_head=True)
        household.head = resident
        household.save()
        HouseholdAssignment.objects.create(
            household=household, member=member, assigned_on=datetime.date.today()
        )
    return user


def _counts() -> tuple[int, int]:
    """Rows stored so far. On SQLite the live server shares the in-memory test database through a
    shared cache, where a read during the server's write fails at once ("table is locked") instead
    of waiting: such a read is tried again."""
    import time

    from django.db import OperationalError

    from langso.teams.models import SignalReport, Visit

    for _attempt in range(40):
        try:
            return Visit.objects.count(), SignalReport.objects.count()
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.05)
    return Visit.objects.count(), SignalReport.objects.count()


def _wait_for(page: Page, condition: Any, seconds: float = 15) -> None:
    for _ in range(int(seconds * 4)):
        if condition():
            return
        page.wait_for_timeout(250)
    raise AssertionError("the condition did not become true in time")


def _record_visit(page: Page, code: str, skill_label: str) -> None:
    page.locator(".card-link", has_text=code).click()
    expect(page.get_by_role("heading", name="Ghi buổi hướng dẫn")).to_be_visible()
    expect(page.get_by_text("không bao giờ ghi lại mật khẩu, mã OTP")).to_be_visible()
    page.locator("#visit-form .picker summary").first.click()
    page.get_by_role("radio", name=skill_label).first.check()
    page.locator("#visit-form select[name=level]").first.select_option("3")
    page.get_by_label("Điện thoại hỏng").check()
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#worklist")).to_be_visible()


def test_a_member_records_visits_offline_and_a_broken_sync_stores_each_exactly_once(
    page: Page, context: BrowserContext, member: Any, sign_in_session: Any
) -> None:
    sign_in_session(member)
    page.goto("/field/connect/")
    page.get_by_role("button", name="Kết nối máy này").click()
    page.wait_for_url("**/field/")
    expect(page.locator("#worklist .card")).to_have_count(3, timeout=20_000)
    wait_until_offline_ready(page, ["/field/", "/static/field/app.js"])

    context.set_offline(True)
    expect(page.locator("#net")).to_contain_text("Không có mạng")
    _record_visit(page, "EK-01", "Gọi video")
    _record_visit(page, "EK-02", "Gọi video")
    _record_visit(page, "EK-03", "Thanh toán bằng mã QR")
    page.get_by_role("link", name="Báo lõm sóng").click()
    page.get_by_label("Vị trí").fill("Rẫy cà phê phía đông buôn")
    page.get_by_label("Nhà mạng").select_option("viettel")
    page.get_by_label("Số hộ bị ảnh hưởng").fill("9")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#outbox-count")).to_have_text("4")

    page.reload()  # still offline: the service worker serves the app, IndexedDB still holds everything
    expect(page.locator("#worklist .card")).to_have_count(3)
    expect(page.locator("#outbox-count")).to_have_text("4")
    page.get_by_role("link", name="Chờ gửi").click()
    expect(page.locator("#outbox-list .card")).to_have_count(4)
    assert_no_horizontal_scroll(page)
    assert _counts() == (0, 0)

    # The first batch reaches the server, which stores it, but the answer never reaches the phone.
    sent_batches: list[str] = []

    def cut_after_server_stored(route: Route) -> None:
        sent_batches.append(route.request.post_data or "")
        if len(sent_batches) == 1:
            route.fetch()
            route.abort("internetdisconnected")
        else:
            route.continue_()

    context.route("**/api/v1/field/batch", cut_after_server_stored)
    context.set_offline(False)
    page.wait_for_function("() => navigator.onLine")
    # The phone heard nothing back, so it sends the same records again a few seconds later (its
    # back-off); the server recognises every one of them.
    _wait_for(page, lambda: len(sent_batches) >= 1 and _counts() == (3, 1))
    page.get_by_role("link", name="Chờ gửi").click()
    expect(page.get_by_text("Không có gì chờ gửi.")).to_be_visible(timeout=20_000)
    expect(page.locator("#outbox-count")).to_have_text("")
    expect(page.locator("#sync-status")).to_contain_text("Đã gửi 4")
    assert len(sent_batches) >= 2
    assert _counts() == (3, 1)
    # Each visit went out in the server's one shape of a visit (teams.visits.VisitData): every field
    # it has and nothing else (a photo only when one was taken; none was here).
    from langso.teams.visits import VisitData

    sent = [r["data"] for r in json.loads(sent_batches[0])["records"] if r["kind"] == "visit"]
    assert len(sent) == 3
    assert all(set(data) == set(VisitData.model_fields) - {"photo"} for data in sent)
    # "Gửi ngay" with nothing left says so rather than doing nothing.
    page.get_by_role("button", name="Gửi ngay").click()
    expect(page.locator("#toast")).to_have_text("Không có gì chờ gửi.")

    # The very same batch sent once more, as a phone that lost its acknowledgement would.
    token = field_token(context)
    context.unroute("**/api/v1/field/batch")
    replay = page.request.post(
        "/api/v1/field/batch",
        data=sent_batches[0],
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert replay.ok
    assert {r["status"] for r in replay.json()["results"]} == {"duplicate"}
    assert _counts() == (3, 1)

    from langso.skills.models import SkillRecord

    assert SkillRecord.objects.filter(evidence="observed").count() == 3
