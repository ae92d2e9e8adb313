"""The import engine: reading, the dry run's report, writing in either mode, idempotence, recovery."""

import datetime
import io
import time
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from langso.accounts.tests.factories import commune_officer
from langso.core.models import AuditAction, AuditEntry
from langso.places.models import Village
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry import imports
from langso.registry.imports import jobs, reading
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
BC = "Thôn Bản Cáu"


def person(code, name, *, date="", year="", sex="Nam", ethnic="", cccd="", phone="", disabled="", smart="", head="", village=BC, poverty="", poverty_year=""):  # fmt: skip
    return [
        code,
        name,
        date,
        year,
        sex,
        ethnic,
        cccd,
        phone,
        disabled,
        smart,
        head,
        village,
        poverty,
        poverty_year,
    ]


GOOD = [
    person(
        "01-001",
        "Hoàng Văn Tuấn",
        date="05/03/1960",
        ethnic="Tày",
        cccd="019060001234",
        phone="0912 345 678",
        smart="Có",
        head="Có",
        poverty="Hộ nghèo",
        poverty_year="2025",
    ),  # fmt: skip
    person("01-001", "Nông Thị Hoa", year="1962", sex="Nữ", ethnic="Tay", phone="+84 987 654 321", smart="x"),
    # Decomposed Unicode, an Excel date cell, a CCCD and a phone typed as numbers (leading zeros lost).
    person(
        "01-002",
        unicodedata.normalize("NFD", "Ma Văn Sơn"),
        date=datetime.datetime(1975, 7, 1),
        sex="nam",
        ethnic="Kinh",
        cccd=19075001234,
        phone=912345678,
        disabled="Không",
        head="Có",
    ),  # fmt: skip
]
# At least twenty kinds of bad rows, each with the column its problem is reported under.
BAD = [
    (person("", "Không Mã Hộ", year="1970"), "Mã hộ"),  # household code missing
    (person("01-009", "", year="1970"), "Họ và tên"),  # name missing
    (person("01-009", "Lò Văn 123", year="1970"), "Họ và tên"),  # digits in a name
    (person("01-009", "Lò Văn A", year="1970", sex=""), "Giới tính"),  # sex missing
    (person("01-009", "Lò Văn B", year="1970", sex="Đực"), "Giới tính"),  # sex unknown
    (person("01-009", "Lò Văn C", date="31/02/1970"), "Ngày sinh"),  # impossible date
    (person("01-009", "Lò Văn D", date="05/03/2099"), "Ngày sinh"),  # born in the future
    (person("01-009", "Lò Văn E", year="1850"), "Năm sinh"),  # year out of range
    (person("01-009", "Lò Văn F", year="năm bảy mươi"), "Năm sinh"),  # year not a number
    (person("01-009", "Lò Văn G", date="05/03/1970", year="1971"), "Ngày sinh"),  # date and year disagree
    (person("01-009", "Lò Văn H", year="1970", ethnic="Klingon"), "Dân tộc"),  # unknown ethnic group
    (person("01-009", "Lò Văn I", year="1970", cccd="12345"), "Số CCCD"),  # CCCD too short
    (person("01-009", "Lò Văn K", year="1970", cccd="999170001234"), "Số CCCD"),  # no such province code
    (person("01-009", "Lò Văn L", year="1970", cccd="019185001234"), "Số CCCD"),  # CCCD says another year
    (person("01-009", "Lò Văn M", year="1960", cccd="019060001234"), "Số CCCD"),  # CCCD twice in the file
    (person("01-009", "Lò Văn N", year="1970", cccd="066070009999"), "Số CCCD"),  # CCCD held elsewhere
    (person("01-009", "Lò Văn O", year="1970", phone="0212345678"), "Số điện thoại"),  # landline prefix
    (person("01-009", "Lò Văn P", year="1970", phone="12345"), "Số điện thoại"),  # phone too short
    (person("01-009", "Lò Văn Q", year="1970", disabled="có lẽ"), "Khuyết tật"),  # not yes/no
    (person("01-009", "Lò Văn R", year="1970", village="Thôn Không Có"), "Thôn"),  # unknown village
    (person("01-010", "Lò Văn S", year="1970", poverty="Giàu"), "Phân loại hộ"),  # unknown poverty class
    (person("01-011", "Lò Văn T", year="1970", poverty="Hộ nghèo"), "Năm rà soát"),  # poor without year
    (person("01-009", '=HYPERLINK("x")', year="1970"), "Họ và tên"),  # a formula cell
    (person("01-009", "Lò Văn U" + "x" * 600, year="1970"), "Họ và tên"),  # a huge cell
    (person("01-001", "Nông Thị Hoa", year="1962", sex="Nữ"), "Họ và tên"),  # the same person twice
    (person("01-001", "Lò Văn V", year="1970", head="Có"), "Là chủ hộ"),  # a second head
    (
        person("01-001", "Lò Văn X", year="1970", village="Thôn Nà Pài"),
        "Thôn",
    ),  # household in another village
    (person("01-012", "Lò Văn Y", year="1970", village=""), "Mã hộ"),  # new household, no village
    (person("01-009", "Lò Văn Z", year="1970", smart="hay dùng"), "Có điện thoại thông minh"),  # not yes/no
]


