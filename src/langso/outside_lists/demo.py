"""Demo data: a commune police list of VNeID level-2 activations for Nghĩa Tá and the national
platform's learners for Thái Nguyên, written as the lists arrive (their own headers, a birth year
only for one person, people the registry lacks), so the upload, review and not-found pages have
something to show. Idempotent: nothing is added when the province already has a list."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from langso.accounts.models import User
from langso.outside_lists.imports import list_upload
from langso.outside_lists.models import ListSource, OutsideList
from langso.places.models import Commune
from langso.registry.models import Resident

DEMO_COMMUNE = 2071  # Xã Nghĩa Tá
ADULT_BORN_BY = 2000


def _adults(village_name: str, count: int) -> list[Resident]:
    return list(
        Resident.objects.filter(
            commune_id=DEMO_COMMUNE,
            village__name=village_name,
            birth_year__lte=ADULT_BORN_BY,
        )
        .select_related("village")
        .order_by("sort_key")[:count]
    )


def _born(person: Resident, year_only: bool) -> str:
    if person.birth_date and not year_only:
        return person.birth_date.strftime("%d/%m/%Y")
    return str(person.birth_year)


def _csv(rows: list[list[str]]) -> bytes:
    return ("\ufeff" + "\r\n".join(";".join(row) for row in rows) + "\r\n").encode()


def load_demo_outside_lists() -> int:
    commune = Commune.objects.select_related("province").filter(code=DEMO_COMMUNE).first()
    officer = User.objects.filter(username="xa.nghiata").first()
    staff = User.objects.filter(username="tinh.thainguyen").first()
    if commune is None or officer is None or staff is None:
        return 0
    if OutsideList.objects.filter(province=commune.province).exists():
        return 0
    day = (timezone.localdate() - datetime.timedelta(days=12)).strftime("%d/%m/%Y")
    police = _adults("Thôn Bản Cáu", 6)
    rows = [["TT", "Họ tên công dân", "Năm sinh", "Số CCCD", "Thôn/xóm", "Thời gian kích hoạt", "Trạng thái"]]
    for n, person in enumerate(police, start=1):
        # The last one is written without a CCCD and with a birth year only: it waits for an officer.
        last = n == len(police)
        cccd = "" if last else person.cccd or ""
        rows.append([str(n), person.full_name.upper(), _born(person, last), cccd, "Bản Cáu", day, "Mức 2"])
    rows.append([str(len(rows)), "Vi Văn Đức", "1988", "", "Bản Cáu", day, "Đã kích hoạt mức 2"])
    rows.append([str(len(rows)), "Lý Thị Sao", "1982", "", "Bản Cáu", day, "Mức 1"])
    list_upload(
        acting_user=officer,
        source=ListSource.POLICE,
        province=commune.province,
        commune=commune,
        upload=SimpleUploadedFile("cong-an-xa-nghia-ta-muc-2.csv", _csv(rows)),
    )
    learners = _adults("Thôn Nà Piêng", 5)
    rows = [["STT", "Họ và tên học viên", "Ngày tháng năm sinh", "Số định danh cá nhân", "Xã/Phường", "Địa chỉ", "Tên khóa học", "Mã chứng nhận", "Ngày cấp"]]  # fmt: skip
    for n, person in enumerate(learners, start=1):
        rows.append(
            [
                str(n),
                person.full_name,
                _born(person, False),
                person.cccd or "",
                "Xã Nghĩa Tá",
                person.village.name,
                "Kỹ năng số cơ bản",
                f"BDHVS-19-{n:06d}",
                day,
            ]
        )
    rows.append([str(len(rows)), "Đặng Thị Nguyệt", "01/01/1990", "", "Xã Nghĩa Tá", "Thôn Nà Piêng", "Kỹ năng số cơ bản", "BDHVS-19-000990", day])  # fmt: skip
    list_upload(
        acting_user=staff,
        source=ListSource.PLATFORM,
        province=commune.province,
        commune=None,
        upload=SimpleUploadedFile("binh-dan-hoc-vu-so-thai-nguyen.csv", _csv(rows)),
    )
    return 2
