"""The import pages: upload, report, the user's choice, progress, retry, and who may see a job."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry import imports
from langso.registry.models import ImportJob, ImportStatus, Resident

pytestmark = pytest.mark.django_db

HEADERS = ["Mã hộ", "Họ và tên", "Năm sinh", "Giới tính", "Thôn"]
GOOD = [
    ["01-001", "Hoàng Văn Tuấn", "1960", "Nam", "Thôn Bản Cáu"],
    ["01-001", "Nông Thị Hoa", "1962", "Nữ", "Thôn Bản Cáu"],
    ["01-002", "Ma Văn Sơn", "1975", "Nam", "Thôn Bản Cáu"],
]
BAD = ["01-003", "Lò Văn 123", "1970", "Nam", "Thôn Bản Cáu"]


def _xlsx(rows):
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def home():
    place = commune(NGHIA_TA)
    VillageFactory(commune=place, name="Thôn Bản Cáu")
    return place


@pytest.fixture
def officer(home):
    return commune_officer(home)


def _upload(client, home, rows, name="dan.xlsx"):
    response = client.post(
        reverse("registry:import_start"),
        {"kind": "residents", "commune": str(home.code), "file": SimpleUploadedFile(name, _xlsx(rows))},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def test_the_import_pages_walk_from_upload_to_result(client, officer, home):
    client.force_login(officer)
    page = client.get(reverse("registry:import_start")).content.decode()
    assert reverse("registry:import_template", args=["residents"]) in page
    template = client.get(reverse("registry:import_template", args=["residents"]))
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    job = _upload(client, home, [*GOOD, BAD])
    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "Tệp có 4 dòng: 3 dòng hợp lệ, 1 dòng có lỗi." in page and "Chưa có gì được ghi vào sổ" in page
    assert (
        "Ghi cả tệp, chỉ khi không có lỗi nào" in page and "Chỉ ghi 3 dòng hợp lệ, bỏ qua 1 dòng lỗi" in page
    )
    assert "Lò Văn 123" in page and "Họ và tên không được chứa chữ số." in page
    assert Resident.objects.count() == 0
    # The whole file is refused while it has errors; the page says why and nothing is written.
    refused = client.post(
        reverse("registry:import_confirm", args=[job.pk]), {"action": "write", "mode": "all"}, follow=True
    )
    assert "không thể ghi cả tệp" in refused.content.decode() and Resident.objects.count() == 0
    client.post(reverse("registry:import_confirm", args=[job.pk]), {"action": "write", "mode": "valid_only"})
    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "Đã ghi xong: 3 mới, 0 cập nhật, 0 không đổi, 1 dòng lỗi bỏ qua." in page
    assert Resident.objects.count() == 3


def test_cancelling_writes_nothing(client, officer, home):
    client.force_login(officer)
    job = _upload(client, home, GOOD)
    page = client.post(reverse("registry:import_confirm", args=[job.pk]), {"action": "cancel"}, follow=True)
    assert "Không có dữ liệu nào được ghi" in page.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and Resident.objects.count() == 0


def test_a_wrong_file_is_refused_on_the_upload_form(client, officer, home):
    client.force_login(officer)
    response = client.post(
        reverse("registry:import_start"),
        {"kind": "residents", "commune": str(home.code), "file": SimpleUploadedFile("dan.pdf", b"%PDF-1.7")},
    )
    assert response.status_code == 200 and "Chỉ nhận tệp .xlsx hoặc .csv" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_big_files_go_through_the_background_task_and_reach_done(client, officer, home, settings):
    settings.IMPORT_BACKGROUND_ROWS = 1
    client.force_login(officer)
    job = _upload(client, home, GOOD)
    assert job.status == ImportStatus.CHECKED  # the test settings run the queued task at once
    client.post(reverse("registry:import_confirm", args=[job.pk]), {"action": "write", "mode": "all"})
    job.refresh_from_db()
    assert (job.status, job.progress_percent, job.created_count) == (ImportStatus.DONE, 100, 3)


def test_a_running_job_shows_a_progress_bar_that_refreshes_itself(client, officer, home):
    client.force_login(officer)
    job = _upload(client, home, GOOD)
    imports.job_confirm(acting_user=officer, job=job, mode="valid_only")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.WRITING, processed_rows=1)
    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert 'id="job-progress" max="100" value="33"' in page and "Đã ghi 1/3 dòng." in page
    assert "<script" not in page.split("</head>")[1].split("</main>")[0]


def test_a_stalled_job_offers_a_retry_that_finishes_it(client, officer, home):
    client.force_login(officer)
    job = _upload(client, home, GOOD)
    imports.job_confirm(acting_user=officer, job=job, mode="all")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.WRITING, heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
    )
    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "không tiến triển" in page and 'http-equiv="refresh"' not in page
    assert reverse("registry:import_retry", args=[job.pk]) in page
    client.post(reverse("registry:import_retry", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.attempts, job.created_count) == (ImportStatus.DONE, 1, 3)


def test_another_communes_officer_cannot_see_or_act_on_the_job(client, officer, home):
    client.force_login(officer)
    job = _upload(client, home, GOOD)
    client.force_login(commune_officer(commune(CUOR_DANG)))
    assert client.get(reverse("registry:import_job", args=[job.pk])).status_code == 404
    for name in ("registry:import_confirm", "registry:import_retry"):
        assert client.post(reverse(name, args=[job.pk]), {"mode": "valid_only"}).status_code == 404
    # Nor can they upload into a commune outside their units.
    response = client.post(
        reverse("registry:import_start"),
        {"kind": "residents", "commune": str(home.code), "file": SimpleUploadedFile("d.xlsx", _xlsx(GOOD))},
    )
    assert response.status_code == 200 and ImportJob.objects.count() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


def test_roles_without_the_import_permission_are_refused(client, home):
    village = VillageFactory(commune=home)
    for role in (Role.TEAM_MEMBER, Role.TEAM_LEADER, Role.AUDITOR):
        client.force_login(
            user_with_role(role, village=village if role != Role.AUDITOR else None, commune=None)
        )
        assert client.get(reverse("registry:import_start")).status_code == 403
        assert client.get(reverse("registry:import_template", args=["residents"])).status_code == 403
