"""The home page's counts read as sentences in both languages: "1 household", "83 households" in
English; Vietnamese nouns have one form ("1 hộ gia đình", "83 hộ gia đình")."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from langso.accounts.tests.factories import commune_officer
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def _cards(html: str) -> list[str]:
    """Each card's text, spaces squeezed: "1 household"."""
    found = re.findall(r'<li class="card">(.*?)</li>', html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", card).split()) for card in found]


@pytest.fixture
def officer_client(client):
    home = commune(NGHIA_TA)
    village = VillageFactory(commune=home, name="Thôn Bản Cáu")
    household = HouseholdFactory(village=village)
    for name in ("Hoàng Văn Tuấn", "Triệu Thị Mai"):
        ResidentFactory(household=household, full_name=name)
    client.force_login(commune_officer(home))
    return client


def test_english_counts_are_singular_for_one_and_plural_for_more(officer_client):
    villages = commune(NGHIA_TA).villages.count()
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    cards = _cards(officer_client.get(reverse("home")).content.decode())
    assert "1 household" in cards
    assert "2 residents" in cards
    village_card = [card for card in cards if "village" in card]
    expected = "village or residential group" if villages == 1 else "villages and residential groups"
    assert village_card == [f"{villages} {expected}"]


def test_vietnamese_counts_keep_the_one_form(officer_client):
    cards = _cards(officer_client.get(reverse("home")).content.decode())
    assert "1 hộ gia đình" in cards and "2 người dân" in cards
