"""Allocation when many officers act at once, on PostgreSQL (row locks): nothing is given twice."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from langso.accounts.tests.factories import commune_officer
from langso.devices import services
from langso.devices.models import Allocation, AllocationStatus, Device, DeviceStatus
from langso.devices.tests.conftest import poor_household
from langso.devices.tests.factories import DeviceFactory, ProgrammeFactory, QuotaFactory
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")

pytestmark = [pytest.mark.postgres_only, postgres_only, pytest.mark.django_db(transaction=True)]

REQUESTS = 50


def _set_up(*, devices: int, quota: int, recipients: int):
    home = commune(NGHIA_TA)
    village = VillageFactory(commune=home)
    programme = ProgrammeFactory()
    QuotaFactory(programme=programme, commune=home, quota=quota)
    for i in range(recipients):
        poor_household(village, birth_year=1950 + i % 40)
    for _ in range(devices):
        DeviceFactory(programme=programme)
    officer = commune_officer(home)
    lst = services.candidate_list_generate(acting_user=officer, programme=programme, commune=home)
    lst = services.candidate_list_approve(acting_user=officer, candidate_list=lst, decision="QĐ 1/QĐ-UBND")
    return officer, list(lst.candidates.select_related("candidate_list", "household", "household__head"))


def _race(officer, candidates):
    """REQUESTS threads, each with its own database connection, released together."""
    start = threading.Barrier(REQUESTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def request(candidate):
        try:
            start.wait()
            services.allocate(
                acting_user=officer,
                candidate=candidate,
                handover=services.Handover(handed_over_on=datetime.date.today(), giver_name="Cán bộ xã"),
            )
            result = "ok"
        except ValidationError as error:
            result = error.code or "refused"
        except Exception as error:  # anything else is a failure of the test
            result = f"error: {error!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=request, args=(c,)) for c in candidates]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_fifty_parallel_requests_for_ten_devices_hand_out_exactly_ten_and_no_recipient_twice():
    officer, candidates = _set_up(devices=10, quota=100, recipients=25)
    # Every recipient is asked for twice, at the same moment.
    outcomes = _race(officer, candidates + candidates)
    assert len(outcomes) == REQUESTS
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert outcomes.count("ok") == 10
    active = Allocation.objects.filter(status=AllocationStatus.ACTIVE)
    assert active.count() == 10
    assert active.values("recipient_key").distinct().count() == 10
    assert active.values("device_id").distinct().count() == 10
    assert Device.objects.filter(status=DeviceStatus.IN_STOCK).count() == 0


def test_fifty_parallel_requests_never_exceed_the_quota():
    officer, candidates = _set_up(devices=30, quota=7, recipients=50)
    outcomes = _race(officer, candidates)
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert outcomes.count("ok") == 7
    assert outcomes.count("quota_full") == 43
    assert Allocation.objects.count() == 7
    assert Device.objects.filter(status=DeviceStatus.HANDED_OVER).count() == 7
