"""Indicators of issue 15 over group sessions: sessions held and attendance in the week per commune,
and adults reached in minority-language villages (the villages where the registry's people of an
ethnic minority outnumber the Kinh)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from langso.campaigns.facts import FACTS, FactContext
from langso.campaigns.models import Indicator
from langso.campaigns.services import install_default_indicators
from langso.campaigns.shipped import load_indicators
from langso.groups import services
from langso.groups.tests.test_sessions import session_input
from langso.registry.models import Resident

pytestmark = pytest.mark.django_db


def _total(name: str, world, day: datetime.date | None = None) -> int:
    ctx = FactContext(day=day or timezone.localdate(), commune_code=world["commune"].code)
    return sum(FACTS[name].count(ctx).values())


def test_sessions_and_attendance_of_the_week_are_counted_per_commune(world):
    today = timezone.localdate()
    services.session_record(acting_user=world["leader"], data=session_input(world))  # 4 people + 1 walk-in
    services.session_record(
        acting_user=world["leader"],
        data=session_input(world, held_on=today - datetime.timedelta(days=9), walk_ins=()),
    )
    assert _total("group_sessions_week", world) == 1
    assert _total("attendance_week", world) == 5
    ctx = FactContext(day=today, commune_code=world["commune"].code)
    assert set(FACTS["group_sessions_week"].count(ctx)) == {
        (world["commune"].province_id, world["commune"].code, None)
    }
    # A week later the first session has left the window, the second has not come into it.
    assert _total("group_sessions_week", world, today + datetime.timedelta(days=7)) == 0


def test_adults_reached_in_minority_language_villages(world):
    people = world["people"]
    Resident.objects.filter(village=world["village"]).update(ethnic_group="02")  # Tày, bản Cọ
    Resident.objects.filter(pk=people[0].pk).update(ethnic_group="01")  # one Kinh: still a Tày village
    Resident.objects.filter(village=world["other"]).update(ethnic_group="01")  # Nà Pục: Kinh
    assert _total("adults_minority_villages", world) == 10  # the 10 adults of bản Cọ (not the child)
    assert _total("adults_minority_villages_reached", world) == 0
    services.session_record(acting_user=world["leader"], data=session_input(world))
    assert _total("adults_minority_villages_reached", world) == 4


def test_the_shipped_indicators_name_facts_that_exist():
    shipped = {i.values["code"] for i in load_indicators()}  # loading checks each names facts that exist
    install_default_indicators()
    codes = [
        "group_sessions_week",
        "group_attendance_week",
        "adults_reached_minority_villages",
        *[f"adults_reached_{w}" for w in ("visit", "group", "helpdesk", "observed", "platform", "police")],
    ]
    assert set(codes) <= shipped
    assert Indicator.objects.filter(code__in=codes).count() == len(codes)
