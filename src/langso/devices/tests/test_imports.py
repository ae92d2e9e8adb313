"""The supplier's device file: a dry run that writes nothing, then an idempotent write by IMEI."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from langso.devices import imports
from langso.devices.models import Device, DeviceImport, ImportStatus
from langso.devices.tests.factories import DeviceFactory, ProgrammeFactory, imei
from langso.registry.imports import FileRefused

pytestmark = pytest.mark.django_db


def xlsx(rows, headers=("IMEI", "Mẫu máy", "Số thuê bao SIM", "Tình trạng")):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [(imei(101), "Itel A50", "0912345678", "Mới"), (imei(102), "Itel A50", "", "Đã dùng")]


def _check(world, data, name="may.xlsx"):
    return imports.import_check(
        acting_user=world["officer"],
        programme=world["programme"],
        commune=world["commune"],
        filename=name,
        data=data,
    )


def test_a_file_with_bad_rows_is_reported_row_by_row_and_nothing_is_written(world):
    other = ProgrammeFactory(name="Chương trình năm trước")
    DeviceFactory(programme=other, imei=imei(900))
    before = Device.objects.count()
    data = xlsx(
        GOOD
        + [
            (imei(103)[:-1] + str((int(imei(103)[-1]) + 1) % 10), "Itel", "", ""),  # wrong check digit
            ("35693803000010", "Itel", "", ""),  # 14 digits
            ("3569380300001AB", "Itel", "", ""),  # letters
            (imei(101), "Itel", "", ""),  # duplicate of row 2
            (imei(900), "Itel", "", ""),  # another programme's
            (imei(104), "", "12345", "Vỡ màn"),
        ]
    )
    job = _check(world, data)
    assert Device.objects.count() == before
    assert (job.total_rows, job.valid_rows, job.status) == (8, 2, ImportStatus.CHECKED)
    found = {(p["row"], p["column"]) for p in job.problems}
    assert {
        (4, "IMEI"),
        (5, "IMEI"),
        (6, "IMEI"),
        (7, "IMEI"),
        (8, "IMEI"),
        (9, "Mẫu máy"),
        (9, "Số thuê bao SIM"),
        (9, "Tình trạng"),
    } <= found
    reasons = " ".join(p["reason"] for p in job.problems)
    assert "chữ số kiểm tra" in reasons.lower() and "15 chữ số" in reasons and "chữ cái" in reasons
    assert "trùng với dòng 2" in reasons and "Chương trình năm trước" in reasons
    with pytest.raises(ValidationError):
        imports.import_confirm(acting_user=world["officer"], job=job, mode=imports.ALL_OR_NOTHING)
    assert Device.objects.count() == before


def test_confirming_writes_the_valid_rows_and_a_second_import_creates_no_duplicates(world):
    before = Device.objects.count()
    job = imports.import_confirm(
        acting_user=world["officer"], job=_check(world, xlsx(GOOD)), mode=imports.ALL_OR_NOTHING
    )
    assert (job.status, job.created_count) == (ImportStatus.DONE, 2)
    assert Device.objects.count() == before + 2
    assert Device.objects.get(imei=imei(101)).sim_number == "0912345678"
    again = imports.import_confirm(
        acting_user=world["officer"], job=_check(world, xlsx(GOOD)), mode=imports.VALID_ONLY
    )
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert Device.objects.count() == before + 2


def test_a_supplier_layout_without_an_imei_header_is_mapped_once_and_remembered(world):
    data = xlsx(
        [(imei(201), "Itel A50", "Mới"), (imei(202), "Itel A60", "Hỏng")], headers=("Số máy", "Tên", "TT")
    )
    job = _check(world, data)
    assert job.status == ImportStatus.MAPPING and job.layout["headers"] == ["Số máy", "Tên", "TT"]
    assert not Device.objects.filter(imei=imei(201)).exists()
    job = imports.import_map_columns(
        acting_user=world["officer"], job=job, fields=["imei", "model_name", "condition"]
    )
    assert (job.status, job.total_rows, job.valid_rows) == (ImportStatus.CHECKED, 2, 2)
    imports.import_confirm(acting_user=world["officer"], job=job, mode=imports.ALL_OR_NOTHING)
    assert Device.objects.get(imei=imei(202)).model_name == "Itel A60"
    # The next file from the same supplier goes straight to the dry run.
    assert _check(world, data).status == ImportStatus.CHECKED


def test_a_sheet_with_no_header_row_is_refused_as_a_whole(world):
    with pytest.raises(FileRefused):
        _check(world, xlsx([("x",)], headers=("Số máy",)))
    assert not DeviceImport.objects.exists()


def test_the_templates_example_row_is_never_a_device(world):
    with pytest.raises(FileRefused, match="chỉ có dòng ví dụ"):
        _check(world, imports.template_xlsx(), name="mau.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(imports.template_xlsx()))
    book.worksheets[0].append([imei(301), "Itel A50", "", "Mới"])
    buffer = io.BytesIO()
    book.save(buffer)
    job = _check(world, buffer.getvalue(), name="mau.xlsx")
    assert (job.total_rows, job.valid_rows) == (1, 1)
    assert [p["row"] for p in job.problems if p.get("note")] == [2]


def test_the_refused_devices_come_back_as_the_suppliers_rows_with_reasons(client, world):
    bad = (imei(401)[:-1] + str((int(imei(401)[-1]) + 1) % 10), "Itel", "", "")
    job = _check(world, xlsx([*GOOD, bad]))
    imports.import_confirm(acting_user=world["officer"], job=job, mode=imports.VALID_ONLY)
    client.force_login(world["officer"])
    response = client.get(reverse("devices:import_refused", args=[job.pk]))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert rows[0][:4] == ("IMEI", "Mẫu máy", "Số thuê bao SIM", "Tình trạng") and rows[0][4].startswith(
        "Lý do"
    )
    assert rows[1][:2] == (bad[0], "Itel") and "IMEI: " in rows[1][4]
    assert len(rows) == 2


def test_the_mapping_form_on_the_import_page_maps_the_suppliers_columns(client, world):
    data = xlsx([(imei(501), "Itel A50")], headers=("Số máy", "Tên"))
    job = _check(world, data)
    client.force_login(world["officer"])
    page = client.get(reverse("devices:import", args=[job.pk])).content.decode()
    assert 'id="column-map"' in page and page.count("<select") == 2
    client.post(
        reverse("devices:import", args=[job.pk]),
        {"action": "columns", "column_0": "imei", "column_1": "model_name"},
    )
    job.refresh_from_db()
    assert (job.status, job.valid_rows) == (ImportStatus.CHECKED, 1)
    assert (
        "Tệp có 1 dòng: 1 dòng hợp lệ"
        in client.get(reverse("devices:import", args=[job.pk])).content.decode()
    )
