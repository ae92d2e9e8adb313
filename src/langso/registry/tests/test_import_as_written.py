"""Lists as communes write them: villages without their kind word, names in capitals or with a note,
a year where the birth date goes, days the calendar lacks; and re-imports that show what they change."""

import datetime

import pytest
from django.urls import reverse

from langso.accounts.tests.factories import commune_officer
from langso.core.models import AuditAction, AuditEntry
from langso.places.models import Village
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
from langso.registry.models import Household, ImportStatus, Resident
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.registry.tests.test_import import _job, _write, _xlsx, person

pytestmark = pytest.mark.django_db

VILLAGES = ["Thôn Bản Cáu", "Thôn Nà Piêng", "Thôn Khuổi Chao", "Thôn Đồng Tâm", "Thôn 3", "Tổ dân phố 07"]


@pytest.fixture
def home():
    place = commune(NGHIA_TA)
    for name in VILLAGES:
        VillageFactory(commune=place, name=name)
    return place


@pytest.fixture
def officer(home):
    return commune_officer(home)


def _problems_of(job, row):
    return [p for p in job.problems if p["row"] == row and not p.get("note")]


def _notes(job):
    return [p for p in job.problems if p.get("note")]


# --- villages as people write them ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "village"),
    [
        ("Bản Cáu", "Thôn Bản Cáu"),
        ("thon ban cau", "Thôn Bản Cáu"),
        ("THÔN BẢN CÁU", "Thôn Bản Cáu"),
        ("Nà Piêng", "Thôn Nà Piêng"),
        ("Bản Nà Piêng", "Thôn Nà Piêng"),
        ("Khuổi Chao", "Thôn Khuổi Chao"),
        ("Đồng Tâm", "Thôn Đồng Tâm"),
        ("Xóm Đồng Tâm", "Thôn Đồng Tâm"),
        ("Thôn 03", "Thôn 3"),
        ("3", "Thôn 3"),
        ("TDP 7", "Tổ dân phố 07"),
        ("Tổ 7", "Tổ dân phố 07"),
    ],
)
def test_a_residents_list_finds_villages_written_without_their_kind_word(officer, home, written, village):
    rows = [person("09-001", "Lường Văn Piêng", year="1980", head="Có", village=written)]
    job = _job(officer, home, _xlsx(rows))
    assert (job.valid_rows, job.skipped_count) == (1, 0), job.problems
    _write(officer, job)
    assert Resident.objects.get(full_name="Lường Văn Piêng").village.name == village


# Every kind word the matching knows, as a commune would write it in front of a name.
KIND_WORDS_AS_WRITTEN = {
    "thon": "Thôn", "ban": "Bản", "buon": "Buôn", "lang": "Làng", "xom": "Xóm", "ap": "Ấp", "khu": "Khu",
    "to": "Tổ", "to dan pho": "Tổ dân phố", "tdp": "TDP", "khu pho": "Khu phố", "kp": "KP",
    "khu dan cu": "Khu dân cư", "kdc": "KDC", "cum dan cu": "Cụm dân cư", "khom": "Khóm", "cum": "Cụm", "doi": "Đội", "soc": "Sóc",
    "phum": "Phum", "bon": "Bon", "plei": "Plei", "ploi": "Plơi", "ploy": "Plơy", "plok": "Plok",
}  # fmt: skip


