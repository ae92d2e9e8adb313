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
