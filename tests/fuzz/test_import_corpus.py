"""A corpus of broken spreadsheets for the registry import, built with openpyxl in the test.

Each file goes through the upload, the dry run and (where rows are valid) the write: it must either
import correctly or be refused with a clear Vietnamese message, and a refused file or a refused row
leaves nothing written. The same files are then uploaded through the import pages.
"""

from __future__ import annotations

import datetime
import io
import re
import struct
import time
import tracemalloc
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font
from openpyxl.worksheet.formula import ArrayFormula

from langso.accounts.tests.factories import commune_officer
from langso.core.models import AuditEntry
from langso.core.text import clean_text
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
from langso.registry import imports
from langso.registry.models import Household, ImportJob, ImportMode, ImportStatus, Resident
from tests.fuzz import profiles

pytestmark = pytest.mark.django_db

HEADERS = [
    "Mã hộ",
    "Họ và tên",
    "Ngày sinh",
    "Năm sinh",
    "Giới tính",
    "Số CCCD",
    "Số điện thoại",
    "Là chủ hộ",
    "Thôn",
]
VILLAGE = "Thôn Bản Cáu"
GOOD = ["BC-01", "Hoàng Văn Tuấn", "05/03/1960", "", "Nam", "019060001234", "0912 345 678", "Có", VILLAGE]
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùýĐ]", re.I)


