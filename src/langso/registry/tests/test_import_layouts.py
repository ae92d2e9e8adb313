"""A commune's own lists: her headers recognised or mapped once (and remembered), the template's example
row never a person, the refused rows back as a file to fix and import again, rows counted for the
background threshold."""

import datetime
import hashlib
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from langso.accounts.tests.factories import commune_officer
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry import imports
from langso.registry.models import ImportColumnMapping, ImportJob, ImportStatus, Resident

pytestmark = pytest.mark.django_db
BC = "Thôn Bản Cáu"


def _xlsx(headers, rows, *, above=()):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in above:
        sheet.append(line)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def home():
    place = commune(NGHIA_TA)
    VillageFactory(commune=place, name=BC)
    return place


@pytest.fixture
def officer(home):
    return commune_officer(home)


def _job(officer, home, data, name="ds.xlsx", kind="residents"):
    job = imports.job_create(
        acting_user=officer, kind=kind, commune=home, upload=SimpleUploadedFile(name, data)
    )
    return imports.job_check(job)


def _write(officer, job, mode="valid_only"):
    return imports.job_write(imports.job_confirm(acting_user=officer, job=job, mode=mode))


# Five layouts communes keep, with their own headers, for the same three people.
LAYOUTS = {
    "sổ hộ của xã": (
        [
            "STT",
            "Số hộ",
            "Họ tên",
            "Năm sinh",
            "Giới tính",
            "Dân tộc",
            "Số CMND/CCCD",
            "Tổ/xóm",
            "SĐT",
            "Ghi chú",
        ],
        lambda p: [
            p["n"],
            p["code"],
            p["name"],
            p["year"],
            p["sex"],
            p["ethnic"],
            p["cccd"],
            BC,
            p["phone"],
            p["note"],
        ],
    ),
    "danh sách nhân khẩu, chữ in hoa": (
        ["TT", "MÃ HGĐ", "HỌ VÀ TÊN", "NGÀY SINH", "GIỚI TÍNH", "CCCD", "THÔN/XÓM", "QUAN HỆ VỚI CHỦ HỘ"],
        lambda p: [p["n"], p["code"], p["name"], p["date"], p["sex"], p["cccd"], BC, p["relation"]],
    ),
    "không dấu, dấu câu khác": (
        [
            "So thu tu",
            "Ma ho gia dinh",
            "Ho va ten",
            "Nam sinh",
            "Gioi tinh",
            "So CCCD/CMND",
            "Thon / ban",
            "Chu ho",
        ],
        lambda p: [
            p["n"],
            p["code"],
            p["name"],
            p["year"],
            p["sex"],
            p["cccd"],
            BC,
            "x" if p["head"] else "",
        ],
    ),
    "dưới tiêu đề, cột lạ xen giữa": (
        [
            "Số hộ khẩu",
            "Ghi chú của thôn",
            "Họ và tên",
            "Nam/Nữ",
            "Ngày tháng năm sinh",
            "Thôn, bản",
            "Điện thoại",
        ],
        lambda p: [p["code"], "đã rà soát", p["name"], p["sex"], p["date"], BC, p["phone"]],
    ),
    "CSV từ phần mềm khác": (
        ["Mã số hộ", "Họ, tên", "Giới", "Sinh năm", "Dân tộc", "Số định danh cá nhân", "Thôn/tổ dân phố"],
        lambda p: [p["code"], p["name"], p["sex"], p["year"], p["ethnic"], p["cccd"], BC],
    ),
}
PEOPLE = [
    {"n": 1, "code": "BC-01", "name": "Hoàng Văn Tuấn", "year": "1960", "date": "05/03/1960", "sex": "Nam",
     "ethnic": "Tày", "cccd": "019060001234", "phone": "0912345678", "relation": "Chủ hộ", "head": True, "note": ""},
    {"n": 2, "code": "BC-01", "name": "Nông Thị Hoa", "year": "1962", "date": "01/01/1962", "sex": "Nữ",
     "ethnic": "Tày", "cccd": "", "phone": "", "relation": "Vợ", "head": False, "note": "Đi làm xa"},
    {"n": 3, "code": "BC-02", "name": "Ma Văn Sơn", "year": "1975", "date": "01/07/1975", "sex": "Nam",
     "ethnic": "Kinh", "cccd": "019075001234", "phone": "0987654321", "relation": "Chủ hộ", "head": True, "note": ""},
]  # fmt: skip


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_common_vietnamese_header_sets_are_read_without_any_mapping(officer, home, layout):
    headers, row = LAYOUTS[layout]
    rows = [row(p) for p in PEOPLE]
    if layout.startswith("CSV"):
        import csv

        text = io.StringIO()
        csv.writer(text).writerows([headers, *rows])
        data, name = text.getvalue().encode("utf-8-sig"), "ds.csv"
    else:
        above = [["DANH SÁCH NHÂN KHẨU THÔN BẢN CÁU"], []] if "tiêu đề" in layout else ()
        data, name = _xlsx(headers, rows, above=above), "ds.xlsx"
    job = _job(officer, home, data, name)
    assert job.status == ImportStatus.CHECKED, (job.status, job.error_message)
    assert (job.total_rows, job.valid_rows) == (3, 3), job.problems
    job = _write(officer, job)
    assert job.status == ImportStatus.DONE
    tuan = Resident.objects.get(full_name="Hoàng Văn Tuấn")
    assert tuan.birth_year == 1960 and tuan.household.code == "BC-01"
    hoa = Resident.objects.get(full_name="Nông Thị Hoa")
    if "Quan hệ" in str(headers).title() or layout.startswith(("danh sách", "không dấu")):
        # "Quan hệ với chủ hộ: Chủ hộ / Vợ" and a "Chủ hộ" column marked x both say who the head is.
        assert tuan.is_head and not hoa.is_head and tuan.household.head_id == tuan.pk
    if "Ghi chú" in headers:  # her notes column: the person's notes
        assert hoa.notes == "Đi làm xa" and tuan.notes == ""
    if "Ghi chú của thôn" in headers:
        unused = [p for p in job.problems if p.get("note") and "không dùng đến" in p["reason"]]
        assert unused and "Ghi chú của thôn" in unused[0]["column"]


