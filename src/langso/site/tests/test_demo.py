import datetime

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
    assert SignalReport.objects.filter(operator="viettel").count() == 2  # one waiting, one confirmed
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


def test_the_demo_campaign_has_a_history_to_draw_trends_from_and_a_count_target_split_to_communes(client):
    """Snapshots as the nightly job would have kept them since the campaign started (each week's end and
    yesterday), so the dashboard draws trends; the province's 20 home visits a week are shared out to
    its communes by their adults, not given to each commune whole."""
    from django.test import override_settings
    from django.urls import reverse
    from django.utils import timezone

    from langso.campaigns.models import Campaign, IndicatorSnapshot
    from langso.campaigns.targets import commune_shares
    from langso.places.models import Commune

    call_command("demo_data")
    today = timezone.localdate()
    campaign = Campaign.objects.get(name__endswith="(demo)", province__name__contains="Thái Nguyên")
    days = sorted(set(IndicatorSnapshot.objects.values_list("day", flat=True)))
    assert len(days) >= 4 and days[-1] == today - datetime.timedelta(days=1)
    assert all(campaign.starts_on <= day < today for day in days)
    reached = IndicatorSnapshot.objects.get(
        indicator__code="adults_reached", level="commune", unit="2071", day=days[-1]
    )
    assert reached.numerator > 0  # the visits and the help desk of the weeks before

    visits = campaign.targets.get(indicator__code="visits_week", commune=None)
    assert (visits.value, visits.split) == (20, "adults")
    communes = Commune.objects.filter(province_id=campaign.province_id).values_list("code", flat=True)
    by_commune = commune_shares(visits, {}, [str(code) for code in communes], today)
    assert 0 < by_commune["2071"].value < 20
    assert sum(share.value for share in by_commune.values()) == 20

    client.force_login(User.objects.get(username="tinh.thainguyen"))
    with override_settings(DEMO_MODE=True):
        page = client.get(reverse("campaigns:dashboard", args=[campaign.pk])).content.decode()
    assert 'class="sparkline"' in page and "Buổi hướng dẫn tại nhà trong tuần" in page


# Dates that may lie ahead of today (deadlines, planned checks, a period's end) or before the story
# starts (a birth date, a training before its handover is checked below), by model and field.
MAY_BE_AHEAD = {
    "campaigns.Campaign.ends_on",
    "campaigns.Target.deadline",
    "devices.Programme.ends_on",
    "devices.FollowUp.due_on",
    "teams.Visit.follow_up_on",
    "teams.SignalReport.respond_by",
    "teams.SignalReport.fix_by",
    "accounts.User.locked_until",
}
MAY_BE_EARLIER = {
    "registry.Resident.birth_date",
    "registry.Household.poverty_year",
    "outside_lists.ListEntry.birth_date",  # a birth date as an outside list wrote it
}


def _dates_out_of_the_story(start, today) -> list[str]:
    """Every date and time the demo wrote, field by field, that falls after today or before the start."""
    from django.apps import apps
    from django.db import models
    from django.db.models import Max, Min
    from django.utils import timezone

    def day(value):
        return timezone.localtime(value).date() if isinstance(value, datetime.datetime) else value

    wrong = []
    for model in apps.get_models():
        if not model.__module__.startswith("langso."):
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.DateField):
                continue
            name = f"{model._meta.label}.{field.name}"
            bounds = model._base_manager.aggregate(low=Min(field.name), high=Max(field.name))
            low, high = day(bounds["low"]), day(bounds["high"])
            if high is not None and high > today and name not in MAY_BE_AHEAD:
                wrong.append(f"{name}: {high} is after today")
            if low is not None and low < start and name not in MAY_BE_EARLIER:
                wrong.append(f"{name}: {low} is before the story starts")
    return wrong