def book(
    rows: list[list[Any]], *, headers: list[str] = HEADERS, edit: Callable[[Any, Any], None] | None = None
) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Dân cư"
    if headers:
        sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if edit is not None:
        edit(workbook, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _patch_sizes(data: bytes, *, declared: int) -> bytes:
    """Rewrite the uncompressed sizes a zip declares for its sheet (local and central headers)."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := out.find(signature, start)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            name_len = struct.unpack_from("<H", out, at + (26 if signature == b"PK\x03\x04" else 28))[0]
            if out[name_at : name_at + name_len].startswith(b"xl/worksheets/"):
                struct.pack_into("<I", out, at + offset, declared)
            start = at + 4
    return bytes(out)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _styled_empty_rows(count: int) -> Callable[[Any, Any], None]:
    def edit(_workbook: Any, sheet: Any) -> None:
        bold = Font(bold=True)
        start = sheet.max_row + 1
        for row in range(start, start + count):  # formatted but empty: Excel keeps such rows
            sheet.cell(row=row, column=1).font = bold

    return edit


@dataclass
class Broken:
    """A broken file and what the import must make of it."""

    name: str
    data: Callable[[], bytes]
    refused: str = ""  # part of the message when the whole file is refused
    valid: int | None = None  # rows the dry run accepts
    reasons: list[str] = field(default_factory=list)  # parts of row problems the report must show
    filename: str = "dan-cu.xlsx"
    stored: Callable[[], None] | None = None  # checks on what was written


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _stored_nfc() -> None:
    names = list(Resident.objects.values_list("full_name", flat=True))
    assert names and all(unicodedata.is_normalized("NFC", n) and n == clean_text(n) for n in names)
    assert Resident.objects.filter(full_name="Nông Thị Hoa").count() == 1


def _stored_numbers() -> None:
    tuan = Resident.objects.get(full_name="Hoàng Văn Tuấn")
    assert (tuan.cccd, tuan.phone, tuan.birth_date) == (
        "001060001234",
        "0912345678",
        datetime.date(1960, 3, 5),
    )


def _hidden_first(workbook: Any, sheet: Any) -> None:
    secret = workbook.create_sheet("Nháp", 0)
    secret.append(["Mã hộ", "Họ và tên", "Giới tính"])
    secret.append(["XX-99", "Người Trong Trang Ẩn", "Nam"])
    secret.sheet_state = "hidden"
    hidden = workbook.create_sheet("Rất ẩn")
    hidden.append(["x"])
    hidden.sheet_state = "veryHidden"
    workbook.active = 1


def _all_hidden(data: bytes) -> bytes:
    """openpyxl refuses to save such a book; other programs write them."""
    source = zipfile.ZipFile(io.BytesIO(data))
    files = {info.filename: source.read(info) for info in source.infolist()}
    plain = re.sub(rb'\sstate="\w+"', b"", files["xl/workbook.xml"])
    files["xl/workbook.xml"] = plain.replace(b"<sheet ", b'<sheet state="hidden" ')
    return _zip(files)


def _not_stored(name: str) -> None:
    assert not Resident.objects.filter(full_name=name).exists()


def _array_formula(_workbook: Any, sheet: Any) -> None:
    sheet["B3"] = ArrayFormula("B3", "=UPPER(B2)")


def _merge_across(_workbook: Any, sheet: Any) -> None:
    sheet.merge_cells("B3:C3")
    sheet.merge_cells("A4:A6")


def _wide(_workbook: Any, sheet: Any) -> None:
    for row in range(1, 6):
        for column in range(len(HEADERS) + 1, 16_000, 7):
            sheet.cell(row=row, column=column, value="rác")


CORPUS = [
    Broken(
        "wrong cell types: numbers, dates and booleans where text is expected",
        lambda: book(
            [
                # A date cell, a CCCD and a phone typed as numbers (zeros lost), a boolean head flag.
                [
                    "BC-01",
                    "Hoàng Văn Tuấn",
                    datetime.datetime(1960, 3, 5),
                    1960,
                    "Nam",
                    1060001234,
                    912345678,
                    True,
                    VILLAGE,
                ],
                ["BC-02", 12345, "", 1970, "Nữ", "", "", False, VILLAGE],  # a number as a name
                ["BC-03", "Lò Thị Số", "", 1970.5, "Nữ", 1.2e11, "", "", VILLAGE],  # CCCD 120000000000
                [3.5, "Lò Văn Thực", True, "", True, "", 84.0, "", VILLAGE],
                ["BC-05", "Hà Văn Giờ", datetime.time(9, 30), "", "Nam", "", "", 2, VILLAGE],
            ]
        ),
        valid=1,
        reasons=["chữ số", "CCCD", "Giới tính", "Có hoặc Không"],
        stored=_stored_numbers,
    ),
    Broken(
        "merged cells across columns and down rows",
        lambda: book(
            [
                GOOD,
                [*GOOD[:1], "Nông Thị Hoa", "", "1962", "Nữ"],
                ["BC-02", "Lò Văn A", "", "1970", "Nam"],
                [None, "Lò Văn B", "", "1971", "Nam"],
                [None, "Lò Văn C", "", "1972", "Nam", "", "", "", VILLAGE],
            ],
            edit=_merge_across,
        ),
        valid=1,
        reasons=["Ô gộp"],
    ),
    Broken(
        "formulas, formula injection and an array formula",
        lambda: book(
            [
                GOOD,
                ["BC-02", '=HYPERLINK("http://lừa.vn","Bấm vào")', "", "1970", "Nam", "", "", "", VILLAGE],
                ["BC-03", "Lò Văn Cộng", "", "=1969+1", "Nam", "", "", "", VILLAGE],
                ["BC-04", "Lò Văn Mảng", "", "1970", "Nam", "", "", "", VILLAGE],
                ["=cmd|' /C calc'!A0", "Lò Văn Lệnh", "", "1970", "Nam", "", "", "", VILLAGE],
            ],
            edit=lambda wb, ws: ws.__setitem__("B5", ArrayFormula("B5", "=UPPER(B2)")),
        ),
        valid=1,
        reasons=["công thức"],
    ),
    Broken(
        "decomposed Unicode (NFD) names, headers and village",
        lambda: book(
            [
                [
                    _nfd("BC-01"),
                    _nfd("Hoàng Văn Tuấn"),
                    "05/03/1960",
                    "",
                    _nfd("Nam"),
                    "",
                    "",
                    _nfd("Có"),
                    _nfd(VILLAGE),
                ],
                ["BC-01", _nfd("Nông Thị Hoa"), "", "1962", _nfd("Nữ"), "", "", "", _nfd(VILLAGE)],
                ["BC-01", "Nông Thị Hoa", "", "1962", "Nữ", "", "", "", VILLAGE],  # the same person, NFC
            ],
            headers=[_nfd(h) for h in HEADERS],
        ),
        valid=2,
        reasons=["đã có ở dòng 3"],
        stored=_stored_nfc,
    ),
    Broken(
        "huge cells (100,000 and 32,767 characters)",
        lambda: book(
            [
                GOOD,
                ["BC-02", "Lò " * 33_333, "", "1970", "Nam"],
                ["BC-03", "Lò Văn Dài", "", "1970", "Nam", "", "x" * 32_767],
            ]
        ),
        valid=1,
        reasons=["Ô quá dài"],
    ),
    Broken(
        "a CSV with NUL characters in its cells",
        lambda: ("\n".join([",".join(HEADERS), ",".join(GOOD).replace("Tuấn", "Tu\x00ấn")]) + "\n").encode(),
        valid=1,
        filename="dan-cu.csv",
        stored=lambda: Resident.objects.get(full_name="Hoàng Văn Tuấn"),
    ),
    Broken(
        "a PNG renamed .xlsx", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, refused="không phải tệp .xlsx"
    ),
    Broken("plain text renamed .xlsx", lambda: "Mã hộ,Họ và tên\n".encode(), refused="không phải tệp .xlsx"),
    Broken(
        "a zip that is not a workbook",
        lambda: _zip({"thu.txt": b"xin chao"}),
        refused="Không đọc được tệp Excel",
    ),
    Broken(
        "a Word document renamed .xlsx",
        lambda: _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
        refused="Không đọc được tệp Excel",
    ),
    Broken("a workbook cut short", lambda: book([GOOD])[:-300], refused="Không đọc được tệp Excel"),
    Broken(
        "zip bomb: a sheet that says it inflates to 4 GB",
        lambda: _patch_sizes(book([GOOD]), declared=0xFFFF_FFF0),
        refused="giải nén ra quá lớn",
    ),
    Broken(
        "zip bomb: a sheet that inflates to more than it says",
        lambda: _patch_sizes(book([GOOD] * 200), declared=100),
        refused="Không đọc được tệp Excel",
    ),
    Broken("a very wide sheet (16,000 columns)", lambda: book([GOOD], edit=_wide), valid=1),
    Broken("an empty workbook", lambda: book([], headers=[]), refused="Không tìm thấy dòng tiêu đề"),
    Broken("headers only", lambda: book([]), refused="không có dòng dữ liệu"),
    Broken(
        "the data behind a hidden sheet",
        lambda: book([GOOD], edit=_hidden_first),
        valid=1,
        stored=lambda: _not_stored("Người Trong Trang Ẩn"),
    ),
    Broken("only hidden sheets", lambda: _all_hidden(book([GOOD])), refused="đều đang bị ẩn"),
    Broken(
        "Excel error values (#N/A, #REF!) in cells",
        lambda: book(
            [
                GOOD,
                ["BC-02", "#N/A", "", "1970", "Nam", "", "", "", VILLAGE],
                ["BC-03", "Lò Văn Lỗi", "", "#VALUE!", "Nam", "", "", "", VILLAGE],
            ],
            edit=_error_cells,
        ),
        valid=1,
        reasons=["lỗi của Excel (#N/A)", "lỗi của Excel (#VALUE!)"],
        stored=lambda: _not_stored("#N/A"),
    ),
]


def _error_cells(_workbook: Any, sheet: Any) -> None:
    for ref in ("B3", "D4"):
        sheet[ref].data_type = "e"


@pytest.fixture
def home():
    place = commune(NGHIA_TA)
    VillageFactory(commune=place, name=VILLAGE)
    return place


@pytest.fixture
def officer(home):
    return commune_officer(home)


def _written() -> tuple[int, int, int]:
    return Resident.objects.count(), Household.objects.count(), AuditEntry.objects.count()


def _vietnamese(message: str) -> bool:
    return bool(message.strip()) and bool(VIETNAMESE.search(message))


def _problem_rows(job: ImportJob) -> set[int]:
    return {p["row"] for p in job.problems if not p.get("note")}


@pytest.mark.parametrize("broken", CORPUS, ids=[b.name for b in CORPUS])
def test_each_broken_file_imports_correctly_or_is_refused_in_vietnamese(officer, home, broken):
    before = _written()
    upload = SimpleUploadedFile(broken.filename, broken.data())
    try:
        job = imports.job_create(acting_user=officer, kind="residents", commune=home, upload=upload)
    except ValidationError as refusal:  # refused at the upload, before anything is stored
        message = " ".join(refusal.messages)
        assert broken.refused and broken.refused in message and _vietnamese(message), message
        assert _written() == before and not ImportJob.objects.exists()
        return
    job = imports.job_check(job)
    if broken.refused:
        assert job.status == ImportStatus.FAILED, (job.status, job.problems)
        assert broken.refused in job.error_message and _vietnamese(job.error_message), job.error_message
        assert _written() == before
        return
    assert job.status == ImportStatus.CHECKED, job.error_message
    assert job.valid_rows == broken.valid, job.problems
    reasons = " | ".join(p["reason"] for p in job.problems)
    for part in broken.reasons:
        assert part in reasons, (part, job.problems)
    assert all(_vietnamese(p["reason"]) for p in job.problems), job.problems
    if job.skipped_count:  # the whole file cannot be written while it has errors, and nothing is
        with pytest.raises(ValidationError, match="dòng lỗi"):
            imports.job_confirm(acting_user=officer, job=job, mode=ImportMode.ALL_OR_NOTHING)
        assert _written() == before
    job = imports.job_write(imports.job_confirm(acting_user=officer, job=job, mode=ImportMode.VALID_ONLY))
    assert job.status == ImportStatus.DONE, job.error_message
    assert Resident.objects.count() == before[0] + job.created_count == before[0] + broken.valid
    # Every row with a problem left no trace: no person from those rows is in the registry.
    bad_names = {
        str(p["value"])
        for p in job.problems
        if p["column"] == "Họ và tên" and p["value"] and "đã có ở dòng" not in p["reason"]
    }
    assert not Resident.objects.filter(full_name__in=bad_names).exists()
    if broken.stored is not None:
        broken.stored()


def test_a_re_import_of_the_nfc_file_after_the_nfd_one_changes_nothing(officer, home):
    rows = [["BC-01", "Nông Thị Hoa", "", "1962", "Nữ", "", "", "", VILLAGE]]
    nfd = [[_nfd(str(v)) for v in rows[0]]]
    for data in (book(nfd), book(rows)):
        job = imports.job_check(
            imports.job_create(
                acting_user=officer, kind="residents", commune=home, upload=SimpleUploadedFile("a.xlsx", data)
            )
        )
        job = imports.job_write(
            imports.job_confirm(acting_user=officer, job=job, mode=ImportMode.ALL_OR_NOTHING)
        )
        assert job.status == ImportStatus.DONE
    assert (job.created_count, job.unchanged_count) == (0, 1)
    assert Resident.objects.count() == 1


@pytest.mark.parametrize("rows", [50_000])
def test_fifty_thousand_formatted_empty_rows_cost_little_time_and_memory(
    officer, home, rows, record_property
):
    data = book([GOOD], edit=_styled_empty_rows(rows))
    job = imports.job_create(
        acting_user=officer, kind="residents", commune=home, upload=SimpleUploadedFile("dai.xlsx", data)
    )
    tracemalloc.start()
    started = time.perf_counter()
    job = imports.job_check(job)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    record_property("seconds", round(seconds, 2))
    record_property("peak_mb", round(peak / 1e6, 1))
    print(
        f"\n{rows} formatted empty rows ({len(data) // 1024} KB): checked in {seconds:.2f} s, peak {peak / 1e6:.1f} MB"
    )
    assert job.status == ImportStatus.CHECKED and (job.total_rows, job.valid_rows) == (1, 1)
    assert seconds < 5 and peak < 50e6


def test_every_corpus_file_through_the_import_pages_answers_in_vietnamese(client, officer, home):
    client.force_login(officer)
    for broken in CORPUS:
        before = _written()
        response = client.post(
            reverse("registry:import_start"),
            {
                "kind": "residents",
                "commune": home.code,
                "file": SimpleUploadedFile(broken.filename, broken.data()),
            },
        )
        assert response.status_code in (200, 302), broken.name
        if response.status_code == 200:  # the form again, with the reason under the file field
            assert broken.refused and broken.refused in response.content.decode(), broken.name
        else:
            page = client.get(response["Location"])
            assert page.status_code == 200
            text = page.content.decode()
            assert (broken.refused in text) if broken.refused else ("Xác nhận" in text or "Ghi" in text), (
                broken.name
            )
        assert _written()[:2] == before[:2], broken.name


# --- any cells at all ------------------------------------------------------------------------------

_XML_SAFE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff"),
    max_size=20,
)
_CELL = st.one_of(
    st.none(),
    _XML_SAFE_TEXT,
    st.sampled_from(
        ["Nam", "Nữ", "Có", "x", VILLAGE, "05/03/1960", "1962", "=1+1", "#N/A", " ", "019060001234"]
    ),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(datetime.datetime(1900, 3, 1), datetime.datetime(2100, 1, 1)),
)
_ROW = st.lists(_CELL, min_size=len(HEADERS), max_size=len(HEADERS))


@settings(max_examples=profiles.examples(25), deadline=None)
@given(rows=st.lists(_ROW, min_size=1, max_size=6), as_csv=st.booleans())
def test_any_cells_give_a_report_never_a_crash(home, rows, as_csv):
    """Whatever the cells hold, the dry run returns a report in Vietnamese (or refuses the file)."""
    if as_csv:
        import csv

        text = io.StringIO()
        csv.writer(text).writerows([HEADERS, *rows])
        data, filename = text.getvalue().encode("utf-8"), "dan-cu.csv"
    else:
        data, filename = book(rows), "dan-cu.xlsx"
    try:
        result = imports.check_file(kind="residents", commune=home, data=data, filename=filename)
    except imports.FileRefused as refusal:
        assert _vietnamese(str(refusal))
        return
    assert all(_vietnamese(p.reason) for p in result.problems), [p.reason for p in result.problems]
    for checked in result.valid:
        name = checked.data["full_name"]
        assert unicodedata.is_normalized("NFC", name) and name == clean_text(name)
        assert checked.data["cccd"] is None or (
            len(checked.data["cccd"]) == 12 and checked.data["cccd"].isascii()
        )
