"""A province's working morning, for Locust (bench/load/run.sh starts everything and runs it).

Three kinds of people, weighted like a morning in a province:

- team members (weight 6) reconnect their phones: they send what they recorded offline (visits with
  the people present, skills taught, services done; now and then a help-desk session or a weak-signal
  report) to /api/v1/field/batch with the phone's own UUIDs, sometimes send a batch again (a dropped
  connection), then download their worklist with the `since` cursor — exactly what the field app does
  (src/langso/field/static/field/app.js);
- commune officers (weight 3) sign in with their password, search the registry by name (the page and
  the API), open a person, look at their teams and, now and then, import a small Excel file of new
  residents (upload, dry-run report, confirm, progress page);
- province staff (weight 1) sign in with password and a TOTP code computed from their device key,
  open the campaign dashboard, its ranking boards, a commune's board, a number's drill-down, the
  weekly report page, and download the report.

Requests go to gunicorn on loopback the way nginx forwards them (X-Forwarded-Proto: https, which
the production settings trust), and the cookie jar sends the Secure cookies as a browser talking
HTTPS to nginx would. Static files are left out: nginx serves them from disk with a year of caching.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.cookiejar
import io
import itertools
import json
import os
import random
import re
import resource
import struct
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import requests.cookies
import requests.sessions
from locust import HttpUser, between, events, task

ACCOUNTS_FILE = Path(
    os.environ.get("LOAD_ACCOUNTS", Path(__file__).resolve().parents[1] / "out" / "load" / "accounts.json")
)
ACCOUNTS: dict[str, Any] = json.loads(ACCOUNTS_FILE.read_text(encoding="utf-8"))
SKILL_LEVELS = (1, 2, 2, 3, 3, 4)
SERVICES = ("vneid_installed", "vneid_level2", "cashless_payment", "medical_appointment")
NOTES = (
    "",
    "",
    "Bà cụ nhớ cách mở VNeID.",
    "Hẹn tuần sau dạy thanh toán.",
    "Con trai đi làm xa, cần gọi video.",
)
DASHBOARD_LINK = re.compile(r'href="(/campaigns/\d+/communes/\d+/)')
DRILL_LINK = re.compile(r'href="(/campaigns/numbers/[^"?]+)\?campaign=(\d+)"')
TARGET_LINK = re.compile(r'href="\?target=(\d+)')
CAMPAIGN_LINK = re.compile(r'href="/campaigns/(\d+)/"')
REPORT_LINK = re.compile(r'href="(/campaigns/reports/\d+\.pdf)"')
RESIDENT_LINK = re.compile(r'href="(/registry/residents/[0-9a-f-]{36}/)"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


SAMPLES_FILE = os.environ.get("LOAD_SAMPLES", "")
# Every request's time once all users are running (the ramp-up is left out), for exact percentiles
# per endpoint group in bench/load/summarize.py.
_samples: list[tuple[float, str, str, float, int]] = []
_full_load_since: list[float] = []


_locust_cpu: list[float] = []


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@events.spawning_complete.add_listener
def _full_load(user_count: int, **_kwargs: Any) -> None:
    _full_load_since.append(time.time())
    # Locust's CPU is counted from the same moment as the server's (run.sh snapshots it then).
    threading.Timer(SETTLE_SECONDS, lambda: _locust_cpu.append(_own_cpu_seconds())).start()


# After the last user is spawned, its sign-in and first page still run: measure from a little later.
SETTLE_SECONDS = float(os.environ.get("LOAD_SETTLE_SECONDS", "0"))


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, exception: Any, **_kwargs: Any) -> None:
    if _full_load_since and time.time() >= _full_load_since[0] + SETTLE_SECONDS:
        _samples.append((time.time(), request_type, name, response_time, int(exception is not None)))


@events.quitting.add_listener
def _write_samples(**_kwargs: Any) -> None:
    if SAMPLES_FILE:
        with open(SAMPLES_FILE, "w", encoding="utf-8") as out:
            out.write("time,method,name,ms,failed\n")
            out.writelines(f'{t:.3f},{m},"{n}",{ms:.1f},{f}\n' for t, m, n, ms, f in _samples)
        if _locust_cpu:
            # Locust's own CPU at full load: it shares the 2 cores with the server.
            Path(SAMPLES_FILE).with_name("locust-cpu.json").write_text(
                json.dumps({"cpu_seconds": round(_own_cpu_seconds() - _locust_cpu[0], 2)}) + "\n"
            )


class _Pool:
    """Hands out accounts round-robin across the Locust users of one process."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items
        self.counter = itertools.count()
        self.lock = threading.Lock()

    def take(self) -> dict[str, Any]:
        with self.lock:
            return self.items[next(self.counter) % len(self.items)]


