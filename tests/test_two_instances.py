"""Two provinces and the national instance, each a Django of its own with its own database, talking
HTTP on loopback: the national instance under gunicorn, the provinces sending with `national_send`.

Each province sends; a resend changes nothing; a province offline for three days catches up, oldest
day first; the national numbers of every indicator equal the sum of the provinces' own; and the
national database holds no name, CCCD or phone of anyone the provinces registered, in no column.

The three databases are SQLite files made from one migrated template (a migration run is the slow
part); the test runs once per suite, on the SQLite run.
"""

# ruff: noqa: S603, S310 - our own fixed command lines, HTTP to 127.0.0.1 only
from __future__ import annotations

import datetime
import http.cookiejar
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from tests.faults.harness import Service, free_port, wait_until

ROOT = Path(__file__).resolve().parents[1]
SECRETS = {19: "bi-mat-thai-nguyen-2026", 66: "bi-mat-dak-lak-2026"}
PASSWORD = "Mat-khau-quoc-gia-2026!"

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="runs its three instances on SQLite files of its own; once per suite (the SQLite run) is enough",
)


def _env(database: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANGSO_", "DATABASE_", "DJANGO_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        LANGSO_VAR_DIR=str(database.parent / f"var-{database.stem}"),
        DJANGO_SETTINGS_MODULE="langso.settings",
        PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        **extra,
    )
    return env


