"""The pages: the officer's path, the handover PDF, reports, and what other communes cannot see."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.devices import services
from langso.devices.models import Allocation, CandidateList, FollowUp, ListStatus, Outcome
from langso.devices.tests.conftest import approve, handover
from langso.devices.tests.factories import QuotaFactory, imei
from langso.places.tests.factories import CUOR_DANG, commune
from langso.registry.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def _pdf_text(content):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_an_officer_generates_approves_and_hands_over_through_the_pages(client, world):
    client.force_login(world["officer"])
    programme, home = world["programme"], world["commune"]
    url = reverse("devices:candidates", args=[programme.pk, home.pk])
    assert client.get(reverse("devices:programmes")).status_code == 200
    assert programme.name in client.get(programme.get_absolute_url()).content.decode()
    client.post(url, {"action": "generate"})
    page = client.get(url).content.decode()
    assert "Hộ nghèo (+20)" in page and "Người cao tuổi (+15)" in page
    client.post(url, {"action": "approve", "decision": "Quyết định số 7/QĐ-UBND"})
    lst = CandidateList.objects.get()
    assert lst.status == ListStatus.APPROVED
    candidate = lst.candidates.first()
    response = client.post(
        reverse("devices:allocate", args=[candidate.pk]),
        {
            "kind": "device",
            "receiver": str(candidate.household.head_id),
            "handed_over_on": "05/11/2026",
            "giver_name": "Đặng Thị Giao",
            "giver_title": "Công chức Văn hóa - Xã hội",
        },
    )
    allocation = Allocation.objects.get()
    assert response.status_code == 302 and response["Location"] == allocation.get_absolute_url()
    assert allocation.handed_over_on == datetime.date(2026, 11, 5)
    pdf = client.get(reverse("devices:handover_pdf", args=[allocation.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == 1
    for expected in (
        "BIÊN BẢN BÀN GIAO ĐIỆN THOẠI THÔNG MINH",
        allocation.device.imei,
        "Đặng Thị Giao",
        allocation.receiver_name,
        "Bên nhận",
        "Nghĩa Tá",
    ):
        assert expected in text, expected
    scan = io.BytesIO(b"\xff\xd8\xff\xe0 signed record")
    scan.name = "bien-ban.jpg"
    client.post(allocation.get_absolute_url(), {"scan": scan})
    assert client.get(reverse("devices:allocation_scan", args=[allocation.pk])).content.startswith(
        b"\xff\xd8\xff"
    )


def test_an_approved_list_offers_no_editing_and_a_new_version_on_request(client, world):
    client.force_login(world["officer"])
    approve(world)
    url = reverse("devices:candidates", args=[world["programme"].pk, world["commune"].pk])
    page = client.get(url).content.decode()
    assert "Đã phê duyệt" in page and 'value="remove"' not in page and 'value="new_version"' in page
    candidate = CandidateList.objects.get().candidates.first()
    client.post(url, {"action": "remove", "candidate": candidate.pk, "reason": "thử"})
    candidate.refresh_from_db()
    assert not candidate.removed
    client.post(url, {"action": "new_version"})
    assert CandidateList.objects.filter(version=2, status=ListStatus.DRAFT).exists()
    assert "Phiên bản 1" in client.get(url + "?version=1").content.decode()


def test_an_officer_of_another_commune_gets_404_everywhere(client, world):
    lst = approve(world)
    allocation = services.allocate(
        acting_user=world["officer"], candidate=lst.candidates.first(), handover=handover()
    )
    follow_up = allocation.follow_ups.first()
    other = commune(CUOR_DANG)
    QuotaFactory(programme=world["programme"], commune=other, quota=5)
    client.force_login(commune_officer(other))
    for url in (
        reverse("devices:candidates", args=[world["programme"].pk, world["commune"].pk]),
        reverse("devices:allocate", args=[lst.candidates.first().pk]),
        reverse("devices:allocation", args=[allocation.pk]),
        reverse("devices:handover_pdf", args=[allocation.pk]),
        reverse("devices:follow_up", args=[follow_up.pk]),
    ):
        assert client.get(url).status_code == 404, url
    # Their own commune's page works; the report shows only their commune.
    assert (
        client.get(reverse("devices:candidates", args=[world["programme"].pk, other.pk])).status_code == 200
    )
    report = client.get(reverse("devices:report", args=[world["programme"].pk])).content.decode()
    assert "Nghĩa Tá" not in report


def test_a_team_member_cannot_allocate_or_see_candidate_lists(client, world):
    member = user_with_role(Role.TEAM_MEMBER, village=world["village"])
    client.force_login(member)
    lst = approve(world)
    assert client.get(reverse("devices:allocate", args=[lst.candidates.first().pk])).status_code == 403
    assert (
        client.get(
            reverse("devices:candidates", args=[world["programme"].pk, world["commune"].pk])
        ).status_code
        == 404
    )


def test_follow_ups_due_are_listed_and_recorded(client, world):
    lst = approve(world)
    day = datetime.date.today() - datetime.timedelta(days=95)
    allocation = services.allocate(
        acting_user=world["officer"], candidate=lst.candidates.first(), handover=handover(day)
    )
    client.force_login(world["officer"])
    page = client.get(reverse("devices:follow_ups")).content.decode()
    assert allocation.receiver_name in page
    first = allocation.follow_ups.get(months=1)
    response = client.post(
        reverse("devices:follow_up", args=[first.pk]),
        {"done_on": datetime.date.today().strftime("%d/%m/%Y"), "outcome": "in_use", "sim_active": "yes"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.outcome == Outcome.IN_USE and first.sim_active is True


def test_followups_due_gives_each_households_open_checks_up_to_today(world):
    from langso.devices.selectors import followups_due

    lst = approve(world)
    candidates = list(lst.candidates.all())
    today = datetime.date(2026, 6, 15)
    a = services.allocate(
        acting_user=world["officer"], candidate=candidates[0], handover=handover(datetime.date(2026, 3, 15))
    )
    services.allocate(
        acting_user=world["officer"], candidate=candidates[1], handover=handover(datetime.date(2026, 6, 1))
    )
    due = followups_due(household_ids=[c.household_id for c in candidates], today=today)
    assert list(due) == [a.household_id]
    assert [f.months for f in due[a.household_id]] == [1, 3]


def test_the_report_counts_distribution_days_and_outcomes(client, world):
    lst = approve(world)
    approved_on = timezone.localdate(lst.approved_at)  # the programme counts days in local time
    candidates = list(lst.candidates.all())
    a1 = services.allocate(
        acting_user=world["officer"],
        candidate=candidates[0],
        handover=handover(approved_on + datetime.timedelta(days=4)),
    )
    a2 = services.allocate(
        acting_user=world["officer"],
        candidate=candidates[1],
        handover=handover(approved_on + datetime.timedelta(days=10)),
    )
    # The 3-month checks, written as they were recorded (in the past relative to the dates above).
    FollowUp.objects.filter(allocation=a1, months=3).update(
        done_on=approved_on, outcome=Outcome.IN_USE, digital_citizen=True
    )
    FollowUp.objects.filter(allocation=a2, months=3).update(
        done_on=approved_on, outcome=Outcome.SOLD, digital_citizen=False
    )
    from langso.devices.selectors import programme_report

    report = programme_report(user=world["officer"], programme=world["programme"])
    [line] = report.lines
    assert (line.quota, line.handed_over, line.devices, line.cash) == (3, 2, 2, 0)
    assert line.median_days_to_handover == 7.0 == report.total().median_days_to_handover
    assert (line.checked_at_3_months, line.in_use_at_3_months, line.percent_in_use_3m) == (2, 1, 50.0)
    assert (line.recipients_with_person, line.digital_citizens, line.percent_digital_citizens) == (2, 1, 50.0)
    client.force_login(world["officer"])
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("devices:report_xlsx", args=[world["programme"].pk])).content)
    )
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[4][:3] == ("Xã Nghĩa Tá", 3, 2)
    pdf_text = _pdf_text(client.get(reverse("devices:report_pdf", args=[world["programme"].pk])).content)
    assert "Báo cáo chương trình" in pdf_text and "Nghĩa Tá" in pdf_text


def test_the_report_neutralises_formulas_in_names(client, world):
    programme = world["programme"]
    programme.name = '=HYPERLINK("http://x")'
    programme.save()
    client.force_login(world["officer"])
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("devices:report_xlsx", args=[programme.pk])).content)
    )
    assert book.active["A1"].value.startswith("'=")


def test_the_inventory_page_checks_an_upload_before_writing(client, world):
    client.force_login(world["officer"])
    book = openpyxl.Workbook()
    book.active.append(["IMEI", "Mẫu máy"])
    book.active.append([imei(500), "Itel A50"])
    book.active.append(["123", "Itel A50"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "ncc.xlsx"
    response = client.post(reverse("devices:inventory", args=[world["programme"].pk]), {"file": buffer})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "15 chữ số" in page and "Chưa có gì được ghi" in page
    client.post(response["Location"], {"action": "write", "mode": "valid_only"})
    assert world["programme"].devices.filter(imei=imei(500), commune=world["commune"]).exists()
    template = client.get(reverse("devices:import_template"))
    assert template.status_code == 200


def test_a_team_member_records_the_follow_up_of_a_household_in_their_village(client, world):
    lst = approve(world)
    allocation = services.allocate(
        acting_user=world["officer"],
        candidate=lst.candidates.first(),
        handover=handover(datetime.date.today() - datetime.timedelta(days=40)),
    )
    first = allocation.follow_ups.get(months=1)
    client.force_login(user_with_role(Role.TEAM_MEMBER, village=world["village"]))
    assert allocation.receiver_name in client.get(reverse("devices:follow_ups")).content.decode()
    response = client.post(
        reverse("devices:follow_up", args=[first.pk]),
        {"done_on": datetime.date.today().strftime("%d/%m/%Y"), "outcome": "not_used", "sim_active": "no"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.outcome, first.sim_active) == (Outcome.NOT_USED, False)
    # A member of another village of the same commune does not see it.
    from langso.places.tests.factories import VillageFactory

    client.force_login(user_with_role(Role.TEAM_MEMBER, village=VillageFactory(commune=world["commune"])))
    assert client.get(reverse("devices:follow_up", args=[first.pk])).status_code == 404


def test_province_staff_create_and_edit_a_programme_through_the_pages(client, world, settings):
    from langso.core.models import AuditEntry
    from langso.devices.models import Programme

    settings.DEMO_MODE = True  # stands in for the second factor province staff need
    staff = user_with_role(Role.PROVINCE_STAFF, province=world["commune"].province, is_demo=True)
    client.force_login(staff)
    data = {
        "name": "Máy cho hộ cận nghèo",
        "funder": "UBND tỉnh Thái Nguyên",
        "province": str(world["commune"].province_id),
        "starts_on": "01/03/2026",
        "ends_on": "31/12/2026",
        "package_data_gb": "4",
        "package_months": "6",
        "poverty_classes": ["near_poor"],
        "poverty_max_age_years": "2",
        "min_age": "18",
        "per": "adult",
        "elderly_age": "60",
        "weight_poor": "20",
        "weight_near_poor": "10",
        "weight_elderly": "15",
        "weight_disability": "15",
        "weight_minority": "10",
        "weight_no_phone_visit": "10",
        "cash_allowed": "on",
        "cash_amount": "",
    }
    response = client.post(reverse("devices:programme_create"), data)
    assert "Hãy ghi mức hỗ trợ tiền" in response.content.decode()
    response = client.post(reverse("devices:programme_create"), data | {"cash_amount": "1200000"})
    programme = Programme.objects.get(name="Máy cho hộ cận nghèo")
    assert response.status_code == 302
    assert (programme.starts_on, programme.poverty_classes, programme.per) == (
        datetime.date(2026, 3, 1),
        ["near_poor"],
        "adult",
    )
    client.post(
        reverse("devices:programme_edit", args=[programme.pk]),
        data | {"cash_amount": "1500000", "package_months": "12"},
    )
    programme.refresh_from_db()
    assert (programme.cash_amount, programme.package_months) == (1_500_000, 12)
    entry = AuditEntry.objects.filter(object_id=str(programme.pk), action="update").get()
    assert entry.changes["package_months"] == [6, 12]
    response = client.post(
        reverse("devices:programme", args=[programme.pk]), {"commune": world["commune"].pk, "quota": 40}
    )
    assert programme.quotas.get().quota == 40


def test_an_officer_adds_a_named_adult_to_a_per_adult_list_with_a_reason(client, world):
    programme = world["programme"]
    programme.per = "adult"
    programme.save()
    household = world["households"][4]  # not in a poverty class: left out by the rules
    ResidentFactory(household=household, full_name="Lường Thị Én", birth_year=1990)
    client.force_login(world["officer"])
    url = reverse("devices:candidates", args=[programme.pk, world["commune"].pk])
    client.post(url, {"action": "generate"})
    client.post(
        url,
        {
            "action": "add",
            "household_code": household.code,
            "person_name": "luong thi en",
            "reason": "Mất việc, thu nhập dưới chuẩn",
        },
    )
    added = CandidateList.objects.get().candidates.get(household=household)
    assert added.resident.full_name == "Lường Thị Én" and added.source == "manual"
    page = client.get(url).content.decode()
    assert "Mất việc, thu nhập dưới chuẩn" in page
    response = client.post(
        url, {"action": "add", "household_code": household.code, "person_name": "Không Có Ai", "reason": "x"}
    )
    assert "Không tìm thấy người có họ tên này trong hộ." in response.content.decode()


@pytest.mark.parametrize(
    ("address", "line"),
    [
        # Most villages are numbered: a house number is not the village, which must still be written.
        ("Số nhà 13, đường 19/5", "Số nhà 13, đường 19/5, Thôn 3"),
        # The address already names the village (with a leading zero, in lower case): written once.
        ("Số nhà 13, thôn 03", "Số nhà 13, thôn 03"),
    ],
)
def test_the_handover_record_names_the_receivers_village_exactly_once(client, world, address, line):
    from langso.core.text import fold

    world["village"].name = "Thôn 3"
    world["village"].save(update_fields=["name"])
    candidate = approve(world).candidates.first()
    candidate.household.address = address
    candidate.household.save(update_fields=["address"])
    allocation = services.allocate(acting_user=world["officer"], candidate=candidate, handover=handover())
    client.force_login(world["officer"])
    text = " ".join(
        _pdf_text(client.get(reverse("devices:handover_pdf", args=[allocation.pk])).content).split()
    )
    assert f"{allocation.household.code} — {line}" in text
    assert fold(text).count("thon 3") + fold(text).count("thon 03") == 1
