import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.core.models import AuditEntry
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry.models import Poverty
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.skills import services
from langso.skills.citizen import CITIZEN_UNTIL_KEY, access_code_create, format_code, normalise_code
from langso.skills.models import Certificate, CitizenAccessCode

pytestmark = pytest.mark.django_db

NAME = "Lò Thị Xuyến"
GENERIC = "Mã không đúng, đã hết hạn hoặc đã được dùng"
BASIC = ("vneid_level2", "buy_online", "qr_payment", "scam_awareness", "zalo_groups")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # the attempt counters live in the cache


@pytest.fixture
def world():
    village = VillageFactory(commune=commune(NGHIA_TA))
    household = HouseholdFactory(village=village, poverty=Poverty.POOR)
    resident = ResidentFactory(
        household=household, full_name=NAME, cccd="001180012345", phone="0912345678", ethnic_group="03"
    )
    officer = commune_officer(village.commune)
    services.skill_record_add(acting_user=officer, resident=resident, skill_code="qr_payment", level=3)
    return {"officer": officer, "resident": resident, "village": village}


def _code_from_slip(html: str) -> str:
    match = re.search(r'<p class="code">(\d{4} \d{4})</p>', html)
    assert match, html
    return match.group(1)


def _new_code(client, world) -> str:
    client.force_login(world["officer"])
    response = client.post(reverse("skills:access_code_create", args=[world["resident"].pk]))
    assert response.status_code == 200
    client.logout()
    return _code_from_slip(response.content.decode())


def test_an_officer_makes_a_code_shown_once_as_two_groups_and_stored_only_as_a_hash(client, world):
    code = _new_code(client, world)
    row = CitizenAccessCode.objects.get()
    assert row.resident == world["resident"]
    assert code.replace(" ", "") not in row.code_hash
    assert row.expires_at - timezone.now() > datetime.timedelta(days=6)
    assert AuditEntry.objects.filter(action="citizen_code", resident_id=world["resident"].pk).count() == 1


def test_the_code_opens_the_persons_progress_and_nothing_more(world):
    citizen = Client()
    code = _new_code(Client(), world)
    before = citizen.get(reverse("skills_public:me")).content.decode()
    assert NAME not in before
    citizen.get(reverse("skills_public:me"))
    old_session = citizen.session.session_key
    response = citizen.post(reverse("skills_public:me"), {"code": code})
    assert response.status_code == 302
    assert citizen.session.session_key != old_session
    page = citizen.get(reverse("skills_public:me"))
    html = page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert "Tiến bộ của tôi" in html
    assert NAME in html
    assert "Thanh toán bằng mã QR" in html
    assert "Bạn chưa là công dân số" in html
    for secret in ("001180012345", "0912345678", "Thái", "nghèo", "CCCD"):
        assert secret not in html
    assert reverse("skills_public:me_exit") in html
    assert AuditEntry.objects.filter(action="citizen_access", resident_id=world["resident"].pk).exists()


def test_a_code_works_only_once(world):
    code = _new_code(Client(), world)
    assert Client().post(reverse("skills_public:me"), {"code": code}).status_code == 302
    second = Client().post(reverse("skills_public:me"), {"code": code})
    assert second.status_code == 200
    assert GENERIC in second.content.decode()
    assert NAME not in second.content.decode()


def test_an_expired_code_gets_the_same_message_as_a_wrong_one(world):
    code = _new_code(Client(), world)
    CitizenAccessCode.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    expired = Client().post(reverse("skills_public:me"), {"code": code}).content.decode()
    wrong = Client().post(reverse("skills_public:me"), {"code": "0000 0000"}).content.decode()
    nonsense = Client().post(reverse("skills_public:me"), {"code": "abc"}).content.decode()
    assert GENERIC in expired and GENERIC in wrong and GENERIC in nonsense
    assert NAME not in expired


def test_a_new_code_replaces_the_unused_one(world):
    first = _new_code(Client(), world)
    second = _new_code(Client(), world)
    assert GENERIC in Client().post(reverse("skills_public:me"), {"code": first}).content.decode()
    assert Client().post(reverse("skills_public:me"), {"code": second}).status_code == 302
    assert CitizenAccessCode.objects.filter(used_at__isnull=True, replaced_at__isnull=True).count() == 0


