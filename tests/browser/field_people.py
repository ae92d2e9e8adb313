"""A team of a Ea H'leo-like buôn for the field app's browser tests: two members and their leader share
one phone; a commune officer looks after them. Messy, real-shaped names (ALL CAPS, no "Buôn" prefix,
year-only births, a household head with no registered members besides)."""

from __future__ import annotations

import base64
import datetime
import json
import time
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Page, expect

# Everything the phone can hold: IndexedDB (every database and store), Cache Storage (every cached
# answer's body) and localStorage, as text. Binary values are decoded as UTF-8, so a name kept in
# clear would show here even inside an ArrayBuffer.
DUMP_STORAGE_JS = """async () => {
  const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
  const out = { idb: {}, caches: {}, local: {} };
  for (const info of await indexedDB.databases()) {
    const db = await req(indexedDB.open(info.name));
    for (const store of db.objectStoreNames) {
      const s = db.transaction(store).objectStore(store);
      out.idb[`${info.name}/${store}`] = { keys: await req(s.getAllKeys()), values: await req(s.getAll()) };
    }
    db.close();
  }
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) out.caches[request.url] = await (await cache.match(request)).text();
  }
  for (let i = 0; i < localStorage.length; i++) out.local[localStorage.key(i)] = localStorage.getItem(localStorage.key(i));
  return JSON.stringify(out, (key, value) =>
    value instanceof ArrayBuffer || ArrayBuffer.isView(value) ? new TextDecoder().decode(value) : value);
}"""

# Every text the worklist ever showed, from the first screen on (installed before the app runs).
WATCH_WORKLIST_JS = """() => {
  window.__shown = [];
  new MutationObserver(() => {
    const app = document.getElementById('app');
    if (app) window.__shown.push(app.textContent);
  }).observe(document, { childList: true, subtree: true, characterData: true });
}"""


@dataclass
class Person:
    user: Any
    member: Any
    households: list[Any] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


@dataclass
class Team:
    village: Any
    a: Person
    b: Person
    leader: Person
    officer: Any


def build_team() -> Team:
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import commune_officer, user_with_role
    from langso.places.tests.factories import CUOR_DANG, VillageFactory, commune
    from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
    from langso.skills.catalogue import install_default_catalogue
    from langso.teams.models import HouseholdAssignment, MemberRole
    from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

    install_default_catalogue()  # transactional tests flush what the data migrations filled
    home = commune(CUOR_DANG)
    village = VillageFactory(commune=home, name="Ea Kmar")  # no "Buôn" prefix, as typed in the field
    team = TeamFactory(village=village, name="Tổ công nghệ số Ea Kmar")

    def person(
        role: str, username: str, full_name: str, heads: list[tuple[str, int | None]], prefix: str
    ) -> Person:
        user = user_with_role(role, village=village, username=username, full_name=full_name)
        member = TeamMemberFactory(
            team=team,
            user=user,
            full_name=full_name,
            role=MemberRole.LEADER if role == Role.TEAM_LEADER else MemberRole.MEMBER,
        )
        p = Person(user=user, member=member)
        for number, (head, year) in enumerate(heads, start=1):
            household = HouseholdFactory(village=village, code=f"{prefix}-{number:02d}", address="")
            resident = ResidentFactory(household=household, full_name=head, birth_year=year, is_head=True)
            household.head = resident
            household.save()
            HouseholdAssignment.objects.create(
                household=household, member=member, assigned_on=datetime.date.today()
            )
            p.households.append(household)
            p.names.append(head)
        return p

    a = person(Role.TEAM_MEMBER, "htuyet", "H'Tuyết Niê", [("Y BLÔ ÊBAN", 1952), ("H'LAN NIÊ", None)], "EK")
    b = person(Role.TEAM_MEMBER, "ysonebn", "Y Sơn Êban", [("AMA KHOA", 1948), ("H'Mai Mlô", 1990)], "EB")
    leader = person(Role.TEAM_LEADER, "ydhong", "Y Đhông Knul", [("Y KHU MLÔ", 1975)], "EL")
    officer = commune_officer(home, username="canbo.cuordang", full_name="Nguyễn Thị Cán Bộ")
    return Team(village=village, a=a, b=b, leader=leader, officer=officer)


def retry_db(read: Any) -> Any:
    """A read of the live server's database. On SQLite the live server shares the in-memory test
    database through a shared cache, where a read during the server's write fails at once ("table is
    locked") instead of waiting: such a read is tried again."""
    from django.db import OperationalError

    for _attempt in range(40):
        try:
            return read()
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.05)
    return read()


def wait_for(page: Page, condition: Any, seconds: float = 15, what: str = "the condition") -> None:
    for _ in range(int(seconds * 4)):
        if retry_db(condition):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"{what} did not become true in time")


def connect(page: Page, sign_in_session: Any, user: Any) -> None:
    """The member signs in on the website in the phone's browser and connects the phone."""
    sign_in_session(user)
    page.goto("/field/connect/")
    page.get_by_role("button", name="Kết nối máy này").click()
    page.wait_for_url("**/field/")


def record_visit(page: Page, code: str, notes: str = "") -> None:
    page.locator(".card-link", has_text=code).click()
    expect(page.get_by_role("heading", name="Ghi buổi hướng dẫn")).to_be_visible()
    if notes:
        page.get_by_label("Ghi chú").fill(notes)
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#worklist")).to_be_visible()


def dump_storage(page: Page) -> str:
    return page.evaluate(DUMP_STORAGE_JS)


def cookie_value(value: str) -> dict[str, Any]:
    return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
