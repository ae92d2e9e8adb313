import datetime
import io
import unicodedata

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from langso.accounts.tests.factories import commune_officer
from langso.core.models import AuditAction, AuditEntry
from langso.places.models import Village
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry import imports
from langso.registry.models import Household, ImportJob, ImportStatus, Resident
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db

HEADERS = [
    "Mã hộ",
    "Họ và tên",
    "Ngày sinh",
    "Năm sinh",
    "Giới tính",
    "Dân tộc",
    "Số CCCD",
    "Số điện thoại",
    "Khuyết tật",
    "Có điện thoại thông minh",
    "Là chủ hộ",
    "Thôn",
    "Phân loại hộ",
    "Năm rà soát",
]
GOOD = [
    [
        "01-001",
        "Hoàng Văn Tuấn",
        "05/03/1960",
        "",
        "Nam",
        "Tày",
        "019060001234",
        "0912 345 678",
        "",
        "Có",
        "Có",
        "Thôn Bản Cáu",
        "Hộ nghèo",
        "2025",
    ],
    [
        "01-001",
        "Nông Thị Hoa",
        "",
        "1962",
        "Nữ",
        "Tay",
        "",
        "+84 987 654 321",
        "",
        "x",
        "",
        "Thôn Bản Cáu",
        "",
        "",
    ],
    [
        "01-002",
        unicodedata.normalize("NFD", "Ma Văn Sơn"),
        datetime.datetime(1975, 7, 1),
        "",
        "nam",
        "Kinh",
        19075001234,
        "",
        "Không",
        "",
        "Có",
        "Thôn Bản Cáu",
        "",
        "",
    ],
]
# At least twenty kinds of bad rows, each with the column its problem is reported under.
BAD = [
    (["", "Không Mã Hộ", "", "1970", "Nam", "", "", "", "", "", "", "", "", ""], "Mã hộ"),
    (["01-009", "", "", "1970", "Nam", "", "", "", "", "", "", "Thôn Bản Cáu", "", ""], "Họ và tên"),
    (
        ["01-009", "Lò Văn 123", "", "1970", "Nam", "", "", "", "", "", "", "Thôn Bản Cáu", "", ""],
        "Họ và tên",
    ),
    (["01-009", "Lò Văn A", "", "1970", "", "", "", "", "", "", "", "Thôn Bản Cáu", "", ""], "Giới tính"),
    (["01-009", "Lò Văn B", "", "1970", "Đực", "", "", "", "", "", "", "Thôn Bản Cáu", "", ""], "Giới tính"),
    (
        ["01-009", "Lò Văn C", "31/02/1970", "", "Nam", "", "", "", "", "", "", "Thôn Bản Cáu", "", ""],
        "Ngày sinh",
    ),
    (
        ["01-009", "Lò Văn D", "05/03/2099", "", "Nam", "", "", "", "", "", "", "Thôn Bản Cáu", "", ""],
        "Ngày sinh",
    ),
    (["01-009", "Lò Văn E", "", "1850", "Nam", "", "", "", "", "", "", "Thôn Bản Cáu", "", ""], "Ngày sinh"),
    (
        ["01-009", "Lò Văn F", "", "năm bảy mươi", "Nam", "", "", "", "", "", "", "Thôn Bản Cáu", "", ""],
        "Ngày sinh",
    ),
    (
        ["01-009", "Lò Văn G", "05/03/1970", "1971", "Nam", "", "", "", "", "", "", "Thôn Bản Cáu", "", ""],
        "Ngày sinh",
    ),
    (
        ["01-009", "Lò Văn H", "", "1970", "Nam", "Klingon", "", "", "", "", "", "Thôn Bản Cáu", "", ""],
        "Dân tộc",
    ),
    (
        ["01-009", "Lò Văn I", "", "1970", "Nam", "", "12345", "", "", "", "", "Thôn Bản Cáu", "", ""],
        "Số CCCD",
    ),
    (
        ["01-009", "Lò Văn K", "", "1970", "Nam", "", "999170001234", "", "", "", "", "Thôn Bản Cáu", "", ""],
        "Số CCCD",
    ),
    (
        ["01-009", "Lò Văn L", "", "1970", "Nam", "", "019185001234", "", "", "", "", "Thôn Bản Cáu", "", ""],
        "Số CCCD",
    ),
    (
        ["01-009", "Lò Văn M", "", "1960", "Nam", "", "019060001234", "", "", "", "", "Thôn Bản Cáu", "", ""],
        "Số CCCD",
    ),
    (
        ["01-009", "Lò Văn N", "", "1970", "Nam", "", "066070009999", "", "", "", "", "Thôn Bản Cáu", "", ""],
        "Số CCCD",
    ),
    (
        ["01-009", "Lò Văn O", "", "1970", "Nam", "", "", "0212345678", "", "", "", "Thôn Bản Cáu", "", ""],
        "Số điện thoại",
    ),
    (
        ["01-009", "Lò Văn P", "", "1970", "Nam", "", "", "12345", "", "", "", "Thôn Bản Cáu", "", ""],
        "Số điện thoại",
    ),
    (
        ["01-009", "Lò Văn Q", "", "1970", "Nam", "", "", "", "có lẽ", "", "", "Thôn Bản Cáu", "", ""],
        "Khuyết tật",
    ),
    (["01-009", "Lò Văn R", "", "1970", "Nam", "", "", "", "", "", "", "Thôn Không Có", "", ""], "Thôn"),
    (
        ["01-010", "Lò Văn S", "", "1970", "Nam", "", "", "", "", "", "", "Thôn Bản Cáu", "Giàu", ""],
        "Phân loại hộ",
    ),
    (
        ["01-011", "Lò Văn T", "", "1970", "Nam", "", "", "", "", "", "", "Thôn Bản Cáu", "Hộ nghèo", ""],
        "Năm rà soát",
    ),
    (
        ["01-009", '=HYPERLINK("x")', "", "1970", "Nam", "", "", "", "", "", "", "Thôn Bản Cáu", "", ""],
        "Họ và tên",
    ),
    (
        ["01-009", "Lò Văn U" + "x" * 600, "", "1970", "Nam", "", "", "", "", "", "", "Thôn Bản Cáu", "", ""],
        "Họ và tên",
    ),
]