UNKNOWN = ["Hộ", "Người", "Năm sinh", "Phái tính", "Xóm", "Liên lạc"]


def _unknown_layout_file(people=PEOPLE):
    return _xlsx(UNKNOWN, [[p["code"], p["name"], p["year"], p["sex"], BC, p["phone"]] for p in people])


def test_a_layout_without_the_required_headers_asks_for_a_mapping_which_is_remembered_for_the_commune(
    officer, home
):
    job = _job(officer, home, _unknown_layout_file())
    assert job.status == ImportStatus.MAPPING
    assert "Mã hộ" in job.error_message and "Họ và tên" in job.error_message
    assert job.layout["headers"] == UNKNOWN
    assert job.layout["fields"][2] == "birth_year"  # what was recognised is proposed
    assert job.layout["samples"][0][:2] == ["BC-01", "Hoàng Văn Tuấn"]
    assert not Resident.objects.exists()

    fields = ["household_code", "full_name", "birth_year", "sex", "village", "phone"]
    with pytest.raises(ValidationError, match="hai cột"):
        imports.job_map_columns(
            acting_user=officer, job=job, fields=["full_name", "full_name", "", "", "", ""]
        )
    job = imports.job_check(imports.job_map_columns(acting_user=officer, job=job, fields=fields))
    assert job.status == ImportStatus.CHECKED and job.valid_rows == 3, job.problems
    assert _write(officer, job).created_count == 3
    assert Resident.objects.get(full_name="Ma Văn Sơn").phone == "0987654321"
    saved = ImportColumnMapping.objects.get(commune=home, kind="residents")
    assert saved.fields == fields and saved.headers == UNKNOWN

    # Her next file with the same headers (any case, any accents) goes straight to the dry run.
    again = _job(
        officer, home, _xlsx([h.upper() for h in UNKNOWN], [["BC-03", "Lò Văn Mới", "1990", "Nam", BC, ""]])
    )
    assert again.status == ImportStatus.CHECKED and again.valid_rows == 1
    assert any("cách ghép cột đã lưu" in p["reason"] for p in again.problems)
    # Another commune does not get her mapping.
    other = commune(CUOR_DANG)
    VillageFactory(commune=other, name=BC)
    elsewhere = _job(commune_officer(other), other, _unknown_layout_file())
    assert elsewhere.status == ImportStatus.MAPPING


def test_a_checked_file_can_be_mapped_again_to_read_a_column_that_was_ignored(officer, home):
    headers = ["Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Thôn", "Liên lạc"]
    rows = [[p["code"], p["name"], p["year"], p["sex"], BC, p["phone"]] for p in PEOPLE]
    job = _job(officer, home, _xlsx(headers, rows))
    assert job.status == ImportStatus.CHECKED
    assert any("Liên lạc" in p["column"] and p.get("note") for p in job.problems)
    fields = [*job.layout["fields"][:5], "phone"]
    job = imports.job_check(imports.job_map_columns(acting_user=officer, job=job, fields=fields))
    assert job.status == ImportStatus.CHECKED
    _write(officer, job)
    assert Resident.objects.get(full_name="Hoàng Văn Tuấn").phone == "0912345678"


