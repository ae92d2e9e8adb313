import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.core.models import AuditAction, AuditEntry
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry import imports
from langso.registry.exports import safe_cell
from langso.registry.models import ImportStatus
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def _rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def village():
    return VillageFactory(
        commune=commune(NGHIA_TA), name="Thôn Bản Cáu", broadband="yes", mobile_4g="partial"
    )


@pytest.fixture
def people(village):
    household = HouseholdFactory(village=village, notes='=HYPERLINK("http://x")', code="01-001")
    return [
        ResidentFactory(
            household=household,
            full_name="Hoàng Văn An",
            cccd="019070001234",
            birth_year=1970,
            ethnic_group="02",
        ),
        ResidentFactory(household=household, full_name="Nông Thị Hoa", sex="female", birth_year=1980),
    ]


@pytest.mark.parametrize("text", ["=1+1", "+84912", "-2", "@SUM(A1)", "\t=cmd", "\r=x"])
def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(text):
    assert safe_cell(text) == "'" + text
    assert safe_cell("Nguyễn Văn An") == "Nguyễn Văn An"
    assert safe_cell("0912345678") == "0912345678"
    assert safe_cell(42) == 42


def test_the_export_follows_the_list_filters_and_writes_an_audit_entry(client, village, people):
    officer = commune_officer(village.commune)
    client.force_login(officer)
    response = client.get(reverse("registry:residents_export"), {"q": "hoang van"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _rows(response)
    assert rows[0][:3] == ["Mã hộ", "Họ và tên", "Ngày sinh"]
    assert [r[1] for r in rows[1:]] == ["Hoàng Văn An"]
    assert rows[1][5] == "••••••••1234"  # masked, as on the screen, in one tap
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.changes == {"filters": {"q": "hoang van"}, "rows": 1, "full_cccd": False}
    households = _rows(client.get(reverse("registry:households_export")))
    assert households[1][4] == '\'=HYPERLINK("http://x")'  # stored text that would run as a formula


def test_full_cccd_numbers_need_a_reason_and_are_audited_as_a_reveal(client, village, people):
    officer = commune_officer(village.commune)
    client.force_login(officer)
    url = reverse("registry:residents_export") + "?q=hoang+van"

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 302 and not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()

    rows = _rows(client.post(url, {"reason": "Đối chiếu danh sách cấp điện thoại"}))
    assert rows[1][5] == "019070001234"
    export = AuditEntry.objects.get(action=AuditAction.EXPORT)
    reveal = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert export.changes["full_cccd"] is True and export.note == "Đối chiếu danh sách cấp điện thoại"
    assert reveal.note == "Đối chiếu danh sách cấp điện thoại" and reveal.changes["rows"] == 1
    page = client.get(reverse("registry:residents")).content.decode()
    assert "Xuất Excel kèm số CCCD đầy đủ" in page and 'name="reason"' in page


def test_province_staff_export_masked_cccd_numbers_and_a_province_wide_name_search(client, settings, people):
    settings.DEMO_MODE = True
    staff = user_with_role(Role.PROVINCE_STAFF, province=people[0].province, is_demo=True)
    client.force_login(staff)
    rows = _rows(client.get(reverse("registry:residents_export")))
    assert {r[5] for r in rows[1:]} == {"••••••••1234", None}
    found = _rows(client.get(reverse("registry:residents_export"), {"q": "nong thi hoa"}))
    assert [r[1] for r in found[1:]] == ["Nông Thị Hoa"]
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, changes__full_cccd=False).count() == 2


def test_an_export_holds_nothing_from_outside_the_users_units(client, village, people):
    other = commune_officer(commune(CUOR_DANG))
    client.force_login(other)
    for name in ("registry:residents_export", "registry:households_export"):
        rows = _rows(client.get(reverse(name), {"commune": str(NGHIA_TA), "village": str(village.pk)}))
        assert len(rows) == 1, rows  # the header only
    assert client.get(reverse("registry:villages_export"), {"commune": str(NGHIA_TA)}).status_code == 404
    client.force_login(user_with_role(Role.TEAM_MEMBER, village=village))
    assert client.get(reverse("registry:residents_export")).status_code == 403
    assert client.get(reverse("registry:villages_export")).status_code == 403


def test_the_villages_of_a_commune_export_in_the_import_templates_columns(client, village):
    client.force_login(commune_officer(village.commune))
    response = client.get(reverse("registry:villages_export"))  # the officer's only commune
    assert response.status_code == 200
    rows = _rows(response)
    assert rows == [
        ["Tên thôn", "Loại", "Cáp quang", "4G", "5G", "Ngày kiểm tra"],
        ["Thôn Bản Cáu", "Thôn", "Có", "Một phần", None, None],
    ]
    assert AuditEntry.objects.get(action=AuditAction.EXPORT).changes["filters"] == {"commune": NGHIA_TA}


def test_an_exported_list_imports_back_unchanged(client, village, people):
    officer = commune_officer(village.commune)
    client.force_login(officer)
    response = client.post(reverse("registry:residents_export"), {"reason": "Sửa rồi nhập lại danh sách"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    job = imports.job_create(
        acting_user=officer,
        kind="residents",
        commune=village.commune,
        upload=SimpleUploadedFile("xuat.xlsx", content),
    )
    job = imports.job_check(job)
    assert (job.status, job.valid_rows, job.skipped_count) == (ImportStatus.CHECKED, 2, 0), job.problems
    job = imports.job_write(imports.job_confirm(acting_user=officer, job=job, mode="all"))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 2)
