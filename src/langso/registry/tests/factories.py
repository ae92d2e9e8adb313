from __future__ import annotations

import datetime

import factory

from langso.core.text import fold, vietnamese_sort_key
from langso.places.tests.factories import VillageFactory
from langso.registry.models import Household, Resident, Sex


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    village = factory.SubFactory(VillageFactory)
    commune = factory.LazyAttribute(lambda o: o.village.commune)
    province = factory.LazyAttribute(lambda o: o.village.commune.province)
    code = factory.Sequence(lambda n: f"HGD-{n + 1:04d}")
    address = factory.Sequence(lambda n: f"Số {n + 1}")


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    household = factory.SubFactory(HouseholdFactory)
    village = factory.LazyAttribute(lambda o: o.household.village)
    commune = factory.LazyAttribute(lambda o: o.household.commune)
    province = factory.LazyAttribute(lambda o: o.household.province)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Người {n}")
    name_folded = factory.LazyAttribute(lambda o: fold(o.full_name))
    sort_key = factory.LazyAttribute(lambda o: vietnamese_sort_key(o.full_name))
    sex = Sex.MALE
    birth_year = 1970
    birth_date = factory.LazyAttribute(lambda o: datetime.date(o.birth_year, 6, 1) if o.birth_year else None)
