"""Reads of smartphone programmes, always filtered by the user's units.

Candidate lists, allocations and follow-ups are personal (poverty, disability and ethnicity are the
reasons shown): they are seen at commune or province level (officers, province staff, auditors) and a
follow-up also by the team member of the village. Programmes, quotas and devices carry no personal data.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.access import Perm, get_in_scope_or_404, has_perm, scope_for
from langso.accounts.models import User
from langso.devices.models import (
    Allocation,
    AllocationStatus,
    Candidate,
    CandidateList,
    CommuneQuota,
    Device,
    DeviceStatus,
    FollowUp,
    Outcome,
    Programme,
)
from langso.devices.rules import reason_label
from langso.places.models import Commune


def commune_q(user: User, perm: str, prefix: str = "") -> Q:
    """Rows that carry province_id/commune_id: commune- and province-level roles only."""
    return scope_for(user, perm).q(
        province=f"{prefix}province_id", commune=f"{prefix}commune_id", village=None
    )


def units_q(user: User, perm: str) -> Q:
    return scope_for(user, perm).q(province="province_id", commune="commune_id", village="village_id")


# --- Programmes --------------------------------------------------------------------------------------


def programme_scope_q(user: User, perm: str = Perm.PROGRAMME_VIEW) -> Q:
    """A programme is seen by those in its province, or with a quota in their units; a national one by all
    who hold the permission."""
    scope = scope_for(user, perm)
    if scope.everything:
        return Q()
    if scope.is_empty:
        return Q(pk__in=[])
    condition = Q(province__isnull=True)
    if scope.province_codes:
        condition |= Q(province_id__in=scope.province_codes) | Q(quotas__province_id__in=scope.province_codes)
    if scope.commune_codes:
        condition |= Q(quotas__commune_id__in=scope.commune_codes)
    if scope.village_ids:
        from langso.places.models import Village

        communes = Village.objects.filter(pk__in=scope.village_ids).values("commune_id")
        condition |= Q(quotas__commune_id__in=communes)
    return condition


def programme_list(*, user: User) -> QuerySet[Programme]:
    ids = Programme.objects.filter(programme_scope_q(user)).values("pk")
    return Programme.objects.filter(pk__in=ids).select_related("province")


def programme_get(*, user: User, programme_id: Any) -> Programme:
    return get_in_scope_or_404(programme_list(user=user), Q(), pk=programme_id)


@dataclass
class QuotaLine:
    commune: Commune
    quota: int
    handed_over: int  # active allocations
    returned: int
    list_status: str = ""
    list_version: int | None = None

    @property
    def remaining(self) -> int:
        return max(0, self.quota - self.handed_over)

    @property
    def percent(self) -> float:
        return round(100 * self.handed_over / self.quota, 1) if self.quota else 0.0


def quota_lines(*, user: User, programme: Programme) -> list[QuotaLine]:
    """Quota vs handed over for each commune of the user's units (every commune for national staff)."""
    scope = scope_for(user, Perm.PROGRAMME_VIEW)
    quotas = CommuneQuota.objects.filter(programme=programme).select_related("commune", "commune__province")
    if not scope.everything:
        from langso.places.models import Village

        village_communes = set(
            Village.objects.filter(pk__in=scope.village_ids).values_list("commune_id", flat=True)
        )
        quotas = quotas.filter(
            Q(province_id__in=scope.province_codes) | Q(commune_id__in=scope.commune_codes | village_communes)
        )
    counts: dict[tuple[int, str], int] = {
        (row["commune_id"], row["status"]): row["n"]
        for row in Allocation.objects.filter(programme=programme)
        .values("commune_id", "status")
        .annotate(n=Count("id"))
    }
    latest: dict[int, tuple[int, str]] = {}
    for row in (
        CandidateList.objects.filter(programme=programme)
        .order_by("commune_id", "-version")
        .values("commune_id", "version", "status")
    ):
        latest.setdefault(row["commune_id"], (row["version"], row["status"]))
    lines = [
        QuotaLine(
            q.commune,
            q.quota,
            counts.get((q.commune_id, AllocationStatus.ACTIVE), 0),
            counts.get((q.commune_id, AllocationStatus.RETURNED), 0),
            latest.get(q.commune_id, (None, ""))[1],
            latest.get(q.commune_id, (None, ""))[0],
        )
        for q in quotas
    ]
    return sorted(lines, key=lambda line: line.commune.sort_key)


def commune_in_programme(
    *, user: User, programme: Programme, code: int, perm: str = Perm.PROGRAMME_VIEW
) -> Commune:
    """A commune of the programme (it has a quota) inside the user's commune-level scope; else 404."""
    quota = get_in_scope_or_404(
        CommuneQuota.objects.select_related("commune", "commune__province"),
        commune_q(user, perm),
        programme=programme,
        commune_id=code,
    )
    return quota.commune