def manage(database: Path, *args: str, check: bool = True, **extra: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=_env(database, **extra),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check and done.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def shell(database: Path, code: str, **extra: str) -> Any:
    """Run `code` in the instance's own process; the last line it prints is read as JSON."""
    out = manage(database, "shell", "-c", code, **extra).stdout.strip().splitlines()
    return json.loads(out[-1]) if out else None


PROVINCE_NUMBERS = """
import json, datetime
from langso.campaigns.facts import FactContext
from langso.campaigns.indicators import compute_all
values = compute_all(FactContext(day=datetime.date.fromisoformat("{day}"), province_code={code}))
print(json.dumps({{c: [v[("country", "VN")].numerator, v[("country", "VN")].denominator]
                  for c, v in values.items() if ("country", "VN") in v}}))
"""

NATIONAL_NUMBERS = """
import json, datetime
from langso.accounts.access import Scope
from langso.national.selectors import boards
day = datetime.date.fromisoformat("{day}")
out = {{b.indicator.code: [b.total.value.numerator, b.total.value.denominator]
       for b in boards(scope=Scope(everything=True), day=day, level="country") if b.total.value}}
print(json.dumps(out))
"""


def national_rows(database: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT p.province_code, p.day, p.version, c.fact, c.commune_code, c.village_code, c.count "
            "FROM national_receivedcount c JOIN national_receivedpackage p ON p.id = c.package_id ORDER BY 1,2,4,5,6"
        ).fetchall()


def packages(database: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT province_code, day, version FROM national_receivedpackage ORDER BY 1, 2"
        ).fetchall()


def sign_in_and_get(base: str, path: str) -> tuple[int, str]:
    """A national auditor signs in over HTTP (CSRF token and all) and opens `path`."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/accounts/login/", timeout=30).read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    form = urllib.parse.urlencode(
        {"username": "kiemtra-quocgia", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=form.encode(), headers={"Referer": base + "/"}
    )
    opener.open(request, timeout=30).read()
    with opener.open(f"{base}{path}", timeout=30) as response:
        return response.status, response.read().decode()


@pytest.mark.slow
def test_two_provinces_send_to_the_national_instance_over_http(tmp_path):
    today = timezone.localdate()
    days_offline = [today - datetime.timedelta(days=n) for n in (3, 2, 1)]
    template = tmp_path / "template.sqlite3"
    manage(template, "migrate", "-v0")
    manage(template, "load_units")
    province_a, province_b, national = (
        tmp_path / f"{n}.sqlite3" for n in ("thai-nguyen", "dak-lak", "national")
    )
    for copy in (province_a, province_b, national):
        shutil.copy(template, copy)

    people: dict[str, list[str]] = {"names": [], "cccds": [], "phones": []}
    for database, code in ((province_a, 19), (province_b, 66)):
        made = shell(
            database,
            f"import json; from langso.national.tests.seed import seed_province; print(json.dumps(seed_province({code})))",
        )
        for key in people:
            people[key] += made[key]
    assert len(people["cccds"]) >= 8

    # Thái Nguyên still signs with the shared secret (the transition); Đắk Lắk made its Ed25519 key
    # pair, and the national instance holds only its public key.
    key_file = tmp_path / "dak-lak-national.pem"
    public_key = manage(province_b, "national_keygen", "--output", str(key_file)).stdout.split()[-1]
    assert key_file.stat().st_mode & 0o777 == 0o600 and "PRIVATE KEY" in key_file.read_text()
    shell(
        national,
        "from langso.national.services import province_key_register as r; "
        f"r(acting_user=None, province_code=19, secret={SECRETS[19]!r}); "
        f"r(acting_user=None, province_code=66, public_key={public_key!r})"
        + "; from langso.accounts.models import User, RoleAssignment; "
        f"u = User.objects.create_user('kiemtra-quocgia', password={PASSWORD!r}); "
        "RoleAssignment.objects.create(user=u, role='auditor'); print(1)",
    )
    port = free_port()
    server = Service(
        "national",
        [str(Path(sys.executable).parent / "gunicorn"), "langso.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
        _env(national, LANGSO_NATIONAL_INSTANCE="1"),
        tmp_path,
    )
    base = f"http://127.0.0.1:{port}"
    server.start()
    try:
        wait_until(lambda: _up(base), timeout=120, every=0.5, what="the national instance")
        receive = f"{base}/national/receive/"

        # Thái Nguyên sends yesterday (built by the schedule) and today.
        a = {
            "LANGSO_NATIONAL_URL": receive,
            "LANGSO_NATIONAL_PROVINCE": "19",
            "LANGSO_NATIONAL_SECRET": SECRETS[19],
        }
        sent = manage(province_a, "national_send", "--day", today.isoformat(), **a).stdout
        assert sent.count("stored") == 2, sent
        assert packages(national) == [(19, str(days_offline[-1]), 1), (19, str(today), 1)]

        # A resend changes nothing: the command finds nothing unacknowledged, and the same envelope
        # posted again is acknowledged as unchanged.
        before = national_rows(national)
        assert "Đã gửi" not in manage(province_a, "national_send", **a).stdout
        with sqlite3.connect(province_a) as db:
            envelope = db.execute(
                "SELECT envelope FROM national_outgoingpackage WHERE day = ?", [str(today)]
            ).fetchone()[0]
        request = urllib.request.Request(
            receive, data=envelope.encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert json.loads(answer.read())["status"] == "unchanged"
        assert national_rows(national) == before

        # Đắk Lắk is offline three days: each night's package is built, the send fails, and waits.
        dead = f"http://127.0.0.1:{free_port()}/national/receive/"
        b = {"LANGSO_NATIONAL_PROVINCE": "66", "LANGSO_NATIONAL_PRIVATE_KEY_FILE": str(key_file)}
        for day in days_offline:
            failed = manage(
                province_b,
                "national_send",
                "--day",
                day.isoformat(),
                check=False,
                LANGSO_NATIONAL_URL=dead,
                **b,
            )
            assert failed.returncode != 0 and "Không kết nối được" in failed.stderr
        assert [p for p in packages(national) if p[0] == 66] == []
        back = manage(
            province_b, "national_send", "--day", today.isoformat(), LANGSO_NATIONAL_URL=receive, **b
        ).stdout
        order = [line.split()[2] for line in back.splitlines() if line.startswith("Đã gửi")]
        assert order == [f"{d:%d/%m/%Y}" for d in [*days_offline, today]]
        assert [p[1] for p in packages(national) if p[0] == 66] == [str(d) for d in [*days_offline, today]]

        # The national numbers are the sum of the provinces' own, indicator by indicator.
        for day in (today, days_offline[-1]):
            mine = [
                shell(db, PROVINCE_NUMBERS.format(day=day, code=code))
                for db, code in ((province_a, 19), (province_b, 66))
            ]
            country = shell(national, NATIONAL_NUMBERS.format(day=day))
            assert set(mine[0]) | set(mine[1]) <= set(country)
            for code, (numerator, denominator) in country.items():
                parts = [m[code] for m in mine if code in m]
                assert numerator == sum(p[0] for p in parts), code
                if not parts:  # a count nothing happened to (no visit this week): 0, not a ratio
                    assert denominator is None, code
                else:
                    assert denominator == (None if parts[0][1] is None else sum(p[1] for p in parts)), code
            assert country["adults_vneid2"][1] > 0

        # The dashboard over HTTP, signed in as a national auditor: the country, then a province.
        status, page = sign_in_and_get(base, "/national/")
        assert status == 200 and "Thái Nguyên" in page and "Đắk Lắk" in page
        status, page = sign_in_and_get(base, "/national/provinces/66/")
        assert status == 200 and "/national/communes/24301/" in page
        # The country's weekly report, made by the schedule's command, read over HTTP.
        assert "đã lập" in manage(national, "national_weekly_report", "--week", today.isoformat()).stdout
        status, page = sign_in_and_get(base, "/national/report/")
        assert status == 200 and "Báo cáo tuần toàn quốc" in page and "Tổng hợp các chỉ số" in page
    finally:
        server.kill()

    # Nothing about a person reached the national instance: in no table, in no column.
    dump = "\n".join(sqlite3.connect(national).iterdump())
    for value in people["names"] + people["cccds"] + people["phones"]:
        assert value not in dump, value


def _up(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def test_no_national_table_has_a_column_for_a_person():
    from django.apps import apps

    forbidden = (
        "name",
        "cccd",
        "phone",
        "birth",
        "person",
        "resident",
        "household",
        "ethnic",
        "sex",
        "address",
    )
    allowed = {("receivedvillage", "label")}  # a village's label: a unit, as a commune's name is
    # A national target names its indicator (a formula over counts, the same table a province has).
    outside = {("nationaltarget", "indicator"): ("campaigns", "indicator")}
    for model in apps.get_app_config("national").get_models():
        for field in model._meta.get_fields():
            column = field.name.lower()
            assert not any(word in column for word in forbidden), f"{model.__name__}.{field.name}"
            if field.is_relation:
                related = (field.related_model._meta.app_label, field.related_model._meta.model_name)
                assert (
                    related[0] == "national" or outside.get((model._meta.model_name, field.name)) == related
                ), f"{model.__name__}.{field.name}"
            if getattr(field, "max_length", None) and (model._meta.model_name, field.name) not in allowed:
                # Text columns hold codes, versions, digests and the signed envelope of counts only.
                assert field.name in {
                    "fact",
                    "village_code",
                    "code",
                    "dictionary",
                    "digest",
                    "envelope",
                    "secret",
                    "public_key",
                    "acknowledgement",
                    "last_error",
                    "via",
                    "split",  # how a count target is shared: adults, households or by hand
                }, f"{model.__name__}.{field.name}"