def _xlsx(rows, headers=HEADERS, *, empty_tail=0, above=(), merges=()):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in above:
        sheet.append(line)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for _ in range(empty_tail):
        sheet.append([" "])
    for merge in merges:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _windows_1258(text):
    """Vietnamese as Windows' code page 1258 holds it: vowel letters precomposed, tones as combining marks."""
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and out:
            out[-1].append(ch)
        else:
            out.append([ch])
    result = ""
    for base, *marks in out:
        vowel = "".join(m for m in marks if m in "\u0302\u0306\u031b")
        result += unicodedata.normalize("NFC", base + vowel) + "".join(m for m in marks if m not in vowel)
    return result.encode("cp1258")


def _csv(rows, headers=HEADERS, *, delimiter=",", encoding="utf-8-sig"):
    import csv

    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return _windows_1258(text.getvalue()) if encoding == "cp1258" else text.getvalue().encode(encoding)


@pytest.fixture
def home():
    place = commune(NGHIA_TA)
    VillageFactory(commune=place, name=BC)
    VillageFactory(commune=place, name="Thôn Nà Pài")
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


def _write(officer, job, mode="all"):
    return imports.job_write(imports.job_confirm(acting_user=officer, job=job, mode=mode))


def _counts():
    return (
        Resident.objects.count(),
        Household.objects.count(),
        Village.objects.count(),
        AuditEntry.objects.exclude(action=AuditAction.LOGIN).count(),
        AuditEntry.objects.filter(action=AuditAction.CREATE).count(),
    )


def test_a_dry_run_lists_every_problem_with_row_column_value_and_reason_and_writes_nothing(officer, home):
    assert len({column for _row, column in BAD}) >= 10 and len(BAD) >= 20
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
        assert all(p["reason"] and len(p["value"]) <= 61 for p in problems)
    # The value is shown as the user typed it, cut when long.
    assert {"row": 10, "column": "Ngày sinh", "value": "31/02/1970"}.items() <= by_row[10][0].items()
    assert by_row[2 + len(GOOD) + 23][0]["value"].endswith("…")
    assert any("đã có trong sổ ở nơi khác" in p["reason"] for p in job.problems)
    assert "Cuôr" not in str(job.problems)  # where the other person lives is not revealed
    assert job.problem_counts["rows"] == len(BAD) and job.problem_counts["by_column"]["Số CCCD"] >= 5