def _xlsx(rows, headers=HEADERS, empty_tail=0):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for _ in range(empty_tail):
        sheet.append([None] * len(headers))
    if empty_tail:
        sheet.cell(row=sheet.max_row, column=1, value=" ")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def home():
    place = commune(NGHIA_TA)
    VillageFactory(commune=place, name="Thôn Bản Cáu")
    ResidentFactory(
        household=HouseholdFactory(village=VillageFactory(commune=commune(CUOR_DANG))),
        cccd="066070009999",
        birth_year=1970,
    )
    return place


@pytest.fixture
def officer(home):
    return commune_officer(home)


def _job(officer, home, data, name="dan.xlsx", kind="residents"):
    job = imports.job_create(
        acting_user=officer, kind=kind, commune=home, upload=SimpleUploadedFile(name, data)
    )
    return imports.job_check(job)


def _counts():
    return (
        Resident.objects.count(),
        Household.objects.count(),
        Village.objects.count(),
        AuditEntry.objects.exclude(action=AuditAction.LOGIN).count(),
    )


def test_a_dry_run_lists_every_problem_with_row_column_value_and_reason_and_writes_nothing(officer, home):
    before = _counts()
    job = _job(officer, home, _xlsx(GOOD + [row for row, _column in BAD]))
    assert _counts() == before
    assert job.status == ImportStatus.CHECKED
    assert (job.total_rows, job.valid_rows, job.skipped_count) == (len(GOOD) + len(BAD), len(GOOD), len(BAD))
    by_row = {}
    for problem in job.problems:
        by_row.setdefault(problem["row"], []).append(problem)
    for offset, (_row, column) in enumerate(BAD):
        row_number = 2 + len(GOOD) + offset  # as Excel numbers it, after the header
        problems = by_row.get(row_number, [])
        assert problems, f"row {row_number} should be reported"
        assert column in {p["column"] for p in problems}, (row_number, problems)
        assert all(p["reason"] for p in problems)
    assert any("đã có trong sổ ở nơi khác" in p["reason"] for p in job.problems)
    assert "Cuôr" not in str(job.problems)


def test_the_whole_file_is_refused_when_it_has_errors_and_valid_rows_only_writes_just_those(officer, home):
    job = _job(officer, home, _xlsx(GOOD + [BAD[0][0]]))
    with pytest.raises(Exception, match="dòng lỗi"):
        imports.job_confirm(acting_user=officer, job=job, mode="all")
    assert Resident.objects.filter(commune=home).count() == 0
    imports.job_write(imports.job_confirm(acting_user=officer, job=job, mode="valid_only"))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.skipped_count) == (3, 1)
    tuan = Resident.objects.get(cccd="019060001234")
    assert (tuan.birth_date, tuan.phone, tuan.household.code, tuan.is_head) == (
        datetime.date(1960, 3, 5),
        "0912345678",
        "01-001",
        True,
    )
    assert tuan.household.poverty == "poor" and tuan.household.head == tuan
    son = Resident.objects.get(household__code="01-002")
    assert son.full_name == "Ma Văn Sơn" and son.cccd == "019075001234"
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 1
    assert AuditEntry.objects.filter(resident_id=tuan.pk, action=AuditAction.CREATE).exists()


def test_re_importing_the_same_file_creates_no_duplicates(officer, home):
    data = _xlsx(GOOD)
    imports.job_write(imports.job_confirm(acting_user=officer, job=_job(officer, home, data), mode="all"))
    again = _job(officer, home, data)
    imports.job_write(imports.job_confirm(acting_user=officer, job=again, mode="all"))
    again.refresh_from_db()
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert Resident.objects.filter(commune=home).count() == 3
    assert Household.objects.filter(commune=home).count() == 2


