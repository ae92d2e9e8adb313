"""Whether a unit is done, on track or behind on a target, judged from its trend."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from langso.campaigns.models import Campaign, Indicator, Target


class Status(models.TextChoices):
    DONE = "done", _("Đã đạt")
    ON_TRACK = "on_track", _("Đúng tiến độ")
    BEHIND = "behind", _("Chậm tiến độ")
    NO_DATA = "no_data", _("Chưa có số liệu")


def judge(
    *,
    current: float | None,
    earlier: tuple[datetime.date, float] | None,
    target: float,
    deadline: datetime.date,
    today: datetime.date,
    higher_is_better: bool = True,
) -> Status:
    """Done when the target is met. Otherwise the trend since `earlier` is carried forward to the
    deadline (a straight line): on track if it gets there, behind if not, or if the deadline passed
    or there is no earlier value to draw a trend from and the target is not met."""
    if current is None:
        return Status.NO_DATA
    sign = 1 if higher_is_better else -1
    if sign * (current - target) >= 0:
        return Status.DONE
    if today >= deadline or earlier is None:
        return Status.BEHIND
    since, then = earlier
    elapsed = (today - since).days
    if elapsed <= 0:
        return Status.BEHIND
    projected = current + (current - then) / elapsed * (deadline - today).days
    return Status.ON_TRACK if sign * (projected - target) >= 0 else Status.BEHIND


def target_for(campaign: Campaign, indicator: Indicator, commune_code: int | None = None) -> Target | None:
    """A commune's own target when it has one, else the province-wide one."""
    targets = {
        t.commune_id: t
        for t in Target.objects.filter(
            Q(commune_id=commune_code) | Q(commune__isnull=True), campaign=campaign, indicator=indicator
        )
    }
    return targets.get(commune_code) or targets.get(None)