def test_the_whole_file_is_refused_when_it_has_errors_and_valid_rows_only_writes_just_those(officer, home):
    job = _job(officer, home, _xlsx(GOOD + [BAD[0][0]]))
    with pytest.raises(ValidationError, match="dòng lỗi"):
        imports.job_confirm(acting_user=officer, job=job, mode="all")
    assert Resident.objects.filter(commune=home).count() == 0
    _write(officer, job, "valid_only")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.skipped_count, job.progress_percent) == (3, 1, 100)
    tuan = Resident.objects.get(cccd="019060001234")
    assert (tuan.birth_date, tuan.phone, tuan.household.code, tuan.is_head) == (
        datetime.date(1960, 3, 5),
        "0912345678",
        "01-001",
        True,
    )
    assert (tuan.village.name, tuan.commune_id, tuan.province_id) == (BC, home.code, home.province_id)
    assert tuan.household.poverty == "poor" and tuan.household.head == tuan
    son = Resident.objects.get(household__code="01-002")
    assert (son.full_name, son.cccd, son.phone, son.name_folded) == (
        "Ma Văn Sơn",
        "019075001234",
        "0912345678",
        "ma van son",
    )
    assert son.sort_key
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert (entry.changes["created"], entry.changes["skipped"], entry.object_id) == (3, 1, str(job.pk))
    assert AuditEntry.objects.filter(resident_id=tuan.pk, action=AuditAction.CREATE).exists()
    assert AuditEntry.objects.filter(object_type="registry.household", action=AuditAction.CREATE).count() == 2
    # The import's keys are time-ordered (version 7: its indexes take each chunk at their end).
    assert {r.pk.version for r in Resident.objects.filter(commune=home)} == {7}
    assert {h.pk.version for h in Household.objects.filter(commune=home)} == {7}


def test_re_importing_the_same_file_creates_no_duplicates_and_reports_unchanged(officer, home):
    data = _xlsx(GOOD)
    _write(officer, _job(officer, home, data))
    again = _write(officer, _job(officer, home, data))
    assert (again.status, again.created_count, again.updated_count, again.unchanged_count) == (
        ImportStatus.DONE,
        0,
        0,
        3,
    )
    assert Resident.objects.filter(commune=home).count() == 3
    assert Household.objects.filter(commune=home).count() == 2
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE).count() == 0


def test_a_changed_file_updates_only_what_it_gives_and_an_empty_cell_erases_nothing(officer, home):
    _write(officer, _job(officer, home, _xlsx(GOOD)))
    hoa = Resident.objects.get(full_name="Nông Thị Hoa")
    # A shorter file: no phone column; Hoa's smartphone cell now says "Không", Tuấn's CCCD cell is empty.
    headers = ["Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Số CCCD", "Có điện thoại thông minh"]
    rows = [
        ["01-001", "Hoàng Văn Tuấn", "1960", "Nam", "", ""],
        ["01-001", "Nông Thị Hoa", "1962", "Nữ", "", "Không"],
    ]
    job = _write(officer, _job(officer, home, _xlsx(rows, headers)))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 1)
    hoa.refresh_from_db()
    tuan = Resident.objects.get(full_name="Hoàng Văn Tuấn")
    assert (hoa.owns_smartphone, hoa.phone) == (False, "0987654321")
    assert (tuan.cccd, tuan.phone, tuan.birth_date) == (
        "019060001234",
        "0912345678",
        datetime.date(1960, 3, 5),
    )
    update = AuditEntry.objects.get(action=AuditAction.UPDATE, resident_id=hoa.pk)
    assert update.changes["owns_smartphone"] == [True, False] and update.note == f"import {job.pk}"


def test_a_person_first_imported_without_cccd_is_matched_when_the_cccd_arrives(officer, home):
    without = person("02-001", "Lường Văn Minh", year="1970", village=BC)
    _write(officer, _job(officer, home, _xlsx([without])))
    with_cccd = person("02-001", "Lường Văn Minh", year="1970", cccd="019070004321", village=BC)
    job = _write(officer, _job(officer, home, _xlsx([with_cccd])))
    assert (job.created_count, job.updated_count) == (0, 1)
    assert Resident.objects.get(full_name="Lường Văn Minh").cccd == "019070004321"


def test_two_people_with_the_same_name_and_year_in_a_household_are_told_apart_by_their_cccd(officer, home):
    twins = [
        person("04-001", "Vàng A Dũng", year="2001", cccd="019201000111"),
        person("04-001", "Vàng A Dũng", year="2001", cccd="019201000222"),
    ]
    job = _job(officer, home, _xlsx(twins))
    assert (job.valid_rows, job.skipped_count) == (2, 0), job.problems
    assert _write(officer, job).created_count == 2
    assert _write(officer, _job(officer, home, _xlsx(twins))).unchanged_count == 2


