from __future__ import annotations

import datetime

import pytest

from langso.accounts.tests.factories import commune_officer
from langso.places.tests.factories import CUOR_DANG, VillageFactory, commune
from langso.registry.tests.factories import ResidentFactory
from langso.skills import services
from langso.skills.selectors import skill_progress_by_month

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def record(resident, code, level, day):
    services.skill_record_add(
        acting_user=None, resident=resident, skill_code=code, level=level, recorded_on=day
    )


def test_skills_reached_over_time_count_each_person_and_skill_once_from_the_first_time(settings):
    village = VillageFactory()
    officer = commune_officer(village.commune)
    an, binh = ResidentFactory(household__village=village), ResidentFactory(household__village=village)
    record(an, "video_call", 2, datetime.date(2026, 8, 3))  # below the level: not counted
    record(an, "video_call", 3, datetime.date(2026, 9, 10))
    record(an, "video_call", 4, datetime.date(2026, 10, 1))  # already counted in September
    record(binh, "video_call", 3, datetime.date(2026, 10, 15))
    record(binh, "qr_payment", 3, datetime.date(2025, 6, 1))  # before the window: counted from the start
    elsewhere = ResidentFactory(household__village=VillageFactory(commune=commune(CUOR_DANG)))
    record(elsewhere, "video_call", 3, datetime.date(2026, 9, 1))  # outside the officer's units

    progress = skill_progress_by_month(user=officer, months=4, today=TODAY)

    assert progress.months == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert progress.by_skill["video_call"] == [0, 1, 2, 2]
    assert progress.by_skill["qr_payment"] == [1, 1, 1, 1]
    assert progress.by_area["communication"] == [0, 1, 2, 2]
    assert progress.by_area["money"] == [1, 1, 1, 1]


def test_the_numbers_page_shows_areas_skills_and_trends_for_a_chosen_commune(client):
    village = VillageFactory()
    officer = commune_officer(village.commune)
    person = ResidentFactory(household__village=village)
    record(person, "video_call", 3, datetime.date.today())
    client.force_login(officer)

    page = client.get("/skills/numbers/").content.decode()

    assert "Theo nhóm kỹ năng" in page and "Gọi video" in page
    assert 'class="sparkline"' in page
    assert client.get("/skills/numbers/?commune=99999999").status_code == 200  # ignored, not an error
