"""Campaign pages: who may open what, the ranking with target status, the drill-down, the forms."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from langso.accounts.models import Role
from langso.accounts.tests.factories import user_with_role
from langso.campaigns.models import Campaign, IndicatorSnapshot, SteeringCommittee, Target
from langso.campaigns.tests.conftest import today
from langso.core.models import AuditEntry
from langso.places.tests.factories import BAC_KAN_WARD, NGHIA_TA
from langso.skills import services as skill_services

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's visible words, one space between them."""
    body = response.content.decode()
    body = re.sub(r"<svg.*?</svg>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("&nbsp;", " ")


def dashboard_url(world) -> str:
    return reverse("campaigns:dashboard", args=[world["campaign"].pk])


def commune_url(world, code=NGHIA_TA) -> str:
    return reverse("campaigns:commune_dashboard", args=[world["campaign"].pk, code])


def drill_url(world, level, unit, **params) -> str:
    url = reverse("campaigns:drill", args=["adults_vneid2", level, str(unit)])
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{url}?{query}" if query else url


# --- Dashboards ---------------------------------------------------------------------------------


def test_province_staff_see_the_communes_ranked_with_value_target_and_status(client, world):
    client.force_login(world["staff"])
    page = text(client.get(dashboard_url(world)))

    ward, nghia_ta = world["ward"].name, world["nghia_ta"].name
    assert f"1 {ward} 100,0 % Đã đạt chỉ tiêu 60,0 %" in page
    assert f"2 {nghia_ta} 33,3 % Chậm tiến độ chỉ tiêu 60,0 % 1/3" in page
    assert "Tỉ lệ người trưởng thành có định danh điện tử mức 2 50,0 % Chậm tiến độ" in page
    # Communes with nobody registered yet (most of the province's ~90): no value, not 0 %, as one line,
    # with the whole list one tap away.
    assert "90 xã/phường chưa có số liệu" in page
    assert "Chưa có số liệu" not in page
    whole = text(client.get(dashboard_url(world) + "?all=1"))
    assert whole.count("Chưa có số liệu") == 90


def test_a_province_ranking_shows_the_best_the_worst_and_how_many_lie_between(client, world):
    from langso.campaigns.dashboards import Board, Row
    from langso.campaigns.targets import Status

    rows = [
        Row(level="commune", unit=str(i), name=f"Xã {i}", value=None, target=None, status=Status.NO_DATA)
        for i in range(20)
    ]
    board = Board(target=None, indicator=None, total=rows[0], rows=rows, row_level="commune", has_rows=True)
    for i, row in enumerate(rows[:14]):
        row.rank = i + 1
        row.value = type("V", (), {"ratio": 100 - i})()
    summary = board.summary(each=5)
    assert [r.name for r in summary.best] == [f"Xã {i}" for i in range(5)]
    assert [r.name for r in summary.worst] == [f"Xã {i}" for i in range(9, 14)]
    assert (summary.between, summary.without_data, summary.is_whole) == (4, 6, False)


def test_a_rising_trend_in_the_snapshots_puts_a_village_on_track(client, world):
    """Two weeks ago nobody in Thôn Bản Cáu had VNeID level 2; now half do: carried to the deadline
    in 30 days that passes 60 %. Thôn Nà Mò stayed at 0: behind."""
    for village in (world["ban_cau"], world["na_mo"]):
        IndicatorSnapshot.objects.create(
            indicator=world["vneid"],
            day=today() - datetime.timedelta(days=14),
            level="village",
            unit=str(village.pk),
            province_code=world["nghia_ta"].province_id,
            numerator=0,
            denominator=2 if village == world["ban_cau"] else 1,
        )
    client.force_login(world["officer"])
    page = text(client.get(commune_url(world)))

    assert "1 Thôn Bản Cáu 50,0 % Đúng tiến độ chỉ tiêu 60,0 % 1/2" in page
    assert "2 Thôn Nà Mò 0,0 % Chậm tiến độ" in page


def test_a_commune_override_replaces_the_province_target_for_that_commune(client, world):
    Target.objects.create(
        campaign=world["campaign"],
        indicator=world["vneid"],
        value=30,
        deadline=world["target"].deadline,
        commune=world["nghia_ta"],
    )
    client.force_login(world["staff"])
    page = text(client.get(dashboard_url(world)))
    assert f"{world['nghia_ta'].name} 33,3 % Đã đạt chỉ tiêu 30,0 %" in page


def test_a_commune_officer_is_sent_to_their_commune_and_sees_nothing_outside_it(client, world):
    client.force_login(world["officer"])

    province = client.get(dashboard_url(world))
    assert province.status_code == 302 and province["Location"] == commune_url(world)
    own = client.get(commune_url(world))
    assert own.status_code == 200
    assert "Thôn Bản Cáu" in text(own)
    assert client.get(commune_url(world, BAC_KAN_WARD)).status_code == 404
    assert (
        client.get(reverse("campaigns:commune_dashboard", args=[world["campaign"].pk, 999999])).status_code
        == 404
    )
    elsewhere = Campaign.objects.create(
        name="Chiến dịch Đắk Lắk",
        province=world["outside"].province,
        starts_on=today(),
        ends_on=today() + datetime.timedelta(days=10),
    )
    assert client.get(reverse("campaigns:dashboard", args=[elsewhere.pk])).status_code == 404
    assert "Chiến dịch Đắk Lắk" not in text(client.get(reverse("campaigns:list")))
    assert client.get(reverse("campaigns:report", args=[world["campaign"].pk])).status_code == 404


def test_a_visit_recorded_now_shows_at_the_next_dashboard_read(client, world):
    from langso.skills import services as skill_services

    client.force_login(world["officer"])
    assert "2 Thôn Nà Mò 0,0 %" in text(client.get(commune_url(world)))
    skill_services.skill_record_add(
        acting_user=world["officer"], resident=world["far"], skill_code="vneid_level2", level=3
    )
    assert "Thôn Nà Mò 100,0 % Đã đạt" in text(client.get(commune_url(world)))


def test_the_dashboard_splits_adults_reached_by_source_each_person_once_in_the_total(client, world):
    client.force_login(world["officer"])
    before = text(client.get(commune_url(world)))
    assert "Tổng, mỗi người một lần 1 33,3 %" in before  # the world's one person observed already
    skill_services.skill_record_add(
        acting_user=world["officer"], resident=world["far"], skill_code="vneid_level2", level=3
    )
    skill_services.skill_record_add(
        acting_user=world["officer"], resident=world["far"], skill_code="qr_payment", level=2
    )
    page = text(client.get(commune_url(world)))
    assert "Người trưởng thành đã được hướng dẫn, theo nguồn" in page
    # Two records of one more person: one more in the total and in "observed".
    assert "Tổng, mỗi người một lần 2 66,7 %" in page
    assert "Thành viên tổ ghi nhận kỹ năng 2 66,7 %" in page
    assert "Công an xã (định danh mức 2) 0 0,0 %" in page


def test_the_meeting_room_mode_uses_large_type(client, world):
    client.force_login(world["staff"])
    assert b"dash-screen" in client.get(dashboard_url(world) + "?screen=1").content
    assert b"dash-screen" not in client.get(dashboard_url(world)).content


def test_roles_without_campaigns_get_403_and_anonymous_users_sign_in(client, world):
    partner = user_with_role(
        Role.TELECOM_PARTNER, province=world["nghia_ta"].province, telecom_operator="viettel"
    )
    assert client.get(reverse("campaigns:list")).status_code == 302
    client.force_login(partner)
    assert client.get(reverse("campaigns:list")).status_code == 403
    assert client.get(dashboard_url(world)).status_code == 403
    member = user_with_role(Role.TEAM_MEMBER, village=world["ban_cau"])
    client.force_login(member)
    assert client.get(dashboard_url(world)).status_code == 403


def test_an_auditor_of_the_province_reads_the_ranking_but_cannot_edit(client, world):
    auditor = user_with_role(Role.AUDITOR, province=world["nghia_ta"].province)
    client.force_login(auditor)
    page = client.get(dashboard_url(world))
    assert page.status_code == 200
    assert reverse("campaigns:edit", args=[world["campaign"].pk]) not in page.content.decode()
    assert client.get(reverse("campaigns:edit", args=[world["campaign"].pk])).status_code == 403


# --- Drill-down ---------------------------------------------------------------------------------


def test_a_number_drills_down_to_the_people_still_missing_with_links_and_no_cccd(client, world):
    client.force_login(world["officer"])
    missing = client.get(drill_url(world, "village", world["ban_cau"].pk))
    counted = client.get(drill_url(world, "village", world["ban_cau"].pk, missing=0))
    commune_wide = text(client.get(drill_url(world, "commune", NGHIA_TA)))

    assert "Lò Văn Chờ" in text(missing) and "Lò Thị Xong" not in text(missing)
    assert reverse("registry:resident", args=[world["waiting"].pk]) in missing.content.decode()
    assert "019062002222" not in missing.content.decode() and "2222" not in text(missing)
    assert "Lò Thị Xong" in text(counted) and "Lò Văn Chờ" not in text(counted)
    assert "Lò Văn Chờ" in commune_wide and "Hoàng Văn Xa" in commune_wide
    assert "Thôn Nà Mò" in commune_wide  # each person's village


def test_the_drill_down_says_where_each_person_lives_and_what_they_lack(client, world):
    skill_services.skill_record_add(
        acting_user=None, resident=world["waiting"], skill_code="vneid_level2", level=2
    )
    world["waiting"].owns_smartphone = True
    world["waiting"].save()
    world["far"].owns_smartphone = False
    world["far"].save()
    client.force_login(world["officer"])

    page = text(client.get(drill_url(world, "commune", NGHIA_TA)))

    assert "Thôn Bản Cáu, Xã Nghĩa Tá" in page
    assert "Còn thiếu: Kích hoạt định danh điện tử mức 2: làm được khi có người giúp" in page
    assert "Còn thiếu: chưa có điện thoại thông minh · Kích hoạt định danh điện tử mức 2: chưa học" in page


def test_the_drill_down_list_downloads_as_excel_and_is_audited(client, world):
    import io

    import openpyxl

    from langso.core.models import AuditAction, AuditEntry

    client.force_login(world["officer"])
    assert "export=xlsx" in client.get(drill_url(world, "commune", NGHIA_TA)).content.decode()

    response = client.get(drill_url(world, "commune", NGHIA_TA, export="xlsx"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    names = [row[0] for row in rows[2:]]
    assert sorted(names) == ["Hoàng Văn Xa", "Lò Văn Chờ"]
    assert not any("019062002222" in str(cell) for row in rows for cell in row)
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.changes["rows"] == 2


def test_a_team_leader_sees_the_drill_down_but_may_not_download_it(client, world):
    from langso.accounts.models import Role
    from langso.accounts.tests.factories import user_with_role

    leader = user_with_role(Role.TEAM_LEADER, village=world["ban_cau"])
    client.force_login(leader)
    assert "export=xlsx" not in client.get(drill_url(world, "village", world["ban_cau"].pk)).content.decode()
    assert client.get(drill_url(world, "village", world["ban_cau"].pk, export="xlsx")).status_code == 403


def test_the_dashboard_numbers_link_to_their_drill_down(client, world):
    client.force_login(world["officer"])
    page = client.get(commune_url(world)).content.decode()
    assert drill_url(world, "village", world["ban_cau"].pk) in page
    assert drill_url(world, "commune", NGHIA_TA) in page


def test_the_drill_down_outside_the_users_units_is_not_found(client, world):
    client.force_login(world["officer"])
    assert client.get(drill_url(world, "commune", BAC_KAN_WARD)).status_code == 404
    assert client.get(drill_url(world, "province", world["nghia_ta"].province_id)).status_code == 404
    assert client.get(drill_url(world, "village", "not-a-uuid")).status_code == 404
    assert client.get(drill_url(world, "hamlet", NGHIA_TA)).status_code == 404
    assert (
        client.get(reverse("campaigns:drill", args=["no_such_indicator", "commune", NGHIA_TA])).status_code
        == 404
    )


def test_a_team_leader_drilling_into_the_commune_sees_only_their_village(client, world):
    leader = user_with_role(Role.TEAM_LEADER, village=world["ban_cau"])
    client.force_login(leader)
    page = text(client.get(drill_url(world, "commune", NGHIA_TA)))
    assert "Lò Văn Chờ" in page
    assert "Hoàng Văn Xa" not in page


def test_province_staff_drill_into_the_province(client, world):
    client.force_login(world["staff"])
    page = text(client.get(drill_url(world, "province", world["nghia_ta"].province_id)))
    assert "Lò Văn Chờ" in page and "Hoàng Văn Xa" in page
    assert "Y Ngông Ngoài" not in page and "Ma Thị Phường" not in page


# --- Campaigns and targets ----------------------------------------------------------------------


def test_province_staff_create_a_campaign_and_its_targets(client, world):
    client.force_login(world["staff"])
    start, end = today(), today() + datetime.timedelta(days=99)
    created = client.post(
        reverse("campaigns:create"),
        {
            "name": "Cao điểm 100 ngày từ 15/7",
            "province": world["nghia_ta"].province_id,
            "starts_on": start.strftime("%d/%m/%Y"),
            "ends_on": end.strftime("%d/%m/%Y"),
        },
    )
    campaign = Campaign.objects.get(name="Cao điểm 100 ngày từ 15/7")
    assert created.status_code == 302
    reached = client.post(
        reverse("campaigns:target_create", args=[campaign.pk]),
        {"indicator": world["vneid"].pk, "value": "58,5", "deadline": end.strftime("%d/%m/%Y")},
    )
    assert reached.status_code == 302
    target = campaign.targets.get()
    assert float(target.value) == 58.5 and target.commune is None
    assert AuditEntry.objects.filter(object_type="campaigns.target", action="create").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"value": "120"}, "Chỉ tiêu theo tỉ lệ phải từ 0 đến 100 (%)."),
        ({"value": "-1"}, "Chỉ tiêu theo tỉ lệ phải từ 0 đến 100 (%)."),
        ({"deadline": "outside"}, "Hạn phải nằm trong thời gian của chiến dịch"),
        ({}, "Chiến dịch đã có chỉ tiêu chung của tỉnh cho chỉ số"),
        ({"value": "abc"}, "Chỉ tiêu phải là một số"),
        ({"commune": "outside"}, "Hãy chọn một xã/phường trong danh sách."),
    ],
)
def test_a_wrong_target_is_refused_with_a_vietnamese_message(client, world, data, message):
    campaign = world["campaign"]
    client.force_login(world["staff"])
    post = {
        "indicator": world["vneid"].pk,
        "value": "70",
        "deadline": world["target"].deadline.strftime("%d/%m/%Y"),
    }
    if data.get("deadline") == "outside":
        data["deadline"] = (campaign.ends_on + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    if data.get("commune") == "outside":
        data["commune"] = world["outside"].code
    post.update(data)
    response = client.post(reverse("campaigns:target_create", args=[campaign.pk]), post)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert campaign.targets.count() == 1


def test_a_commune_gets_its_own_target_once(client, world):
    campaign = world["campaign"]
    client.force_login(world["staff"])
    post = {
        "indicator": world["vneid"].pk,
        "value": "40",
        "deadline": world["target"].deadline.strftime("%d/%m/%Y"),
        "commune": NGHIA_TA,
    }
    first = client.post(reverse("campaigns:target_create", args=[campaign.pk]), post)
    again = client.post(reverse("campaigns:target_create", args=[campaign.pk]), post)
    assert first.status_code == 302
    assert "Xã/phường này đã có chỉ tiêu riêng" in again.content.decode()
    assert campaign.targets.filter(commune_id=NGHIA_TA).count() == 1


def test_a_campaign_cannot_end_before_it_starts_or_leave_a_deadline_outside(client, world):
    campaign = world["campaign"]
    client.force_login(world["staff"])
    url = reverse("campaigns:edit", args=[campaign.pk])
    backwards = client.post(
        url,
        {"name": campaign.name, "starts_on": "10/08/2026", "ends_on": "01/08/2026"},
    )
    shorter = client.post(
        url,
        {
            "name": campaign.name,
            "starts_on": campaign.starts_on.strftime("%d/%m/%Y"),
            "ends_on": (world["target"].deadline - datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
        },
    )
    assert "Ngày kết thúc phải từ ngày bắt đầu trở về sau." in backwards.content.decode()
    assert "Có 1 chỉ tiêu có hạn nằm ngoài thời gian mới" in shorter.content.decode()


def test_a_commune_officer_cannot_create_or_edit_campaigns(client, world):
    client.force_login(world["officer"])
    assert client.get(reverse("campaigns:create")).status_code == 403
    assert client.get(reverse("campaigns:edit", args=[world["campaign"].pk])).status_code == 403


def test_staff_of_another_province_cannot_touch_the_campaign(client, world):
    other = user_with_role(Role.PROVINCE_STAFF, province=world["outside"].province, is_demo=True)
    client.force_login(other)
    assert client.get(reverse("campaigns:edit", args=[world["campaign"].pk])).status_code == 404
    assert (
        client.post(
            reverse("campaigns:target_delete", args=[world["campaign"].pk, world["target"].pk])
        ).status_code
        == 404
    )
    assert Target.objects.filter(pk=world["target"].pk).exists()


def test_deleting_a_province_target_removes_its_overrides(client, world):
    Target.objects.create(
        campaign=world["campaign"], indicator=world["vneid"], value=30, deadline=world["target"].deadline,
        commune=world["nghia_ta"],
    )  # fmt: skip
    client.force_login(world["staff"])
    response = client.post(
        reverse("campaigns:target_delete", args=[world["campaign"].pk, world["target"].pk])
    )
    assert response.status_code == 302
    assert not world["campaign"].targets.exists()


# --- Steering committee -----------------------------------------------------------------------


def test_a_commune_officer_records_the_committee_and_the_indicator_counts_it(client, world):
    client.force_login(world["officer"])
    page = client.get(reverse("campaigns:committee"))
    assert page.status_code == 200 and world["nghia_ta"].name in text(page)
    saved = client.post(
        reverse("campaigns:committee") + f"?commune={NGHIA_TA}",
        {"established_on": "01/07/2025", "decision": "125/QĐ-UBND", "chair": "Nguyễn Văn Chủ"},
    )
    assert saved.status_code == 302
    committee = SteeringCommittee.objects.get(commune_id=NGHIA_TA)
    assert (committee.established_on, committee.decision) == (datetime.date(2025, 7, 1), "125/QĐ-UBND")
    assert AuditEntry.objects.filter(object_type="campaigns.steeringcommittee").count() == 1

    from langso.campaigns.models import Indicator
    from langso.campaigns.rollups import unit_values

    value = unit_values(
        Indicator.objects.get(code="communes_with_committee"), level="commune", commune_code=NGHIA_TA
    )[str(NGHIA_TA)]
    assert value.ratio == 100.0


def test_a_committee_date_in_the_future_is_refused(client, world):
    client.force_login(world["officer"])
    tomorrow = (today() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(reverse("campaigns:committee"), {"established_on": tomorrow})
    assert "Ngày thành lập không được sau hôm nay." in response.content.decode()
    assert not SteeringCommittee.objects.exists()


def test_another_communes_committee_is_not_found(client, world):
    client.force_login(world["officer"])
    assert client.get(reverse("campaigns:committee") + f"?commune={BAC_KAN_WARD}").status_code == 404
    staff = world["staff"]
    client.force_login(staff)
    assert client.get(reverse("campaigns:committee")).status_code == 403


def test_values_are_rounded_to_one_decimal_not_cut():
    from langso.campaigns.dashboards import Row
    from langso.campaigns.indicators import Value
    from langso.campaigns.targets import Status

    assert Row("village", "x", "Thôn", Value(1, 6), None, Status.BEHIND).text == "16,7 %"
    assert Row("village", "x", "Thôn", Value(0, 0), None, Status.NO_DATA).text == "—"
    assert Row("village", "x", "Thôn", Value(1234, None), None, Status.DONE, display="count").text == "1.234"
