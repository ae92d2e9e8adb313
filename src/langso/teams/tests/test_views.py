"""The team pages: who may open them, what they show, and forms that refuse bad input in Vietnamese."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from langso.accounts.models import Role
from langso.accounts.tests.factories import commune_officer, user_with_role
from langso.places.tests.factories import CUOR_DANG, NGHIA_TA, VillageFactory, commune
from langso.registry.models import Poverty
from langso.registry.tests.factories import HouseholdFactory, ResidentFactory
from langso.skills.models import SkillRecord
from langso.teams import services
from langso.teams.models import (
    HelpDeskSession,
    HouseholdAssignment,
    SignalReport,
    SignalStatus,
    Team,
    TeamMember,
    Visit,
)
from langso.teams.services import SignalReportInput
from langso.teams.tests.factories import TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

PRIVACY_NOTE = "Không bao giờ ghi mật khẩu, mã OTP hay mã PIN của người dân."


def ddmmyyyy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def world():
    """One commune with two villages (one with a team), and a village of another commune."""
    home = commune(NGHIA_TA)
    village = VillageFactory(commune=home, name="Thôn Bản Cáu")
    bare_village = VillageFactory(commune=home, name="Thôn Nà Mò")
    team = TeamFactory(village=village, name="Tổ Bản Cáu")
    member_user = user_with_role(Role.TEAM_MEMBER, village=village, username="hoa")
    member = TeamMemberFactory(team=team, user=member_user, full_name="Nông Thị Hoa")
    outside_village = VillageFactory(commune=commune(CUOR_DANG), name="Buôn Ea Ngoài")
    outside_team = TeamFactory(village=outside_village, name="Tổ Buôn Ngoài")
    return {
        "commune": home,
        "village": village,
        "bare_village": bare_village,
        "team": team,
        "member": member,
        "member_user": member_user,
        "officer": commune_officer(home, username="canbo"),
        "outside_village": outside_village,
        "outside_team": outside_team,
    }


def signed_in(client, user):
    client.force_login(user)
    return client


def page_text(response) -> str:
    return response.content.decode()


def visit_post(household, people, **overrides):
    data = {
        "visit_id": str(uuid.uuid4()),
        "skill_rows": "3",
        "visited_on": ddmmyyyy(today()),
        "present": [str(p.pk) for p in people],
        "skill_person_0": str(people[0].pk),
        "skill_code_0": "video_call",
        "skill_level_0": "2",
        "service_0": "vneid_level2",
        "service_person_0": str(people[0].pk),
        "notes": "Bà đã gọi video cho con.",
        "follow_up_on": ddmmyyyy(today() + datetime.timedelta(days=7)),
    }
    data.update(overrides)
    return data


# --- The commune's teams ------------------------------------------------------------------------


def test_the_commune_page_shows_villages_with_a_team_and_offers_to_create_the_missing_one(client, world):
    response = signed_in(client, world["officer"]).get(reverse("teams:commune"))

    assert response.status_code == 200
    page = page_text(response)
    assert "1/2 thôn/bản có tổ (50%)" in page
    assert "Thôn Nà Mò" in page
    assert f"{reverse('teams:team_create')}?village={world['bare_village'].pk}" in page
    assert "Tổ Bản Cáu" in page
    assert "Tổ Buôn Ngoài" not in page
    assert "✔" not in page


def test_every_village_with_a_team_is_shown_as_done_with_a_tick(client, world):
    TeamFactory(village=world["bare_village"])

    page = page_text(signed_in(client, world["officer"]).get(reverse("teams:commune")))

    assert "2/2 thôn/bản có tổ (100%)" in page
    assert "✔" in page


def test_a_team_with_no_visit_in_the_last_days_is_an_alert_that_follows_the_days_asked(client, world):
    household = HouseholdFactory(village=world["village"])
    Visit.objects.create(
        id=uuid.uuid4(),
        content_hash="x",
        household=household,
        village=household.village,
        commune=household.commune,
        province=household.province,
        team=world["team"],
        member=world["member"],
        visited_on=today() - datetime.timedelta(days=20),
    )
    client = signed_in(client, world["officer"])

    default = page_text(client.get(reverse("teams:commune")))
    wider = page_text(client.get(reverse("teams:commune"), {"days": "30"}))

    assert "1 tổ không có hoạt động trong 14 ngày qua" in default
    assert "lần đến hộ gần nhất" in default
    assert "không có hoạt động" not in wider


def test_members_without_households_are_listed_for_the_commune(client, world):
    page = page_text(signed_in(client, world["officer"]).get(reverse("teams:commune")))
    assert "Thành viên chưa được giao hộ" in page
    assert "Nông Thị Hoa" in page


def test_a_commune_outside_the_users_units_is_not_found(client, world):
    client = signed_in(client, world["officer"])
    assert client.get(reverse("teams:commune"), {"commune": CUOR_DANG}).status_code == 404
    assert client.get(reverse("teams:commune"), {"commune": "abc"}).status_code == 404


def test_province_staff_pick_a_commune_and_read_without_a_create_button(client, world, settings):
    settings.DEMO_MODE = True
    staff = user_with_role(Role.PROVINCE_STAFF, province=world["commune"].province, is_demo=True)
    client = signed_in(client, staff)

    picker = client.get(reverse("teams:commune"), {"q": "nghia ta"})
    overview = client.get(reverse("teams:commune"), {"commune": NGHIA_TA})

    assert picker.status_code == 200
    assert f"?commune={NGHIA_TA}" in page_text(picker)
    assert overview.status_code == 200
    assert "1/2 thôn/bản có tổ" in page_text(overview)
    assert reverse("teams:team_create") not in page_text(overview)


def test_a_telecom_partner_has_no_team_pages(client, world):
    partner = user_with_role(
        Role.TELECOM_PARTNER, province=world["commune"].province, telecom_operator="viettel"
    )
    client = signed_in(client, partner)
    for url in (
        reverse("teams:commune"),
        reverse("teams:team", args=[world["team"].pk]),
        reverse("teams:worklist"),
        reverse("teams:helpdesk"),
    ):
        assert client.get(url).status_code == 403, url


# --- Teams and members --------------------------------------------------------------------------


def test_an_officer_creates_a_team_for_a_village_without_one(client, world):
    response = signed_in(client, world["officer"]).post(
        reverse("teams:team_create"),
        {"name": "Tổ Nà Mò", "village": str(world["bare_village"].pk), "established_on": "01/07/2025"},
    )

    team = Team.objects.get(name="Tổ Nà Mò")
    assert response.status_code == 302
    assert response["Location"] == reverse("teams:team", args=[team.pk])
    assert team.established_on == datetime.date(2025, 7, 1)
    assert team.commune_id == NGHIA_TA


def test_a_bad_team_form_is_refused_in_vietnamese_and_nothing_is_created(client, world):
    client = signed_in(client, world["officer"])
    tomorrow = ddmmyyyy(today() + datetime.timedelta(days=1))

    response = client.post(
        reverse("teams:team_create"),
        {"name": "", "village": str(world["bare_village"].pk), "established_on": tomorrow},
    )
    wrong_date = client.post(
        reverse("teams:team_create"),
        {"name": "Tổ X", "village": str(world["bare_village"].pk), "established_on": "31/02/2025"},
    )
    outside = client.post(
        reverse("teams:team_create"), {"name": "Tổ Y", "village": str(world["outside_village"].pk)}
    )

    assert response.status_code == 200
    assert "Hãy ghi tên tổ." in page_text(response)
    assert "Ngày thành lập không được sau hôm nay." in page_text(response)
    assert "Ngày 31/02/2025 không có trên lịch" in page_text(wrong_date)
    assert "Hãy chọn thôn/bản." in page_text(outside)
    assert Team.objects.count() == 2


def test_an_officer_edits_a_team_and_others_cannot(client, world):
    client = signed_in(client, world["officer"])
    response = client.post(
        reverse("teams:team_edit", args=[world["team"].pk]), {"name": "Tổ Bản Cáu mới", "is_active": "on"}
    )
    assert response.status_code == 302
    world["team"].refresh_from_db()
    assert world["team"].name == "Tổ Bản Cáu mới"
    assert client.get(reverse("teams:team_edit", args=[world["outside_team"].pk])).status_code == 404

    client.force_login(world["member_user"])
    assert client.get(reverse("teams:team_edit", args=[world["team"].pk])).status_code == 403
    assert client.get(reverse("teams:team_create")).status_code == 403


def test_the_team_page_is_readable_by_a_member_but_only_a_manager_may_change_it(client, world):
    url = reverse("teams:team", args=[world["team"].pk])
    household = HouseholdFactory(village=world["village"], code="BC-01")

    member_page = signed_in(client, world["member_user"]).get(url)
    refused = client.post(url, {"full_name": "Lò Văn Mới", "role": "member", "affiliation": "other"})
    outside = client.get(reverse("teams:team", args=[world["outside_team"].pk]))
    client.force_login(world["officer"])
    officer_page = client.get(url)

    assert member_page.status_code == 200
    assert "Nông Thị Hoa" in page_text(member_page)
    assert "BC-01" in page_text(member_page)
    assert reverse("teams:team_assign", args=[world["team"].pk]) not in page_text(member_page)
    assert refused.status_code == 403
    assert outside.status_code == 404
    assert reverse("teams:team_assign", args=[world["team"].pk]) in page_text(officer_page)
    assert f'value="{household.pk}"' in page_text(officer_page)
    assert TeamMember.objects.filter(full_name="Lò Văn Mới").count() == 0


def test_an_officer_adds_a_member_with_an_account_of_the_commune(client, world):
    leader_user = user_with_role(Role.TEAM_LEADER, village=world["village"], username="tuan")
    url = reverse("teams:team", args=[world["team"].pk])

    response = signed_in(client, world["officer"]).post(
        url,
        {
            "full_name": "Hoàng Văn Tuấn",
            "phone": "0912 345 678",
            "role": "leader",
            "affiliation": "youth_union",
            "username": "TUAN",
        },
    )

    member = TeamMember.objects.get(full_name="Hoàng Văn Tuấn")
    assert response.status_code == 302
    assert (member.user, member.phone, member.role) == (leader_user, "0912345678", "leader")


def test_a_bad_member_is_refused_in_vietnamese_and_nothing_is_added(client, world):
    user_with_role(Role.TEAM_MEMBER, village=world["outside_village"], username="nguoixa")
    url = reverse("teams:team", args=[world["team"].pk])
    client = signed_in(client, world["officer"])

    bad_phone = client.post(
        url, {"full_name": "Lò Văn A", "phone": "12345", "role": "member", "affiliation": "other"}
    )
    far_account = client.post(
        url, {"full_name": "Lò Văn B", "role": "member", "affiliation": "other", "username": "nguoixa"}
    )
    twice = client.post(
        url, {"full_name": "Hoa lần hai", "role": "member", "affiliation": "other", "username": "hoa"}
    )

    assert bad_phone.status_code == 200
    assert "Số điện thoại" in page_text(bad_phone)
    assert "errorlist" in page_text(bad_phone)
    assert "Không tìm thấy tài khoản này ở thôn hoặc xã/phường của tổ." in page_text(far_account)
    assert "Tài khoản này đã là thành viên của tổ." in page_text(twice)
    assert TeamMember.objects.filter(team=world["team"]).count() == 1


def test_a_member_who_leaves_gives_back_their_households(client, world):
    household = HouseholdFactory(village=world["village"])
    HouseholdAssignment.objects.create(household=household, member=world["member"], assigned_on=today())

    response = signed_in(client, world["officer"]).post(
        reverse("teams:member_set_active", args=[world["member"].pk]), {"active": "0"}
    )

    world["member"].refresh_from_db()
    assert response.status_code == 302
    assert not world["member"].is_active
    assert not HouseholdAssignment.objects.exists()
    outside_member = TeamMemberFactory(team=world["outside_team"])
    assert (
        client.post(reverse("teams:member_set_active", args=[outside_member.pk]), {"active": "0"}).status_code
        == 404
    )


def test_ticked_households_of_the_village_are_given_to_a_member_and_taken_back(client, world):
    first = HouseholdFactory(village=world["village"], code="BC-01")
    second = HouseholdFactory(village=world["village"], code="BC-02")
    elsewhere = HouseholdFactory(village=world["bare_village"], code="NM-01")
    url = reverse("teams:team_assign", args=[world["team"].pk])
    client = signed_in(client, world["officer"])

    response = client.post(
        url,
        {
            "action": "assign",
            "member": str(world["member"].pk),
            "households": [str(first.pk), str(second.pk), str(elsewhere.pk)],
            "back": "q=BC&page=1",
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith("?q=BC&page=1#households")
    assigned = set(HouseholdAssignment.objects.values_list("household__code", flat=True))
    assert assigned == {"BC-01", "BC-02"}

    client.post(url, {"action": "unassign", "households": [str(first.pk)]})
    assert set(HouseholdAssignment.objects.values_list("household__code", flat=True)) == {"BC-02"}


def test_assigning_without_a_member_or_a_household_is_refused_in_vietnamese(client, world):
    household = HouseholdFactory(village=world["village"])
    url = reverse("teams:team_assign", args=[world["team"].pk])
    client = signed_in(client, world["officer"])

    no_member = client.post(url, {"action": "assign", "households": [str(household.pk)]})
    no_household = client.post(url, {"action": "assign", "member": str(world["member"].pk)})

    assert "Hãy chọn thành viên nhận các hộ này." in page_text(no_member)
    assert "Hãy đánh dấu ít nhất một hộ." in page_text(no_household)
    assert not HouseholdAssignment.objects.exists()
    client.force_login(world["member_user"])
    assert client.post(url, {"action": "unassign", "households": [str(household.pk)]}).status_code == 403


def test_the_households_list_of_a_team_searches_by_code(client, world):
    HouseholdFactory(village=world["village"], code="BC-01")
    HouseholdFactory(village=world["village"], code="XY-02")

    page = page_text(
        signed_in(client, world["officer"]).get(reverse("teams:team", args=[world["team"].pk]), {"q": "BC"})
    )

    assert "BC-01" in page
    assert "XY-02" not in page


# --- Worklist -----------------------------------------------------------------------------------


def test_a_member_sees_their_households_with_reasons_and_a_link_to_record_a_visit(client, world):
    household = HouseholdFactory(village=world["village"], code="BC-07", poverty=Poverty.POOR)
    ResidentFactory(household=household, birth_year=1950, owns_smartphone=False)
    HouseholdFactory(village=world["village"], code="BC-99")  # not assigned
    HouseholdAssignment.objects.create(household=household, member=world["member"], assigned_on=today())
    client = signed_in(client, world["member_user"])

    response = client.get(reverse("teams:worklist"))
    filtered = page_text(client.get(reverse("teams:worklist"), {"reason": "follow_up_due"}))

    page = page_text(response)
    assert response.status_code == 200
    assert "BC-07" in page and "BC-99" not in page
    assert "Chưa có điện thoại thông minh" in page
    assert "Có người cao tuổi" in page
    # Poverty is sensitive: a team member is not shown it, not even as a reason.
    assert "Hộ nghèo/cận nghèo" not in page
    assert f"{reverse('teams:visit_create')}?household={household.pk}" in page
    assert "BC-07" not in filtered


def test_a_member_with_no_households_is_told_so(client, world):
    page = page_text(signed_in(client, world["member_user"]).get(reverse("teams:worklist")))
    assert "Bạn chưa được giao hộ nào." not in page  # they are a member: an empty filter result
    loner = user_with_role(Role.TEAM_MEMBER, village=world["village"])
    client.force_login(loner)
    assert "Bạn chưa được giao hộ nào." in page_text(client.get(reverse("teams:worklist")))


def test_roles_that_record_no_visits_have_no_worklist(client, world):
    auditor = user_with_role(Role.AUDITOR, province=world["commune"].province)
    assert signed_in(client, auditor).get(reverse("teams:worklist")).status_code == 403


# --- Visits -------------------------------------------------------------------------------------


def test_the_visit_form_starts_with_today_everyone_present_a_fresh_id_and_the_privacy_note(client, world):
    household = HouseholdFactory(village=world["village"])
    people = [ResidentFactory(household=household), ResidentFactory(household=household)]

    response = signed_in(client, world["member_user"]).get(
        reverse("teams:visit_create"), {"household": household.pk}
    )

    page = page_text(response)
    assert response.status_code == 200
    assert PRIVACY_NOTE in page
    assert f'value="{ddmmyyyy(today())}"' in page
    for person in people:
        assert re.search(rf'value="{person.pk}"[^>]*checked', page)
    match = re.search(r'name="visit_id" value="([0-9a-f-]{36})"', page)
    assert match is not None
    # Skills are a list of radio buttons under each row (no drop-down cuts a long name), none chosen.
    assert re.search(r'<input type="radio" name="skill_code_0" value="video_call"(?![^>]*checked)', page)


def test_the_visit_form_suggests_what_to_teach_each_person_today(client, world):
    from langso.skills.services import skill_record_add

    household = HouseholdFactory(village=world["village"])
    grandmother = ResidentFactory(household=household, birth_year=1950, full_name="LÒ THỊ NGÀ")
    skill_record_add(acting_user=None, resident=grandmother, skill_code="vneid_level2", level=1)

    page = page_text(
        signed_in(client, world["member_user"]).get(
            reverse("teams:visit_create"), {"household": household.pk}
        )
    )

    assert "Nên hướng dẫn hôm nay" in page
    assert re.search(r"LÒ THỊ NGÀ</strong>: Kích hoạt định danh điện tử mức 2 \(lên mức 2\)", page)


def test_a_visit_is_stored_once_even_when_the_form_is_sent_twice(client, world):
    household = HouseholdFactory(village=world["village"])
    grandmother = ResidentFactory(household=household, birth_year=1950)
    data = visit_post(household, [grandmother])
    client = signed_in(client, world["member_user"])
    url = f"{reverse('teams:visit_create')}?household={household.pk}"

    first = client.post(url, data)
    second = client.post(url, data, follow=True)

    assert first.status_code == 302
    assert first["Location"] == reverse("teams:household_visits", args=[household.pk])
    assert Visit.objects.count() == 1
    visit = Visit.objects.get()
    assert visit.member == world["member"]
    assert list(visit.present.all()) == [grandmother]
    assert visit.follow_up_on == today() + datetime.timedelta(days=7)
    assert SkillRecord.objects.filter(resident=grandmother, skill_code="video_call", level=2).count() == 1
    assert visit.services.get().service == "vneid_level2"
    assert "đã được lưu trước đó" in page_text(second)


def test_a_changed_resend_of_the_same_visit_is_refused_and_the_first_kept(client, world):
    household = HouseholdFactory(village=world["village"])
    person = ResidentFactory(household=household)
    data = visit_post(household, [person])
    client = signed_in(client, world["member_user"])
    url = f"{reverse('teams:visit_create')}?household={household.pk}"
    client.post(url, data)

    response = client.post(url, {**data, "notes": "Nội dung khác"})

    assert response.status_code == 200
    assert "đã được gửi trước đó với nội dung khác" in page_text(response)
    assert Visit.objects.get().notes == "Bà đã gọi video cho con."


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"visited_on": "32/01/2026"},
            "Ngày 32/01/2026 không có trên lịch: tháng 1 năm 2026 chỉ có 31 ngày.",
        ),
        ({"visited_on": ""}, "Cần ghi ngày."),
        ({"follow_up_on": "01/01/2021"}, "Ngày hẹn lần sau phải từ ngày đến thăm trở đi."),
        ({"skill_level_0": ""}, "Hãy chọn đủ người, kỹ năng và mức đạt được."),
        ({"skill_person_1": "P0", "skill_code_1": "video_call", "skill_level_1": "3"}, "Mỗi người chỉ ghi"),
        ({"notes": "Mã OTP 123456 của bà"}, "mật khẩu hoặc mã OTP/PIN"),
        ({"visit_id": "not-a-uuid"}, "Biểu mẫu đã hết hạn"),
        ({"service_0": "", "service_person_0": "P0"}, "Hãy chọn việc đã làm."),
    ],
)
def test_bad_visit_input_is_refused_in_vietnamese_and_nothing_is_written(client, world, overrides, message):
    household = HouseholdFactory(village=world["village"])
    person = ResidentFactory(household=household)
    overrides = {k: (str(person.pk) if v == "P0" else v) for k, v in overrides.items()}

    response = signed_in(client, world["member_user"]).post(
        f"{reverse('teams:visit_create')}?household={household.pk}",
        visit_post(household, [person], **overrides),
    )

    assert response.status_code == 200
    assert message in page_text(response)
    assert Visit.objects.count() == 0
    assert SkillRecord.objects.count() == 0


def test_a_visit_to_someone_outside_the_household_is_refused(client, world):
    household = HouseholdFactory(village=world["village"])
    person = ResidentFactory(household=household)
    stranger = ResidentFactory(household=HouseholdFactory(village=world["village"]))

    response = signed_in(client, world["member_user"]).post(
        f"{reverse('teams:visit_create')}?household={household.pk}",
        visit_post(household, [person], present=[str(stranger.pk)]),
    )

    assert response.status_code == 200
    assert "errorlist" in page_text(response)
    assert Visit.objects.count() == 0


def test_more_skill_rows_redraw_the_form_and_store_nothing(client, world):
    household = HouseholdFactory(village=world["village"])
    person = ResidentFactory(household=household)

    response = signed_in(client, world["member_user"]).post(
        f"{reverse('teams:visit_create')}?household={household.pk}",
        {**visit_post(household, [person]), "more": "1"},
    )

    page = page_text(response)
    assert response.status_code == 200
    assert 'name="skill_person_5"' in page and 'name="skill_person_6"' not in page
    assert "errorlist" not in page
    assert Visit.objects.count() == 0


def test_the_visit_form_for_a_household_outside_the_users_units_is_not_found(client, world):
    outside = HouseholdFactory(village=world["outside_village"])
    client = signed_in(client, world["member_user"])
    assert client.get(reverse("teams:visit_create"), {"household": outside.pk}).status_code == 404
    assert client.get(reverse("teams:visit_create"), {"household": "nope"}).status_code == 404
    assert client.get(reverse("teams:visit_create")).status_code == 404


def test_a_households_visits_are_listed_with_what_was_done(client, world):
    household = HouseholdFactory(village=world["village"])
    person = ResidentFactory(household=household, full_name="Lò Thị Bà")
    client = signed_in(client, world["member_user"])
    client.post(
        f"{reverse('teams:visit_create')}?household={household.pk}",
        visit_post(household, [person], no_signal="on"),
    )

    response = client.get(reverse("teams:household_visits", args=[household.pk]))
    outside = client.get(
        reverse("teams:household_visits", args=[HouseholdFactory(village=world["outside_village"]).pk])
    )

    page = page_text(response)
    assert response.status_code == 200
    assert "Lò Thị Bà" in page
    assert "Kích hoạt định danh điện tử mức 2" in page
    assert "Làm được khi có người giúp" in page
    assert "không có sóng/mạng yếu" in page
    assert outside.status_code == 404


# --- Help desk ----------------------------------------------------------------------------------


def helpdesk_post(**overrides):
    data = {
        "session_id": str(uuid.uuid4()),
        "walk_in_name": "Bà Lò Thị Đến",
        "walk_in_birth_year": "1955",
        "procedure": "birth_registration",
        "outcome": "done",
        "minutes": "20",
        "helped_on": ddmmyyyy(today()),
    }
    data.update(overrides)
    return data


def test_an_officer_records_a_walk_in_once_and_sees_the_weeks_totals(client, world):
    client = signed_in(client, world["officer"])
    url = reverse("teams:helpdesk")
    data = helpdesk_post()

    first = client.post(url, data)
    client.post(url, data)
    page = page_text(client.get(url))

    assert first.status_code == 302
    assert HelpDeskSession.objects.count() == 1
    assert "Bà Lò Thị Đến" in page
    assert "Đăng ký khai sinh trực tuyến" in page
    assert re.search(r"<tfoot><tr><th>Tổng</th><th class=\"num\">1</th><th class=\"num\">1</th>", page)


def test_an_officer_finds_a_registry_adult_by_name_and_records_their_session(client, world):
    household = HouseholdFactory(village=world["village"])
    adult = ResidentFactory(household=household, full_name="Hoàng Thị Tìm", birth_year=1960)
    client = signed_in(client, world["officer"])

    found = page_text(client.get(reverse("teams:helpdesk"), {"q": "hoang thi tim"}))
    response = client.post(
        reverse("teams:helpdesk"),
        helpdesk_post(resident=str(adult.pk), walk_in_name="", walk_in_birth_year=""),
    )

    assert f'value="{adult.pk}"' in found
    assert response.status_code == 302
    assert HelpDeskSession.objects.get().resident == adult


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"walk_in_name": ""}, "Chọn người trong sổ hoặc ghi tên người đến."),
        ({"minutes": "0"}, "Số phút phải từ 1 đến 480."),
        ({"procedure": ""}, "Hãy chọn thủ tục."),
        ({"helped_on": "2026-13-40"}, "không có tháng 13"),
        ({"walk_in_birth_year": "1800"}, "Năm sinh không hợp lệ."),
        ({"resident": str(uuid.uuid4()), "walk_in_name": ""}, "Không tìm thấy người này trong xã/phường."),
    ],
)
def test_bad_help_desk_input_is_refused_in_vietnamese_and_nothing_is_written(
    client, world, overrides, message
):
    response = signed_in(client, world["officer"]).post(reverse("teams:helpdesk"), helpdesk_post(**overrides))

    assert response.status_code == 200
    assert message in page_text(response)
    assert HelpDeskSession.objects.count() == 0


def test_the_help_desk_of_another_commune_is_not_found(client, world):
    client = signed_in(client, world["officer"])
    assert client.get(reverse("teams:helpdesk"), {"commune": CUOR_DANG}).status_code == 404


def test_a_village_member_serves_the_help_desk_of_their_own_commune(client, world):
    response = signed_in(client, world["member_user"]).get(reverse("teams:helpdesk"))
    assert response.status_code == 200
    assert "người được phân công ở cấp xã trở lên" not in page_text(response)
    assert 'name="procedure"' in page_text(response)


# --- Weak-signal reports ------------------------------------------------------------------------


def signal_post(village, **overrides):
    data = {
        "report_id": str(uuid.uuid4()),
        "village": str(village.pk),
        "description": "Cuối xóm, gần khe suối",
        "operator": "viettel",
        "technology": "4g",
        "households_affected": "12",
        "reported_on": ddmmyyyy(today()),
        "latitude": "21,58512",
        "longitude": "105.83916",
    }
    data.update(overrides)
    return data


def make_report(user, village, operator="viettel"):
    report, _outcome = services.signal_report_create(
        acting_user=user,
        data=SignalReportInput(
            id=uuid.uuid4(),
            village_id=village.pk,
            description=f"Vùng lõm {operator}",
            operator=operator,
            technology="4g",
            reported_on=today(),
        ),
    )
    return report


@pytest.fixture
def partner(world):
    return user_with_role(
        Role.TELECOM_PARTNER, province=world["commune"].province, telecom_operator="viettel"
    )


def test_a_member_reports_a_weak_signal_spot_once_with_its_gps(client, world):
    client = signed_in(client, world["member_user"])
    data = signal_post(world["village"])

    first = client.post(reverse("teams:signal_create"), data)
    again = client.post(reverse("teams:signal_create"), data)

    report = SignalReport.objects.get()
    assert first.status_code == 302 and again.status_code == 302
    assert first["Location"] == reverse("teams:signal", args=[report.pk])
    assert (float(report.latitude), float(report.longitude)) == (21.58512, 105.83916)
    assert report.households_affected == 12


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": ""}, "Hãy mô tả vị trí"),
        ({"operator": ""}, "Hãy chọn nhà mạng."),
        ({"latitude": "abc"}, "Vĩ độ phải là một số"),
        ({"longitude": ""}, "Tọa độ GPS phải có cả vĩ độ và kinh độ."),
        ({"latitude": "48,85", "longitude": "2,35"}, "Tọa độ GPS nằm ngoài Việt Nam."),
        ({"households_affected": "-3"}, "Số hộ bị ảnh hưởng không hợp lệ."),
        ({"reported_on": "40/40/2026"}, "không có tháng 40"),
    ],
)
def test_bad_signal_reports_are_refused_in_vietnamese_and_nothing_is_written(
    client, world, overrides, message
):
    response = signed_in(client, world["member_user"]).post(
        reverse("teams:signal_create"), signal_post(world["village"], **overrides)
    )

    assert response.status_code == 200
    assert message in page_text(response)
    assert SignalReport.objects.count() == 0


def test_a_report_for_a_village_outside_the_users_units_is_refused(client, world):
    response = signed_in(client, world["member_user"]).post(
        reverse("teams:signal_create"), signal_post(world["outside_village"])
    )
    assert response.status_code == 200
    assert SignalReport.objects.count() == 0


def test_a_telecom_partner_sees_and_moves_only_their_operators_reports(client, world, partner):
    own = make_report(world["officer"], world["village"], "viettel")
    other = make_report(world["officer"], world["village"], "vnpt")
    client = signed_in(client, partner)

    listing = page_text(client.get(reverse("teams:signals")))
    own_page = page_text(client.get(reverse("teams:signal", args=[own.pk])))
    other_status = client.get(reverse("teams:signal", args=[other.pk])).status_code
    move_other = client.post(reverse("teams:signal_move", args=[other.pk]), {"status": "confirmed"})
    move_own = client.post(
        reverse("teams:signal_move", args=[own.pk]), {"status": "confirmed", "note": "Đã đo"}
    )

    assert "Vùng lõm viettel" in listing and "Vùng lõm vnpt" not in listing
    assert reverse("teams:signal_move", args=[own.pk]) in own_page
    assert other_status == 404
    assert move_other.status_code == 404
    other.refresh_from_db()
    own.refresh_from_db()
    assert other.status == SignalStatus.REPORTED
    assert move_own.status_code == 302
    assert own.status == SignalStatus.CONFIRMED
    detail = page_text(client.get(reverse("teams:signal", args=[own.pk])))
    assert "Nhà mạng đã xác nhận" in detail and "Đã đo" in detail


def test_a_rejection_needs_a_note_and_an_impossible_move_is_refused(client, world, partner):
    report = make_report(world["officer"], world["village"])
    client = signed_in(client, partner)
    url = reverse("teams:signal_move", args=[report.pk])

    no_note = client.post(url, {"status": "rejected", "note": ""})
    unknown = client.post(url, {"status": "reported"})

    assert "Hãy ghi lý do không xác nhận." in page_text(no_note)
    assert "Không thể chuyển sang trạng thái này." in page_text(unknown)
    report.refresh_from_db()
    assert report.status == SignalStatus.REPORTED
    assert report.events.count() == 1


def test_only_telecom_partners_move_reports_and_members_cannot(client, world):
    report = make_report(world["officer"], world["village"])
    client = signed_in(client, world["member_user"])

    page = page_text(client.get(reverse("teams:signal", args=[report.pk])))
    response = client.post(reverse("teams:signal_move", args=[report.pk]), {"status": "confirmed"})

    assert reverse("teams:signal_move", args=[report.pk]) not in page
    assert response.status_code == 403


def test_the_overdue_filter_shows_open_reports_past_their_deadline(client, world):
    late = make_report(world["officer"], world["village"])
    SignalReport.objects.filter(pk=late.pk).update(
        reported_on=today() - datetime.timedelta(days=30), respond_by=today() - datetime.timedelta(days=16)
    )
    make_report(world["officer"], world["village"], "vnpt")
    client = signed_in(client, world["officer"])

    overdue = page_text(client.get(reverse("teams:signals"), {"overdue": "on"}))
    everything = page_text(client.get(reverse("teams:signals")))

    assert "Vùng lõm viettel" in overdue and "Vùng lõm vnpt" not in overdue
    assert "quá hạn" in overdue
    assert "30 ngày" in overdue
    assert "Vùng lõm vnpt" in everything


def test_roles_without_the_right_to_report_cannot_open_the_report_form(client, world, partner):
    assert signed_in(client, partner).get(reverse("teams:signal_create")).status_code == 403