def test_guessing_is_throttled_per_session_and_per_address(world):
    code = _new_code(Client(), world)
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for guess in range(5):
        assert guesser.post(reverse("skills_public:me"), {"code": f"{guess:08d}"}).status_code == 200
    blocked = guesser.post(reverse("skills_public:me"), {"code": code})
    assert blocked.status_code == 429
    assert "quá nhiều lần" in blocked.content.decode()
    # A fresh cookie from the same address does not help.
    assert (
        Client(REMOTE_ADDR="203.0.113.9").post(reverse("skills_public:me"), {"code": code}).status_code == 429
    )
    # The code was not used up by the refused tries: the person can still use it from elsewhere.
    assert (
        Client(REMOTE_ADDR="198.51.100.7").post(reverse("skills_public:me"), {"code": code}).status_code
        == 302
    )


def test_the_view_ends_with_the_exit_button_and_after_two_hours(world):
    citizen = Client()
    citizen.post(reverse("skills_public:me"), {"code": _new_code(Client(), world)})
    assert NAME in citizen.get(reverse("skills_public:me")).content.decode()
    citizen.post(reverse("skills_public:me_exit"))
    assert NAME not in citizen.get(reverse("skills_public:me")).content.decode()

    citizen.post(reverse("skills_public:me"), {"code": _new_code(Client(), world)})
    session = citizen.session
    session[CITIZEN_UNTIL_KEY] = (timezone.now() - datetime.timedelta(seconds=1)).isoformat()
    session.save()
    assert NAME not in citizen.get(reverse("skills_public:me")).content.decode()


def test_the_citizen_downloads_their_own_certificate_but_not_someone_elses(world):
    officer, resident = world["officer"], world["resident"]
    for code in BASIC:
        services.skill_record_add(acting_user=officer, resident=resident, skill_code=code, level=3)
    other = ResidentFactory(household=HouseholdFactory(village=world["village"]), full_name="Hà Văn Khác")
    for code in BASIC:
        services.skill_record_add(acting_user=officer, resident=other, skill_code=code, level=3)
    mine = Certificate.objects.get(resident=resident)
    theirs = Certificate.objects.get(resident=other)

    anonymous = Client()
    assert anonymous.get(reverse("skills:certificate_pdf", args=[mine.pk])).status_code == 302

    citizen = Client()
    citizen.post(reverse("skills_public:me"), {"code": _new_code(Client(), world)})
    assert (
        reverse("skills:certificate_pdf", args=[mine.pk])
        in citizen.get(reverse("skills_public:me")).content.decode()
    )
    response = citizen.get(reverse("skills:certificate_pdf", args=[mine.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert NAME in text
    assert citizen.get(reverse("skills:certificate_pdf", args=[theirs.pk])).status_code == 404


def test_only_registry_editors_of_the_unit_make_codes(client, world):
    url = reverse("skills:access_code_create", args=[world["resident"].pk])
    client.force_login(user_with_role(Role.TEAM_MEMBER, village=world["village"]))
    assert client.post(url).status_code == 403
    client.force_login(commune_officer(commune(CUOR_DANG)))
    assert client.post(url).status_code == 404
    client.force_login(user_with_role(Role.TEAM_LEADER, village=world["village"]))
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 200
    assert CitizenAccessCode.objects.count() == 1


def test_codes_are_read_with_spaces_and_dashes():
    assert normalise_code(" 1234-5678 ") == "12345678"
    assert normalise_code("1234 567") == ""
    assert normalise_code("١٢٣٤٥٦٧٨") == ""  # digits of other scripts are not accepted
    assert format_code("12345678") == "1234 5678"


def test_the_service_returns_a_fresh_eight_digit_code(world):
    row, code = access_code_create(acting_user=world["officer"], resident=world["resident"])
    assert re.fullmatch(r"\d{8}", code)
    assert row.used_at is None