# --- Candidate lists ---------------------------------------------------------------------------------


def list_versions(*, programme: Programme, commune: Commune) -> QuerySet[CandidateList]:
    return (
        CandidateList.objects.filter(programme=programme, commune=commune)
        .select_related("approved_by")
        .order_by("-version")
    )


def list_get(*, programme: Programme, commune: Commune, version: int | None = None) -> CandidateList | None:
    versions = list_versions(programme=programme, commune=commune)
    return versions.filter(version=version).first() if version else versions.first()


@dataclass
class CandidateLine:
    candidate: Candidate
    rank: int | None
    within_quota: bool
    reasons: list[tuple[str, int]]
    allocation: Allocation | None = None


def candidate_lines(*, candidate_list: CandidateList, quota: int) -> list[CandidateLine]:
    candidates = list(
        candidate_list.candidates.select_related(
            "household", "household__head", "household__village", "resident"
        )
    )
    keys = [c.recipient_key for c in candidates]
    allocations = {
        a.recipient_key: a
        for a in Allocation.objects.filter(
            programme_id=candidate_list.programme_id, recipient_key__in=keys, status=AllocationStatus.ACTIVE
        ).select_related("device")
    }
    lines = []
    rank = 0
    for c in candidates:
        if not c.removed:
            rank += 1
        lines.append(
            CandidateLine(
                c,
                None if c.removed else rank,
                not c.removed and rank <= quota,
                [(reason_label(r["code"]), r["points"]) for r in c.reasons],
                allocations.get(c.recipient_key),
            )
        )
    return lines


def candidate_get(*, user: User, candidate_id: Any, perm: str) -> Candidate:
    return get_in_scope_or_404(
        Candidate.objects.select_related(
            "candidate_list", "candidate_list__programme", "candidate_list__commune", "household", "resident"
        ),
        commune_q(user, perm, prefix="candidate_list__"),
        pk=candidate_id,
    )


# --- Inventory ---------------------------------------------------------------------------------------


def device_list(*, user: User, programme: Programme, status: str = "") -> QuerySet[Device]:
    scope = scope_for(user, Perm.PROGRAMME_VIEW)
    devices = Device.objects.filter(programme=programme).select_related("commune")
    if not scope.everything:
        devices = devices.filter(
            Q(commune__isnull=True)
            | Q(commune__province_id__in=scope.province_codes)
            | Q(commune_id__in=scope.commune_codes)
        )
    if status:
        devices = devices.filter(status=status)
    return devices.order_by("status", "imei")


def device_counts(*, programme: Programme) -> dict[str, int]:
    counts = dict.fromkeys(DeviceStatus.values, 0)
    for row in Device.objects.filter(programme=programme).values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


# --- Allocations and follow-ups ----------------------------------------------------------------------


def allocation_get(*, user: User, allocation_id: Any, perm: str = Perm.PROGRAMME_VIEW) -> Allocation:
    return get_in_scope_or_404(
        Allocation.objects.select_related(
            "programme",
            "device",
            "household",
            "household__village",
            "resident",
            "commune",
            "commune__province",
            "candidate__candidate_list",
        ),
        commune_q(user, perm),
        pk=allocation_id,
    )


def follow_up_list(
    *, user: User, due_before: datetime.date | None = None, open_only: bool = True
) -> QuerySet[FollowUp]:
    rows = FollowUp.objects.filter(units_q(user, Perm.FOLLOWUP_RECORD), cancelled=False).select_related(
        "allocation", "allocation__programme", "allocation__device", "household", "village"
    )
    if open_only:
        rows = rows.filter(done_on__isnull=True)
    if due_before:
        rows = rows.filter(due_on__lte=due_before)
    return rows.order_by("due_on", "months")


def follow_up_get(*, user: User, follow_up_id: Any) -> FollowUp:
    return get_in_scope_or_404(
        FollowUp.objects.select_related(
            "allocation", "allocation__programme", "allocation__resident", "household"
        ),
        units_q(user, Perm.FOLLOWUP_RECORD),
        pk=follow_up_id,
    )


def followups_due(*, household_ids: Any, today: datetime.date) -> dict[Any, list[FollowUp]]:
    """Follow-ups due by `today` and not yet done, by household: for a team member's worklist.

    The caller passes households already limited to the member's assignments (teams.selectors.worklist),
    so no scope is applied here. One query."""
    out: dict[Any, list[FollowUp]] = defaultdict(list)
    for follow_up in (
        FollowUp.objects.filter(
            household_id__in=list(household_ids), done_on__isnull=True, cancelled=False, due_on__lte=today
        )
        .select_related("allocation", "allocation__programme")
        .order_by("due_on", "months")
    ):
        out[follow_up.household_id].append(follow_up)
    return dict(out)


