import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfReader

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.core.models import AuditEntry
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.skills import services
from langso.skills.certificates import (
    CODE_ALPHABET,
    certificate_revoke,
    issue_due_certificates,
    name_initials,
    normalise_verification_code,
    programme_save,
)
from langso.skills.models import Certificate, CertificateProgramme

pytestmark = pytest.mark.django_db

BASIC = ("vneid_level2", "buy_online", "qr_payment", "scam_awareness", "zalo_groups")
FULL_NAME = "Nguyễn Thị Hường"


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()  # the throttles count in the cache


@pytest.fixture
def officer_and_resident():
    village = VillageFactory(commune=commune(NGHIA_TA))
    resident = ResidentFactory(household=HouseholdFactory(village=village), full_name=FULL_NAME)
    return commune_officer(village.commune), resident


def _reach(officer, resident, level=3, skills=BASIC):
    for code in skills:
        services.skill_record_add(acting_user=officer, resident=resident, skill_code=code, level=level)


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def test_the_default_programme_asks_for_the_five_basic_skills_at_level_three():
    programme = CertificateProgramme.objects.get(name="Chứng nhận 5 kỹ năng số cơ bản")
    assert programme.active
    assert programme.required_levels == dict.fromkeys(BASIC, 3)


def test_reaching_the_levels_issues_the_certificate_once_and_audits_it(officer_and_resident):
    officer, resident = officer_and_resident
    _reach(officer, resident, skills=BASIC[:-1])
    assert not Certificate.objects.exists()
    _reach(officer, resident, skills=BASIC[-1:])
    certificate = Certificate.objects.get()
    assert certificate.resident == resident
    assert certificate.holder_name == FULL_NAME
    assert len(certificate.verification_code) == 10
    assert set(certificate.verification_code) <= set(CODE_ALPHABET)
    assert {s["code"]: s["level"] for s in certificate.skills} == dict.fromkeys(BASIC, 3)
    assert AuditEntry.objects.filter(action="issue", resident_id=resident.pk).count() == 1
    # More records and a re-check change nothing.
    _reach(officer, resident, level=4, skills=BASIC[:1])
    assert issue_due_certificates(resident=resident, acting_user=officer) == []
    assert Certificate.objects.count() == 1


def test_no_certificate_below_the_required_level(officer_and_resident):
    officer, resident = officer_and_resident
    _reach(officer, resident, level=2)
    assert issue_due_certificates(resident=resident, acting_user=officer) == []
    assert not Certificate.objects.exists()


def test_an_inactive_programme_issues_nothing(officer_and_resident):
    officer, resident = officer_and_resident
    CertificateProgramme.objects.update(active=False)
    _reach(officer, resident)
    assert not Certificate.objects.exists()


def test_the_database_refuses_a_second_valid_certificate_for_the_same_programme(officer_and_resident):
    officer, resident = officer_and_resident
    _reach(officer, resident)
    first = Certificate.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            resident=resident,
            programme=first.programme,
            verification_code="ABCDEFGHJK",
            holder_name=FULL_NAME,
            issued_on=first.issued_on,
            province_id=resident.province_id,
            commune_id=resident.commune_id,
            village_id=resident.village_id,
        )


def test_revoking_needs_a_reason_and_frees_the_programme_for_a_corrected_certificate(officer_and_resident):
    officer, resident = officer_and_resident
    _reach(officer, resident)
    certificate = Certificate.objects.get()
    with pytest.raises(ValidationError):
        certificate_revoke(acting_user=officer, certificate=certificate, reason="  ")
    certificate_revoke(acting_user=officer, certificate=certificate, reason="Sai họ tên")
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_reason == "Sai họ tên"
    assert AuditEntry.objects.filter(action="revoke", object_id=str(certificate.pk)).exists()
    with pytest.raises(ValidationError):
        certificate_revoke(acting_user=officer, certificate=certificate, reason="lần nữa")
    [again] = issue_due_certificates(resident=resident, acting_user=officer)
    assert again.verification_code != certificate.verification_code


def test_initials_keep_only_the_first_letter_of_each_word():
    assert name_initials("Nguyễn Văn An") == "N. V. A."
    assert name_initials("Đặng  Thị Ánh") == "Đ. T. Á."
    assert name_initials("Y Ngông Êban") == "Y. N. Ê."


def test_verification_codes_are_read_leniently_and_nonsense_is_refused():
    assert normalise_verification_code("abcd-efgh jk") == "ABCDEFGHJK"
    assert normalise_verification_code("ABCDEFGHI0") == ""  # I and 0 are not in the alphabet
    assert normalise_verification_code("' OR 1=1 --") == ""


