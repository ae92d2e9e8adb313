from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.places.tests.factories import BAC_KAN_WARD, NGHIA_TA, VillageFactory, commune
from langso.registry.models import Sex
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

DATA = Path(__file__).resolve().parents[4] / "tests" / "data"
PLATFORM_FILE = DATA / "binh-dan-hoc-vu-so-thai-nguyen.xlsx"
POLICE_FILE = DATA / "cong-an-xa-nghia-ta-muc-2.csv"


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def _person(
    village: Any, name: str, born: datetime.date | int, *, cccd: str | None = None, sex: str = Sex.MALE
) -> Any:
    household = HouseholdFactory(village=village)
    if isinstance(born, int):
        return ResidentFactory(
            household=household, full_name=name, birth_year=born, birth_date=None, cccd=cccd, sex=sex
        )
    return ResidentFactory(
        household=household, full_name=name, birth_year=born.year, birth_date=born, cccd=cccd, sex=sex
    )


@pytest.fixture
def world(db) -> dict[str, Any]:
    """Xã Nghĩa Tá with the people the sample lists in tests/data/ name (and one more commune's
    officer); a province staff member of Thái Nguyên."""
    home = commune(NGHIA_TA)
    ban_cau = VillageFactory(commune=home, name="Thôn Bản Cáu")
    khau_vai = VillageFactory(commune=home, name="Thôn Khau Vai")
    people = {
        "pao": _person(ban_cau, "Hoàng Văn Páo", datetime.date(1958, 3, 12), cccd="019058001234"),
        "mai": _person(ban_cau, "Lò Thị Mai", datetime.date(1965, 7, 5), sex=Sex.FEMALE),
        "hoa_1": _person(khau_vai, "Nông Thị Hoa", datetime.date(1972, 10, 20), sex=Sex.FEMALE),
        "hoa_2": _person(khau_vai, "Nông Thị Hoa", datetime.date(1972, 10, 20), sex=Sex.FEMALE),
        "sinh": _person(khau_vai, "Triệu Văn Sình", 1980),
        "son": _person(ban_cau, "Ma Văn Sơn", datetime.date(1985, 2, 14), cccd="019085004321"),
        "tuan": _person(ban_cau, "Hà Văn Tuấn", 1975, cccd="019075009876"),
    }
    other = commune(BAC_KAN_WARD)
    return {
        "commune": home,
        "ban_cau": ban_cau,
        "khau_vai": khau_vai,
        "people": people,
        "officer": commune_officer(home),
        "other_officer": commune_officer(other),
        "other_commune": other,
        "staff": user_with_role(Role.PROVINCE_STAFF, province=home.province),
    }
