"""The national tier in one process: a province builds, signs and sends its days; the national
instance verifies, checks and stores them, and shows the country's numbers. (Two real instances over
HTTP: tests/test_two_instances.py.)"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.campaigns.facts import FactContext
from langso.campaigns.indicators import compute_all
from langso.campaigns.models import Indicator
from langso.core.models import AuditEntry
from langso.national import dictionary, services
from langso.national.models import OutgoingPackage, ReceivedCount, ReceivedPackage, ReceivedVillage
from langso.national.package import canonical, digest_of
from langso.national.tests.seed import add_skill_today, seed_province
from langso.places.models import Province

pytestmark = pytest.mark.django_db

SECRETS = {19: "bi-mat-thai-nguyen-2026", 66: "bi-mat-dak-lak-2026"}


@pytest.fixture
def national(settings):
    settings.NATIONAL_INSTANCE = True
    settings.DEMO_MODE = True
    for code, secret in SECRETS.items():
        services.province_key_register(acting_user=None, province_code=code, secret=secret)
    return settings


def today() -> datetime.date:
    return timezone.localdate()


def client_poster(client: Client) -> services.Poster:
    """POST through Django's test client to the real receiving view."""

    def post(url: str, body: bytes) -> tuple[int, dict[str, Any]]:
        response = client.post(url, data=body, content_type="application/json")
        return response.status_code, response.json()

    return post


def offline(url: str, body: bytes) -> tuple[int, dict[str, Any]]:
    raise OSError("Network is unreachable")


def build(code: int, day: datetime.date) -> OutgoingPackage:
    return services.package_build(day=day, province_code=code, secret=SECRETS[code])


def test_a_package_holds_the_villages_counts_and_nothing_about_a_person(national):
    people = seed_province(19)
    envelope = build(19, today()).envelope
    body = json.loads(json.loads(envelope)["package"])
    assert body["province"] == 19 and body["day"] == today().isoformat() and body["version"] == 1
    assert body["dictionary"] == dictionary.dictionary_version()
    assert set(body["facts"]) == set(dictionary.fact_keys())
    adults = sum(n for _c, _v, n in body["facts"]["adults"])
    assert (
        adults
        == compute_all(FactContext(day=today(), province_code=19))["adults_vneid2"][
            ("country", "VN")
        ].denominator
    )
    for secret in people["names"] + people["cccds"] + people["phones"]:
        assert secret not in envelope
    assert "birth" not in envelope and "1962-06-01" not in envelope


def test_a_day_sent_twice_is_acknowledged_and_changes_nothing(national, client):
    seed_province(19)
    build(19, today())
    first = services.packages_send(url=reverse("national:receive"), post=client_poster(client))
    assert [p.acknowledgement for p in first.sent] == ["stored"]
    counts = list(ReceivedCount.objects.order_by("pk").values_list("pk", "fact", "count"))
    audits = AuditEntry.objects.count()

    again = client.post(
        reverse("national:receive"),
        data=OutgoingPackage.objects.get().envelope,
        content_type="application/json",
    )

    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    assert list(ReceivedCount.objects.order_by("pk").values_list("pk", "fact", "count")) == counts
    assert AuditEntry.objects.count() == audits
    assert services.packages_send(url=reverse("national:receive"), post=client_poster(client)).sent == []


def test_a_changed_day_gets_the_next_version_and_replaces_the_stored_one_with_an_audit_line(national, client):
    seed_province(19)
    first = build(19, today()).envelope
    services.packages_send(url=reverse("national:receive"), post=client_poster(client))
    assert build(19, today()).version == 1  # nothing changed: the same version, nothing to send

    add_skill_today(19)
    rebuilt = build(19, today())
    assert rebuilt.version == 2 and rebuilt.acknowledged_at is None
    result = services.packages_send(url=reverse("national:receive"), post=client_poster(client))

    assert [p.acknowledgement for p in result.sent] == ["replaced"]
    stored = ReceivedPackage.objects.get()
    assert stored.version == 2
    cashless = ReceivedCount.objects.filter(package=stored, fact="adults_cashless").values_list(
        "count", flat=True
    )
    assert sum(cashless) >= 1
    line = AuditEntry.objects.filter(object_type="national.receivedpackage", action="update").get()
    assert "phiên bản 1 → 2" in line.note
    # Version 1 arriving late (a file handed over after the network came back) changes nothing.
    late = _post(client, first)
    assert late.status_code == 200 and late.json() | {"version": 0} == {
        "status": "outdated",
        "province": 19,
        "day": today().isoformat(),
        "version": 0,
    }
    assert ReceivedPackage.objects.get().version == 2
    assert AuditEntry.objects.filter(object_type="national.receivedpackage").count() == 2


