"""Group sessions ("buổi học cộng đồng") and the invitations that gather people to them.

A group session is a sibling of a home visit and a help-desk session: made on the website or offline
on a phone, keyed by the phone's UUID (`teams.SyncedRecord`), so a resend never makes a second one.
Who came is one `Attendance` row per person: a registry person (`resident`) or a walk-in with the
minimum needed to count them (name, birth year, sex, village). Skills reached by registry people are
their skill records (evidence "group session"), linked from `AttendanceSkill`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from langso.core.models import BaseModel
from langso.teams.models import SyncedRecord

if TYPE_CHECKING:
    from langso.registry.models import Resident


class PlaceKind(models.TextChoices):
    CULTURAL_HOUSE = "cultural_house", _("Nhà văn hóa thôn/bản")
    COMMUNE_CENTRE = "commune_centre", _("Trung tâm xã/phường")
    SCHOOL = "school", _("Trường học")
    OTHER = "other", _("Nơi khác")


class OrganiserKind(models.TextChoices):
    TEAM = "team", _("Tổ công nghệ số cộng đồng")
    YOUTH_UNION = "youth_union", _("Đoàn Thanh niên")
    WOMEN_UNION = "women_union", _("Hội Liên hiệp Phụ nữ")
    TELECOM = "telecom", _("Doanh nghiệp viễn thông")
    SCHOOL = "school", _("Trường học")
    COMMUNE = "commune", _("UBND xã/phường")
    OTHER = "other", _("Khác")


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")
    UNKNOWN = "", _("Không rõ")


class InvitationRuleKind(models.TextChoices):
    """How an invitation list picks its people (groups/invitations.py applies each)."""

    NOT_VNEID2 = "not_vneid2", _("Người lớn trong thôn chưa có định danh điện tử mức 2")
    MISSING_SKILL = "missing_skill", _("Người lớn trong thôn chưa tự làm được một kỹ năng")
    ADULTS = "adults", _("Mọi người lớn trong thôn")
    HOUSEHOLDS = "households", _("Người lớn của các hộ chọn trong danh sách")


class Invitation(BaseModel):
    """Who was invited to a session: a list frozen when it was made (by a rule or by households)."""

    province = models.ForeignKey("places.Province", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "places.Village",
        verbose_name=_("thôn/bản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("tên buổi"), max_length=150)
    planned_on = models.DateField(_("ngày dự kiến"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=150, blank=True)
    rule = models.CharField(_("cách chọn người mời"), max_length=30, choices=InvitationRuleKind.choices)
    rule_params = models.JSONField(default=dict, blank=True)
    guide_slug = models.SlugField(_("hướng dẫn gửi kèm"), max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    people: models.ManyToManyField[Resident, InvitedPerson] = models.ManyToManyField(
        "registry.Resident", through="InvitedPerson", related_name="+"
    )

    class Meta:
        verbose_name = _("danh sách mời")
        verbose_name_plural = _("danh sách mời")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["province", "commune", "village"], name="invitation_units")]

    def __str__(self) -> str:
        return self.title


class InvitedPerson(models.Model):
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="invited")
    resident = models.ForeignKey("registry.Resident", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["invitation", "resident"], name="invited_person_once")]

    def __str__(self) -> str:
        return str(self.resident_id)


class GroupSession(SyncedRecord):
    province = models.ForeignKey(
        "places.Province", on_delete=models.PROTECT, related_name="+", editable=False
    )
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    # The village whose people it was for (its cultural house); empty for a commune-wide session.
    village = models.ForeignKey(
        "places.Village",
        verbose_name=_("thôn/bản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField(_("ngày"))
    place_kind = models.CharField(_("nơi tổ chức"), max_length=20, choices=PlaceKind.choices)
    place_name = models.CharField(_("tên địa điểm"), max_length=150, blank=True)
    organiser_kind = models.CharField(_("đơn vị tổ chức"), max_length=20, choices=OrganiserKind.choices)
    organiser_name = models.CharField(_("tên đơn vị tổ chức"), max_length=150, blank=True)
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="group_sessions"
    )
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    notes = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("buổi học cộng đồng")
        verbose_name_plural = _("buổi học cộng đồng")
        ordering = ["-held_on", "-created_at"]
        indexes = [models.Index(fields=["province", "commune", "held_on"], name="groupsession_units_date")]

    def __str__(self) -> str:
        return f"{self.get_place_kind_display()} {self.held_on:%d/%m/%Y}"


class GroupSessionSkill(models.Model):
    """A skill taught at the session and the level set for everyone present at once."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="skills")
    skill_code = models.SlugField(max_length=50)
    level = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "skill_code"], name="group_skill_once")]

    def __str__(self) -> str:
        return f"{self.skill_code}={self.level}"


class Attendance(models.Model):
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendance")
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.CASCADE, related_name="group_attendance"
    )
    # A walk-in not in the registry: no CCCD, only what counting them needs.
    walk_in_name = models.CharField(_("tên người đến"), max_length=100, blank=True)
    walk_in_birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    walk_in_sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices, blank=True)
    # The person's village (the registry's for registry people), so the page can say where people came from.
    village = models.ForeignKey(
        "places.Village", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "resident"], condition=Q(resident__isnull=False), name="attendance_once"
            ),
            models.CheckConstraint(
                condition=Q(resident__isnull=False) | ~Q(walk_in_name=""), name="attendance_someone"
            ),
        ]
        indexes = [models.Index(fields=["resident"], name="attendance_resident")]

    def __str__(self) -> str:
        return self.walk_in_name or str(self.resident_id)


class AttendanceSkill(models.Model):
    """The level one registry person reached at the session; it wrote their skill record."""

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="skills")
    skill_code = models.SlugField(max_length=50)
    level = models.PositiveSmallIntegerField()
    skill_record = models.OneToOneField(
        "skills.SkillRecord", null=True, on_delete=models.SET_NULL, related_name="group_skill"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attendance", "skill_code"], name="attendance_skill_once")
        ]

    def __str__(self) -> str:
        return f"{self.skill_code}={self.level}"