def test_the_verification_page_shows_initials_programme_skills_and_date_but_not_the_name(
    client, officer_and_resident
):
    officer, resident = officer_and_resident
    _reach(officer, resident)
    certificate = Certificate.objects.get()
    page = client.get(reverse("skills_public:verify", args=[certificate.verification_code.lower()]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "N. T. H." in html
    assert FULL_NAME not in html
    assert "Hường" not in html
    assert "Chứng nhận 5 kỹ năng số cơ bản" in html
    assert "Kích hoạt định danh điện tử mức 2" in html
    assert certificate.issued_on.strftime("%d/%m/%Y") in html
    assert "Chứng nhận hợp lệ" in html


def test_the_verification_page_says_revoked_and_not_found(client, officer_and_resident):
    officer, resident = officer_and_resident
    _reach(officer, resident)
    certificate = Certificate.objects.get()
    certificate_revoke(acting_user=officer, certificate=certificate, reason="Ghi nhầm người")
    html = client.get(reverse("skills_public:verify", args=[certificate.verification_code])).content.decode()
    assert "đã bị thu hồi" in html
    assert "N. T. H." not in html
    assert "Ghi nhầm người" not in html
    for code in ("ZZZZZZZZZZ", "<script>", "1"):
        missing = client.get(reverse("skills_public:verify", args=[code]))
        assert missing.status_code == 404
        assert "Không tìm thấy chứng nhận" in missing.content.decode()


def test_the_verification_form_leads_to_the_page(client, officer_and_resident):
    officer, resident = officer_and_resident
    _reach(officer, resident)
    code = Certificate.objects.get().verification_code
    response = client.get(reverse("skills_public:verify_form"), {"code": f" {code[:5]}-{code[5:]} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("skills_public:verify", args=[code])


def test_verification_lookups_are_throttled(client):
    for _ in range(30):
        assert client.get(reverse("skills_public:verify", args=["ABCDEFGHJK"])).status_code == 404
    blocked = client.get(reverse("skills_public:verify", args=["ABCDEFGHJK"]))
    assert blocked.status_code == 429
    assert "quá nhiều lần" in blocked.content.decode()


def test_the_certificate_pdf_is_one_landscape_page_with_name_skills_date_and_code(
    client, officer_and_resident
):
    officer, resident = officer_and_resident
    _reach(officer, resident)
    certificate = Certificate.objects.get()
    client.force_login(officer)
    response = client.get(reverse("skills:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = _pdf_text(response.content)
    assert FULL_NAME in text
    assert "Chứng nhận 5 kỹ năng số cơ bản" in text
    assert "Kích hoạt định danh điện tử mức 2" in text
    assert "Thanh toán bằng mã QR" in text
    assert certificate.verification_code in text
    assert certificate.issued_on.strftime("%Y") in text


def test_staff_outside_the_unit_get_404_for_the_certificate_pdf(client, officer_and_resident):
    officer, resident = officer_and_resident
    _reach(officer, resident)
    certificate = Certificate.objects.get()
    client.force_login(commune_officer(commune(CUOR_DANG)))
    assert client.get(reverse("skills:certificate_pdf", args=[certificate.pk])).status_code == 404


def test_a_team_leader_cannot_revoke_but_the_commune_officer_can(client, officer_and_resident):
    officer, resident = officer_and_resident
    _reach(officer, resident)
    certificate = Certificate.objects.get()
    leader = user_with_role(Role.TEAM_LEADER, village=resident.village)
    client.force_login(leader)
    url = reverse("skills:certificate_revoke", args=[certificate.pk])
    assert client.post(url, {"reason": "thử"}).status_code == 404
    client.force_login(commune_officer(commune(CUOR_DANG)))
    assert client.post(url, {"reason": "thử"}).status_code == 404
    certificate.refresh_from_db()
    assert not certificate.is_revoked
    client.force_login(officer)
    assert client.post(url, {"reason": "Cấp nhầm"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Cấp nhầm"


def test_the_persons_page_lists_certificates_with_a_revoke_form_for_the_officer(client, officer_and_resident):
    officer, resident = officer_and_resident
    _reach(officer, resident)
    certificate = Certificate.objects.get()
    client.force_login(officer)
    html = client.get(resident.get_absolute_url()).content.decode()
    assert reverse("skills:certificate_pdf", args=[certificate.pk]) in html
    assert reverse("skills:certificate_revoke", args=[certificate.pk]) in html
    assert reverse("skills:access_code_create", args=[resident.pk]) in html
    member = user_with_role(Role.TEAM_MEMBER, village=resident.village)
    client.force_login(member)
    html = client.get(resident.get_absolute_url()).content.decode()
    assert reverse("skills:certificate_pdf", args=[certificate.pk]) in html
    assert reverse("skills:certificate_revoke", args=[certificate.pk]) not in html
    assert reverse("skills:access_code_create", args=[resident.pk]) not in html


def test_province_staff_edit_programmes_and_bad_levels_are_refused(client, settings):
    settings.DEMO_MODE = True
    staff = user_with_role(Role.PROVINCE_STAFF, province=commune(NGHIA_TA).province, is_demo=True)
    client.force_login(staff)
    assert client.get(reverse("skills:programmes")).status_code == 200
    response = client.post(
        reverse("skills:programme_new"),
        {
            "name": "Chứng nhận thanh toán số",
            "issuer": "Sở Khoa học và Công nghệ",
            "active": "on",
            "level_qr_payment": "3",
            "level_money_transfer": "2",
        },
    )
    assert response.status_code == 302, response.content.decode()
    programme = CertificateProgramme.objects.get(name="Chứng nhận thanh toán số")
    assert programme.required_levels == {"qr_payment": 3, "money_transfer": 2}
    empty = client.post(reverse("skills:programme_new"), {"name": "Trống", "issuer": "X"})
    assert "Hãy chọn ít nhất một kỹ năng" in empty.content.decode()
    with pytest.raises(ValidationError):
        programme_save(
            acting_user=staff,
            programme=None,
            name="X",
            name_en="",
            issuer="Y",
            required_levels={"no_such_skill": 3},
            active=True,
        )


def test_a_commune_officer_cannot_edit_programmes(client):
    client.force_login(commune_officer(commune(NGHIA_TA)))
    assert client.get(reverse("skills:programmes")).status_code == 403