def test_csv_files_in_any_encoding_and_other_header_spellings_are_read(officer, home):
    text = "ho ten;GIOI TINH;nam sinh;ma ho;thon\nLò Thị Mai;Nữ;1980;02-001;Thôn Bản Cáu\n"
    job = _job(officer, home, text.encode("utf-8-sig"), name="dan.csv")
    assert (job.status, job.valid_rows) == (ImportStatus.CHECKED, 1), job.problems
    _write(officer, job)
    assert Resident.objects.get(full_name="Lò Thị Mai").birth_year == 1980
    for encoding in ("utf-16", "cp1258", "utf-8"):
        data = _csv([person("02-002", "Đặng Thị Lan", year="1985", sex="Nữ")], encoding=encoding)
        job = _job(officer, home, data, name=f"dan-{encoding}.csv")
        assert (job.valid_rows, job.skipped_count) == (1, 0), (encoding, job.problems)
        assert any("Windows-1258" in p["reason"] for p in job.problems) == (encoding == "cp1258")
    _write(officer, job)
    # Tones stored as combining marks by the code page come out as NFC.
    assert Resident.objects.get(full_name="Đặng Thị Lan").name_folded == "dang thi lan"


def test_headers_may_sit_under_a_title_in_any_order_with_other_columns(officer, home):
    headers = [
        "STT",
        "GIỚI TÍNH",
        "HỌ VÀ TÊN",
        "Nghề nghiệp",
        "Mã hộ gia đình",
        "Tên thôn",
        "Năm sinh",
        "Ghi chú",
    ]
    rows = [["1", "Nữ", "Triệu Thị Dung", "Làm ruộng", "03-001", BC, "1990", ""]]
    title = [["DANH SÁCH NGƯỜI DÂN XÃ NGHĨA TÁ"], ["Cập nhật tháng 3/2026"], []]
    job = _job(officer, home, _xlsx(rows, headers, above=title, merges=["A1:H1"]))
    assert (job.status, job.valid_rows, job.skipped_count) == (ImportStatus.CHECKED, 1, 0), job.problems
    notes = [p for p in job.problems if p.get("note") and "chủ hộ" not in p["reason"]]
    # Unknown columns are named once, on the header row (STT is expected and not named).
    assert len(notes) == 1 and notes[0]["row"] == 4
    assert notes[0]["column"] == "Nghề nghiệp"  # Ghi chú is the person's notes (a known column)


def test_a_file_that_is_not_a_readable_spreadsheet_is_refused_with_a_reason(officer, home, settings):
    refusals = {
        ("dan.xlsx", b"not a zip"): "không phải tệp .xlsx thật",
        ("dan.xls", reading._OLE2 + b"\x00" * 600): "tệp Excel cũ",
        ("dan.xlsx", reading._OLE2 + "EncryptionInfo".encode("utf-16-le")): "mật khẩu",
        ("dan.pdf", b"%PDF-1.7"): "Chỉ nhận tệp .xlsx hoặc .csv",
        ("dan.csv", b""): "Tệp trống",
    }
    for (name, data), reason in refusals.items():
        with pytest.raises(ValidationError, match=reason):
            imports.job_create(
                acting_user=officer, kind="residents", commune=home, upload=SimpleUploadedFile(name, data)
            )
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="Tệp quá lớn"):
        _job(officer, home, _xlsx(GOOD))
    settings.IMPORT_MAX_BYTES = 10_000_000
    missing = _job(officer, home, _xlsx([["x"]], headers=["Họ và tên"]))
    assert (
        missing.status == ImportStatus.MAPPING  # she is asked which of her columns holds what
        and "Mã hộ, Giới tính" in missing.error_message
    )
    assert _job(officer, home, _xlsx([["a", "b"]], headers=["x", "y"])).status == ImportStatus.MAPPING
    no_header = _job(officer, home, _xlsx([["a"]], headers=["x"]))  # one lone column: not a list
    assert no_header.status == ImportStatus.FAILED and "dòng tiêu đề" in no_header.error_message
    broken = _xlsx(GOOD)[:-200]  # a zip cut short
    assert _job(officer, home, broken).status == ImportStatus.FAILED
    settings.IMPORT_MAX_ROWS = 2
    too_many = _job(officer, home, _xlsx(GOOD))
    assert too_many.status == ImportStatus.FAILED and "hơn 2 dòng" in too_many.error_message