def test_the_templates_example_row_is_never_a_person_old_or_new_template(officer, home):
    for kind in ("villages", "households", "residents"):
        book = openpyxl.load_workbook(io.BytesIO(imports.template_xlsx(kind)))
        example = [c.value for c in book.worksheets[0][2]]
        assert str(example[0]).startswith("Ví dụ: ") and book.worksheets[0]["A2"].font.i
    template = openpyxl.load_workbook(io.BytesIO(imports.template_xlsx("residents")))
    sheet = template.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[-1] == "Ghi chú"  # the template has a column for a note about the person
    sheet.append(
        ["BC-09", "Lò Thị Thật", "", "1980", "Nữ", "", "", "", "", "", "", BC, "", "", "", "Đi làm xa"]
    )
    buffer = io.BytesIO()
    template.save(buffer)
    job = _job(officer, home, buffer.getvalue())
    assert job.valid_rows == 1 and job.total_rows == 1
    assert [p["row"] for p in job.problems if "Dòng ví dụ" in p["reason"]] == [2]
    # An older template's example row, unmarked: the full layout with every example value.
    spec = imports.COLUMNS["residents"]
    real = ["BC-08", "Lò Văn Thật", "", "1981", "Nam", "", "", "", "", "", "", BC, "", ""]
    old = _xlsx([str(c.header) for c in spec], [[c.example for c in spec], real])
    old_job = _job(officer, home, old)
    assert old_job.valid_rows == 1 and [
        p["row"] for p in old_job.problems if "Dòng ví dụ" in p["reason"]
    ] == [2]
    only_example = _job(officer, home, _xlsx([str(c.header) for c in spec], [[c.example for c in spec]]))
    assert only_example.status == ImportStatus.FAILED and "chỉ có dòng ví dụ" in only_example.error_message
    _write(officer, job)
    assert not Resident.objects.filter(full_name="Hoàng Văn Tuấn").exists()
    assert Resident.objects.get(full_name="Lò Thị Thật").notes == "Đi làm xa"


