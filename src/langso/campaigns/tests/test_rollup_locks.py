"""A page read never waits for another refresh's lock on PostgreSQL (the load test's queue)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from langso.campaigns.models import Indicator
from langso.campaigns.rollups import refresh_stale, stale_communes, unit_values
from langso.places.models import Commune
from langso.places.tests.factories import VillageFactory
from langso.registry.tests.factories import ResidentFactory

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")

pytestmark = [pytest.mark.postgres_only, postgres_only, pytest.mark.django_db(transaction=True)]

HOLD_SECONDS = 3.0


def _hold_commune_lock(code: int, locked: threading.Event, release: threading.Event) -> None:
    """Another refresh at work: the commune's row locked as `_refresh` locks it, until released."""
    try:
        with transaction.atomic():
            list(Commune.objects.select_for_update(no_key=True).filter(code=code).values("code"))
            locked.set()
            release.wait(HOLD_SECONDS)
    finally:
        connections.close_all()


def test_a_page_read_shows_stored_numbers_instead_of_waiting_for_another_refresh():
    village = VillageFactory()
    commune = village.commune_id
    reached = Indicator.objects.filter(code="adults_reached").first()
    if reached is None:  # an earlier transactional test flushed the migrations' indicators
        pytest.skip("the shipped indicators were flushed by an earlier transactional test")
    ResidentFactory(household__village=village, birth_year=1960)
    assert unit_values(reached, level="commune", commune_code=commune)[str(commune)].denominator == 1
    ResidentFactory(household__village=village, birth_year=1970)  # changed since
    assert stale_communes([commune]) == [commune]

    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_commune_lock, args=(commune, locked, release))
    holder.start()
    try:
        assert locked.wait(5)
        started = time.monotonic()
        values = unit_values(reached, level="commune", commune_code=commune)
        waited = time.monotonic() - started
        assert values[str(commune)].denominator == 1  # the stored numbers, not waited for
        assert waited < HOLD_SECONDS / 2, "the read waited for the other refresh's lock"
        assert stale_communes([commune]) == [commune]  # left to the refresh that holds it
    finally:
        release.set()
        holder.join()

    assert refresh_stale([commune]) == [commune]  # the minute job's path waits and does it
    assert stale_communes([commune]) == []
    assert unit_values(reached, level="commune", commune_code=commune)[str(commune)].denominator == 2


def test_the_minute_refresh_waits_for_another_refresh_and_then_does_the_work():
    village = VillageFactory()
    commune = village.commune_id
    refresh_stale([commune])
    ResidentFactory(household__village=village, birth_year=1970)

    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_commune_lock, args=(commune, locked, release))
    holder.start()
    try:
        assert locked.wait(5)
        threading.Timer(0.5, release.set).start()
        started = time.monotonic()
        assert refresh_stale([commune]) == [commune]
        assert time.monotonic() - started >= 0.4  # it waited for the lock
    finally:
        release.set()
        holder.join()
    assert stale_communes([commune]) == []
