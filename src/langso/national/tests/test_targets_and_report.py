"""The country's targets and weekly report on the national instance: national staff set targets (with
Vietnamese messages), every unit is judged against its share from the received counts only, the
report's numbers are the provinces' own, and no page below the country shows a person."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.campaigns.facts import FactContext
from langso.campaigns.indicators import compute_all
from langso.campaigns.models import Indicator
from langso.campaigns.targets import Status, judge
from langso.core.models import AuditEntry
from langso.national import progress, reports, services
from langso.national.models import NationalTarget, NationalWeeklyReport, ReceivedCount
from langso.national.tests.seed import seed_province
from langso.places.models import Province

pytestmark = pytest.mark.django_db

SECRETS = {19: "bi-mat-thai-nguyen-2026", 66: "bi-mat-dak-lak-2026"}


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


@pytest.fixture
def national(settings: Any) -> Any:
    settings.NATIONAL_INSTANCE = True
    settings.DEMO_MODE = True  # national staff skip the second factor as demo users
    for code, secret in SECRETS.items():
        services.province_key_register(acting_user=None, province_code=code, secret=secret)
    return settings


def receive(code: int, day: datetime.date) -> None:
    built = services.package_build(day=day, province_code=code, secret=SECRETS[code])
    services.package_receive(built.envelope)


@pytest.fixture
def two_provinces(national: Any) -> dict[int, dict[str, Any]]:
    """Two provinces of different data, each sending a day of last week and today."""
    people = {19: seed_province(19, seed=3, people=6), 66: seed_province(66, seed=7, people=3)}
    for code in (19, 66):
        for day in (days_ago(7), today()):
            receive(code, day)
    return people


def staff_client(client: Client) -> Client:
    client.force_login(user_with_role(Role.PROVINCE_STAFF, is_demo=True))  # no unit: the whole country
    return client


def own(code: str, day: datetime.date, province: int) -> Any:
    """The province's own value of an indicator, computed on its own data (not from the packages)."""
    indicator = Indicator.objects.get(code=code)
    return compute_all(FactContext(day=day, province_code=province), [indicator])[code][("country", "VN")]


# --- Targets: set, changed, removed, with messages for the person at the form ----------------------


def _post(client: Client, url: str, **data: Any) -> Any:
    return client.post(url, {"split": "", "province": "", **data})


def test_national_staff_set_change_and_remove_a_country_target_with_an_audit_line(national, client):
    staff_client(client)
    vneid = Indicator.objects.get(code="adults_vneid2")
    deadline = (today() + datetime.timedelta(days=90)).strftime("%d/%m/%Y")

    response = _post(
        client, reverse("national:target_create"), indicator=vneid.pk, value="60", deadline=deadline
    )

    assert response.status_code == 302
    target = NationalTarget.objects.get()
    assert (target.province_code, target.value) == (None, Decimal(60))
    response = _post(
        client,
        reverse("national:target_edit", args=[target.pk]),
        indicator=vneid.pk,
        value="62,5",
        deadline=deadline,
    )
    assert response.status_code == 302
    assert NationalTarget.objects.get().value == Decimal("62.5")
    page = client.get(reverse("national:targets")).content.decode()
    assert vneid.name in page and "Toàn quốc" in page

    thai_nguyen = Province.objects.get(code=19)
    _post(
        client,
        reverse("national:target_create"),
        indicator=vneid.pk,
        value="70",
        deadline=deadline,
        province=thai_nguyen.pk,
    )
    assert NationalTarget.objects.filter(province_code=19).exists()
    client.post(reverse("national:target_delete", args=[target.pk]))

    assert not NationalTarget.objects.exists()  # the province's own went with the country's
    actions = list(
        AuditEntry.objects.filter(object_type="national.nationaltarget").values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "create", "delete", "delete", "update"]


