import pytest
from django.urls import reverse

from langso.accounts.tests.factories import commune_officer
from langso.core.models import AuditAction, AuditEntry
from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
from langso.registry.models import Household, Resident
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client):
    officer = commune_officer(commune(NGHIA_TA))
    client.force_login(officer)
    client.officer = officer
    return client


def test_an_officer_adds_a_household_and_a_member_through_the_forms(officer_client):
    village = VillageFactory(commune=commune(NGHIA_TA), name="Thôn Bản Cáu")
    response = officer_client.post(
        reverse("registry:household_create"),
        {
            "code": "01-001",
            "village": str(village.pk),
            "address": "Xóm Trên",
            "poverty": "poor",
            "poverty_year": "2025",
        },
    )
    household = Household.objects.get(code="01-001")
    assert response.status_code == 302
    response = officer_client.post(
        reverse("registry:resident_create"),
        {
            "full_name": "Hoàng Văn Tuấn",
            "household": str(household.pk),
            "birth_date": "05/03/1960",
            "sex": "male",
            "ethnic_group": "02",
            "cccd": "019060001234",
            "phone": "0912 345 678",
            "is_head": "on",
        },
    )
    resident = Resident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == resident.get_absolute_url()
    assert (resident.birth_date.day, resident.birth_date.month) == (5, 3)
    household.refresh_from_db()
    assert household.head == resident