def test_the_refused_rows_come_back_as_her_rows_with_reasons_and_import_again_once_fixed(
    client, officer, home
):
    headers = ["STT", "Số hộ", "Họ tên", "Ngày sinh", "Giới tính", "CCCD", "Tổ/xóm", "Ghi chú riêng"]
    rows = [
        [
            1,
            "BC-01",
            "Hoàng Văn Tuấn",
            datetime.datetime(1960, 3, 5),
            "Nam",
            "019060001234",
            BC,
            "ông trưởng họ",
        ],
        [2, "BC-01", "Lò Văn 123", "05/05/1970", "Nam", "", BC, "gõ nhầm"],
        [3, "BC-02", "Ma Thị Lan", "12/13/1980", "Nữ", 19080001234, BC, ""],
        [4, "BC-02", "Ma Văn Sơn", "01/07/1975", "Nam", "", BC, ""],
    ]
    job = _job(officer, home, _xlsx(headers, rows, above=[["DANH SÁCH THÔN BẢN CÁU"]]))
    assert (job.valid_rows, job.skipped_count) == (2, 2)
    _write(officer, job)
    client.force_login(officer)
    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert reverse("registry:import_refused", args=[job.pk]) in page
    response = client.get(reverse("registry:import_refused", args=[job.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="dong-bi-tu-choi-ds.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    got = [[c.value for c in row] for row in sheet.iter_rows()]
    assert got[0][:-1] == headers and got[0][-1].startswith("Lý do bị từ chối")
    # Her rows as she wrote them: her columns, her values (the number stays a number), and the reasons.
    assert got[1][:-1] == [2, "BC-01", "Lò Văn 123", "05/05/1970", "Nam", None, BC, "gõ nhầm"]
    assert got[2][:-1] == [3, "BC-02", "Ma Thị Lan", "12/13/1980", "Nữ", 19080001234, BC, None]
    assert "Họ tên: " in got[1][-1] and "Ngày sinh: " in got[2][-1]
    assert len(got) == 3

    # She fixes one row and sends the file back: the reasons column is ignored.
    sheet["C2"] = "Lò Văn Tâm"
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    again = _job(officer, home, buffer.getvalue(), name="dong-bi-tu-choi-ds.xlsx")
    assert (again.valid_rows, again.skipped_count) == (1, 1), again.problems
    assert not [p for p in again.problems if "Lý do" in p["column"]]  # her own "Ghi chú riêng" is noted
    _write(officer, again)
    assert Resident.objects.filter(full_name="Lò Văn Tâm", birth_year=1970).exists()


def test_no_refused_file_when_nothing_was_refused(client, officer, home):
    job = _job(
        officer,
        home,
        _xlsx(
            ["Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Thôn"], [["A-1", "Lò Văn A", "1970", "Nam", BC]]
        ),
    )
    client.force_login(officer)
    assert client.get(reverse("registry:import_refused", args=[job.pk])).status_code == 404


def test_templates_download_with_vietnamese_file_names(client, officer):
    client.force_login(officer)
    names = {
        kind: client.get(reverse("registry:import_template", args=[kind]))["Content-Disposition"]
        for kind in ("villages", "households", "residents")
    }
    assert names == {
        "villages": 'attachment; filename="mau-nhap-thon-ban.xlsx"',
        "households": 'attachment; filename="mau-nhap-ho-gia-dinh.xlsx"',
        "residents": 'attachment; filename="mau-nhap-nguoi-dan.xlsx"',
    }


def test_the_background_threshold_is_a_number_of_rows_not_a_file_size(
    client, officer, home, settings, monkeypatch
):
    from langso.registry import import_views

    queued = []
    monkeypatch.setattr(
        import_views, "check_import", type("Task", (), {"enqueue": staticmethod(queued.append)})
    )
    settings.IMPORT_BACKGROUND_ROWS = 50
    client.force_login(officer)
    # Long cells make a big file of few rows; short cells a small file of many rows.
    few = _xlsx(["Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Thôn", "Ghi chú"],
                [[f"A-{i}", "Lò Văn A", "1970", "Nam", BC, "".join(hashlib.sha512(f"{i}-{k}".encode()).hexdigest() for k in range(4))] for i in range(10)])  # fmt: skip
    many = _xlsx(["Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Thôn"],
                 [[f"A-{i}", "Lò Văn A", "1970", "Nam", BC] for i in range(60)])  # fmt: skip
    assert len(few) > len(many)
    for data, background in ((few, False), (many, True)):
        client.post(
            reverse("registry:import_start"),
            {"kind": "residents", "commune": str(home.code), "file": SimpleUploadedFile("ds.xlsx", data)},
        )
        job = ImportJob.objects.latest("created_at")
        assert (job.status == ImportStatus.CHECKING) is background
        assert bool(queued) is background


def test_a_stalled_job_whose_task_no_worker_took_says_the_worker_is_not_running(
    client, officer, home, settings
):
    from django.utils import timezone

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from langso.registry.tasks import check_import

    job = imports.job_create(
        acting_user=officer,
        kind="residents",
        commune=home,
        upload=SimpleUploadedFile("ds.xlsx", _unknown_layout_file()),
    )
    check_import.enqueue(str(job.pk))
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=30))
    assert imports.job_recover(job) == "waiting"  # not re-queued, no attempt counted, not failed
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKING and job.attempts == 0
    client.force_login(officer)
    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "Bộ xử lý nền không chạy" in page and "make run" in page
    assert "chia tệp" not in page


def test_the_mapping_page_lists_her_columns_and_its_form_checks_the_file(client, officer, home):
    client.force_login(officer)
    response = client.post(
        reverse("registry:import_start"),
        {
            "kind": "residents",
            "commune": str(home.code),
            "file": SimpleUploadedFile("ds.xlsx", _unknown_layout_file()),
        },
    )
    job = ImportJob.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    page = client.get(response["Location"]).content.decode()
    assert 'id="column-map"' in page and page.count("<select") == len(UNKNOWN)
    assert "Hoàng Văn Tuấn" in page  # her values, to recognise each column
    url = reverse("registry:import_columns", args=[job.pk])
    client.post(url, {"column_0": "full_name", "column_1": "full_name"})  # refused: one field twice
    job.refresh_from_db()
    assert job.status == ImportStatus.MAPPING
    fields = ["household_code", "full_name", "birth_year", "sex", "village", "phone"]
    response = client.post(url, {f"column_{i}": f for i, f in enumerate(fields)})
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and job.valid_rows == 3
    assert "Tệp có 3 dòng: 3 dòng hợp lệ" in client.get(response["Location"]).content.decode()


def test_rows_are_counted_without_reading_the_sheet_when_no_used_range_is_written():
    """openpyxl's write-only mode writes no used range: the count comes from the sheet's last cell
    that holds a value (a styled empty row after it does not count), as python-calamine counts."""
    from langso.registry.imports.reading import _XlsxSource, count_rows

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Người dân")
    sheet.append(["Mã hộ", "Họ và tên", "Năm sinh"])
    for i in range(1, 2501):
        sheet.append([f"A-{i}", 'NGUYỄN VĂN AN <c r="Z9">', 1970 + i % 50])
    sheet.append([None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<dimension" not in sheet_xml  # no used range ("A1:C2501") to read the count from
    assert count_rows(data, "ds.xlsx") == _XlsxSource(data).height == 2501