STAFF = _Pool(ACCOUNTS["staff"])
OFFICERS = _Pool(ACCOUNTS["officers"])
MEMBERS = _Pool(ACCOUNTS["members"])


def totp(key_hex: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 TOTP (HMAC-SHA1), as an authenticator app computes it from the enrolled key."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


class _BehindNginxJar(requests.cookies.RequestsCookieJar):
    """A browser talks HTTPS to nginx, so it sends the Secure session and CSRF cookies; this hop is
    plain HTTP on loopback, so the jar is told to send them over it too. requests copies the session's
    jar into a new RequestsCookieJar for every request, hence the class (not only the instance)."""

    def __init__(self, policy: http.cookiejar.CookiePolicy | None = None) -> None:
        super().__init__(
            policy or http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
        )


requests.sessions.RequestsCookieJar = _BehindNginxJar  # type: ignore[misc]
requests.cookies.RequestsCookieJar = _BehindNginxJar  # type: ignore[misc]


class _WebUser(HttpUser):
    abstract = True

    def on_start(self) -> None:
        self.client.cookies = _BehindNginxJar()
        self.client.headers.update({"X-Forwarded-Proto": "https", "Accept-Language": "vi"})

    def _post_headers(self, referer: str) -> dict[str, str]:
        origin = "https://" + self.host.split("://", 1)[1].rstrip("/")
        return {"Origin": origin, "Referer": origin + referer}

    def _csrf(self, html: str) -> str:
        match = CSRF_FIELD.search(html)
        return match.group(1) if match else self.client.cookies.get("csrftoken", "")

    def sign_in(self, account: dict[str, Any], *, second_factor: bool) -> None:
        """The real sign-in pages: password, then (province staff) the authenticator code."""
        page = self.client.get("/accounts/login/", name="sign-in: page")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": account["username"],
                "password": ACCOUNTS["password"],
                "next": "/",
                "csrfmiddlewaretoken": self._csrf(page.text),
            },
            headers=self._post_headers("/accounts/login/"),
            name="sign-in: password",
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure("password sign-in refused")
        if second_factor:
            # A code is accepted once: a second sign-in of the same account in the same 30 s waits.
            step = int(time.time() // 30)
            if account.get("last_step") == step:
                time.sleep(30 - time.time() % 30 + 0.5)
            account["last_step"] = int(time.time() // 30)
            with self.client.post(
                "/accounts/two-factor/?next=/",
                data={
                    "token": totp(account["totp_key"]),
                    "next": "/",
                    "csrfmiddlewaretoken": self._csrf(response.text),
                },
                headers=self._post_headers("/accounts/two-factor/?next=/"),
                name="sign-in: TOTP code",
                catch_response=True,
            ) as response:
                if "/accounts/" in response.url:
                    response.failure("two-factor sign-in refused")


class TeamMember(HttpUser):
    """A phone coming back online: send the offline outbox, then refresh the worklist."""

    weight = 6
    wait_time = between(15, 45)

    def on_start(self) -> None:
        account = MEMBERS.take()
        self.client.headers.update(
            {
                "Authorization": f"Bearer {account['token']}",
                "X-Forwarded-Proto": "https",
                "Accept-Language": "vi",
            }
        )
        self.cursor = ""
        self.worklist: dict[str, Any] = {}
        self.download(name="field: worklist (first download)")

    def download(self, name: str) -> None:
        since = {"since": self.cursor} if self.cursor else {}
        with self.client.get(
            "/api/v1/field/worklist", params=since, name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            body = response.json()
            self.cursor = body["cursor"]
            if not body.get("unchanged"):
                self.worklist = body

    def _visit(self, household: dict[str, Any]) -> dict[str, Any]:
        today = datetime.date.today()
        people = household["people"]
        adults = [p for p in people if (p["birth_year"] or 1980) <= today.year - 16] or people
        present = random.sample(adults, min(len(adults), random.choice((1, 1, 2))))
        skill_codes = [s["code"] for s in self.worklist.get("skills", [])]
        data: dict[str, Any] = {
            "household_id": household["id"],
            "visited_on": (today - datetime.timedelta(days=random.randrange(3))).isoformat(),
            "present": [p["id"] for p in present],
            "skills": [
                {
                    "resident_id": p["id"],
                    "skill_code": random.choice(skill_codes),
                    "level": random.choice(SKILL_LEVELS),
                }
                for p in present
                if skill_codes and random.random() < 0.6
            ],
            "services": [{"service": random.choice(SERVICES), "resident_id": present[0]["id"]}]
            if random.random() < 0.15
            else [],
            "no_signal": random.random() < 0.05,
            "no_phone": random.random() < 0.08,
            "notes": random.choice(NOTES),
        }
        if random.random() < 0.3:
            data["follow_up_on"] = (today + datetime.timedelta(days=7)).isoformat()
        return {"id": str(uuid.uuid4()), "kind": "visit", "data": data}

    def _other(self) -> dict[str, Any] | None:
        today = datetime.date.today().isoformat()
        if random.random() < 0.5 and self.worklist.get("communes"):
            return {
                "id": str(uuid.uuid4()),
                "kind": "helpdesk",
                "data": {
                    "commune_code": self.worklist["communes"][0]["code"],
                    "helped_on": today,
                    "procedure": random.choice(SERVICES),
                    "outcome": random.choice(("done", "done", "submitted")),
                    "minutes": random.randrange(5, 40),
                    "walk_in_name": "Khách vãng lai",
                    "walk_in_birth_year": random.randrange(1945, 2005),
                },
            }
        if self.worklist.get("villages"):
            return {
                "id": str(uuid.uuid4()),
                "kind": "signal",
                "data": {
                    "village_id": self.worklist["villages"][0]["id"],
                    "description": "Cuối thôn không có sóng 4G",
                    "operator": random.choice(("viettel", "vnpt", "mobifone")),
                    "technology": "4g",
                    "reported_on": today,
                    "households_affected": random.randrange(1, 30),
                },
            }
        return None

    @task
    def reconnect_and_sync(self) -> None:
        households = self.worklist.get("households") or []
        if not households:
            self.download(name="field: worklist (since)")
            return
        records = [
            self._visit(h) for h in random.sample(households, min(len(households), random.randint(1, 6)))
        ]
        if random.random() < 0.15:
            other = self._other()
            if other:
                records.append(other)
        payload = {"records": records}
        with self.client.post(
            "/api/v1/field/batch", json=payload, name="field: batch (offline records)", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif response.json()["stored"] != len(records):
                response.failure(f"not all stored: {response.text[:300]}")
        if random.random() < 0.05:
            # The connection dropped before the answer arrived: the phone sends the same batch again.
            with self.client.post(
                "/api/v1/field/batch", json=payload, name="field: batch (resend)", catch_response=True
            ) as response:
                if response.status_code != 200 or response.json()["duplicates"] != len(records):
                    response.failure(f"resend not recognised: {response.status_code} {response.text[:300]}")
        self.download(name="field: worklist (since)")


class CommuneOfficer(_WebUser):
    """An officer at the commune office: name searches, a person's page, teams, a small import."""

    weight = 3
    wait_time = between(5, 20)

    def on_start(self) -> None:
        super().on_start()
        self.account = OFFICERS.take()
        self.sign_in(self.account, second_factor=False)
        self.client.get("/", name="home")
        self.last_results: list[str] = []

    def _query(self) -> str:
        name = random.choice(self.account["names"])
        words = name.split()
        kind = random.random()
        if kind < 0.4:
            return name  # as typed with diacritics
        if kind < 0.7:
            from unicodedata import normalize

            folded = normalize("NFD", name.lower()).encode("ascii", "ignore").decode().replace("đ", "d")
            return folded  # typed without accents
        if kind < 0.9 and len(words) >= 2:
            return f"{words[0]} {words[-1]}"  # family and given name
        return words[-1]  # given name only

    @task(6)
    def search_page(self) -> None:
        response = self.client.get(
            "/registry/residents/", params={"q": self._query()}, name="registry: search page"
        )
        self.last_results = RESIDENT_LINK.findall(response.text)

    @task(3)
    def open_person(self) -> None:
        if not self.last_results:
            return self.search_page()
        self.client.get(random.choice(self.last_results), name="registry: person page")

    @task(2)
    def search_api(self) -> None:
        self.client.get(
            "/api/v1/registry/residents",
            params={"q": self._query(), "limit": 25},
            name="registry: search API",
        )

    @task(1)
    def households(self) -> None:
        self.client.get("/registry/households/", name="registry: households page")

    @task(1)
    def teams(self) -> None:
        self.client.get("/teams/", name="teams: commune teams page")

    @task(1)
    def small_import(self) -> None:
        """Five new residents of a new household, from Excel: upload, dry run, confirm, progress."""
        from openpyxl import Workbook

        page = self.client.get("/registry/import/", name="import: start page")
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Thôn", "Có điện thoại thông minh"])
        code = f"NK-{uuid.uuid4().hex[:8]}"
        village = random.choice(self.account["villages"])
        for number, (name, sex) in enumerate(
            [("Lý Văn Quảng", "Nam"), ("Hoàng Thị Mai", "Nữ"), ("Lý Thị Hồng", "Nữ"), ("Lý Văn Tài", "Nam")]
        ):
            sheet.append([code, name, 1968 + number * 9, sex, village, "Có" if number < 2 else "Không"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        with self.client.post(
            "/registry/import/",
            data={
                "kind": "residents",
                "commune": self.account["commune"],
                "csrfmiddlewaretoken": self._csrf(page.text),
            },
            files={
                "file": (
                    "nhap-dan.xlsx",
                    buffer.getvalue(),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
            },
            headers=self._post_headers("/registry/import/"),
            name="import: upload and dry run",
            catch_response=True,
        ) as response:
            match = re.search(r"/registry/import/([0-9a-f-]{36})/", response.url)
            if not match:
                response.failure("upload refused")
                return
        job_url = f"/registry/import/{match.group(1)}/"
        self.client.post(
            job_url + "confirm/",
            data={"mode": "valid_only", "csrfmiddlewaretoken": self._csrf(response.text)},
            headers=self._post_headers(job_url),
            name="import: confirm and write",
        )
        time.sleep(random.uniform(2, 5))
        with self.client.get(job_url, name="import: progress page", catch_response=True) as progress:
            if "Đã ghi xong" not in progress.text:
                progress.failure("import not done")


class ProvinceStaff(_WebUser):
    """Province staff with two-factor sign-in: the campaign dashboard, its boards and the weekly report."""

    weight = 1
    wait_time = between(10, 30)

    def on_start(self) -> None:
        super().on_start()
        self.account = STAFF.take()
        self.sign_in(self.account, second_factor=True)
        listing = self.client.get("/campaigns/", name="campaigns: list page")
        self.campaign = (CAMPAIGN_LINK.findall(listing.text) or ["1"])[0]
        self.communes: list[str] = []
        self.drills: list[str] = []
        self.targets: list[str] = []
        self.dashboard()

    @task(5)
    def dashboard(self) -> None:
        response = self.client.get(f"/campaigns/{self.campaign}/", name="campaigns: province dashboard")
        self.communes = DASHBOARD_LINK.findall(response.text) or self.communes
        self.drills = [url for url, _c in DRILL_LINK.findall(response.text)] or self.drills
        self.targets = TARGET_LINK.findall(response.text) or self.targets

    @task(2)
    def ranking(self) -> None:
        if self.targets:
            self.client.get(
                f"/campaigns/{self.campaign}/",
                params={"target": random.choice(self.targets)},
                name="campaigns: province dashboard, one target's ranking",
            )

    @task(3)
    def commune(self) -> None:
        if self.communes:
            self.client.get(random.choice(self.communes), name="campaigns: commune dashboard")

    @task(1)
    def drill(self) -> None:
        if self.drills:
            self.client.get(
                random.choice(self.drills),
                params={"campaign": self.campaign},
                name="campaigns: number drill-down",
            )

    @task(1)
    def weekly_report(self) -> None:
        response = self.client.get(
            f"/campaigns/{self.campaign}/report/", name="campaigns: weekly report page"
        )
        files = REPORT_LINK.findall(response.text)
        if files and random.random() < 0.3:
            with self.client.get(files[0], name="campaigns: weekly report PDF", catch_response=True) as pdf:
                if not pdf.content.startswith(b"%PDF"):
                    pdf.failure("not a PDF")
