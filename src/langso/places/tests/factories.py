from __future__ import annotations

import factory

from langso.core.text import fold, place_sort_key
from langso.places.models import Commune, Province, Village

# Real units of the reports: Thái Nguyên (19) and Đắk Lắk (66).
THAI_NGUYEN = 19
DAK_LAK = 66
BAC_KAN_WARD = 1843
NGHIA_TA = 2071
CUOR_DANG = 24301
PHU_XUAN_DL = 24364


def ensure_units() -> None:
    """Transactional (browser) tests flush the database; put the real units back when needed."""
    if not Province.objects.filter(code=THAI_NGUYEN).exists():
        from langso.places.loaders import load_administrative_units

        load_administrative_units()


def commune(code: int = NGHIA_TA) -> Commune:
    ensure_units()
    return Commune.objects.select_related("province").get(code=code)


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    commune = factory.LazyFunction(commune)
    name = factory.Sequence(lambda n: f"Thôn {n + 1}")
    name_folded = factory.LazyAttribute(lambda o: fold(o.name))
    sort_key = factory.LazyAttribute(lambda o: place_sort_key(o.name))
