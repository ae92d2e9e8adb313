"""The facts indicators are made of. Each fact counts something per village (or per commune, for
facts that belong to the commune) in ONE grouped query; the engine rolls villages up to communes,
provinces and the country by adding.

A fact sees the platform as it stood at the end of `ctx.day` as far as the data allows: records
carry their dates (visits, skill records, help-desk sessions); a few facts (smartphone ownership,
coverage) are the current state, which is why daily snapshots keep history exact.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langso.campaigns.models import SteeringCommittee
from langso.campaigns.reached import reached_q, reached_ways
from langso.devices.models import Allocation, CommuneQuota, FollowUp
from langso.groups.models import Attendance, GroupSession
from langso.places.models import Commune, Village
from langso.registry import rules as registry_rules
from langso.registry.models import Household, Resident
from langso.skills.models import BasicSkill, RuleKind, Skill, SkillRecord, SkillRule
from langso.skills.shipped import ONLINE_PROCEDURE_CODES, PROFICIENT_LEVEL, VNEID_SKILL
from langso.teams.models import (
    ONLINE_PROCEDURES,
    HelpDeskOutcome,
    HelpDeskSession,
    Service,
    SignalReport,
    Team,
    Visit,
    VisitService,
    signal_overdue_q,
)

# (province code, commune code, village id or None for a commune-level fact) → count
Counts = dict[tuple[int, int, Any], int]

INACTIVE_TEAM_DAYS = 14


@dataclass(frozen=True)
class FactContext:
    day: datetime.date
    province_code: int | None = None  # restrict to one province (dashboards); None = everywhere
    commune_code: int | None = None  # restrict to one commune (a village's drill-down)
    # Restrict to the rows of these villages (ids as text) and, for the communes in `own_communes`, to
    # the rows that belong to the commune and no village: what an incremental refresh recomputes
    # (campaigns/rollups.py). None: every village.
    villages: frozenset[str] | None = None
    own_communes: frozenset[int] = frozenset()

    @property
    def end(self) -> datetime.datetime:
        """The first instant after `day`, in the site's time zone."""
        start = datetime.datetime.combine(self.day + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(start)

    @property
    def week_start(self) -> datetime.date:
        return self.day - datetime.timedelta(days=6)

    def units(
        self, qs: QuerySet[Any], province: str = "province_id", commune: str = "commune_id"
    ) -> QuerySet[Any]:
        if self.province_code:
            qs = qs.filter(**{province: self.province_code})
        if self.commune_code:
            qs = qs.filter(**{commune: self.commune_code})
        return qs


def _group(qs: QuerySet[Any], village: str | None = "village_id", **paths: str) -> Counts:
    province, commune = paths.get("province", "province_id"), paths.get("commune", "commune_id")
    fields = [province, commune] + ([village] if village else [])
    counts: Counts = {}
    for row in qs.order_by().values(*fields).annotate(n=Count("pk")):
        key = (row[province], row[commune], row[village] if village else None)
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


# --- People ------------------------------------------------------------------------------------


def residents_q(ctx: FactContext) -> QuerySet[Resident]:
    return ctx.units(Resident.objects.filter(created_at__lt=ctx.end))


def adults_q(ctx: FactContext) -> QuerySet[Resident]:
    return residents_q(ctx).filter(registry_rules.adults_q(ctx.day))


def _skill_reached(ctx: FactContext, codes: list[str], level: int) -> Exists:
    return Exists(
        SkillRecord.objects.filter(
            resident_id=OuterRef("pk"), skill_code__in=codes, level__gte=level, recorded_on__lte=ctx.day
        )
    )


def _service_done(ctx: FactContext, services: list[str]) -> Q:
    visit = Exists(
        VisitService.objects.filter(
            resident_id=OuterRef("pk"), service__in=services, visit__visited_on__lte=ctx.day
        )
    )
    desk = Exists(
        HelpDeskSession.objects.filter(
            resident_id=OuterRef("pk"),
            procedure__in=services,
            outcome__in=[HelpDeskOutcome.DONE, HelpDeskOutcome.SUBMITTED],
            helped_on__lte=ctx.day,
        )
    )
    return Q(visit) | Q(desk)


def residents(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    return residents_q(ctx)


def adults(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    return adults_q(ctx)


def adults_reached(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    """Adults a team or the commune has helped, each once however many ways (campaigns/reached.py)."""
    return adults_q(ctx).filter(reached_q(ctx.day))


def adults_reached_via(ctx: FactContext, *, way: str, **_: Any) -> QuerySet[Any]:
    """Adults reached one way (`campaigns.reached.WAYS`): the split of "adults reached" by source. A
    person reached two ways is in both splits, and once in the total."""
    ways = reached_ways(ctx.day)
    if way not in ways:
        raise ValueError(f"unknown way {way!r}")
    return adults_q(ctx).filter(ways[way])


KINH = "01"  # EthnicGroup.KINH: Vietnamese is their language


def minority_language_villages(ctx: FactContext) -> QuerySet[Any]:
    """Villages where the registry's people of an ethnic minority outnumber the Kinh (people whose
    group is not recorded are left out): the villages a guide in Vietnamese alone does not serve."""
    people = residents_q(ctx)
    if ctx.villages is not None:  # an incremental refresh: only the villages it recomputes
        people = people.filter(village_id__in=sorted(ctx.villages))
    return (
        people.exclude(ethnic_group="")
        .order_by()
        .values("village_id")
        .annotate(
            kinh=Count("pk", filter=Q(ethnic_group=KINH)), other=Count("pk", filter=~Q(ethnic_group=KINH))
        )
        .filter(other__gt=F("kinh"))
        .values("village_id")
    )


def adults_minority_villages(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    return adults_q(ctx).filter(village_id__in=minority_language_villages(ctx))


def adults_minority_villages_reached(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    return adults_minority_villages(ctx).filter(reached_q(ctx.day))


def adults_smartphone(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    """Adults the registry says own a smartphone (today's value: a handover sets it at once)."""
    return adults_q(ctx).filter(owns_smartphone=True)


def adults_with_skill(
    ctx: FactContext, *, skill: str, level: int = PROFICIENT_LEVEL, **_: Any
) -> QuerySet[Any]:
    return adults_q(ctx).filter(_skill_reached(ctx, [skill], level))


def adults_with_area(
    ctx: FactContext, *, area: str, level: int = PROFICIENT_LEVEL, **_: Any
) -> QuerySet[Any]:
    codes = sorted(set(Skill.objects.filter(area=area).values_list("code", flat=True)))
    return adults_q(ctx).filter(_skill_reached(ctx, codes, level))


def adults_vneid2(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    """Adults with VNeID at level 2: activated during a visit or at the help desk, or able to do it
    (`teams.rules.vneid_level2_q` today; here as of `ctx.day`, from the dated records)."""
    return adults_q(ctx).filter(
        _service_done(ctx, [Service.VNEID_LEVEL2]) | Q(_skill_reached(ctx, [VNEID_SKILL], PROFICIENT_LEVEL))
    )


def adults_online_procedure(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    return adults_q(ctx).filter(
        _service_done(ctx, sorted(ONLINE_PROCEDURES))
        | Q(_skill_reached(ctx, list(ONLINE_PROCEDURE_CODES), PROFICIENT_LEVEL))
    )


def adults_cashless(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    return adults_q(ctx).filter(
        _service_done(ctx, [Service.CASHLESS_PAYMENT])
        | Q(_skill_reached(ctx, ["qr_payment", "money_transfer", "bank_app"], PROFICIENT_LEVEL))
    )


def _national_rule(kind: str) -> SkillRule | None:
    return SkillRule.objects.filter(kind=kind, province__isnull=True).first()


def adults_digital_citizens(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    """The national digital-citizen rule: a smartphone (today's registry value), every required skill at
    its level by the day, and one online procedure done alone."""
    rule = _national_rule(RuleKind.DIGITAL_CITIZEN)
    qs = adults_q(ctx)
    if rule is None:
        return qs.none()
    if rule.requires_smartphone:
        qs = qs.filter(owns_smartphone=True)
    for code, level in sorted(rule.required_levels.items()):
        qs = qs.filter(_skill_reached(ctx, [code], int(level)))
    # The same rule the person's page explains (skills/explain.py): at least one online procedure.
    return qs.filter(_skill_reached(ctx, list(ONLINE_PROCEDURE_CODES), PROFICIENT_LEVEL))


def _basic_skill_members(ctx: FactContext, level: int) -> QuerySet[Resident]:
    members = residents_q(ctx)
    by_category: dict[str, list[str]] = {}
    for code, category in Skill.objects.exclude(basic_skill="").values_list("code", "basic_skill"):
        by_category.setdefault(category, []).append(code)
    for category in BasicSkill.values:
        members = members.filter(_skill_reached(ctx, sorted(set(by_category.get(category, []))), level))
    return members


# --- Households, villages, communes ----------------------------------------------------------------


def households(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    return ctx.units(Household.objects.filter(created_at__lt=ctx.end))


def households_basic_skills(ctx: FactContext, *, level: int = PROFICIENT_LEVEL, **_: Any) -> QuerySet[Any]:
    """Households with at least one member proficient in all 5 basic skills."""
    proficient = _basic_skill_members(ctx, level).filter(household_id=OuterRef("pk"))
    return households(ctx).filter(Exists(proficient))


def villages(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    return ctx.units(
        Village.objects.filter(created_at__lt=ctx.end), province="commune__province_id", commune="commune_id"
    )


def villages_with_team(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    teams = Team.objects.filter(village_id=OuterRef("pk"), is_active=True, created_at__lt=ctx.end)
    return villages(ctx).filter(Exists(teams))


COVERAGE_FIELDS = ("broadband", "mobile_4g", "mobile_5g")


def _coverage_field(field: str) -> str:
    if field not in COVERAGE_FIELDS:
        raise ValueError(f"unknown coverage field {field!r}")
    return field


def villages_covered(ctx: FactContext, *, field: str, **_: Any) -> QuerySet[Any]:
    return villages(ctx).filter(**{_coverage_field(field): "yes"})


def residents_covered(ctx: FactContext, *, field: str, **_: Any) -> QuerySet[Any]:
    """People living in villages covered by the technology (population coverage)."""
    return residents_q(ctx).filter(**{f"village__{_coverage_field(field)}": "yes"})


def communes(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    return ctx.units(Commune.objects.all(), commune="code")


def communes_with_committee(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    committees = SteeringCommittee.objects.filter(commune_id=OuterRef("pk"), established_on__lte=ctx.day)
    return communes(ctx).filter(Exists(committees))


# --- Activity ---------------------------------------------------------------------------------


def visits_week(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    return ctx.units(Visit.objects.filter(visited_on__range=(ctx.week_start, ctx.day)))


def group_sessions_week(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    """Group sessions held in the 7 days to the day (a session belongs to its commune)."""
    return ctx.units(GroupSession.objects.filter(held_on__range=(ctx.week_start, ctx.day)))


def attendance_week(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    """People present at those sessions, walk-ins included (one row per person and session)."""
    return ctx.units(
        Attendance.objects.filter(session__held_on__range=(ctx.week_start, ctx.day)),
        province="session__province_id",
        commune="session__commune_id",
    )


def helpdesk_done_week(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    return ctx.units(
        HelpDeskSession.objects.filter(
            helped_on__range=(ctx.week_start, ctx.day),
            outcome__in=[HelpDeskOutcome.DONE, HelpDeskOutcome.SUBMITTED],
        )
    )


def signal_reports_overdue(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    """Weak-signal reports still open on the day past the deadline that applies to them: the response
    deadline until the operator confirms, the fix deadline after."""
    open_then = Q(closed_on__isnull=True) | Q(closed_on__gt=ctx.day)
    return ctx.units(
        SignalReport.objects.filter(open_then, reported_on__lte=ctx.day).filter(signal_overdue_q(ctx.day))
    )


def teams_inactive(ctx: FactContext, *, days: int = INACTIVE_TEAM_DAYS, **_: Any) -> QuerySet[Any]:
    since = ctx.day - datetime.timedelta(days=days)
    recent = Visit.objects.filter(team_id=OuterRef("pk"), visited_on__range=(since, ctx.day))
    return ctx.units(Team.objects.filter(is_active=True, created_at__lt=ctx.end)).exclude(Exists(recent))


# --- Smartphone programmes ----------------------------------------------------------------------


def devices_handed_over(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    """Devices or cash contributions handed over by the day and not returned by then."""
    not_returned = Q(returned_on__isnull=True) | Q(returned_on__gt=ctx.day)
    return ctx.units(Allocation.objects.filter(not_returned, handed_over_on__lte=ctx.day))


def device_quota(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    """Quota places of the programmes running on the day (each place a row: see `quota_places`)."""
    return ctx.units(
        CommuneQuota.objects.filter(programme__starts_on__lte=ctx.day, programme__ends_on__gte=ctx.day)
    )


def _sum_quota(qs: QuerySet[Any], ctx: FactContext, **_: Any) -> Counts:
    counts: Counts = {}
    for province, commune, places in (
        qs.order_by().values_list("province_id", "commune_id").annotate(places=Sum("quota"))
    ):
        counts[(province, commune, None)] = counts.get((province, commune, None), 0) + (places or 0)
    return counts


def followups_3_months(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    """The 3-month checks done by the day."""
    return ctx.units(FollowUp.objects.filter(months=3, done_on__lte=ctx.day, cancelled=False))


def followups_3_months_in_use(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    return followups_3_months(ctx).filter(outcome="in_use")


def signal_reports_open(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    open_then = Q(closed_on__isnull=True) | Q(closed_on__gt=ctx.day)
    return ctx.units(SignalReport.objects.filter(open_then, reported_on__lte=ctx.day))


def signal_reports_fixed(ctx: FactContext, **_: Any) -> QuerySet[Any]:
    return ctx.units(SignalReport.objects.filter(status="fixed", closed_on__lte=ctx.day))


def _sum_days_to_fix(qs: QuerySet[Any], ctx: FactContext, **_: Any) -> Counts:
    """Days from report to fix, added up per village (divided by the fixed reports: the average)."""
    counts: Counts = {}
    for province, commune, village, reported, closed in qs.values_list(
        "province_id", "commune_id", "village_id", "reported_on", "closed_on"
    ):
        key = (province, commune, village)
        counts[key] = counts.get(key, 0) + (closed - reported).days
    return counts


# How each kind of row reaches its units.
PERSON = ("province_id", "commune_id", "village_id")
VILLAGE = ("commune__province_id", "commune_id", "id")
COMMUNE = ("province_id", "code", None)
COMMUNE_RECORD = ("province_id", "commune_id", None)


@dataclass(frozen=True)
class Fact:
    label: Any
    queryset: Callable[..., QuerySet[Any]]
    paths: tuple[str, str, str | None] = PERSON
    params: tuple[str, ...] = ()
    # Instead of counting rows: add up something per unit (quota places, days to fix).
    total: Callable[..., Counts] | None = None

    def count(self, ctx: FactContext, **params: Any) -> Counts:
        qs = self._only(ctx, self.queryset(ctx, **params))
        if self.total is not None:
            return self.total(qs, ctx, **params)
        province, commune, village = self.paths
        return _group(qs, village=village, province=province, commune=commune)

    def _only(self, ctx: FactContext, qs: QuerySet[Any]) -> QuerySet[Any]:
        """The rows of `ctx.villages` and of the communes' own parts in `ctx.own_communes`: every fact
        counts each row in one village (or in its commune alone), so a number is the sum of these parts."""
        if ctx.villages is None:
            return qs
        _province, commune, village = self.paths
        own = Q(**{f"{commune}__in": sorted(ctx.own_communes)})
        if village is None:
            return qs.filter(own) if ctx.own_communes else qs.none()
        condition = Q(**{f"{village}__in": sorted(ctx.villages)})
        if ctx.own_communes:
            condition |= Q(**{f"{village}__isnull": True}) & own
        return qs.filter(condition)

    def rows(self, ctx: FactContext, *, level: str, unit: str, **params: Any) -> QuerySet[Any]:
        """The rows behind one unit's number (the drill-down): the people, villages or records."""
        province, commune, village = self.paths
        path = {"province": province, "commune": commune, "village": village}.get(level)
        qs = self.queryset(ctx, **params)
        return qs.filter(**{path: unit}) if path else qs


FACTS: dict[str, Fact] = {
    "residents": Fact(_("Người dân"), residents),
    "adults": Fact(_("Người trưởng thành (từ 18 tuổi)"), adults),
    "adults_reached": Fact(_("Người trưởng thành đã được hướng dẫn"), adults_reached),
    "adults_reached_via": Fact(
        _("Người trưởng thành đã được hướng dẫn, theo nguồn"), adults_reached_via, params=("way",)
    ),
    "adults_smartphone": Fact(_("Người trưởng thành có điện thoại thông minh"), adults_smartphone),
    "adults_with_skill": Fact(
        _("Người trưởng thành đạt một kỹ năng"), adults_with_skill, params=("skill", "level")
    ),
    "adults_with_area": Fact(
        _("Người trưởng thành đạt một nhóm kỹ năng"), adults_with_area, params=("area", "level")
    ),
    "adults_vneid2": Fact(_("Người trưởng thành có định danh điện tử mức 2"), adults_vneid2),
    "adults_online_procedure": Fact(
        _("Người trưởng thành đã làm thủ tục trực tuyến"), adults_online_procedure
    ),
    "adults_cashless": Fact(_("Người trưởng thành thanh toán không dùng tiền mặt"), adults_cashless),
    "adults_digital_citizens": Fact(_("Công dân số"), adults_digital_citizens),
    "households": Fact(_("Hộ gia đình"), households),
    "households_basic_skills": Fact(
        _("Hộ có người thành thạo 5 kỹ năng cơ bản"), households_basic_skills, params=("level",)
    ),
    "villages": Fact(_("Thôn/bản"), villages, VILLAGE),
    "villages_with_team": Fact(_("Thôn/bản có tổ công nghệ số"), villages_with_team, VILLAGE),
    "villages_covered": Fact(_("Thôn/bản được phủ sóng"), villages_covered, VILLAGE, ("field",)),
    "residents_covered": Fact(_("Người dân ở nơi được phủ sóng"), residents_covered, params=("field",)),
    "communes": Fact(_("Xã/phường"), communes, COMMUNE),
    "communes_with_committee": Fact(_("Xã/phường có ban chỉ đạo"), communes_with_committee, COMMUNE),
    "adults_minority_villages": Fact(
        _("Người trưởng thành ở thôn/bản chủ yếu là đồng bào dân tộc thiểu số"), adults_minority_villages
    ),
    "adults_minority_villages_reached": Fact(
        _("Người trưởng thành ở thôn/bản chủ yếu là đồng bào dân tộc thiểu số đã được hướng dẫn"),
        adults_minority_villages_reached,
    ),
    "visits_week": Fact(_("Buổi hướng dẫn trong 7 ngày"), visits_week),
    "group_sessions_week": Fact(_("Buổi học cộng đồng trong 7 ngày"), group_sessions_week, COMMUNE_RECORD),
    "attendance_week": Fact(
        _("Lượt người dự buổi học cộng đồng trong 7 ngày"),
        attendance_week,
        ("session__province_id", "session__commune_id", None),
    ),
    "helpdesk_done_week": Fact(
        _("Thủ tục làm xong tại một cửa trong 7 ngày"), helpdesk_done_week, COMMUNE_RECORD
    ),
    "signal_reports_overdue": Fact(_("Báo cáo lõm sóng quá hạn"), signal_reports_overdue),
    "teams_inactive": Fact(_("Tổ không hoạt động"), teams_inactive, params=("days",)),
    "devices_handed_over": Fact(_("Điện thoại/hỗ trợ đã bàn giao"), devices_handed_over),
    "device_quota": Fact(_("Chỉ tiêu cấp điện thoại"), device_quota, COMMUNE_RECORD, total=_sum_quota),
    "followups_3_months": Fact(_("Lượt kiểm tra sau 3 tháng"), followups_3_months),
    "followups_3_months_in_use": Fact(_("Đang dùng điện thoại sau 3 tháng"), followups_3_months_in_use),
    "signal_reports_open": Fact(_("Báo cáo lõm sóng đang mở"), signal_reports_open),
    "signal_reports_fixed": Fact(_("Báo cáo lõm sóng đã khắc phục"), signal_reports_fixed),
    "signal_days_to_fix": Fact(
        _("Số ngày từ khi báo đến khi khắc phục"), signal_reports_fixed, total=_sum_days_to_fix
    ),
}