def test_every_kind_word_is_matched_when_left_out_and_refused_as_a_duplicate_village(officer, home):
    from langso.places.naming import KIND_WORDS

    assert set(KIND_WORDS) == set(KIND_WORDS_AS_WRITTEN), "a kind word without a case in this test"
    words = sorted(KIND_WORDS_AS_WRITTEN.values())
    tails = {word: f"Pác Nặm {n}" for n, word in enumerate(words, start=11)}
    for word in words:
        VillageFactory(commune=home, name=f"{word} {tails[word]}")
    # A residents list names each village without its kind word, or with it in capitals: each is found.
    rows = []
    for n, word in enumerate(words):
        written = tails[word] if n % 2 else f"{word} {tails[word]}".upper()
        rows.append(person(f"K-{n:02d}", "Lường Văn Kha", year=str(1950 + n), head="Có", village=written))
    job = _job(officer, home, _xlsx(rows))
    assert (job.valid_rows, job.skipped_count) == (len(words), 0), job.problems
    _write(officer, job)
    stored = dict(Resident.objects.values_list("household__code", "village__name"))
    assert stored == {f"K-{n:02d}": f"{word} {tails[word]}" for n, word in enumerate(words)}
    # A villages list adding them again without their kind word: each row refused as a duplicate.
    job = _job(
        officer,
        home,
        _xlsx([[tails[w], "", "", "", "", ""] for w in words], VILLAGE_HEADERS),
        kind="villages",
    )
    assert job.valid_rows == 0
    for n, word in enumerate(words):
        [problem] = _problems_of(job, n + 2)
        assert f"“{word} {tails[word]}”" in problem["reason"], problem


def test_a_village_that_could_be_two_asks_which_one(officer, home):
    VillageFactory(commune=home, name="Tổ dân phố 3")
    rows = [person("09-001", "Lường Văn Piêng", year="1980", head="Có", village="3")]
    job = _job(officer, home, _xlsx(rows))
    [problem] = _problems_of(job, 2)
    assert problem["column"] == "Thôn"
    assert "“Thôn 3”" in problem["reason"] and "“Tổ dân phố 3”" in problem["reason"]
    # Written in full, it is clear.
    rows = [person("09-001", "Lường Văn Piêng", year="1980", head="Có", village="Tổ dân phố 03")]
    job = _job(officer, home, _xlsx(rows))
    assert job.valid_rows == 1, job.problems


def test_a_households_list_finds_villages_as_written_and_a_row_in_another_village_is_caught(officer, home):
    headers = ["Mã hộ", "Thôn", "Địa chỉ", "Phân loại hộ", "Năm rà soát"]
    rows = [["05-001", "Bản Cáu", "Xóm Trên", "Hộ nghèo", "2025"], ["05-002", "khuoi chao", "", "", ""]]
    job = _job(officer, home, _xlsx(rows, headers), kind="households")
    assert job.valid_rows == 2, job.problems
    _write(officer, job)
    assert Household.objects.get(code="05-001").village.name == "Thôn Bản Cáu"
    assert Household.objects.get(code="05-002").village.name == "Thôn Khuổi Chao"
    # A member's row naming another village than its household's.
    rows = [person("05-001", "Hà Văn Tâm", year="1980", village="Nà Piêng")]
    job = _job(officer, home, _xlsx(rows))
    assert "ở thôn khác" in _problems_of(job, 2)[0]["reason"]


VILLAGE_HEADERS = ["Tên thôn", "Loại", "Cáp quang", "4G", "5G", "Ngày kiểm tra"]


def test_a_villages_list_refuses_a_village_the_commune_has_under_its_full_name(officer, home):
    rows = [
        ["Bản Cáu", "Bản", "Có", "", "", ""],  # "Thôn Bản Cáu" without its kind word
        ["Xóm Đồng Tâm", "Thôn", "", "", "", ""],  # another kind word
        ["Thôn 03", "Thôn", "Có", "Có", "Không", "05/03/2026"],  # the same village, zero-padded
        ["Nà Pài", "Bản", "", "", "", ""],  # a new village
        ["Bản Nà Pài", "Bản", "", "", "", ""],  # the same new village again in the file
    ]
    job = _job(officer, home, _xlsx(rows, VILLAGE_HEADERS), kind="villages")
    assert "Xã đã có thôn/bản “Thôn Bản Cáu”" in _problems_of(job, 2)[0]["reason"]
    assert "“Thôn Đồng Tâm”" in _problems_of(job, 3)[0]["reason"]
    assert not _problems_of(job, 4) and not _problems_of(job, 5)
    assert "dòng 5" in _problems_of(job, 6)[0]["reason"]
    _write(officer, job, "valid_only")
    names = set(Village.objects.filter(commune=home).values_list("name", flat=True))
    assert names == {*VILLAGES, "Nà Pài"}
    thon_3 = Village.objects.get(commune=home, name="Thôn 3")
    assert (thon_3.broadband, thon_3.mobile_5g, thon_3.coverage_checked_on) == (
        "yes",
        "no",
        datetime.date(2026, 3, 5),
    )


