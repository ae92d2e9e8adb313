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
