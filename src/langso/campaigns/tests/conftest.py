"""A province with two communes and a campaign, shared by the view and report tests."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.campaigns.models import Campaign, Indicator, Target
from langso.places.tests.factories import BAC_KAN_WARD, CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry.tests.factories import ResidentFactory
from langso.skills import services as skill_services


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def world(settings):
    """Nghĩa Tá: Thôn Bản Cáu (one adult of two with VNeID level 2) and Thôn Nà Mò (one adult, without);
    a ward of the same province where everyone has it; a commune of another province."""
    settings.DEMO_MODE = True  # province staff's second factor: the demo relaxation stands in for it
    nghia_ta, ward, outside = commune(NGHIA_TA), commune(BAC_KAN_WARD), commune(CUOR_DANG)
    ban_cau = VillageFactory(commune=nghia_ta, name="Thôn Bản Cáu")
    na_mo = VillageFactory(commune=nghia_ta, name="Thôn Nà Mò")
    ward_village = VillageFactory(commune=ward, name="Tổ 5")
    outside_village = VillageFactory(commune=outside, name="Buôn Ea Ngoài")
    done = ResidentFactory(
        household__village=ban_cau, birth_year=1960, full_name="Lò Thị Xong", cccd="019160001111"
    )
    waiting = ResidentFactory(
        household__village=ban_cau, birth_year=1962, full_name="Lò Văn Chờ", cccd="019062002222"
    )
    far = ResidentFactory(household__village=na_mo, birth_year=1965, full_name="Hoàng Văn Xa")
    ward_person = ResidentFactory(household__village=ward_village, birth_year=1970, full_name="Ma Thị Phường")
    ResidentFactory(household__village=outside_village, birth_year=1970, full_name="Y Ngông Ngoài")
    for person in (done, ward_person):
        skill_services.skill_record_add(acting_user=None, resident=person, skill_code="vneid_level2", level=3)
    staff = user_with_role(Role.PROVINCE_STAFF, province=nghia_ta.province, is_demo=True)
    campaign = Campaign.objects.create(
        name="Cao điểm 100 ngày",
        province=nghia_ta.province,
        starts_on=today() - datetime.timedelta(days=20),
        ends_on=today() + datetime.timedelta(days=80),
        created_by=staff,
    )
    vneid = Indicator.objects.get(code="adults_vneid2")
    target = Target.objects.create(
        campaign=campaign, indicator=vneid, value=60, deadline=today() + datetime.timedelta(days=30)
    )
    return {
        "nghia_ta": nghia_ta,
        "ward": ward,
        "outside": outside,
        "ban_cau": ban_cau,
        "na_mo": na_mo,
        "done": done,
        "waiting": waiting,
        "far": far,
        "staff": staff,
        "officer": commune_officer(nghia_ta),
        "campaign": campaign,
        "vneid": vneid,
        "target": target,
    }
