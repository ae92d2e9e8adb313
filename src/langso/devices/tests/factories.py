from __future__ import annotations

import datetime

import factory

from langso.devices.models import CommuneQuota, Device, Programme
from langso.devices.rules import luhn_check_digit


def imei(n: int, prefix: str = "35693803") -> str:
    """A valid IMEI: 8-digit type code, a 6-digit serial, the Luhn check digit."""
    body = f"{prefix}{n:06d}"
    return body + str(luhn_check_digit(body))


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Chương trình Sóng và máy tính cho em {n + 1}")
    funder = "Quỹ Dịch vụ viễn thông công ích Việt Nam"
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2026, 12, 31)
    device_models = "Itel A50"
    package_data_gb = 4
    package_months = 12
    training_required = False


class QuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommuneQuota

    programme = factory.SubFactory(ProgrammeFactory)
    province = factory.LazyAttribute(lambda o: o.commune.province)
    quota = 10


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    programme = factory.SubFactory(ProgrammeFactory)
    imei = factory.Sequence(lambda n: imei(n + 1))
    model_name = "Itel A50"
