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


@pytest.mark.parametrize(
    ("existing", "again"),
    [
        ("Thôn Bản Cáu", "Bản Cáu"),
        ("Thôn Bản Cáu", "BẢN CÁU"),
        ("Thôn Bản Cáu", "thon ban cau"),
        ("Nà Piêng", "Bản Nà Piêng"),
        ("Thôn Đồng Tâm", "Xóm Đồng Tâm"),
        ("Thôn 3", "Thôn 03"),
        ("Thôn 03", "3"),
        ("Tổ dân phố 7", "TDP 07"),
        ("Buôn Ea Kmar", "Ea Kmar"),
        ("Plơi Ia Lâu", "Plei Ia Lâu"),
        ("Bon Bu Prăng", "Bu Prăng"),
    ],
)
def test_a_village_whose_name_matches_an_existing_one_without_its_kind_word_is_refused(existing, again):
    from langso.accounts.tests.factories import commune_officer

    home = commune(NGHIA_TA)
    officer = commune_officer(home)
    village_create(acting_user=officer, commune=home, name=existing)
    with pytest.raises(ValidationError) as caught:
        village_create(acting_user=officer, commune=home, name=again)
    message = caught.value.message_dict["name"][0]
    assert f"“{existing}”" in message
    assert home.villages.count() == 1


def test_renaming_a_village_to_another_villages_name_without_its_kind_word_is_refused():
    from langso.accounts.tests.factories import commune_officer

    home = commune(NGHIA_TA)
    officer = commune_officer(home)
    village_create(acting_user=officer, commune=home, name="Thôn Bản Cáu")
    other = village_create(acting_user=officer, commune=home, name="Thôn Nà Piêng")
    with pytest.raises(ValidationError) as caught:
        village_update(acting_user=officer, village=other, name="Bản Cáu")
    assert "“Thôn Bản Cáu”" in caught.value.message_dict["name"][0]
    other.refresh_from_db()
    assert other.name == "Thôn Nà Piêng"
    # Its own name, written another way, is fine.
    village_update(acting_user=officer, village=other, name="Bản Nà Piêng")
    other.refresh_from_db()
    assert other.name == "Bản Nà Piêng"


def test_villages_that_already_share_a_name_without_kind_words_can_still_be_edited():
    """Two such villages made before the rule (a merged commune's "Thôn 3" and "Tổ dân phố 3")."""
    from langso.accounts.tests.factories import commune_officer
    from langso.places.tests.factories import VillageFactory

    home = commune(NGHIA_TA)
    officer = commune_officer(home)
    thon = VillageFactory(commune=home, name="Thôn 3")
    VillageFactory(commune=home, name="Tổ dân phố 3")
    village_update(acting_user=officer, village=thon, name="Thôn 03", kind="ban")
    thon.refresh_from_db()
    assert (thon.name, thon.kind) == ("Thôn 03", "ban")


def test_different_names_with_the_same_kind_word_are_different_villages():
    from langso.accounts.tests.factories import commune_officer

    home = commune(NGHIA_TA)
    officer = commune_officer(home)
    for name in ("Thôn 3", "Thôn 13", "Thôn Bản Cáu", "Thôn Khuổi Chao", "Khu 5"):
        village_create(acting_user=officer, commune=home, name=name)
    assert home.villages.count() == 5
