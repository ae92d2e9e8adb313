"""The one statement of "the published skills" (`skills.selectors.published_skills`), which every form,
list, rule, import and the phone's worklist read: only the catalogue version in force, and a read that
never writes (the catalogue is installed by the step after `migrate`, operations/content.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.places.tests.factories import NGHIA_TA, commune
from langso.skills import catalogue, selectors, services
from langso.skills.models import CatalogueStatus, CatalogueVersion, Skill
from langso.skills.shipped import shipped_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return user_with_role(Role.PROVINCE_STAFF, province=commune(NGHIA_TA).province)


def _codes() -> list[str]:
    return list(selectors.published_skills().values_list("code", flat=True))


def test_the_published_skills_are_those_of_the_version_in_force_never_a_draft_or_a_retired_one(staff):
    first = catalogue.install_default_catalogue()
    shipped = [s.code for s in shipped_catalogue().skills]
    assert _codes() == shipped, "the shipped catalogue, in its order"

    draft = services.catalogue_draft_start(acting_user=staff)
    services.draft_skill_save(
        acting_user=staff,
        draft=draft,
        code="weather_app",
        area="information",
        name="Xem dự báo thời tiết",
        name_en="Check the weather forecast",
        digcomp="1.1",
        vn_domain=1,
        position=99,
    )
    assert "weather_app" not in _codes(), "a draft is not in force"
    assert selectors.published_version() == first

    services.catalogue_publish(acting_user=staff, draft=draft)
    codes = _codes()
    assert codes == [*shipped, "weather_app"], "the new version, in its order"
    assert len(codes) == len(set(codes)), "the retired version's skills are not listed again"
    assert set(selectors.published_skills().values_list("version", flat=True)) == {draft.pk}
    assert selectors.published_skill_codes() == set(codes)


def test_with_no_catalogue_in_force_reading_it_finds_nothing_and_installs_nothing(staff, client):
    CatalogueVersion.objects.filter(status=CatalogueStatus.PUBLISHED).update(status=CatalogueStatus.RETIRED)
    versions, skills = CatalogueVersion.objects.count(), Skill.objects.count()

    assert selectors.published_version() is None
    assert _codes() == [] and selectors.published_skill_codes() == set()
    client.force_login(user_with_role(Role.COMMUNE_OFFICER, commune=commune(NGHIA_TA)))
    assert client.get(reverse("skills:catalogue")).status_code == 200
    assert (CatalogueVersion.objects.count(), Skill.objects.count()) == (versions, skills), "a read wrote"

    # A draft started then begins from the shipped catalogue.
    draft = services.catalogue_draft_start(acting_user=staff)
    assert sorted(draft.skills.values_list("code", flat=True)) == sorted(
        s.code for s in shipped_catalogue().skills
    )