# --- Reports -----------------------------------------------------------------------------------------


@dataclass
class ReportLine:
    commune: Commune
    quota: int
    handed_over: int
    devices: int
    cash: int
    returned: int
    median_days_to_handover: float | None
    checked_at_3_months: int
    in_use_at_3_months: int
    recipients_with_person: int
    digital_citizens: int

    @property
    def percent_distributed(self) -> float:
        return round(100 * self.handed_over / self.quota, 1) if self.quota else 0.0

    @property
    def percent_in_use_3m(self) -> float | None:
        return (
            round(100 * self.in_use_at_3_months / self.checked_at_3_months, 1)
            if self.checked_at_3_months
            else None
        )

    @property
    def percent_digital_citizens(self) -> float | None:
        return (
            round(100 * self.digital_citizens / self.recipients_with_person, 1)
            if self.recipients_with_person
            else None
        )


@dataclass
class ProgrammeReport:
    programme: Programme
    lines: list[ReportLine] = field(default_factory=list)
    made_at: datetime.datetime | None = None
    # Every handover's days from approval, for the total's median.
    all_days: list[int] = field(default_factory=list)

    def total(self) -> ReportLine | None:
        if not self.lines:
            return None
        return ReportLine(  # type: ignore[call-arg]  # mypy does not count the starred fields
            Commune(name=_("Tổng cộng")),
            *(
                sum(getattr(line, f) for line in self.lines)
                for f in ("quota", "handed_over", "devices", "cash", "returned")
            ),
            _median(self.all_days),
            *(
                sum(getattr(line, f) for line in self.lines)
                for f in (
                    "checked_at_3_months",
                    "in_use_at_3_months",
                    "recipients_with_person",
                    "digital_citizens",
                )
            ),
        )


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    values = sorted(values)
    middle = len(values) // 2
    return float(values[middle]) if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def programme_report(*, user: User, programme: Programme) -> ProgrammeReport:
    """Per commune of the user's units: quota vs handed over, days from approval to handover, and
    outcomes — % in use at the 3-month check (of those checked), % reached digital-citizen status
    (of recipients, their latest check; people without a check count as not yet)."""
    lines = quota_lines(user=user, programme=programme)
    communes = [line.commune.pk for line in lines]
    allocations = list(
        Allocation.objects.filter(programme=programme, commune_id__in=communes).values(
            "id",
            "commune_id",
            "kind",
            "status",
            "handed_over_on",
            "resident_id",
            "candidate__candidate_list__approved_at",
        )
    )
    days: dict[int, list[int]] = defaultdict(list)
    kinds: dict[tuple[int, str], int] = defaultdict(int)
    with_person: dict[int, int] = defaultdict(int)
    for a in allocations:
        approved = a["candidate__candidate_list__approved_at"]
        if approved:
            days[a["commune_id"]].append((a["handed_over_on"] - timezone.localtime(approved).date()).days)
        if a["status"] == AllocationStatus.ACTIVE:
            kinds[(a["commune_id"], a["kind"])] += 1
        if a["resident_id"]:
            with_person[a["commune_id"]] += 1
    three: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    # Each recipient's latest check that recorded the status: (done_on, months) -> is a citizen.
    latest_citizen: dict[Any, tuple[tuple[Any, int], bool, int]] = {}  # (done_on, months): done_on is set
    for f in FollowUp.objects.filter(
        allocation__programme=programme, commune_id__in=communes, done_on__isnull=False
    ).values("allocation_id", "commune_id", "months", "outcome", "done_on", "digital_citizen"):
        if f["months"] == 3:
            three[f["commune_id"]][0] += 1
            three[f["commune_id"]][1] += f["outcome"] == Outcome.IN_USE
        held = latest_citizen.get(f["allocation_id"])
        when = (f["done_on"], f["months"])
        if f["digital_citizen"] is not None and (held is None or when > held[0]):
            latest_citizen[f["allocation_id"]] = (when, bool(f["digital_citizen"]), f["commune_id"])
    citizens: dict[int, int] = defaultdict(int)
    for _day, is_citizen, commune_id in latest_citizen.values():
        citizens[commune_id] += is_citizen
    report = ProgrammeReport(
        programme, made_at=timezone.now(), all_days=[d for values in days.values() for d in values]
    )
    for line in lines:
        code = line.commune.pk
        report.lines.append(
            ReportLine(
                line.commune,
                line.quota,
                line.handed_over,
                kinds[(code, "device")],
                kinds[(code, "cash")],
                line.returned,
                _median(days[code]),
                three[code][0],
                three[code][1],
                with_person[code],
                citizens[code],
            )
        )
    return report


def can(user: User, perm: str) -> bool:
    return has_perm(user, perm)