def test_a_province_offline_for_three_days_sends_them_all_oldest_first_when_back(national, client):
    seed_province(66)
    days = [today() - datetime.timedelta(days=n) for n in (3, 2, 1)]
    for day in days:
        build(66, day)
        assert services.packages_send(url="/national/receive/", post=offline).failed is not None
    assert OutgoingPackage.objects.filter(acknowledged_at__isnull=True).count() == 3
    assert "Không kết nối được" in OutgoingPackage.objects.first().last_error

    back = services.packages_send(url=reverse("national:receive"), post=client_poster(client))

    assert [p.day for p in back.sent] == days
    assert list(ReceivedPackage.objects.order_by("day").values_list("day", flat=True)) == days


def test_days_to_build_catches_up_the_days_the_scheduler_missed(national):
    seed_province(19)
    assert services.days_to_build(today(), 19) == [today() - datetime.timedelta(days=1)]
    build(19, today() - datetime.timedelta(days=4))
    assert services.days_to_build(today(), 19) == [today() - datetime.timedelta(days=n) for n in (3, 2, 1)]


def _post(client: Client, envelope: str) -> Any:
    return client.post(reverse("national:receive"), data=envelope, content_type="application/json")


def test_a_package_signed_with_another_secret_or_altered_is_refused_and_nothing_is_stored(national, client):
    seed_province(19)
    good = build(19, today()).envelope
    wrong_key = services.package_build(
        day=today() - datetime.timedelta(days=1), province_code=19, secret="doan-mo"
    )
    envelope = json.loads(good)
    package = json.loads(envelope["package"])
    package["facts"]["adults"][0][2] += 100
    package["digest"] = digest_of({"facts": package["facts"], "villages": package["villages"]})
    altered = canonical({**envelope, "package": canonical(package)})
    unregistered = canonical({**envelope, "province": 1})

    for bad, status, words in (
        (wrong_key.envelope, 403, "Chữ ký không đúng"),
        (altered, 403, "Chữ ký không đúng"),
        (unregistered, 403, "chưa được quản trị viên đăng ký"),
        ("không phải json", 400, "không đọc được"),
    ):
        response = _post(client, bad)
        assert response.status_code == status
        assert words in response.json()["error"]
    assert not ReceivedPackage.objects.exists() and not ReceivedCount.objects.exists()


def test_a_package_of_another_data_dictionary_is_refused_in_vietnamese(national, client, monkeypatch):
    seed_province(19)
    monkeypatch.setattr(dictionary, "REVISION", 99)
    dictionary.dictionary_version.cache_clear()
    try:
        envelope = build(19, today()).envelope  # built by a province on another release
    finally:
        monkeypatch.undo()
        dictionary.dictionary_version.cache_clear()

    response = _post(client, envelope)

    assert response.status_code == 409
    assert "Phiên bản từ điển dữ liệu của tỉnh (99-" in response.json()["error"]
    assert "chưa được nhận" in response.json()["error"]
    assert not ReceivedPackage.objects.exists()


def test_an_instance_that_is_not_national_receives_nothing(national, client):
    national.NATIONAL_INSTANCE = False
    seed_province(19)
    response = _post(client, build(19, today()).envelope)
    assert response.status_code == 404 and not ReceivedPackage.objects.exists()


def test_a_file_handed_over_is_received_like_a_post(national, tmp_path):
    national.NATIONAL_PROVINCE, national.NATIONAL_SECRET = 19, SECRETS[19]
    seed_province(19)
    path = tmp_path / "thai-nguyen.json"
    call_command("national_export", "--output", str(path), "--day", today().isoformat())
    call_command("national_import", str(path))
    call_command("national_import", str(path))  # twice: unchanged
    stored = ReceivedPackage.objects.get()
    assert stored.via == "file" and stored.day == today()
    path.write_text(path.read_text().replace('"signature":"', '"signature":"00'))
    with pytest.raises(CommandError, match="Chữ ký không đúng"):
        call_command("national_import", str(path))