def test_a_wrong_target_is_refused_with_a_message_in_vietnamese(national, client):
    staff_client(client)
    vneid = Indicator.objects.get(code="adults_vneid2")
    visits = Indicator.objects.get(code="visits_week")
    later = (today() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    url = reverse("national:target_create")

    def refused(words: str, **data: Any) -> None:
        response = _post(client, url, **data)
        assert response.status_code == 200
        assert words in response.content.decode(), words

    refused("Chỉ tiêu theo tỉ lệ phải từ 0 đến 100 (%).", indicator=vneid.pk, value="120", deadline=later)
    refused("Hạn không được trước hôm nay.", indicator=vneid.pk, value="60", deadline="01/01/2020")
    refused("Chỉ tiêu phải là một số", indicator=vneid.pk, value="sáu mươi", deadline=later)
    refused("Hãy chọn một chỉ số.", value="60", deadline=later)
    refused(
        "Hãy đặt chỉ tiêu toàn quốc cho chỉ số này trước",
        indicator=vneid.pk,
        value="60",
        deadline=later,
        province=Province.objects.get(code=66).pk,
    )
    _post(client, url, indicator=vneid.pk, value="60", deadline=later)
    refused("Đã có chỉ tiêu toàn quốc cho chỉ số", indicator=vneid.pk, value="65", deadline=later)
    _post(client, url, indicator=visits.pk, value="1000", deadline=later, split="manual")
    refused(
        "Tổng chỉ tiêu riêng của các tỉnh (1.200) lớn hơn chỉ tiêu toàn quốc (1.000).",
        indicator=visits.pk,
        value="1200",
        deadline=later,
        province=Province.objects.get(code=19).pk,
    )
    assert NationalTarget.objects.count() == 2


def test_only_national_staff_set_targets_and_read_the_report(national, client):
    client.force_login(
        user_with_role(Role.PROVINCE_STAFF, province=Province.objects.get(code=19), is_demo=True)
    )
    for name in ("national:targets", "national:target_create", "national:report"):
        assert client.get(reverse(name)).status_code == 404  # a province's staff: their province only
    client.force_login(user_with_role(Role.AUDITOR, is_demo=True))
    assert client.get(reverse("national:report")).status_code == 200
    assert client.get(reverse("national:targets")).status_code == 403  # reads, never sets
    client.force_login(user_with_role(Role.COMMUNE_OFFICER))
    assert client.get(reverse("national:report")).status_code == 403


# --- Each unit against its share, from the received counts ----------------------------------------


def _target(code: str, value: str, deadline: datetime.date, **kwargs: Any) -> NationalTarget:
    return NationalTarget.objects.create(
        indicator=Indicator.objects.get(code=code), value=Decimal(value), deadline=deadline, **kwargs
    )


def test_a_count_target_is_split_to_provinces_by_their_adults_and_adds_up(two_provinces):
    target = _target("visits_week", "1001", today() + datetime.timedelta(days=30))
    counts = ReceivedCount.objects.filter(package__day=today())
    adults = {p: own("adults_vneid2", today(), p).denominator for p in (19, 66)}

    shares = progress.province_shares(
        target, progress.targets(), ["19", "66"], progress.weights(counts, "adults", "package__province_code")
    )

    assert sum(s.value for s in shares.values()) == Decimal(1001)
    bigger = max(adults, key=adults.get)
    assert shares[str(bigger)].value >= shares[str(min(adults, key=adults.get))].value
    assert f"({adults[bigger]})" in shares[str(bigger)].how
    # A province's own share is kept; the others share the rest.
    _target("visits_week", "600", target.deadline, province_code=19)
    shares = progress.province_shares(
        target, progress.targets(), ["19", "66"], progress.weights(counts, "adults", "package__province_code")
    )
    assert (shares["19"].value, shares["66"].value) == (Decimal(600), Decimal(401))


def test_the_dashboard_judges_every_province_commune_and_village_against_the_target(two_provinces, client):
    values = {p: own("adults_vneid2", today(), p) for p in (19, 66)}
    goal = max(v.ratio for v in values.values())
    _target("adults_vneid2", f"{goal:.2f}", today())  # due today: the better province is done
    from langso.accounts.access import Scope
    from langso.national.selectors import boards

    country = boards(scope=Scope(everything=True), day=today(), level="country")
    board = country[0]
    assert board.indicator.code == "adults_vneid2"  # a board with a target comes first
    for row in board.units:
        then = own("adults_vneid2", days_ago(7), int(row.unit))
        expected = judge(
            current=values[int(row.unit)].ratio,
            earlier=(days_ago(7), then.ratio) if then.ratio is not None else None,
            target=float(board.target.value),
            deadline=today(),
            today=today(),
        )
        assert row.status == expected
    assert {row.status for row in board.units} <= {Status.DONE, Status.BEHIND}

    staff_client(client)
    page = client.get(reverse("national:commune", args=[24301])).content.decode()
    assert "Chỉ tiêu" in page and ("Đã đạt" in page or "Chậm tiến độ" in page)
    for name in two_provinces[66]["names"] + two_provinces[66]["cccds"] + two_provinces[66]["phones"]:
        assert name not in page


# --- The weekly report ---------------------------------------------------------------------------


def test_the_weekly_report_is_this_week_against_last_week_as_the_provinces_count_it(two_provinces, client):
    values = {p: own("adults_vneid2", today(), p) for p in (19, 66)}
    goal = max(v.ratio for v in values.values())
    _target("adults_vneid2", f"{goal:.2f}", today())

    data = reports.report_data(today())

    assert (data.as_of, data.previous_as_of) == (today(), days_ago(7))
    line = next(line for line in data.lines if line.indicator.code == "adults_vneid2")
    assert line.this.value.numerator == sum(v.numerator for v in values.values())
    assert line.this.value.denominator == sum(v.denominator for v in values.values())
    last = {p: own("adults_vneid2", days_ago(7), p) for p in (19, 66)}
    assert line.last.value.numerator == sum(v.numerator for v in last.values())
    by_province = {p.unit: p for p in line.provinces}
    for code in (19, 66):
        assert by_province[str(code)].this.value == values[code]
        assert by_province[str(code)].last.value == last[code]
    behind = {p.name for p in line.provinces if p.this.status == Status.BEHIND}
    assert {lag.name for lag in data.lagging} == behind
    if values[19].ratio != values[66].ratio:
        assert len(behind) == 1

    staff_client(client)
    page = client.get(reverse("national:report")).content.decode()
    assert "Báo cáo tuần toàn quốc" in page and "Các tỉnh chậm tiến độ" in page
    for name in behind:
        assert name in page
    for secret in two_provinces[19]["names"] + two_provinces[19]["cccds"]:
        assert secret not in page

    download = client.post(reverse("national:report"))
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(download.content)).pages)
    assert "Báo cáo tuần toàn quốc" in text and "Thái Nguyên" in text and "Đắk Lắk" in text
    for secret in two_provinces[66]["names"] + two_provinces[66]["cccds"] + two_provinces[66]["phones"]:
        assert secret not in text
    stored = NationalWeeklyReport.objects.get()
    again = client.get(reverse("national:report_download", args=[stored.pk]))
    assert again.content == download.content


def test_the_weekly_command_makes_a_week_once(two_provinces):
    out = io.StringIO()
    call_command("national_weekly_report", "--week", today().isoformat(), stdout=out)
    call_command("national_weekly_report", "--week", today().isoformat(), stdout=out)
    assert "đã lập" in out.getvalue() and "đã có sẵn" in out.getvalue()
    assert NationalWeeklyReport.objects.get().as_of == today()
    from langso.national.tasks import national_weekly_report

    assert national_weekly_report.call(today().isoformat()) == NationalWeeklyReport.objects.get().pk