def test_a_villages_dry_run_lists_the_changes_to_villages_the_commune_has(officer, home):
    Village.objects.filter(commune=home, name="Thôn Nà Piêng").update(broadband="no", mobile_4g="partial")
    rows = [
        ["THÔN NÀ PIÊNG", "Bản", "Có", "", "Có", "05/03/2026"],  # the same village: four fields change
        ["Thôn Đồng Tâm", "", "", "", "", ""],  # the same village, nothing given: nothing changes
        ["Thôn Nà Pài", "Thôn", "Không", "", "", ""],  # a new village: not a change
    ]
    job = _job(officer, home, _xlsx(rows, VILLAGE_HEADERS), kind="villages")
    assert job.valid_rows == 3, job.problems
    assert job.changes_total == 1
    [change] = job.changes
    assert (change["object"], change["label"], change["row"]) == ("village", "Thôn Nà Piêng", 2)
    assert change["fields"] == [
        ["Loại", "Thôn", "Bản"],
        ["Cáp quang", "Không", "Có"],
        ["5G", "Chưa rõ", "Có"],
        ["Ngày kiểm tra", "—", "05/03/2026"],
    ]
    assert Village.objects.get(commune=home, name="Thôn Nà Piêng").broadband == "no"  # nothing written
    _write(officer, job)
    na_pieng = Village.objects.get(commune=home, name="Thôn Nà Piêng")
    # What the dry run showed is what was written; the 4G the file left empty is kept.
    assert (na_pieng.kind, na_pieng.broadband, na_pieng.mobile_4g, na_pieng.mobile_5g) == (
        "ban",
        "yes",
        "partial",
        "yes",
    )
    audited = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(na_pieng.pk))
    assert set(audited.changes) == {"row", "kind", "broadband", "mobile_5g", "coverage_checked_on"}
    again = _job(officer, home, _xlsx(rows, VILLAGE_HEADERS), kind="villages")
    assert again.changes == [] and again.changes_total == 0


def test_the_villages_confirm_page_shows_the_changes_to_existing_villages(client, officer, home):
    rows = [["Thôn Khuổi Chao", "Bản", "", "", "", ""]]
    job = _job(officer, home, _xlsx(rows, VILLAGE_HEADERS), kind="villages")
    client.force_login(officer)
    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "1 thôn đã có trong sổ sẽ thay đổi" in page
    assert "Thôn Khuổi Chao" in page and "Bản" in page


# --- people as people write them --------------------------------------------------------------------


def test_names_in_capitals_or_small_letters_are_stored_in_title_case_and_the_dry_run_says_so(officer, home):
    rows = [
        person("01-001", "NÔNG MINH QUÝ", year="1958", head="Có"),
        person("01-001", "hoàng thị đào", year="1961", sex="Nữ"),
        person("01-001", "Lò văn A", year="1990"),  # mixed case: as written
    ]
    job = _job(officer, home, _xlsx(rows))
    assert job.valid_rows == 3, job.problems
    [note] = [n for n in _notes(job) if "chữ hoa" in n["reason"]]
    assert note["row"] == 2 and "2 họ tên" in note["reason"]
    assert "“NÔNG MINH QUÝ” thành “Nông Minh Quý”" in note["reason"]
    _write(officer, job)
    assert set(Resident.objects.values_list("full_name", flat=True)) == {
        "Nông Minh Quý",
        "Hoàng Thị Đào",
        "Lò văn A",
    }