def test_the_national_dashboard_adds_up_the_provinces_and_drills_down_to_villages(national, client):
    seed_province(19)
    seed_province(66)
    for code in (19, 66):
        build(code, today())
    services.packages_send(url=reverse("national:receive"), post=client_poster(client))
    vneid = Indicator.objects.get(code="adults_vneid2")
    expected = {
        code: compute_all(FactContext(day=today(), province_code=code), [vneid])["adults_vneid2"][
            ("country", "VN")
        ]
        for code in (19, 66)
    }
    from langso.national.selectors import boards

    country = {b.indicator.code: b for b in boards(scope=_everything(), day=today(), level="country")}
    total = country["adults_vneid2"].total.value
    assert total.numerator == sum(v.numerator for v in expected.values())
    assert total.denominator == sum(v.denominator for v in expected.values())
    by_province = {row.unit: row.value for row in country["adults_vneid2"].units}
    assert by_province == {str(code): value for code, value in expected.items()}

    staff = user_with_role(Role.PROVINCE_STAFF, is_demo=True)  # national staff: no unit, the country
    client.force_login(staff)
    page = client.get(reverse("national:dashboard"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Số liệu toàn quốc" in text and "Thái Nguyên" in text and "Đắk Lắk" in text
    assert reverse("national:province", args=[19]) in text
    assert "Ngày gần nhất mỗi tỉnh đã gửi" in text and "phiên bản 1, nhận lúc" in text
    province_page = client.get(reverse("national:province", args=[66])).content.decode()
    assert reverse("national:commune", args=[24301]) in province_page
    commune_page = client.get(reverse("national:commune", args=[24301])).content.decode()
    for label in ReceivedVillage.objects.filter(commune_code=24301).values_list("label", flat=True):
        assert label in commune_page


def _everything() -> Any:
    from langso.accounts.access import Scope

    return Scope(everything=True)


def test_province_staff_see_only_their_province_and_a_team_member_nothing(national, client):
    seed_province(19)
    seed_province(66)
    for code in (19, 66):
        build(code, today())
    services.packages_send(url=reverse("national:receive"), post=client_poster(client))
    client.force_login(
        user_with_role(Role.PROVINCE_STAFF, province=Province.objects.get(code=19), is_demo=True)
    )
    assert client.get(reverse("national:province", args=[19])).status_code == 200
    assert client.get(reverse("national:province", args=[66])).status_code == 404
    assert client.get(reverse("national:commune", args=[24301])).status_code == 404
    own = client.get(reverse("national:dashboard")).content.decode()  # their province is their country
    assert (
        reverse("national:commune", args=[2071]) in own
        and reverse("national:commune", args=[24301]) not in own
    )
    client.force_login(user_with_role(Role.TEAM_MEMBER))
    assert client.get(reverse("national:dashboard")).status_code == 403


def test_the_nightly_task_builds_yesterday_waits_while_offline_and_sends_when_back(
    national, client, monkeypatch
):
    import socket

    from langso.national.tasks import send_to_national

    with socket.socket() as sock:  # a port nobody listens on: a real refused connection
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    national.NATIONAL_PROVINCE, national.NATIONAL_SECRET = 66, SECRETS[66]
    national.NATIONAL_URL = f"http://127.0.0.1:{port}/national/receive/"
    seed_province(66)
    yesterday = today() - datetime.timedelta(days=1)

    offline_run = send_to_national.call()

    assert offline_run["sent"] == [] and offline_run["failed"] == yesterday.isoformat()
    assert "Không kết nối được" in offline_run["error"]
    monkeypatch.setattr(services, "http_post", client_poster(client))
    national.NATIONAL_URL = reverse("national:receive")
    assert send_to_national.call()["sent"] == [f"{yesterday.isoformat()} v1"]
    assert send_to_national.call()["sent"] == []  # run twice: nothing built or sent again
    assert ReceivedPackage.objects.get().day == yesterday

    # The operations page's "last national send": each run recorded, the failed one with its reason.
    from langso.operations.models import MaintenanceKind, MaintenanceRun

    runs = list(
        MaintenanceRun.objects.filter(kind=MaintenanceKind.NATIONAL_SEND).order_by("finished_at", "pk")
    )
    assert [run.ok for run in runs] == [False, True, True]
    assert "Không kết nối được" in runs[0].detail
    assert runs[1].rows == 1 and f"{yesterday:%d/%m/%Y}" in runs[1].detail
    assert runs[2].rows == 0