def test_fifty_thousand_empty_rows_after_the_data_are_ignored_quickly(officer, home):
    data = _xlsx(GOOD, empty_tail=50_000, merges=["A2:A3"])
    started = time.perf_counter()
    job = _job(officer, home, data)
    assert time.perf_counter() - started < 10
    assert (job.total_rows, job.valid_rows, job.skipped_count) == (3, 1, 2)
    # Reading stopped early, and the merged cells (stored after the rows) were still found.
    assert {p["row"] for p in job.problems if "Ô gộp" in p["reason"]} == {2, 3}


def test_rows_with_only_optional_cells_are_skipped_but_partly_filled_rows_are_errors(officer, home):
    rows = [
        *GOOD,
        person("", "", sex="", ethnic="Kinh", smart="Không", village=""),
        person("01-003", "", year="1990"),
    ]
    job = _job(officer, home, _xlsx(rows))
    assert (job.total_rows, job.valid_rows, job.skipped_count) == (4, 3, 1)
    assert any("Bỏ qua 1 dòng" in p["reason"] and p.get("note") for p in job.problems)


def test_merged_cells_in_the_data_are_reported_on_every_row_they_cover(officer, home):
    rows = [GOOD[0], [None, *GOOD[1][1:]], GOOD[2]]
    job = _job(officer, home, _xlsx(rows, merges=["A2:A3"]))
    merged = [p for p in job.problems if "Ô gộp" in p["reason"]]
    assert [(p["row"], p["column"], p["value"]) for p in merged] == [
        (2, "Mã hộ", "A2:A3"),
        (3, "Mã hộ", "A2:A3"),
    ]
    assert job.valid_rows == 1


def test_villages_and_households_import_with_their_own_templates(officer, home):
    village_headers = ["Tên thôn", "Loại", "Cáp quang", "4G", "5G", "Ngày kiểm tra"]
    villages = _job(
        officer,
        home,
        _xlsx(
            [
                ["Bản Khuổi Chao", "Bản", "Có", "Một phần", "Không", "05/03/2026"],
                ["Bản Khuổi Chao", "Bản", "", "", "", ""],
                ["Bản Mới", "Làng", "", "", "", ""],
                ["Bản Mới 2", "", "Nhiều", "", "", "32/01/2026"],
            ],
            headers=village_headers,
        ),
        kind="villages",
    )
    assert (villages.valid_rows, villages.skipped_count) == (1, 3)
    _write(officer, villages, "valid_only")
    village = Village.objects.get(name="Bản Khuổi Chao")
    assert (village.kind, village.mobile_4g, village.coverage_checked_on, village.name_folded) == (
        "ban",
        "partial",
        datetime.date(2026, 3, 5),
        "ban khuoi chao",
    )
    # The same village again, only its 5G changed: updated; the empty cells keep what was there.
    again = _write(
        officer,
        _job(
            officer, home, _xlsx([["Bản Khuổi Chao", "", "", "", "Có", ""]], village_headers), kind="villages"
        ),
    )
    village.refresh_from_db()
    assert (again.updated_count, village.mobile_5g, village.mobile_4g, village.kind) == (
        1,
        "yes",
        "partial",
        "ban",
    )
    household_headers = ["Mã hộ", "Thôn", "Phân loại hộ", "Năm rà soát"]
    households = _job(
        officer,
        home,
        _xlsx(
            [["03-001", "Bản Khuổi Chao", "Cận nghèo", "2025"], ["03-002", "Bản Lạ", "", ""]],
            household_headers,
        ),
        kind="households",
    )
    assert (households.valid_rows, households.skipped_count) == (1, 1)
    _write(officer, households, "valid_only")
    household = Household.objects.get(code="03-001")
    assert (household.poverty, household.poverty_year, household.commune_id) == ("near_poor", 2025, home.code)
    moved = _write(
        officer,
        _job(officer, home, _xlsx([["03-001", BC, "Không", ""]], household_headers), kind="households"),
    )
    household.refresh_from_db()
    assert (moved.updated_count, household.village.name, household.poverty, household.poverty_year) == (
        1,
        BC,
        "none",
        None,
    )