def test_a_note_in_brackets_goes_from_the_name_to_the_persons_notes(officer, home):
    rows = [
        person("02-001", "Giàng Văn Chứ", year="1970", head="Có"),
        person("02-001", "Giàng A Dính (bố chủ hộ)", year="1941"),
        person("02-001", "GIÀNG THỊ MAY (con dâu) [đi làm xa]", year="1995", sex="Nữ"),
    ]
    job = _job(officer, home, _xlsx(rows))
    assert job.valid_rows == 3, job.problems
    moved = [n for n in _notes(job) if "được tách khỏi họ tên" in n["reason"]]
    assert [n["row"] for n in moved] == [3, 4]
    _write(officer, job)
    dinh = Resident.objects.get(full_name="Giàng A Dính")
    assert dinh.notes == "bố chủ hộ"
    assert Resident.objects.get(full_name="Giàng Thị May").notes == "con dâu; đi làm xa"
    # Imported again, the note is not added twice and the person is not duplicated.
    job = _job(officer, home, _xlsx(rows))
    _write(officer, job)
    dinh.refresh_from_db()
    assert dinh.notes == "bố chủ hộ" and Resident.objects.count() == 3


def test_her_ghi_chu_column_goes_to_the_persons_notes_beside_a_note_taken_from_the_name(
    officer, home, registered
):
    _household, _quy, hoa = registered
    hoa.notes = "hay đi chợ phiên"
    hoa.save(update_fields=["notes"])
    headers = ["Số hộ", "Họ tên", "Năm sinh", "Giới tính", "Tổ/xóm", "Ghi chú"]
    rows = [
        ["01-001", "Nông Thị Hoa", "1962", "Nữ", "Thôn Bản Cáu", "Con gái đi làm xa"],
        ["05-001", "Lục Văn Phong (trưởng họ)", "1950", "Nam", "Bản Cáu", "Người cao tuổi"],
        ["05-001", "Lục Thị Mến", "1953", "Nữ", "Bản Cáu", ""],
    ]
    job = _job(officer, home, _xlsx(rows, headers))
    assert job.valid_rows == 3, job.problems
    # Only the note taken out of a name is reported as moved; her Ghi chú column is what it says.
    moved = [n for n in _notes(job) if "được tách khỏi họ tên" in n["reason"]]
    assert [n["row"] for n in moved] == [3] and "“trưởng họ”" in moved[0]["reason"]
    [change] = [c for c in job.changes if c["label"] == "Nông Thị Hoa"]
    assert change["fields"] == [["Ghi chú", "hay đi chợ phiên", "hay đi chợ phiên; Con gái đi làm xa"]]
    _write(officer, job, "valid_only")
    hoa.refresh_from_db()
    assert hoa.notes == "hay đi chợ phiên; Con gái đi làm xa"  # added to, never erased
    assert Resident.objects.get(full_name="Lục Văn Phong").notes == "Người cao tuổi; trưởng họ"
    assert Resident.objects.get(full_name="Lục Thị Mến").notes == ""
    # The same file again adds nothing.
    again = _job(officer, home, _xlsx(rows, headers))
    assert again.changes == []


def test_a_year_alone_in_the_birth_date_column_is_the_year_of_birth(officer, home):
    rows = [
        person("03-001", "Vàng Seo Phử", date="1960", head="Có"),  # text
        person("03-001", "Vàng Thị Dợ", date=1962, sex="Nữ"),  # an Excel number
        person("03-001", "Vàng Seo Lử", date="1990", year="1990"),  # both columns, agreeing
    ]
    job = _job(officer, home, _xlsx(rows))
    assert (job.valid_rows, job.skipped_count) == (3, 0), job.problems
    _write(officer, job)
    assert {(r.full_name, r.birth_date, r.birth_year) for r in Resident.objects.all()} == {
        ("Vàng Seo Phử", None, 1960),
        ("Vàng Thị Dợ", None, 1962),
        ("Vàng Seo Lử", None, 1990),
    }


