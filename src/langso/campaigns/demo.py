"""Demo data for campaigns: a 100-day peak running in each demo province, with province-wide targets
and the steering committees of two communes, so a province officer's dashboard is not empty in the
demo. Called by `langso.site.demo` after the registry, teams and devices demo data. Idempotent: a
campaign found by its name is left as it is."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from langso.accounts.models import User
from langso.campaigns import services
from langso.campaigns.indicators import take_snapshots
from langso.campaigns.models import Campaign, Indicator, SteeringCommittee
from langso.places.models import Commune, Province

DEMO_CAMPAIGN = "Cao điểm 100 ngày chuyển đổi số cộng đồng (demo)"
STARTED_DAYS_AGO = 30
# (indicator, target value, split): the seeds' figures (58 % reached, 60 % on VNeID, a team in every
# village), and a count for the whole province that each commune is judged on its share of, by adults.
TARGETS = (
    ("adults_reached", 58, ""),
    ("adults_vneid2", 60, ""),
    ("villages_with_team", 100, ""),
    ("digital_citizens", 30, ""),
    ("households_basic_skills", 50, ""),
    ("visits_week", 20, "adults"),
)
# Communes whose steering committee is on record: (code, decision, chair).
COMMITTEES = (
    (2071, "Quyết định số 12/QĐ-UBND", "Ma Văn Sơn"),
    (24301, "Quyết định số 45/QĐ-UBND", "Y Bhăm Niê"),
)


def _user(username: str) -> Any:
    return User.objects.filter(username=username).first()


@transaction.atomic
def load_demo_campaigns(*, today: datetime.date | None = None) -> int:
    """One running campaign per demo province (started 30 days ago, 70 days to go). Returns how many
    campaigns it made."""
    admin = _user("quantri")
    if admin is None:
        raise RuntimeError("Load the demo data first (the administrator account is missing).")
    services.install_default_indicators()
    today = today or timezone.localdate()
    provinces = Province.objects.filter(
        code__in=Commune.objects.filter(code__in=[code for code, *_rest in COMMITTEES]).values("province_id")
    )
    made = 0
    for province in provinces.order_by("code"):
        if Campaign.objects.filter(province=province, name=DEMO_CAMPAIGN).exists():
            continue
        campaign = services.campaign_create(
            acting_user=admin,
            province=province,
            name=DEMO_CAMPAIGN,
            starts_on=today - datetime.timedelta(days=STARTED_DAYS_AGO),
            ends_on=today + datetime.timedelta(days=100 - STARTED_DAYS_AGO),
        )
        for code, value, split in TARGETS:
            indicator = Indicator.objects.filter(code=code, is_active=True).first()
            if indicator is None:
                continue
            services.target_save(
                acting_user=admin,
                campaign=campaign,
                indicator=indicator,
                value=Decimal(value),
                deadline=campaign.ends_on,
                split=split,
            )
        made += 1
    for code, decision, chair in COMMITTEES:
        commune = Commune.objects.filter(code=code).first()
        if commune is not None and not SteeringCommittee.objects.filter(commune=commune).exists():
            services.committee_save(
                acting_user=admin,
                commune=commune,
                established_on=today - datetime.timedelta(days=120),
                decision=decision,
                chair=chair,
            )
    if made:
        _snapshots_since(today - datetime.timedelta(days=STARTED_DAYS_AGO), today)
    return made


def _snapshots_since(start: datetime.date, today: datetime.date) -> None:
    """What the nightly job (`take_snapshots`) would have kept since the campaign started, at the end
    of each week and yesterday: the dashboards draw their trends from it, judge a target by it and the
    weekly reports of past weeks read it. Computed by the job itself for each of those days."""
    yesterday = today - datetime.timedelta(days=1)
    sundays = {
        start + datetime.timedelta(days=offset)
        for offset in range((yesterday - start).days + 1)
        if (start + datetime.timedelta(days=offset)).weekday() == 6
    }
    for day in sorted(sundays | {yesterday}):
        take_snapshots(day)
