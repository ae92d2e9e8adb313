import unicodedata

import pytest

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, THAI_NGUYEN, VillageFactory, commune
from langso.registry.selectors import ResidentFilters, resident_list
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def village():
    return VillageFactory(commune=commune(NGHIA_TA))


def _names(qs):
    return [r.full_name for r in qs]


@pytest.mark.parametrize(
    "query",
    [
        "nguyen van a",
        "Nguyễn Văn A",
        "NGUYEN VAN A",
        unicodedata.normalize("NFD", "Nguyễn Văn A"),
        "nguyễn văn a",
    ],
)
def test_names_are_found_with_or_without_diacritics_in_any_unicode_form(village, query):
    officer = commune_officer(village.commune)
    household = HouseholdFactory(village=village)
    ResidentFactory(household=household, full_name="Nguyễn Văn An")
    ResidentFactory(household=household, full_name="Trần Thị Bình")
    assert _names(resident_list(user=officer, filters=ResidentFilters(q=query))) == ["Nguyễn Văn An"]


def test_d_with_stroke_is_found_as_plain_d(village):
    officer = commune_officer(village.commune)
    ResidentFactory(household=HouseholdFactory(village=village), full_name="Đặng Văn Đức")
    assert _names(resident_list(user=officer, filters=ResidentFilters(q="dang van duc"))) == ["Đặng Văn Đức"]


def test_residents_are_found_by_cccd_and_by_phone_in_any_written_form(village):
    officer = commune_officer(village.commune)
    ResidentFactory(
        household=HouseholdFactory(village=village),
        full_name="Lò Thị Mai",
        cccd="019185001234",
        phone="0912345678",
        sex="female",
        birth_year=1985,
    )
    assert _names(resident_list(user=officer, filters=ResidentFilters(q="019185001234"))) == ["Lò Thị Mai"]
    assert _names(resident_list(user=officer, filters=ResidentFilters(q="+84 912 345 678"))) == ["Lò Thị Mai"]


def test_lists_sort_in_vietnamese_order_by_given_name(village):
    officer = commune_officer(village.commune)
    household = HouseholdFactory(village=village)
    for name in [
        "Lê Văn Đức",
        "Trần Thị Dung",
        "Nguyễn Văn Ánh",
        "Phạm Thị Ân",
        "Hoàng Văn Bình",
        "Vũ Thị An",
    ]:
        ResidentFactory(household=household, full_name=name)
    assert _names(resident_list(user=officer)) == [
        "Vũ Thị An",
        "Nguyễn Văn Ánh",
        "Phạm Thị Ân",
        "Hoàng Văn Bình",
        "Trần Thị Dung",
        "Lê Văn Đức",
    ]


def test_filters_by_village_poverty_age_group_sex_and_ethnic_group(village):
    officer = commune_officer(village.commune)
    poor = HouseholdFactory(village=village, poverty="poor", poverty_year=2025)
    other_village = VillageFactory(commune=village.commune)
    ResidentFactory(household=poor, full_name="Già Làng", birth_year=1940, sex="male", ethnic_group="02")
    ResidentFactory(household=poor, full_name="Cô Gái", birth_year=2000, sex="female", ethnic_group="01")
    ResidentFactory(household=HouseholdFactory(village=other_village), full_name="Anh Khác", birth_year=1990)

    def names(**kw):
        return sorted(_names(resident_list(user=officer, filters=ResidentFilters(**kw))))

    assert names(village_id=other_village.pk) == ["Anh Khác"]
    assert names(poverty="poor") == ["Cô Gái", "Già Làng"]
    assert names(age_group="60plus") == ["Già Làng"]
    assert names(age_group="18-35") == ["Cô Gái"]
    assert names(sex="female") == ["Cô Gái"]
    assert names(ethnic_group="02") == ["Già Làng"]


def test_a_user_sees_only_residents_of_their_units_and_a_province_role_covers_its_communes(village):
    inside = ResidentFactory(household=HouseholdFactory(village=village), full_name="Người Trong")
    ResidentFactory(
        household=HouseholdFactory(village=VillageFactory(commune=commune(CUOR_DANG))),
        full_name="Người Ngoài",
    )
    assert _names(resident_list(user=commune_officer(village.commune))) == ["Người Trong"]
    province_staff = user_with_role(Role.PROVINCE_STAFF, province=village.commune.province)
    assert village.commune.province_id == THAI_NGUYEN
    assert _names(resident_list(user=province_staff)) == ["Người Trong"]
    member = user_with_role(Role.TEAM_MEMBER, village=VillageFactory(commune=village.commune))
    assert _names(resident_list(user=member)) == []
    assert inside.commune_id == NGHIA_TA
    assert sorted(_names(resident_list(user=user_with_role(Role.ADMINISTRATOR)))) == [
        "Người Ngoài",
        "Người Trong",
    ]