def test_a_day_that_does_not_exist_is_named_as_such_and_each_bad_cell_has_one_message(officer, home):
    rows = [
        person("04-001", "Lò Văn Hùng", date="31/02/1975", head="Có"),
        person("04-001", '=CONCATENATE("Lò ";"Thị")', year="1980", sex="Nữ"),  # a formula for the name
        person("04-001", "Lò Văn Sáng", date="12/25/1975"),  # month and day swapped
        person("04-001", "Lò Văn Tâm", date="1960", year="1961"),  # the two columns disagree
    ]
    job = _job(officer, home, _xlsx(rows))
    assert job.valid_rows == 0
    [date] = _problems_of(job, 2)
    assert (date["column"], date["value"]) == ("Ngày sinh", "31/02/1975")
    assert date["reason"] == "Ngày 31/02/1975 không có trên lịch: tháng 2 năm 1975 chỉ có 28 ngày."
    [formula] = _problems_of(job, 3)  # not also "the name is empty"
    assert formula["column"] == "Họ và tên" and "công thức" in formula["reason"]
    assert "không có tháng 25" in _problems_of(job, 4)[0]["reason"]
    assert "1961" in _problems_of(job, 5)[0]["reason"]


# --- re-imports that show what they change ----------------------------------------------------------


@pytest.fixture
def registered(home):
    """A household already in the registry, edited by hand since the first import."""
    village = Village.objects.get(commune=home, name="Thôn Bản Cáu")
    household = HouseholdFactory(village=village, code="01-001", address="Xóm Trên", poverty="none")
    quy = ResidentFactory(
        household=household,
        full_name="Nông Minh Quý",
        cccd="019058001234",
        birth_year=1958,
        birth_date=datetime.date(1958, 4, 2),
        phone="0912345678",
        is_head=True,
    )
    Household.objects.filter(pk=household.pk).update(head=quy)
    hoa = ResidentFactory(
        household=household, full_name="Nông Thị Hoa", sex="female", birth_year=1962, birth_date=None
    )
    return household, quy, hoa


def test_a_reimport_lists_each_change_field_by_field_and_never_worsens_a_names_case(
    officer, home, registered
):
    household, quy, hoa = registered
    rows = [
        # Matched by CCCD: the name in capitals must not replace the stored one; the phone changes.
        person(
            "01-001",
            "NÔNG MINH QUÝ",
            date="02/04/1958",
            cccd="019058001234",
            phone="0987 654 321",
            head="Có",
            poverty="Hộ cận nghèo",
            poverty_year="2025",
        ),  # fmt: skip
        # Matched by household, name and year: gains a smartphone and a note from her name.
        person("01-001", "nông thị hoa (vợ chủ hộ)", year="1962", sex="Nữ", smart="Có"),
    ]
    job = _job(officer, home, _xlsx(rows))
    assert job.status == ImportStatus.CHECKED and job.valid_rows == 2, job.problems
    by_label = {c["label"]: c for c in job.changes}
    assert job.changes_total == 3
    assert by_label["Nông Minh Quý"]["fields"] == [["Số điện thoại", "0912345678", "0987654321"]]
    assert by_label["Nông Minh Quý"]["row"] == 2
    assert by_label["Nông Thị Hoa"]["fields"] == [
        ["Có điện thoại thông minh", "Không", "Có"],
        ["Ghi chú", "—", "vợ chủ hộ"],
    ]
    assert by_label["Hộ 01-001"]["fields"] == [
        ["Phân loại hộ", "Không thuộc diện", "Hộ cận nghèo"],
        ["Năm rà soát", "—", "2025"],
    ]
    assert Resident.objects.get(pk=quy.pk).phone == "0912345678"  # the dry run wrote nothing
    _write(officer, job)
    quy.refresh_from_db()
    hoa.refresh_from_db()
    household.refresh_from_db()
    assert (quy.full_name, quy.phone, quy.birth_date) == (
        "Nông Minh Quý",
        "0987654321",
        datetime.date(1958, 4, 2),
    )
    assert (hoa.full_name, hoa.owns_smartphone, hoa.notes) == ("Nông Thị Hoa", True, "vợ chủ hộ")
    assert (household.poverty, household.poverty_year, household.head_id) == ("near_poor", 2025, quy.pk)
    audited = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(household.pk))
    assert set(audited.changes) == {"row", "poverty", "poverty_year"}
    # The same file again changes nothing, and the dry run says so.
    again = _job(officer, home, _xlsx(rows))
    assert again.changes == [] and again.changes_total == 0


