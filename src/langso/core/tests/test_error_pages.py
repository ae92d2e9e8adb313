"""Our own 403, 404, 500 and expired-form pages: Vietnamese, in the site's layout with the menu, a plain
explanation and a way back; under DEBUG in the demo too."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.places.tests.factories import NGHIA_TA, commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor():
    return user_with_role(Role.AUDITOR, province=commune(NGHIA_TA).province, username="kiemtra.thu")


def test_a_refused_page_is_our_vietnamese_page_with_the_menu_and_a_way_back(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("registry:resident_create"), HTTP_REFERER="http://testserver/registry/")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-error-page="403"' in html
    assert "Bạn không có quyền mở trang này" in html
    assert 'class="mainnav"' in html  # the menu, so the user can go on
    assert 'href="http://testserver/registry/"' in html  # back to where they came from
    assert "Forbidden" not in html


def test_a_way_back_never_leads_to_another_site(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("registry:resident_create"), HTTP_REFERER="https://evil.example/x")
    assert "evil.example" not in response.content.decode()


def test_a_missing_page_is_our_page_for_a_visitor_without_account(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-error-page="404"' in html
    assert "Không tìm thấy trang này" in html
    assert reverse("accounts:login") in html


def test_a_missing_object_is_our_404_page_with_the_menu(client):
    client.force_login(commune_officer(commune(NGHIA_TA)))
    response = client.get(reverse("registry:resident", args=["00000000-0000-0000-0000-000000000000"]))
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-error-page="404"' in html and 'class="mainnav"' in html


def test_the_english_user_gets_the_error_page_in_english(client):
    client.cookies["django_language"] = "en"
    response = client.get("/khong-co-trang-nay/")
    assert "This page was not found" in response.content.decode()


def test_an_expired_form_gets_our_page_and_nothing_is_saved(auditor):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(commune_officer(commune(NGHIA_TA)))
    response = csrf_client.post(reverse("registry:household_create"), {"code": "X-1"})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-error-page="403"' in html
    assert "Biểu mẫu đã hết hạn" in html
    from langso.registry.models import Household

    assert not Household.objects.filter(code="X-1").exists()


def test_a_server_error_is_our_page(client, monkeypatch):
    from langso.site import views

    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.selectors, "home_summary", lambda **kw: broken(None))
    client.raise_request_exception = False
    client.force_login(commune_officer(commune(NGHIA_TA)))
    response = client.get(reverse("home"))
    assert response.status_code == 500
    html = response.content.decode()
    assert 'data-error-page="500"' in html and "Có lỗi ở máy chủ" in html
    assert "boom" not in html


@override_settings(DEBUG=True, DEMO_MODE=True)
def test_the_demo_under_debug_shows_our_404_not_the_list_of_every_address(client):
    client.force_login(commune_officer(commune(NGHIA_TA)))
    for url in (
        "/khong-co-trang-nay/",
        reverse("registry:resident", args=["00000000-0000-0000-0000-000000000000"]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert 'data-error-page="404"' in html, url
        assert "URLconf" not in html
        assert "Content-Security-Policy" in response.headers  # the replaced page keeps the headers


@override_settings(DEBUG=True, DEMO_MODE=True)
def test_the_demo_under_debug_shows_our_500_page(client, monkeypatch):
    from langso.site import views

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.selectors, "home_summary", broken)
    client.raise_request_exception = False
    client.force_login(commune_officer(commune(NGHIA_TA)))
    response = client.get(reverse("home"))
    assert response.status_code == 500
    html = response.content.decode()
    assert 'data-error-page="500"' in html and "Traceback" not in html
