import pytest
from django.core.management import call_command

from langso.accounts.models import Role, User
from langso.registry.models import Household, Resident

pytestmark = pytest.mark.django_db


def test_the_demo_data_covers_the_four_communes_of_the_reports_and_one_user_per_role_and_is_idempotent(
    capsys,
):
    call_command("demo_data")
    counts = (Household.objects.count(), Resident.objects.count(), User.objects.count())
    assert set(Household.objects.values_list("commune__name", flat=True)) == {
        "Phường Bắc Kạn",
        "Xã Nghĩa Tá",
        "Xã Cuôr Đăng",
        "Xã Phú Xuân",
    }
    roles = set(User.objects.values_list("role_assignments__role", flat=True))
    assert roles == set(Role.values)
    assert all(User.objects.values_list("is_demo", flat=True))
    assert Resident.objects.exclude(cccd=None).count() > 100
    output = capsys.readouterr().out
    assert "xa.nghiata" in output and "LangSo-Demo-2026" in output
    call_command("demo_data")
    assert (Household.objects.count(), Resident.objects.count(), User.objects.count()) == counts


def test_the_demo_gives_the_field_member_a_worklist_and_leaves_one_village_per_commune_without_a_team():
    from langso.teams import selectors
    from langso.teams.models import HelpDeskSession, SignalReport, Team, Visit

    call_command("demo_data")
    member = User.objects.get(username="thanhvien.banCau")
    officer = User.objects.get(username="xa.nghiata")

    assert len(selectors.worklist(user=member)) >= 8
    assert Visit.objects.filter(recorded_by=member).count() >= 3
    overview = selectors.commune_overview(user=officer, commune_code=2071)
    assert overview.villages_with_team == overview.villages - 1
    assert SignalReport.objects.filter(operator="viettel").count() == 1
    assert HelpDeskSession.objects.count() == 3
    teams = Team.objects.count()
    call_command("demo_data")
    assert Team.objects.count() == teams


def test_the_demo_province_officer_opens_a_running_campaign_with_targets(client):
    from django.urls import reverse

    from langso.campaigns.models import Campaign

    call_command("demo_data")
    call_command("demo_data")  # once only
    campaigns = Campaign.objects.filter(name__endswith="(demo)")
    assert campaigns.count() == 2  # Thái Nguyên and Đắk Lắk
    staff = User.objects.get(username="tinh.thainguyen")
    campaign = campaigns.get(province__name__contains="Thái Nguyên")
    assert campaign.targets.count() >= 4
    client.force_login(staff)
    from django.test import override_settings

    with override_settings(DEMO_MODE=True):
        page = client.get(reverse("campaigns:list")).content.decode()
        assert "Chưa có chiến dịch nào" not in page and campaign.name in page
        dashboard = client.get(reverse("campaigns:dashboard", args=[campaign.pk]))
    assert dashboard.status_code == 200
    assert "Tỉ lệ người trưởng thành có định danh điện tử mức 2" in dashboard.content.decode()
