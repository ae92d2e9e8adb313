"""Importing the national platform's learners and the commune police's level-2 lists (the samples in
tests/data/): matched by CCCD, then by name + birth date + village; anything uncertain waits for an
officer and is never merged; unmatched rows are reported per commune; the same file twice changes
nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from langso.core.models import AuditEntry
from langso.outside_lists.imports import list_upload
from langso.outside_lists.models import EntryStatus, ListEntry, ListSource, OutsideEvidence, OutsideList
from langso.outside_lists.tests.conftest import PLATFORM_FILE, POLICE_FILE, upload
from langso.skills.models import CurrentSkillLevel, Evidence, SkillRecord

pytestmark = pytest.mark.django_db


def _platform(world, user=None):
    return list_upload(
        acting_user=user or world["staff"],
        source=ListSource.PLATFORM,
        province=world["commune"].province,
        commune=None,
        upload=upload(PLATFORM_FILE),
    )


def _police(world, user=None):
    return list_upload(
        acting_user=user or world["officer"],
        source=ListSource.POLICE,
        province=world["commune"].province,
        commune=world["commune"],
        upload=upload(POLICE_FILE),
    )


def _entry(name: str) -> ListEntry:
    return ListEntry.objects.get(full_name=name)


def test_a_platform_row_with_the_registry_cccd_is_matched_to_that_person(world):
    outside = _platform(world)
    pao = world["people"]["pao"]
    entry = _entry("Hoàng Văn Páo")  # the file wrote it in capitals
    assert (entry.status, entry.match_how, entry.resident) == (EntryStatus.MATCHED, "cccd", pao)
    evidence = OutsideEvidence.objects.get(resident=pao)
    assert evidence.source == ListSource.PLATFORM
    assert "Kỹ năng số cơ bản" in evidence.detail and "BDHVS-19-000101" in evidence.detail
    assert evidence.done_on.isoformat() == "2026-11-20"
    assert outside.file.name and outside.file_sha256  # the source file is kept


def test_a_row_without_cccd_is_matched_by_name_birth_date_and_village_as_communes_write_them(world):
    _platform(world)
    entry = _entry("Lò Thị Mai")  # "lò thị mai", village "bản cáu" for "Thôn Bản Cáu"
    assert (entry.status, entry.match_how, entry.resident) == (
        EntryStatus.MATCHED,
        "name_birth_village",
        world["people"]["mai"],
    )


def test_two_people_who_fit_go_to_review_and_neither_gets_evidence(world):
    _platform(world)
    entry = _entry("Nông Thị Hoa")
    assert entry.status == EntryStatus.REVIEW and entry.resident is None
    assert set(entry.candidates) == {str(world["people"]["hoa_1"].pk), str(world["people"]["hoa_2"].pk)}
    assert "2 người" in entry.reason
    assert not OutsideEvidence.objects.filter(resident__full_name="Nông Thị Hoa").exists()


def test_a_birth_year_alone_or_a_cccd_under_another_name_is_never_merged(world):
    _platform(world)
    sinh, sinh_entry = world["people"]["sinh"], _entry("Triệu Văn Sình")
    assert sinh_entry.status == EntryStatus.REVIEW and sinh_entry.candidates == [str(sinh.pk)]
    son_entry = _entry("Ma Văn Sinh")  # the CCCD is Ma Văn Sơn's
    assert son_entry.status == EntryStatus.REVIEW and son_entry.candidates == [str(world["people"]["son"].pk)]
    assert not OutsideEvidence.objects.filter(resident__in=[sinh, world["people"]["son"]]).exists()


def test_a_name_the_registry_lacks_is_unmatched_and_a_bad_cccd_is_refused_with_a_reason(world):
    outside = _platform(world)
    assert _entry("Đặng Thị Nguyệt").status == EntryStatus.UNMATCHED
    assert not ListEntry.objects.filter(full_name="Hà Thị Lụa").exists()
    refused = [p for p in outside.problems if not p.get("note")]
    assert [(p["column"], p["value"]) for p in refused] == [("Số định danh cá nhân", "12345")]
    assert "12 chữ số" in refused[0]["reason"]
    # A province's list: each row goes to the commune its "Xã/Phường" names.
    khai = _entry("Phùng Văn Khải")
    assert khai.status == EntryStatus.UNMATCHED and khai.commune == world["other_commune"]
    assert _entry("Đặng Thị Nguyệt").commune == world["commune"]
    assert (outside.matched_count, outside.review_count, outside.unmatched_count, outside.refused_count) == (
        2,
        3,
        2,
        1,
    )


def test_the_police_list_updates_the_vneid_level_through_the_skills_service(world):
    outside = _police(world)
    pao, tuan = world["people"]["pao"], world["people"]["tuan"]
    for person in (pao, tuan, world["people"]["mai"]):
        record = SkillRecord.objects.get(resident=person, skill_code="vneid_level2")
        assert (record.level, record.evidence) == (3, Evidence.POLICE)
        assert CurrentSkillLevel.objects.get(resident=person, skill_code="vneid_level2").level == 3
        assert OutsideEvidence.objects.filter(resident=person, source=ListSource.POLICE).count() == 1
    # "Mức 1 - chưa kích hoạt mức 2" brings no activation: a note, no row.
    assert not ListEntry.objects.filter(full_name="Lý Thị Sao").exists()
    assert any("chưa ở mức 2" in p["reason"] for p in outside.problems)
    assert _entry("Vi Văn Đức").status == EntryStatus.UNMATCHED
    audit = AuditEntry.objects.get(action="import", object_id=str(outside.pk))
    assert audit.changes["matched"] == 3 and audit.changes["sha256"] == outside.file_sha256


def test_importing_the_same_file_again_changes_nothing(world):
    _platform(world)
    _police(world)
    before = (
        ListEntry.objects.count(),
        OutsideEvidence.objects.count(),
        SkillRecord.objects.count(),
        OutsideList.objects.count(),
    )
    with pytest.raises(ValidationError, match="đã được nhập"):
        _police(world)
    with pytest.raises(ValidationError, match="đã được nhập"):
        _platform(world)
    after = (
        ListEntry.objects.count(),
        OutsideEvidence.objects.count(),
        SkillRecord.objects.count(),
        OutsideList.objects.count(),
    )
    assert after == before


def test_a_new_file_repeating_rows_of_an_earlier_one_brings_them_once(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _police(world)
    evidence = OutsideEvidence.objects.count()
    # The next week's list: the same rows, one more line of text at the end (another file).
    data = POLICE_FILE.read_bytes() + "6;Lục Văn Mới;1990;;Bản Cáu;21/11/2026;Mức 2\r\n".encode()
    again = list_upload(
        acting_user=world["officer"],
        source=ListSource.POLICE,
        province=world["commune"].province,
        commune=world["commune"],
        upload=SimpleUploadedFile("cong-an-tuan-sau.csv", data),
    )
    assert again.known_count == 3  # the three matched ones are not entered again
    assert OutsideEvidence.objects.count() == evidence
    assert SkillRecord.objects.filter(evidence=Evidence.POLICE).count() == 3


def test_an_officer_cannot_import_a_list_for_another_commune(world):
    with pytest.raises(PermissionDenied):
        _police(world, user=world["other_officer"])
    with pytest.raises(PermissionDenied):  # a commune officer cannot import for the whole province
        _platform(world, user=world["officer"])


def test_erasing_a_person_removes_their_evidence_and_the_list_row_forgets_them(world):
    from langso.operations.services import ERASED_LABEL, person_erase

    _police(world)
    pao = world["people"]["pao"]
    entry = ListEntry.objects.get(resident=pao)
    person_erase(acting_user=world["officer"], resident=pao, reason="Người dân yêu cầu ngày 01/12/2026")
    entry.refresh_from_db()
    assert (entry.full_name, entry.cccd, entry.birth_date, entry.resident) == (ERASED_LABEL, "", None, None)
    assert not OutsideEvidence.objects.filter(entry=entry).exists()


def test_a_layout_the_reader_does_not_know_is_mapped_once_and_remembered(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from langso.outside_lists.imports import list_map_columns
    from langso.outside_lists.models import ListStatus

    # The name sits under "Người được cấp tài khoản", a header no list spelling knows.
    text = "Người được cấp tài khoản;Số CCCD;Ngày kích hoạt\r\nHoàng Văn Páo;019058001234;18/11/2026\r\n"
    outside = list_upload(
        acting_user=world["officer"],
        source=ListSource.POLICE,
        province=world["commune"].province,
        commune=world["commune"],
        upload=SimpleUploadedFile("ca-xa.csv", text.encode()),
    )
    assert outside.status == ListStatus.MAPPING and not ListEntry.objects.exists()
    assert outside.layout["fields"] == ["", "cccd", "done_on"]
    list_map_columns(acting_user=world["officer"], outside=outside, fields=["full_name", "cccd", "done_on"])
    assert outside.status == ListStatus.DONE and outside.matched_count == 1
    assert OutsideEvidence.objects.get().resident == world["people"]["pao"]
    # The next file with the same headers goes straight through.
    text2 = text.replace("Hoàng Văn Páo;019058001234", "Hà Văn Tuấn;019075009876")
    again = list_upload(
        acting_user=world["officer"],
        source=ListSource.POLICE,
        province=world["commune"].province,
        commune=world["commune"],
        upload=SimpleUploadedFile("ca-xa-2.csv", text2.encode()),
    )
    assert again.status == ListStatus.DONE and again.matched_count == 1
