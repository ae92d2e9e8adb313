"""Demo data for smartphone programmes: one national programme over the four demo communes.

Called by `langso.site.demo` after the registry's demo data exists. Idempotent: a second call finds the
programme by name and changes nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from langso.accounts.models import User
from langso.devices import services
from langso.devices.models import CandidateList, Device, Outcome, Programme
from langso.devices.rules import luhn_check_digit
from langso.places.models import Commune
from langso.registry.models import Household

DEMO_PROGRAMME = "Điện thoại thông minh cho hộ nghèo, cận nghèo 2026 (demo)"
QUOTAS = {1843: 6, 2071: 8, 24301: 10, 24364: 6}
NGHIA_TA = 2071
# A type allocation code (first 8 digits) followed by a serial; the 15th digit is the check digit.
TAC = "35328511"
# Within the demo's six months (site/demo.py): the list approved, then three handovers; the follow-ups
# of the first are done, the 3-month check of the second has just fallen due.
OPENED_DAYS_AGO = 178
LIST_MADE_DAYS_AGO = 176
APPROVED_DAYS_AGO = 172
RUNS_ON_DAYS = 200
HANDOVER_DAYS_AGO = (165, 96, 6)


def demo_imei(serial: int) -> str:
    body = f"{TAC}{serial:06d}"
    return body + str(luhn_check_digit(body))


def _user(username: str) -> Any:
    return User.objects.filter(username=username).first()


@transaction.atomic
def load_demo_programme(*, today: datetime.date | None = None) -> dict[str, int]:
    """A programme with quotas in 1843, 2071, 24301 and 24364, 12 devices, an approved list in Xã Nghĩa
    Tá, three handovers and their follow-ups (some done, some due)."""
    if Programme.objects.filter(name=DEMO_PROGRAMME).exists():
        return {"programmes": 0, "devices": 0, "handovers": 0}
    admin = _user("quantri")
    if admin is None:
        raise RuntimeError("Load the demo data first (the administrator account is missing).")
    officer = _user("xa.nghiata") or admin
    today = today or timezone.localdate()
    programme = services.programme_save(
        acting_user=admin,
        name=DEMO_PROGRAMME,
        funder="Quỹ Dịch vụ viễn thông công ích Việt Nam",
        province=None,
        # Opened a little before its list was approved, and running past the last handover's checks.
        starts_on=today - datetime.timedelta(days=OPENED_DAYS_AGO),
        ends_on=today + datetime.timedelta(days=RUNS_ON_DAYS),
        device_models="Itel A50 (Android Go, màn 6,6 inch), Viettel Sumo 4G T2",
        package_sim=True,
        package_data_gb=4,
        package_months=12,
        package_notes="Gói cước Viettel ST70K, miễn phí 12 tháng",
        training_required=True,
        training_notes="Buổi tập huấn 2 giờ: VNeID, Zalo, thanh toán QR",
        poverty_classes=["poor", "near_poor"],
        poverty_max_age_years=2,
        min_age=16,
        require_no_smartphone=True,
        exclude_earlier_recipients=True,
        per="household",
        elderly_age=60,
        weight_poor=20,
        weight_near_poor=10,
        weight_elderly=15,
        weight_disability=15,
        weight_minority=10,
        weight_no_phone_visit=10,
        cash_allowed=True,
        cash_amount=1_500_000,
    )
    communes = {c.pk: c for c in Commune.objects.filter(pk__in=QUOTAS)}
    for code, quota in QUOTAS.items():
        services.quota_set(acting_user=admin, programme=programme, commune=communes[code], quota=quota)
    nghia_ta = communes[NGHIA_TA]
    for serial in range(1, 13):
        services.device_add(
            acting_user=admin,
            programme=programme,
            commune=nghia_ta if serial <= 8 else None,
            imei=demo_imei(serial),
            model_name="Itel A50" if serial % 3 else "Viettel Sumo 4G T2",
            sim_number=f"0868{serial:06d}",
        )
    lst = services.candidate_list_generate(
        acting_user=officer, programme=programme, commune=nghia_ta, today=today
    )
    # Officers' additions: poor households whose only smartphone is broken, as the team reported.
    listed = set(lst.candidates.values_list("household_id", flat=True))
    for household in (
        Household.objects.filter(commune=nghia_ta, poverty__in=["poor", "near_poor"])
        .exclude(pk__in=listed)
        .order_by("code")[:3]
    ):
        services.candidate_add(
            acting_user=officer,
            programme=programme,
            commune=nghia_ta,
            household=household,
            reason="Điện thoại của hộ đã hỏng không sửa được; tổ công nghệ số thôn xác nhận",
            today=today,
        )
    lst = services.candidate_list_approve(
        acting_user=officer,
        candidate_list=lst,
        decision=f"Quyết định số 45/QĐ-UBND ngày {today - datetime.timedelta(days=APPROVED_DAYS_AGO):%d/%m/%Y} của UBND xã Nghĩa Tá",
    )
    # The committee met near the start of the six months' story: the handovers below follow its decision.
    # The list was drawn up by the criteria a few days before (its page shows both times).
    approved_at = timezone.now() - datetime.timedelta(days=APPROVED_DAYS_AGO)
    generated_at = timezone.now() - datetime.timedelta(days=LIST_MADE_DAYS_AGO)
    CandidateList.objects.filter(pk=lst.pk).update(approved_at=approved_at, generated_at=generated_at)
    candidates = list(lst.candidates.filter(removed=False).select_related("household", "household__head"))
    handed = 0
    for index, days_ago in enumerate(HANDOVER_DAYS_AGO):
        if index >= len(candidates) or candidates[index].household.head is None:
            break
        day = today - datetime.timedelta(days=days_ago)
        allocation = services.allocate(
            acting_user=officer,
            candidate=candidates[index],
            handover=services.Handover(
                handed_over_on=day,
                giver_name="Ma Văn Sơn",
                giver_title="Công chức Văn hóa - Xã hội xã Nghĩa Tá",
                training_attended=True,
                training_on=day - datetime.timedelta(days=2),
            ),
        )
        handed += 1
        # Checks that fell due more than two weeks ago were made (two days after they fell due); the
        # newer one is left due, so it shows on the team member's worklist.
        for follow_up in allocation.follow_ups.filter(
            due_on__lte=today - datetime.timedelta(days=14)
        ).order_by("months"):
            services.follow_up_record(
                acting_user=officer,
                follow_up=follow_up,
                done_on=follow_up.due_on + datetime.timedelta(days=2),
                outcome=Outcome.IN_USE,
                sim_active=True,
                skills_note="Gọi video Zalo, cài VNeID",
            )
    return {
        "programmes": 1,
        "devices": Device.objects.filter(programme=programme).count(),
        "handovers": handed,
    }