def test_the_template_has_the_headers_the_import_reads_and_explains_each_column(officer, home):
    for kind in ("villages", "households", "residents"):
        content = imports.template_xlsx(kind)
        book = openpyxl.load_workbook(io.BytesIO(content))
        headers = [c.value for c in book.worksheets[0][1]]
        table = imports.parse_table(kind, content, "mau.xlsx")
        assert set(table.columns) == {c.key for c in imports.COLUMNS[kind]}, headers
        help_rows = list(book["Hướng dẫn"].iter_rows(values_only=True))
        assert help_rows[0][:3] == ("Cột", "Bắt buộc", "Cách ghi")
        assert {row[0] for row in help_rows[1:]} >= set(headers)
    # The example row is never a person: a template sent back as it is has nothing to write.
    with pytest.raises(imports.FileRefused, match="chỉ có dòng ví dụ"):
        imports.check_file(
            kind="residents", commune=home, data=imports.template_xlsx("residents"), filename="mau.xlsx"
        )


def test_running_a_finished_job_again_does_nothing(officer, home):
    job = _write(officer, _job(officer, home, _xlsx(GOOD)))
    assert imports.job_write(job).status == ImportStatus.DONE
    assert imports.job_check(job).status == ImportStatus.DONE
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 1
    assert Resident.objects.filter(commune=home).count() == 3


def test_a_cancelled_job_writes_nothing_and_cannot_be_confirmed(officer, home):
    job = _job(officer, home, _xlsx(GOOD))
    imports.job_cancel(acting_user=officer, job=job)
    assert job.status == ImportStatus.CANCELLED
    with pytest.raises(ValidationError):
        imports.job_confirm(acting_user=officer, job=job, mode="all")
    assert Resident.objects.filter(commune=home).count() == 0


def test_a_cccd_taken_elsewhere_after_the_dry_run_stops_the_whole_file_or_skips_its_row(officer, home):
    all_job = _job(officer, home, _xlsx(GOOD))
    some_job = _job(officer, home, _xlsx(GOOD))
    ResidentFactory(
        household=HouseholdFactory(village=Village.objects.filter(commune_id=CUOR_DANG).first()),
        cccd="019060001234",
        birth_year=1960,
    )
    all_job = _write(officer, all_job, "all")
    assert all_job.status == ImportStatus.FAILED and "không ghi gì" in all_job.error_message
    assert Resident.objects.filter(commune=home).count() == 0
    some_job = _write(officer, some_job, "valid_only")
    assert (some_job.status, some_job.created_count, some_job.skipped_count) == (ImportStatus.DONE, 2, 1)
    assert any("ở nơi khác" in p["reason"] for p in some_job.problems)


class WorkerDied(BaseException):
    """Stands for the worker process being killed: not an Exception, so nothing catches it."""


def _dying_writer(monkeypatch, kill_on_call):
    calls = {"n": 0}
    real = imports.WRITERS["residents"]

    def writer(rows, job, counts, households):
        calls["n"] += 1
        if calls["n"] == kill_on_call:
            raise WorkerDied
        real(rows, job, counts, households)

    monkeypatch.setitem(imports.WRITERS, "residents", writer)
    return real


def _age(job):
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(hours=1))


