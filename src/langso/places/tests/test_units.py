import pytest
from django.core.exceptions import ValidationError

from langso.core.models import AuditAction, AuditEntry
from langso.places.loaders import load_administrative_units
from langso.places.models import Commune, Coverage, Province
from langso.places.services import village_create, village_update
from langso.places.tests.factories import NGHIA_TA, commune

pytestmark = pytest.mark.django_db


def test_all_34_provinces_and_3321_communes_are_loaded_with_clean_names():
    result = load_administrative_units()
    assert (result.provinces, result.communes) == (34, 3321)
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    assert not Commune.objects.filter(name__contains="  ").exists()
    assert not Commune.objects.filter(name__contains="\u2019").exists()
    assert Commune.objects.get(code=24301).name == "Xã Cuôr Đăng"
    assert Commune.objects.get(code=1843).province.name == "Thái Nguyên"
    assert Commune.objects.filter(name="Xã Ea M'Droh").exists()


def test_loading_the_units_twice_changes_nothing():
    load_administrative_units()
    load_administrative_units()
    assert Commune.objects.count() == 3321


def test_a_commune_officer_creates_a_village_with_its_coverage_and_it_is_audited():
    from langso.accounts.tests.factories import commune_officer

    home = commune(NGHIA_TA)
    officer = commune_officer(home)
    village = village_create(
        acting_user=officer,
        commune=home,
        name="  Thôn   Bản Cáu ",
        kind="thon",
        broadband=Coverage.YES,
        mobile_4g=Coverage.PARTIAL,
        mobile_5g=Coverage.NO,
    )
    assert village.name == "Thôn Bản Cáu"
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(village.pk)).exists()
    with pytest.raises(ValidationError):
        village_create(acting_user=officer, commune=home, name="thon ban cau")
    village_update(acting_user=officer, village=village, mobile_5g=Coverage.PARTIAL)
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(village.pk))
    assert entry.changes == {"mobile_5g": ["no", "partial"]}