def test_a_year_alone_does_not_erase_a_known_birth_date_of_that_year(officer, home, registered):
    _household, quy, _hoa = registered
    job = _job(officer, home, _xlsx([person("01-001", "Nông Minh Quý", date="1958", cccd="019058001234")]))
    assert job.changes == []
    _write(officer, job)
    quy.refresh_from_db()
    assert quy.birth_date == datetime.date(1958, 4, 2)


def test_a_household_made_by_a_members_row_while_its_heads_row_is_refused_is_reported(officer, home):
    rows = [
        person(
            "07-001", "Hà Văn Chiến", date="31/02/1970", head="Có", poverty="Hộ nghèo", poverty_year="2025"
        ),
        person("07-001", "Hà Thị Lan", year="1972", sex="Nữ", poverty="Hộ nghèo"),
        person("07-002", "Hà Văn Nam", year="1990"),  # no one marked head
    ]
    job = _job(officer, home, _xlsx(rows))
    assert (job.valid_rows, job.skipped_count) == (2, 1), job.problems
    notes = {n["row"]: n["reason"] for n in _notes(job)}
    assert "dòng của chủ hộ (dòng 2) có lỗi" in notes[3]
    assert "không có ai được ghi là chủ hộ" in notes[4]
    _write(officer, job, "valid_only")
    job.refresh_from_db()
    # The final report still says it.
    assert any("dòng của chủ hộ (dòng 2) có lỗi" in p["reason"] for p in job.problems)
    # The member's row gives the household its class and year (from the head's row in the file).
    household = Household.objects.get(code="07-001")
    assert (household.head_id, household.poverty, household.poverty_year) == (None, "poor", 2025)
    # The corrected head row, imported again, is written with its household's columns and heads it.
    fixed = [
        person(
            "07-001",
            "Hà Văn Chiến",
            date="28/02/1970",
            head="Có",
            poverty="Hộ cận nghèo",
            poverty_year="2025",
        )
    ]
    job = _job(officer, home, _xlsx(fixed))
    assert [c["label"] for c in job.changes] == ["Hộ 07-001"]
    _write(officer, job)
    household.refresh_from_db()
    assert household.head.full_name == "Hà Văn Chiến" and household.poverty == "near_poor"


def test_a_household_still_without_a_head_after_the_file_is_reported(officer, home, registered):
    headless = HouseholdFactory(village=Village.objects.get(commune=home, name="Thôn 3"), code="08-001")
    rows = [
        person("08-001", "Lê Văn Ba", year="1980", village="Thôn 3"),
        person("01-001", "Nông Văn Út", year="2001"),
    ]
    job = _job(officer, home, _xlsx(rows))
    notes = [n for n in _notes(job) if "chủ hộ" in n["reason"]]
    assert [(n["row"], n["value"]) for n in notes] == [(2, "08-001")]  # 01-001 has its head
    assert "chưa có chủ hộ" in notes[0]["reason"]
    assert headless.head_id is None