@pytest.mark.parametrize("mode", ["all", "valid_only"])
def test_the_saved_dry_run_is_written_back_whole_when_its_lines_and_the_write_chunks_do_not_line_up(
    officer, home, monkeypatch, mode
):
    """The dry run keeps its rows a line per SAVED_CHUNK rows; the write reads them back a chunk at a
    time: chunks that start and end inside a line still write every row once, in order."""
    from langso.registry.imports import spool

    monkeypatch.setattr(spool, "SAVED_CHUNK", 2)  # lines of 2 rows: [1, 2], [3]
    monkeypatch.setattr(jobs, "WRITE_CHUNK", 1 if mode == "valid_only" else 3)
    seen: list[int] = []
    real = imports.WRITERS["residents"]

    def writer(rows, job, counts, households):
        seen.extend(r.row for r in rows)
        real(rows, job, counts, households)

    monkeypatch.setitem(imports.WRITERS, "residents", writer)
    job = _write(officer, _job(officer, home, _xlsx(GOOD)), mode=mode)
    assert (job.status, job.created_count) == (ImportStatus.DONE, 3)
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 3
    assert sorted(Resident.objects.filter(commune=home).values_list("full_name", flat=True)) == [
        "Hoàng Văn Tuấn",
        "Ma Văn Sơn",
        "Nông Thị Hoa",
    ]


@pytest.mark.parametrize("mode", ["all", "valid_only"])
def test_a_job_whose_worker_died_is_resumed_by_import_recover_without_duplicates(
    officer, home, monkeypatch, mode
):
    monkeypatch.setattr(jobs, "WRITE_CHUNK", 1)
    job = imports.job_confirm(acting_user=officer, job=_job(officer, home, _xlsx(GOOD)), mode=mode)
    real = _dying_writer(monkeypatch, kill_on_call=2)
    with pytest.raises(WorkerDied):
        imports.job_write(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.WRITING
    # All or nothing left nothing behind; valid rows kept its first committed chunk.
    assert Resident.objects.filter(commune=home).count() == (0 if mode == "all" else 1)
    assert job.processed_rows == (0 if mode == "all" else 1)
    monkeypatch.setitem(imports.WRITERS, "residents", real)
    call_command("import_recover")
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.WRITING  # not stale yet: left alone
    _age(job)
    call_command("import_recover")  # the test settings run the re-queued task at once
    job.refresh_from_db()
    assert (job.status, job.created_count, job.attempts, job.progress_percent) == (
        ImportStatus.DONE,
        3,
        1,
        100,
    )
    assert Resident.objects.filter(commune=home).count() == 3
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="registry.resident").count() == 3


def test_import_recover_requeues_a_stale_job_and_fails_it_after_several_tries(officer, home, monkeypatch):
    job = imports.job_confirm(acting_user=officer, job=_job(officer, home, _xlsx(GOOD)), mode="all")
    _dying_writer(monkeypatch, kill_on_call=1)
    with pytest.raises(WorkerDied):
        imports.job_write(job)
    fresh = ImportJob.objects.get(pk=job.pk)
    assert imports.job_recover(fresh) == "fresh"  # a live heartbeat: left alone
    _age(job)
    queued = []
    monkeypatch.setattr("langso.registry.tasks.write_import", type("Task", (), {"enqueue": queued.append})())
    assert imports.job_recover(fresh) == "requeued"
    fresh.refresh_from_db()
    assert (fresh.status, fresh.attempts, queued) == (ImportStatus.QUEUED, 1, [str(job.pk)])
    for _ in range(imports.MAX_RECOVERIES - 1):
        _age(job)
        assert imports.job_recover(fresh) == "requeued"
    _age(job)
    assert imports.job_recover(fresh) == "failed"
    fresh.refresh_from_db()
    assert fresh.status == ImportStatus.FAILED and "không có gì được ghi" in fresh.error_message
    assert Resident.objects.filter(commune=home).count() == 0


def test_uploads_of_long_finished_imports_are_deleted_but_their_reports_kept(officer, home):
    old = _write(officer, _job(officer, home, _xlsx(GOOD)))
    recent = _job(officer, home, _xlsx(GOOD))
    imports.job_cancel(acting_user=officer, job=recent)
    ImportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=40))
    path = old.file.path
    call_command("import_recover", "--purge-days", "30")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and not Path(path).exists()
    assert (old.status, old.created_count) == (ImportStatus.DONE, 3)
    assert recent.file and Path(recent.file.path).exists()
