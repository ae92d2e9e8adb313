"""The auditor's pages: the whole trail with filters, one person's trail, one user's trail."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.accounts.tests.helpers import sign_in, sign_in_with_two_factor
from langso.core import audit
from langso.core.models import AuditAction
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    home = VillageFactory(commune=commune(NGHIA_TA))
    away = VillageFactory(commune=commune(CUOR_DANG))
    inside = ResidentFactory(household=HouseholdFactory(village=home), full_name="Hoàng Thị Trong")
    outside = ResidentFactory(household=HouseholdFactory(village=away), full_name="Y Ngông Ngoài")
    officer = commune_officer(home.commune, username="canbo.trong")
    far_officer = commune_officer(away.commune, username="canbo.ngoai")
    audit.record(
        actor=officer,
        action=AuditAction.UPDATE,
        obj=inside,
        resident_id=inside.pk,
        changes={
            "full_name": ["Hoàng Thị Trọng", "Hoàng Thị Trong"],
            "cccd": ["019185001234", "019185005678"],
        },
    )
    audit.record(
        actor=far_officer, action=AuditAction.UPDATE, obj=outside, resident_id=outside.pk, changes={}
    )
    auditor = user_with_role(Role.AUDITOR, province=home.commune.province, username="kiemtra")
    return {
        "inside": inside,
        "outside": outside,
        "officer": officer,
        "far_officer": far_officer,
        "auditor": auditor,
    }


@pytest.mark.parametrize(
    "role",
    [Role.COMMUNE_OFFICER, Role.TEAM_LEADER, Role.TEAM_MEMBER, Role.TELECOM_PARTNER, Role.PROVINCE_STAFF],
)
def test_roles_other_than_auditor_and_administrator_are_refused_the_trail(client, world, role, settings):
    settings.DEMO_MODE = True  # province staff: the demo relaxation stands in for the second factor
    village = world["inside"].village
    where = (
        {"province": village.commune.province} if role in (Role.PROVINCE_STAFF, Role.TELECOM_PARTNER) else {}
    )
    if role == Role.COMMUNE_OFFICER:
        where = {"commune": village.commune}
    if role in (Role.TEAM_LEADER, Role.TEAM_MEMBER):
        where = {"village": village}
    user = user_with_role(role, is_demo=True, **where)
    client.force_login(user)

    assert client.get(reverse("accounts:audit")).status_code == 403
    assert client.get(reverse("accounts:audit_resident", args=[world["inside"].pk])).status_code == 403
    assert client.get(reverse("accounts:audit_user", args=[world["officer"].pk])).status_code == 403


def test_the_auditor_sees_the_trail_of_their_units_only(client, world):
    client.force_login(world["auditor"])

    response = client.get(reverse("accounts:audit"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Hoàng Thị Trong" in content
    assert "Y Ngông Ngoài" not in content
    assert "canbo.ngoai" not in content


def test_a_national_auditor_sees_everything(client, world):
    client.force_login(user_with_role(Role.AUDITOR))

    content = client.get(reverse("accounts:audit")).content.decode()

    assert "Hoàng Thị Trong" in content and "Y Ngông Ngoài" in content


def test_what_changed_is_shown_readably_and_full_id_numbers_stay_masked(client, world):
    client.force_login(world["auditor"])

    content = client.get(reverse("accounts:audit_resident", args=[world["inside"].pk])).content.decode()

    assert "họ và tên" in content
    assert "<del>Hoàng Thị Trọng</del>" in content
    assert "<ins>Hoàng Thị Trong</ins>" in content
    assert "019185001234" not in content and "019185005678" not in content
    assert "1234" in content and "5678" in content


def test_the_person_trail_lists_entries_about_that_person(client, world):
    client.force_login(world["auditor"])

    response = client.get(reverse("accounts:audit_resident", args=[world["inside"].pk]))

    assert response.status_code == 200
    assert "canbo.trong" in response.content.decode()


def test_the_person_trail_is_404_outside_the_auditors_units(client, world):
    client.force_login(world["auditor"])

    assert client.get(reverse("accounts:audit_resident", args=[world["outside"].pk])).status_code == 404


def test_the_user_trail_shows_what_they_did_and_what_happened_to_their_account(client, world):
    sign_in(client, world["officer"], password="sai-mat-khau-roi")
    client.force_login(world["auditor"])

    content = client.get(reverse("accounts:audit_user", args=[world["officer"].pk])).content.decode()

    assert "Hoàng Thị Trong" in content
    assert "Đăng nhập thất bại" in content


def test_the_user_trail_is_404_for_a_user_outside_the_auditors_units(client, world):
    client.force_login(world["auditor"])

    assert client.get(reverse("accounts:audit_user", args=[world["far_officer"].pk])).status_code == 404
    assert client.get(reverse("accounts:audit_user", args=[999_999])).status_code == 404


def test_filters_by_action_user_and_day_month_year_dates(client, world):
    client.force_login(world["auditor"])
    audit.record(actor=world["officer"], action=AuditAction.EXPORT, object_repr="Danh sách xuất")
    url = reverse("accounts:audit")

    content = client.get(url, {"action": AuditAction.EXPORT}).content.decode()
    assert "Danh sách xuất" in content and "Hoàng Thị Trong" not in content

    content = client.get(url, {"user": "CANBO.TRONG"}).content.decode()
    assert "Danh sách xuất" in content and "Hoàng Thị Trong" in content

    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    content = client.get(url, {"date_from": today.strftime("%d/%m/%Y")}).content.decode()
    assert "Danh sách xuất" in content
    content = client.get(url, {"date_from": tomorrow.strftime("%d/%m/%Y")}).content.decode()
    assert "Danh sách xuất" not in content
    content = client.get(
        url, {"date_to": (today - datetime.timedelta(days=1)).strftime("%d/%m/%Y")}
    ).content.decode()
    assert "Danh sách xuất" not in content


def test_a_day_first_date_like_25_03_is_understood(client, world):
    client.force_login(world["auditor"])

    response = client.get(reverse("accounts:audit"), {"date_from": "25/03/2025", "date_to": "05/03/2026"})

    assert response.status_code == 200
    assert response.context["form"].cleaned_data["date_from"] == datetime.date(2025, 3, 25)
    assert response.context["form"].cleaned_data["date_to"] == datetime.date(2026, 3, 5)


def test_the_trail_pages_through_older_and_newer_entries(client, world):
    client.force_login(user_with_role(Role.AUDITOR))
    for number in range(60):
        audit.record(actor=world["officer"], action=AuditAction.EXPORT, object_repr=f"Xuất số {number:03d}")
    url = reverse("accounts:audit")

    first = client.get(url, {"action": AuditAction.EXPORT})
    page = first.context["page"]
    assert len(page.entries) == 50 and page.newer is None and page.older
    assert "Xuất số 059" in first.content.decode()

    second = client.get(url, {"action": AuditAction.EXPORT, "before": page.older})
    content = second.content.decode()
    assert len(second.context["page"].entries) == 10
    assert "Xuất số 000" in content and "Xuất số 059" not in content
    assert second.context["page"].older is None

    back = client.get(url, {"action": AuditAction.EXPORT, "after": second.context["page"].newer})
    assert [e.pk for e in back.context["page"].entries] == [e.pk for e in page.entries]


def test_the_trail_pages_accept_no_writes(client, world):
    client.force_login(world["auditor"])

    assert client.post(reverse("accounts:audit")).status_code == 405
    assert client.post(reverse("accounts:audit_resident", args=[world["inside"].pk])).status_code == 405


def test_an_administrator_must_finish_the_second_factor_before_reading_the_trail(client, world):
    administrator = user_with_role(Role.ADMINISTRATOR)
    sign_in(client, administrator)

    response = client.get(reverse("accounts:audit"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))

    sign_in_with_two_factor(client, administrator)
    assert client.get(reverse("accounts:audit")).status_code == 200


def test_the_trail_reads_in_plain_vietnamese_without_codes_or_english(client, world):
    """Exports, refused pages, skill records, visits and citizen access as the services write them."""
    from tests.browser.test_every_page_every_role import words_a_user_does_not_use

    from langso.skills.catalogue import install_default_catalogue

    install_default_catalogue()
    officer, inside = world["officer"], world["inside"]
    audit.record(
        actor=officer,
        action=AuditAction.EXPORT,
        object_type="registry.resident",
        changes={"filters": {"village": "Bản Cáu", "poverty": "near_poor"}, "rows": 12, "full_cccd": True},
    )
    audit.record(actor=officer, action=AuditAction.DENIED, object_type="url",
                 changes={"path": "/registry/", "status": 403, "method": "GET"})  # fmt: skip
    audit.record(actor=officer, action=AuditAction.CREATE, obj=inside, resident_id=inside.pk,
                 changes={"skill": "vneid_level2", "id": 5, "sort_key": "x"})  # fmt: skip
    audit.record(actor=officer, action=AuditAction.CREATE, obj=inside, resident_id=inside.pk,
                 changes={"procedure": "medical_appointment"}, note="handover PDF")  # fmt: skip
    audit.record(
        actor=officer, action=AuditAction.UPDATE, obj=inside, note="generated: 3 new, 0 no longer eligible"
    )
    audit.record(
        actor=None, action=AuditAction.CITIZEN_ACCESS, obj=inside, resident_id=inside.pk, username="citizen"
    )
    # As older records of a skill were written: the code in the object's name, an ISO date.
    audit.record(actor=officer, action=AuditAction.CREATE, object_type="skills.skillrecord",
                 object_repr="bank_app: Tự làm được", note="mã cấp 2026-12-07", resident_id=inside.pk)  # fmt: skip
    audit.record(actor=officer, action=AuditAction.CREATE, object_type="skills.certificate", resident_id=inside.pk,
                 changes={"skills": [{"code": "qr_payment", "name": "Thanh toán bằng mã QR", "level": 3}],
                          "required_levels": {"video_call": 3}})  # fmt: skip
    sign_in_with_two_factor(client, world["auditor"])

    page = client.get(reverse("accounts:audit")).content.decode()
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style|time)[^>]*>.*?</\1>", " ", page, flags=re.S))

    assert words_a_user_does_not_use(text) == []
    for words in ("điều kiện lọc", "số dòng", "có số CCCD đầy đủ", "Hộ cận nghèo", "mở trang",
                  "Kích hoạt định danh điện tử mức 2", "Đặt lịch khám bệnh", "Tải biên bản bàn giao (PDF)",
                  "Lập danh sách: 3 người mới", "Người dân (mở bằng mã một lần)",
                  "ngân hàng: Tự làm được", "07/12/2026", "Thanh toán bằng mã QR (mức 3)", "Gọi video: 3"):  # fmt: skip
        assert words in text, words


def test_every_field_of_every_model_is_named_in_vietnamese_in_the_trail():
    """A service's snapshot holds every field of its model: none may show as its English column name
    ("created at", "campaign", "walk ins"), whatever model the entry is about."""
    from django.apps import apps

    from langso.accounts.audit_text import describe_changes
    from langso.core.models import AuditEntry

    english = []
    for model in apps.get_models():
        if not model.__module__.startswith("langso."):
            continue
        keys = [f.attname for f in model._meta.concrete_fields]
        entry = AuditEntry(
            action=AuditAction.CREATE, object_type=model._meta.label_lower, changes=dict.fromkeys(keys)
        )
        for line in describe_changes(entry):
            column = line.key.removesuffix("_id").replace("_", " ")
            if line.label in (column, line.key.replace("_", " ")):
                english.append(f"{model._meta.label}.{line.key}: {line.label}")
    assert english == []


def test_a_record_pointed_to_is_shown_by_its_name_and_a_group_session_by_its_words(client, world):
    """A target's campaign and its maker by name, not "campaign: 2"; a group session's place and
    organiser by their labels; an invitation's rule in words."""
    from langso.campaigns.models import Campaign

    officer, inside = world["officer"], world["inside"]
    campaign = Campaign.objects.create(
        name="Cao điểm 100 ngày Bình dân học vụ số",
        province=inside.village.commune.province,
        starts_on=datetime.date(2026, 11, 7),
        ends_on=datetime.date(2027, 2, 15),
        created_by=officer,
    )
    audit.record(actor=officer, action=AuditAction.CREATE, object_type="campaigns.target",
                 changes={"campaign_id": campaign.pk, "indicator_id": 987654, "value": 50})  # fmt: skip
    audit.record(actor=officer, action=AuditAction.CREATE, object_type="campaigns.campaign",
                 changes={"created_by_id": officer.pk, "created_at": "2026-12-07T08:00:00+00:00"})  # fmt: skip
    audit.record(actor=officer, action=AuditAction.CREATE, object_type="groups.groupsession",
                 changes={"held_on": "2026-12-05", "place": "cultural_house", "organiser": "youth_union",
                          "registry_people": 8, "walk_ins": 1})  # fmt: skip
    audit.record(actor=officer, action=AuditAction.CREATE, object_type="groups.invitation",
                 changes={"rule": "not_vneid2", "skill_code": "", "people": 61})  # fmt: skip
    sign_in_with_two_factor(client, world["auditor"])

    page = client.get(reverse("accounts:audit")).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())

    from tests.browser.test_every_page_every_role import words_a_user_does_not_use

    assert words_a_user_does_not_use(text) == []
    for words in ("chiến dịch Cao điểm 100 ngày Bình dân học vụ số", "chỉ số 987654", f"người tạo {officer}",
                  "tạo lúc 07/12/2026 15:00", "nơi tổ chức Nhà văn hóa", "Đoàn Thanh niên",
                  "người ngoài sổ có mặt 1", "Người lớn trong thôn chưa có định danh điện tử mức 2"):  # fmt: skip
        assert words in text, words
    for english in ("campaign", "created at", "walk ins", "registry people", "organiser", "people"):
        assert not re.search(rf"\b{english}\b", text), english


def test_the_action_filter_offers_every_action_once():
    """The filter's groups ("Dữ liệu", "Tài khoản", "Người dân") hold each action of the trail."""
    from langso.accounts.forms import AUDIT_ACTION_GROUPS

    offered = [code for _group, options in AUDIT_ACTION_GROUPS[1:] for code, _label in options]
    assert sorted(offered) == sorted(AuditAction.values)