def test_household_columns_that_disagree_between_rows_are_noted_and_the_heads_row_decides(officer, home):
    rows = [
        person("06-001", "Đinh Thị Mơ", year="1985", sex="Nữ", poverty="Hộ nghèo", poverty_year="2024"),
        person("06-001", "Đinh Văn Bảy", year="1980", head="Có", poverty="Hộ cận nghèo", poverty_year="2025"),
    ]
    job = _job(officer, home, _xlsx(rows))
    assert job.valid_rows == 2, job.problems
    [note] = [n for n in _notes(job) if "khác nhau" in n["reason"]]
    assert note["row"] == 3 and "dòng 2" in note["reason"]
    _write(officer, job)
    household = Household.objects.get(code="06-001")
    assert (household.poverty, household.poverty_year) == ("near_poor", 2025)


def test_a_households_list_over_existing_households_lists_their_changes(officer, home, registered):
    household, _quy, _hoa = registered
    headers = ["Mã hộ", "Thôn", "Địa chỉ", "Phân loại hộ", "Năm rà soát"]
    rows = [["01-001", "Nà Piêng", "Xóm Dưới", "", ""], ["01-002", "Bản Cáu", "", "", ""]]
    job = _job(officer, home, _xlsx(rows, headers), kind="households")
    assert job.changes == [
        {
            "row": 2,
            "object": "household",
            "label": "Hộ 01-001",
            "fields": [["Thôn", "Thôn Bản Cáu", "Thôn Nà Piêng"], ["Địa chỉ", "Xóm Trên", "Xóm Dưới"]],
        }
    ]
    _write(officer, job)
    household.refresh_from_db()
    assert (household.village.name, household.address) == ("Thôn Nà Piêng", "Xóm Dưới")


def test_a_poor_households_review_year_may_stand_on_any_of_its_rows_but_must_stand_somewhere(officer, home):
    rows = [
        person("10-001", "Sùng Thị Pà", year="1990", sex="Nữ", poverty="Hộ nghèo"),  # the year comes later
        person("10-001", "Sùng A Tủa", year="1988", head="Có", poverty="Hộ nghèo", poverty_year="2025"),
        person("10-002", "Sùng A Lềnh", year="1970", head="Có", poverty="Hộ cận nghèo"),  # no year anywhere
    ]
    job = _job(officer, home, _xlsx(rows))
    assert (job.valid_rows, job.skipped_count) == (2, 1), job.problems
    [problem] = _problems_of(job, 4)
    assert problem["column"] == "Năm rà soát"
    _write(officer, job, "valid_only")
    assert Household.objects.get(code="10-001").poverty_year == 2025
    assert not Household.objects.filter(code="10-002").exists()


def test_the_confirm_page_shows_each_change_before_writing_and_the_result_page_after(
    client, officer, home, registered
):
    from django.urls import reverse

    rows = [person("01-001", "NÔNG MINH QUÝ", date="02/04/1958", cccd="019058001234", phone="0987654321")]
    job = _job(officer, home, _xlsx(rows))
    client.force_login(officer)
    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "Thay đổi với dữ liệu đã có trong sổ" in page
    assert "1 người hoặc hộ đã có trong sổ sẽ thay đổi" in page
    assert (
        page.index("Nông Minh Quý")
        < page.index("Số điện thoại")
        < page.index("0912345678")
        < page.index("0987654321")
    )
    assert page.index("import-changes") < page.index('value="write"')  # shown before the button
    _write(officer, job)
    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "Đã thay đổi dữ liệu có sẵn trong sổ" in page and "0987654321" in page


def test_names_already_in_title_case_are_not_reported_as_recased_whatever_their_spacing_or_unicode_form(
    officer, home
):
    import unicodedata

    rows = [
        person("11-001", "  Hoàng   Văn  Tuấn ", year="1960", head="Có"),
        person("11-001", unicodedata.normalize("NFD", "Nông Thị Hoa"), year="1962", sex="Nữ"),
    ]
    job = _job(officer, home, _xlsx(rows))
    assert job.valid_rows == 2, job.problems
    assert not [n for n in _notes(job) if "chữ hoa" in n["reason"]]