def test_the_demo_tells_one_consistent_story_over_the_last_six_months():
    """What a visitor opens in `make run` makes sense: nothing after today or before the story starts,
    no visit before its team or before its household was given to the member, no follow-up before its
    handover, no handover before its list, a list drawn up before it was approved within its
    programme, every recipient of a phone owns one from the day of its handover, the registry's phones
    dated from the day it was entered, the help desk's people count as reached, a confirmed report was
    confirmed within its response deadline and is judged on its fix deadline counted from then."""
    from django.db.models import F
    from django.utils import timezone

    from langso.campaigns.facts import FactContext, adults_reached
    from langso.devices.models import Allocation, CandidateList, FollowUp, Programme
    from langso.skills.models import SkillRecord
    from langso.teams import selectors
    from langso.teams.models import HelpDeskSession, SignalReport, SignalReportEvent, Visit
    from langso.teams.signal_reports import SIGNAL_FIX_DAYS

    call_command("demo_data")
    today = timezone.localdate()
    start = today - datetime.timedelta(days=183)
    assert _dates_out_of_the_story(start, today) == []

    visits = Visit.objects.all()
    assert visits.exists()
    assert not visits.filter(visited_on__lt=F("team__established_on")).exists()
    assert not visits.filter(visited_on__lt=F("household__assignment__assigned_on")).exists()
    assert not SkillRecord.objects.filter(recorded_on__lt=start).exists()

    handovers = Allocation.objects.select_related("candidate__candidate_list", "resident", "programme")
    assert handovers.count() == 3
    for allocation in handovers:
        approved = allocation.candidate.candidate_list.approved_at.date()
        generated = allocation.candidate.candidate_list.generated_at.date()
        programme = allocation.programme
        assert programme.starts_on <= generated <= approved <= allocation.handed_over_on <= today
        assert start <= allocation.training_on <= allocation.handed_over_on
        assert allocation.resident.owns_smartphone and allocation.resident.smartphone_source == "handover"
        assert allocation.resident.smartphone_on == allocation.handed_over_on
        assert not allocation.follow_ups.filter(due_on__gt=programme.ends_on).exists()
    done = FollowUp.objects.filter(done_on__isnull=False)
    assert done.exists() and not done.filter(done_on__lt=F("allocation__handed_over_on")).exists()
    assert not CandidateList.objects.filter(approved_at__lt=F("generated_at")).exists()
    assert Programme.objects.count() == 1
    registered = Resident.objects.filter(smartphone_source="registry")
    assert not registered.filter(smartphone_on__gt=start + datetime.timedelta(days=3)).exists()

    member = User.objects.get(username="thanhvien.banCau")
    assert any("device_follow_up" in e.reasons for e in selectors.worklist(user=member))
    desk_people = HelpDeskSession.objects.exclude(resident=None).values_list("resident_id", flat=True)
    assert len(desk_people) == 2
    reached = adults_reached(FactContext(day=today, commune_code=2071))
    assert set(desk_people) <= set(reached.values_list("pk", flat=True))

    confirmed = SignalReport.objects.get(status="confirmed")
    confirmation = SignalReportEvent.objects.get(report=confirmed, status="confirmed")
    confirmed_on = timezone.localtime(confirmation.at).date()
    assert confirmed.reported_on < confirmed_on <= confirmed.respond_by
    assert confirmed.fix_by == confirmed_on + datetime.timedelta(days=SIGNAL_FIX_DAYS)
    assert confirmed.fix_by > today and not confirmed.is_overdue(today)
    assert SignalReport.objects.get(status="reported").is_overdue(today)
    for event in SignalReportEvent.objects.select_related("report"):
        assert event.report.reported_on <= timezone.localtime(event.at).date() <= today
    reported = SignalReportEvent.objects.filter(status="reported").select_related("report")
    assert reported.count() == 2
    assert all(timezone.localtime(e.at).date() == e.report.reported_on for e in reported)
    assert not Resident.objects.filter(created_at__date__gt=start + datetime.timedelta(days=3)).exists()
