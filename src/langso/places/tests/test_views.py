import pytest
from django.urls import reverse

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.places.models import Coverage, Village
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune

pytestmark = pytest.mark.django_db


def test_a_commune_officer_creates_a_village_from_the_commune_page(client):
    home = commune(NGHIA_TA)
    client.force_login(commune_officer(home))
    assert "Thêm thôn/bản" in client.get(reverse("places:commune", args=[home.code])).content.decode()
    response = client.post(
        reverse("places:village_create", args=[home.code]), {"name": "Bản Khuổi Chao", "kind": "ban"}
    )
    assert response.status_code == 302
    assert Village.objects.filter(commune=home, name="Bản Khuổi Chao").exists()
    again = client.post(
        reverse("places:village_create", args=[home.code]), {"name": "ban khuoi chao", "kind": "ban"}
    )
    assert "Xã đã có thôn/bản tên" in again.content.decode()
    # Without its kind word, or with another one, it is still the same village: the form says which.
    for written in ("Khuổi Chao", "Thôn Khuổi Chao"):
        response = client.post(
            reverse("places:village_create", args=[home.code]), {"name": written, "kind": "thon"}
        )
        assert response.status_code == 200
        assert "Xã đã có thôn/bản “Bản Khuổi Chao”" in response.content.decode()
    assert Village.objects.filter(commune=home).count() == 1


def test_an_officer_cannot_add_villages_to_another_commune(client):
    client.force_login(commune_officer(commune(NGHIA_TA)))
    assert client.get(reverse("places:commune", args=[CUOR_DANG])).status_code == 404
    assert (
        client.post(
            reverse("places:village_create", args=[CUOR_DANG]), {"name": "X", "kind": "thon"}
        ).status_code
        == 404
    )


def test_a_telecom_partner_updates_coverage_but_cannot_rename_villages(client, settings):
    village = VillageFactory(commune=commune(CUOR_DANG))
    partner = user_with_role(Role.TELECOM_PARTNER, province=village.commune.province)
    client.force_login(partner)
    response = client.post(
        reverse("places:coverage_edit", args=[village.pk]),
        {"broadband": "yes", "mobile_4g": "yes", "mobile_5g": "partial", "coverage_checked_on": "05/03/2026"},
    )
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.mobile_5g == Coverage.PARTIAL
    assert (village.coverage_checked_on.day, village.coverage_checked_on.month) == (5, 3)
    assert client.get(reverse("places:village_edit", args=[village.pk])).status_code == 403


def test_the_places_api_lists_only_villages_in_scope(client):
    inside = VillageFactory(commune=commune(NGHIA_TA))
    outside = VillageFactory(commune=commune(CUOR_DANG))
    client.force_login(commune_officer(inside.commune))
    names = [v["name"] for v in client.get(f"/api/v1/places/communes/{NGHIA_TA}/villages").json()]
    assert names == [inside.name]
    assert client.get(f"/api/v1/places/communes/{CUOR_DANG}/villages").status_code == 404
    assert client.get(f"/api/v1/places/villages/{outside.pk}").status_code == 404
    assert client.get("/api/openapi.json").status_code == 200