def test_csv_files_and_other_header_spellings_are_read(officer, home):
    text = "ho ten;GIOI TINH;nam sinh;ma ho;thon\nLò Thị Mai;Nữ;1980;02-001;Thôn Bản Cáu\n"
    job = _job(officer, home, text.encode("utf-8-sig"), name="dan.csv")
    assert (job.status, job.valid_rows) == (ImportStatus.CHECKED, 1), job.problems
    imports.job_write(imports.job_confirm(acting_user=officer, job=job, mode="all"))
    assert Resident.objects.get(full_name="Lò Thị Mai").birth_year == 1980


def test_a_file_that_is_not_a_spreadsheet_or_lacks_columns_is_refused_with_a_reason(officer, home):
    broken = _job(officer, home, b"not a zip", name="dan.xlsx")
    assert broken.status == ImportStatus.FAILED and "Không đọc được tệp Excel" in broken.error_message
    missing = _job(officer, home, _xlsx([["x"]], headers=["Họ và tên"]))
    assert missing.status == ImportStatus.FAILED and "Thiếu cột bắt buộc" in missing.error_message
    old = _job(officer, home, b"x", name="dan.xls")
    assert old.status == ImportStatus.FAILED and ".xlsx" in old.error_message


def test_trailing_empty_rows_are_ignored(officer, home):
    job = _job(officer, home, _xlsx(GOOD, empty_tail=3000))
    assert (job.total_rows, job.valid_rows) == (3, 3)


def test_villages_and_households_import_with_their_own_templates(officer, home):
    villages = _job(
        officer,
        home,
        _xlsx(
            [
                ["Bản Khuổi Chao", "Bản", "Có", "Một phần", "Không", "05/03/2026"],
                ["Bản Khuổi Chao", "Bản", "", "", "", ""],
            ],
            headers=["Tên thôn", "Loại", "Cáp quang", "4G", "5G", "Ngày kiểm tra"],
        ),
        kind="villages",
    )
    assert villages.valid_rows == 1 and villages.skipped_count == 1
    imports.job_write(imports.job_confirm(acting_user=officer, job=villages, mode="valid_only"))
    village = Village.objects.get(name="Bản Khuổi Chao")
    assert (village.kind, village.mobile_4g, village.coverage_checked_on) == (
        "ban",
        "partial",
        datetime.date(2026, 3, 5),
    )
    households = _job(
        officer,
        home,
        _xlsx(
            [["03-001", "Bản Khuổi Chao", "Cận nghèo", "2025"]],
            headers=["Mã hộ", "Thôn", "Phân loại hộ", "Năm rà soát"],
        ),
        kind="households",
    )
    imports.job_write(imports.job_confirm(acting_user=officer, job=households, mode="all"))
    assert Household.objects.get(code="03-001").poverty == "near_poor"


def test_the_template_has_the_headers_the_import_reads(officer, home):
    for kind in ("villages", "households", "residents"):
        book = openpyxl.load_workbook(io.BytesIO(imports.template_xlsx(kind)))
        headers = [c.value for c in book.worksheets[0][1]]
        table = imports.parse_table(kind, imports.template_xlsx(kind), "mau.xlsx")
        assert set(table.columns) == {c.key for c in imports.COLUMNS[kind]}, headers


def test_the_import_pages_walk_from_upload_to_result(client, officer, home, settings):
    client.force_login(officer)
    assert client.get(reverse("registry:import_template", args=["residents"])).status_code == 200
    response = client.post(
        reverse("registry:import_start"),
        {
            "kind": "residents",
            "commune": str(home.code),
            "file": SimpleUploadedFile("dan.xlsx", _xlsx(GOOD + [BAD[1][0]])),
        },
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("registry:import_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "1 dòng có lỗi" in page and "Chưa có gì được ghi vào sổ" in page
    client.post(reverse("registry:import_confirm", args=[job.pk]), {"action": "write", "mode": "valid_only"})
    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "Đã ghi xong: 3 mới" in page


def test_big_files_go_through_the_background_task_and_reach_done(client, officer, home, settings):
    settings.IMPORT_BACKGROUND_ROWS = 1
    client.force_login(officer)
    client.post(
        reverse("registry:import_start"),
        {"kind": "residents", "commune": str(home.code), "file": SimpleUploadedFile("dan.xlsx", _xlsx(GOOD))},
    )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKED
    client.post(reverse("registry:import_confirm", args=[job.pk]), {"action": "write", "mode": "all"})
    job.refresh_from_db()
    assert (job.status, job.progress_percent, job.created_count) == (ImportStatus.DONE, 100, 3)


def test_a_job_whose_worker_died_is_picked_up_again(officer, home):
    job = _job(officer, home, _xlsx(GOOD))
    imports.job_confirm(acting_user=officer, job=job, mode="all")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.WRITING, heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
    )
    call_command("import_recover")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Resident.objects.filter(commune=home).count() == 3


def test_another_communes_officer_cannot_see_the_job(client, officer, home):
    job = _job(officer, home, _xlsx(GOOD))
    client.force_login(commune_officer(commune(CUOR_DANG)))
    assert client.get(reverse("registry:import_job", args=[job.pk])).status_code == 404
    assert (
        client.post(reverse("registry:import_confirm", args=[job.pk]), {"mode": "valid_only"}).status_code
        == 404
    )
