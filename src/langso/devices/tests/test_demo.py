"""The demo programme loads on top of the demo registry, and loading it twice changes nothing."""

import pytest

from langso.devices.demo import DEMO_PROGRAMME, demo_imei, load_demo_programme
from langso.devices.models import Allocation, CandidateList, Device, FollowUp, ListStatus, Programme
from langso.devices.rules import normalize_imei


@pytest.mark.django_db
def test_the_demo_programme_loads_once_with_an_approved_list_and_handovers():
    from langso.site.demo import load_demo_data

    load_demo_data(households_per_village=12)  # the demo command loads the programme too
    programme = Programme.objects.get(name=DEMO_PROGRAMME)
    assert Device.objects.count() == 12
    assert set(programme.quotas.values_list("commune_id", flat=True)) == {1843, 2071, 24301, 24364}
    assert CandidateList.objects.get(commune_id=2071).status == ListStatus.APPROVED
    assert Allocation.objects.count() >= 1
    assert FollowUp.objects.filter(done_on__isnull=False).exists()
    assert all(normalize_imei(i) == i for i in Device.objects.values_list("imei", flat=True))
    again = load_demo_programme()
    assert again["programmes"] == 0
    assert Programme.objects.count() == 1 and Device.objects.count() == 12
    assert demo_imei(1) != demo_imei(2)