def test_bad_input_is_shown_next_to_each_field_in_vietnamese_and_nothing_is_saved(officer_client):
    household = HouseholdFactory(village=VillageFactory(commune=commune(NGHIA_TA)))
    response = officer_client.post(
        reverse("registry:resident_create"),
        {
            "full_name": "Lê Thị Hoa",
            "household": str(household.pk),
            "birth_date": "25/13/1990",
            "sex": "female",
            "cccd": "0191",
            "phone": "12345",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Số CCCD phải gồm đúng 12 chữ số." in page
    assert "ngày/tháng/năm" in page
    assert "Số điện thoại di động" in page
    assert Resident.objects.count() == 0


def test_the_cccd_is_masked_until_revealed_and_each_reveal_is_audited(officer_client):
    household = HouseholdFactory(village=VillageFactory(commune=commune(NGHIA_TA)))
    resident = ResidentFactory(household=household, cccd="019185001234", sex="female", birth_year=1985)
    page = officer_client.get(resident.get_absolute_url()).content.decode()
    assert "019185001234" not in page
    assert "••••••••1234" in page
    assert officer_client.get(reverse("registry:resident_reveal_cccd", args=[resident.pk])).status_code == 405
    revealed = officer_client.post(reverse("registry:resident_reveal_cccd", args=[resident.pk]))
    assert "019185001234" in revealed.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL, resident_id=resident.pk).count() == 1


def test_pages_with_personal_data_are_not_cached_and_carry_a_content_security_policy(officer_client):
    resident = ResidentFactory(household=HouseholdFactory(village=VillageFactory(commune=commune(NGHIA_TA))))
    response = officer_client.get(resident.get_absolute_url())
    assert "no-store" in response["Cache-Control"]
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_resident_list_paginates(officer_client, settings):
    settings.REGISTRY_PAGE_SIZE = 5
    household = HouseholdFactory(village=VillageFactory(commune=commune(NGHIA_TA)))
    for index in range(12):
        ResidentFactory(household=household, full_name=f"Nguyễn Văn {'ABCDEFGHIKLM'[index]}")
    page3 = officer_client.get(reverse("registry:residents"), {"page": 3}).content.decode()
    assert "Trang 3/3" in page3
    assert page3.count('class="row" href=') == 2


def test_english_is_available(officer_client):
    officer_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = officer_client.get(reverse("registry:residents")).content.decode()
    assert '<html lang="en">' in page
    assert "Residents" in page


def test_very_long_lists_say_more_than_the_cap_instead_of_counting_everything(officer_client, monkeypatch):
    import langso.core.http

    monkeypatch.setattr(langso.core.http, "COUNT_CAP", 3)
    household = HouseholdFactory(village=VillageFactory(commune=commune(NGHIA_TA)))
    for given in "ABCDE":
        ResidentFactory(household=household, full_name=f"Lò Văn {given}")
    page = officer_client.get(reverse("registry:residents")).content.decode()
    assert "Hơn 10.000 người" in page


def test_every_problem_of_the_add_person_form_shows_in_one_round(officer_client):
    """An empty name and no sex do not hide the bad date, CCCD and phone until the next try."""
    household = HouseholdFactory(village=VillageFactory(commune=commune(NGHIA_TA)))
    response = officer_client.post(
        reverse("registry:resident_create"),
        {
            "full_name": "",
            "household": str(household.pk),
            "birth_date": "25/13/1990",
            "cccd": "0191",
            "phone": "12345",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"full_name", "sex", "birth_date", "cccd", "phone"} <= set(errors)
    assert Resident.objects.count() == 0


def test_a_taken_cccd_shows_together_with_the_other_problems(officer_client):
    household = HouseholdFactory(village=VillageFactory(commune=commune(NGHIA_TA)))
    ResidentFactory(household=household, cccd="019185001234", sex="female", birth_year=1985)
    response = officer_client.post(
        reverse("registry:resident_create"),
        {
            "full_name": "",
            "household": str(household.pk),
            "sex": "female",
            "birth_year": "1985",
            "cccd": "019185001234",
        },
    )
    errors = response.context["form"].errors
    assert "full_name" in errors
    assert "Số CCCD này đã có trong sổ" in " ".join(errors["cccd"])


def test_the_household_list_starts_empty_groups_by_village_and_says_when_there_is_no_head(officer_client):
    nghia_ta = commune(NGHIA_TA)
    ban_cau = VillageFactory(commune=nghia_ta, name="Thôn Bản Cáu")
    na_ken = VillageFactory(commune=nghia_ta, name="Nà Kẹn")
    with_head = HouseholdFactory(village=ban_cau, code="03-001")
    head = ResidentFactory(household=with_head, full_name="Ma Văn Tuấn", is_head=True)
    with_head.head = head
    with_head.save()
    HouseholdFactory(village=na_ken, code="03-002", address="Nà Kẹn")

    page = officer_client.get(reverse("registry:resident_create")).content.decode()

    select = page[page.index('name="household"') : page.index("</select>", page.index('name="household"'))]
    assert '<option value="" selected>— Chọn hộ gia đình —</option>' in select
    assert '<optgroup label="Thôn Bản Cáu">' in select and '<optgroup label="Nà Kẹn">' in select
    assert "03-001 — Ma Văn Tuấn" in select
    assert "03-002 — chưa ghi chủ hộ" in select


@pytest.mark.parametrize(
    ("address", "village", "line"),
    [
        ("Số nhà 12, Thôn Bản Cáu", "Thôn Bản Cáu", "Số nhà 12, Thôn Bản Cáu"),
        ("Số nhà 12, bản cáu", "Thôn Bản Cáu", "Số nhà 12, bản cáu"),
        ("Xóm Trên", "Thôn Bản Cáu", "Xóm Trên, Thôn Bản Cáu"),
        ("", "Nà Kẹn", "Nà Kẹn"),
        # A number alone is not a village's name: "13" and "5" do not name "Thôn 3" or "Xóm 5".
        ("Số nhà 13", "Thôn 3", "Số nhà 13, Thôn 3"),
        ("Số 25, ngõ 5", "Xóm 5", "Số 25, ngõ 5, Xóm 5"),
        ("Số nhà 13, thôn 03", "Thôn 3", "Số nhà 13, thôn 03"),
        ("Tổ 7, tổ dân phố số 2", "Tổ dân phố 7", "Tổ 7, tổ dân phố số 2, Tổ dân phố 7"),
        # Words inside other words or names do not count: "Cầu Giấy" is not "Bản Cáu".
        ("Số 25 đường Cầu Giấy", "Thôn Bản Cáu", "Số 25 đường Cầu Giấy, Thôn Bản Cáu"),
    ],
)
def test_a_households_address_names_its_village_once(address, village, line):
    household = HouseholdFactory(
        village=VillageFactory(commune=commune(NGHIA_TA), name=village), address=address
    )
    assert household.address_line == line


def test_the_resident_form_title_cases_a_name_in_capitals_moves_its_note_and_takes_a_year_alone(
    officer_client,
):
    household = HouseholdFactory(village=VillageFactory(commune=commune(NGHIA_TA)))
    response = officer_client.post(
        reverse("registry:resident_create"),
        {
            "full_name": "GIÀNG A DÍNH (bố chủ hộ)",
            "household": str(household.pk),
            "birth_date": "1942",
            "sex": "male",
        },
    )
    assert response.status_code == 302
    resident = Resident.objects.get()
    assert (resident.full_name, resident.notes, resident.birth_date, resident.birth_year) == (
        "Giàng A Dính",
        "bố chủ hộ",
        None,
        1942,
    )
    page = officer_client.get(resident.get_absolute_url()).content.decode()
    assert "bố chủ hộ" in page
    edit = officer_client.get(reverse("registry:resident_edit", args=[resident.pk])).content.decode()
    assert "bố chủ hộ" in edit


def test_forms_name_a_day_the_calendar_lacks(officer_client):
    household = HouseholdFactory(village=VillageFactory(commune=commune(NGHIA_TA)))
    response = officer_client.post(
        reverse("registry:resident_create"),
        {
            "full_name": "Lò Thị Mai",
            "household": str(household.pk),
            "birth_date": "31/02/1975",
            "sex": "female",
        },
    )
    assert "Ngày 31/02/1975 không có trên lịch: tháng 2 năm 1975 chỉ có 28 ngày." in response.content.decode()
    resident = ResidentFactory(household=household)
    response = officer_client.post(
        reverse("registry:consent_create", args=[resident.pk]),
        {"purpose": "digital_inclusion", "given": "yes", "method": "paper", "recorded_on": "30/02/2026"},
    )
    assert response.status_code == 200
    assert "Ngày 30/02/2026 không có trên lịch" in response.content.decode()
    assert Resident.objects.count() == 1
