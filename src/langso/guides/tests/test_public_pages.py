"""Public guide pages: no account, light, nothing personal, cacheable, Vietnamese first."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from langso.guides.models import Guide
from langso.guides.selectors import offline_urls
from langso.skills.services import skill_record_add

pytestmark = pytest.mark.django_db

PUBLIC_CACHE = "public, max-age=300"


def test_anyone_opens_the_index_grouped_by_skill_area(client: Client) -> None:
    response = client.get(reverse("guides:index"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Định danh điện tử và dịch vụ công" in page
    assert "An toàn trên không gian mạng" in page
    assert page.count('class="guide-link"') == 22
    assert response["Cache-Control"] == PUBLIC_CACHE


@pytest.mark.parametrize("code", ["vneid_level2", "qr_payment", "phone_basics", "scam_awareness"])
def test_anyone_opens_a_guide_with_every_step_its_picture_and_its_audio(client: Client, code: str) -> None:
    guide = Guide.objects.get(skill_code=code)

    response = client.get(reverse("guides:guide", args=[code]))

    assert response.status_code == 200
    page = response.content.decode()
    for step in guide.steps.all():
        assert step.text in page
        assert reverse("guides:step_audio", kwargs={"step_id": step.pk}) in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == guide.steps.count()
    assert reverse("guides:quiz", args=[code]) in page
    assert reverse("guides:handout", args=[code]) in page


def test_every_guide_page_is_under_100_kb(client: Client) -> None:
    sizes = {}
    for code in Guide.objects.values_list("skill_code", flat=True):
        for query in ("", "?lang=en"):
            response = client.get(reverse("guides:guide", args=[code]) + query)
            assert response.status_code == 200
            sizes[code + query] = len(response.content)
    assert max(sizes.values()) < 100_000, max(sizes.items(), key=lambda kv: kv[1])


def test_a_signed_in_officer_gets_the_same_page_with_nothing_personal_and_public_caching(
    client: Client, officer: Any
) -> None:
    client.force_login(officer)

    response = client.get(reverse("guides:guide", args=["vneid_level2"]))

    page = response.content.decode()
    assert response.status_code == 200
    assert officer.get_username() not in page and str(officer.full_name) not in page
    assert "csrfmiddlewaretoken" not in page
    assert "Đăng xuất" not in page
    assert response["Cache-Control"] == PUBLIC_CACHE
    assert "Set-Cookie" not in response.headers and not response.cookies


def test_a_citizen_session_sees_the_same_public_guide_page(client: Client, resident: Any) -> None:
    _open_citizen_session(client, resident)

    response = client.get(reverse("guides:guide", args=["qr_payment"]))

    assert resident.full_name not in response.content.decode()
    assert response["Cache-Control"] == PUBLIC_CACHE


def test_pages_other_than_guides_keep_no_store_for_a_signed_in_user(client: Client, officer: Any) -> None:
    client.force_login(officer)

    response = client.get(reverse("registry:residents"))

    assert "no-store" in response["Cache-Control"]


def test_a_missing_guide_is_a_404(client: Client) -> None:
    assert client.get(reverse("guides:guide", args=["khong-co"])).status_code == 404


def test_pages_are_vietnamese_by_default_and_english_by_choice(client: Client) -> None:
    url = reverse("guides:guide", args=["qr_payment"])
    guide = Guide.objects.get(skill_code="qr_payment")

    vi = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    en = client.get(url + "?lang=en")
    client.cookies["django_language"] = "en"
    by_cookie = client.get(url)

    assert guide.title in vi.content.decode() and vi["Content-Language"] == "vi"
    assert guide.title_en in en.content.decode() and en["Content-Language"] == "en"
    assert guide.steps.first().text_en in en.content.decode()
    assert 'lang="en"' in en.content.decode()
    assert guide.title_en in by_cookie.content.decode()
    assert "Cookie" in vi["Vary"]


def test_english_pages_link_to_english_pages_so_offline_copies_stay_in_one_language(client: Client) -> None:
    page = client.get(reverse("guides:index") + "?lang=en").content.decode()

    assert reverse("guides:guide", args=["qr_payment"]) + "?lang=en" in page


def test_offline_urls_list_the_index_every_guide_and_the_stylesheets(client: Client) -> None:
    urls = offline_urls("vi")

    assert urls[0] == reverse("guides:index")
    assert len([u for u in urls if u.startswith("/guides/") and u != "/guides/"]) == 22
    assert any(u.endswith("langso/app.css") for u in urls)
    assert any(u.endswith("guides/guides.css") for u in urls)
    for url in urls:
        if url.startswith("/guides/"):
            assert client.get(url).status_code == 200


def test_offline_urls_in_english_carry_the_language_and_an_unknown_language_falls_back() -> None:
    english = offline_urls("en")

    assert all(u.endswith("?lang=en") for u in english if u.startswith("/guides/"))
    assert offline_urls("xx") == offline_urls("vi")


def test_the_guide_index_is_fully_public_even_when_the_person_has_records(
    client: Client, resident: Any
) -> None:
    skill_record_add(acting_user=None, resident=resident, skill_code="qr_payment", level=2)

    page = client.get(reverse("guides:index")).content.decode()

    assert resident.full_name not in page


def _open_citizen_session(client: Client, resident: Any) -> None:
    import datetime

    from django.utils import timezone

    from langso.skills.citizen import CITIZEN_SESSION_KEY, CITIZEN_UNTIL_KEY

    session = client.session
    session[CITIZEN_SESSION_KEY] = str(resident.pk)
    session[CITIZEN_UNTIL_KEY] = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    session.save()


def test_offline_urls_can_add_every_steps_reading() -> None:
    from langso.guides.models import GuideStep

    urls = offline_urls("vi", include_audio=True)

    audio = [u for u in urls if u.endswith(".mp3")]
    assert len(audio) == GuideStep.objects.count()
    assert not [u for u in offline_urls("vi") if u.endswith(".mp3")]


def test_the_link_to_edit_the_guides_shows_only_to_who_may_edit(
    client: Client, officer: Any, province_staff: Any
) -> None:
    edit = reverse("guides:manage")
    assert edit not in client.get(reverse("guides:index")).content.decode()

    client.force_login(officer)
    assert edit not in client.get(reverse("guides:index")).content.decode()

    client.force_login(province_staff)
    response = client.get(reverse("guides:index"))
    assert edit in response.content.decode()
    assert "public" not in response.get("Cache-Control", "")  # the editor's page is kept by no cache
