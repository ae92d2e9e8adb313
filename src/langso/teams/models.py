"""Community digital technology teams, their home visits, help-desk sessions and weak-signal reports.

Records made on a phone (visits, help-desk sessions, signal reports) use the phone's UUID as their
primary key: the database itself refuses a second copy, whatever a retried sync sends. Each keeps the
hash of the content it was stored with, so a resend is recognised as the same or as a conflicting one.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from langso.core.models import BaseModel


class UnitsMixin(models.Model):
    """Province and commune copied from the village, so jurisdiction filters need no join."""

    village = models.ForeignKey(
        "places.Village", verbose_name=_("thôn/bản/tổ dân phố"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+", editable=False)
    province = models.ForeignKey(
        "places.Province", on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        abstract = True

    def copy_units_from_village(self) -> None:
        self.commune_id = self.village.commune_id
        self.province_id = self.village.commune.province_id


class Affiliation(models.TextChoices):
    YOUTH_UNION = "youth_union", _("Đoàn Thanh niên")
    WOMEN_UNION = "women_union", _("Hội Liên hiệp Phụ nữ")
    VETERANS = "veterans", _("Hội Cựu chiến binh")
    TEACHER = "teacher", _("Giáo viên")
    TELECOM = "telecom", _("Doanh nghiệp viễn thông")
    POLICE = "police", _("Công an")
    OTHER = "other", _("Khác")


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Tổ trưởng")
    MEMBER = "member", _("Thành viên")


class Team(BaseModel, UnitsMixin):
    name = models.CharField(_("tên tổ"), max_length=120)
    established_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("tổ công nghệ số cộng đồng")
        verbose_name_plural = _("tổ công nghệ số cộng đồng")
        ordering = ["name"]
        indexes = [models.Index(fields=["province", "commune", "village"], name="team_units")]

    def __str__(self) -> str:
        return self.name


class TeamMember(BaseModel):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("họ và tên"), max_length=100)
    phone = models.CharField(_("số điện thoại"), max_length=10, blank=True)
    # A member may have no account: the leader then records their visits.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team_memberships",
    )
    role = models.CharField(
        _("vai trò trong tổ"), max_length=10, choices=MemberRole.choices, default="member"
    )
    affiliation = models.CharField(_("đơn vị"), max_length=20, choices=Affiliation.choices, default="other")
    is_active = models.BooleanField(_("đang tham gia"), default=True)

    class Meta:
        verbose_name = _("thành viên tổ")
        verbose_name_plural = _("thành viên tổ")
        ordering = ["team", "role", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"], condition=Q(user__isnull=False), name="team_member_user_once"
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class HouseholdAssignment(models.Model):
    """Which member looks after which household. One current member per household."""

    household = models.OneToOneField(
        "registry.Household", on_delete=models.CASCADE, related_name="assignment"
    )
    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="assignments")
    assigned_on = models.DateField(_("ngày phân công"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("phân công hộ")
        verbose_name_plural = _("phân công hộ")

    def __str__(self) -> str:
        return f"{self.household} → {self.member}"


class SyncedRecord(models.Model):
    """What every record made on a phone carries."""

    # The phone's own UUID is the key: a resend can never make a second row.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    content_hash = models.CharField(max_length=64, editable=False)
    device = models.ForeignKey(
        "teams.DeviceToken",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Visit(SyncedRecord, UnitsMixin):
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("hộ"), on_delete=models.PROTECT, related_name="visits"
    )
    team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="visits")
    member = models.ForeignKey(
        TeamMember,
        verbose_name=_("người hướng dẫn"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    visited_on = models.DateField(_("ngày đến"))
    present = models.ManyToManyField(
        "registry.Resident", verbose_name=_("người có mặt"), related_name="visits_present", blank=True
    )
    no_signal = models.BooleanField(_("không có sóng/mạng yếu"), default=False)
    broken_phone = models.BooleanField(_("điện thoại hỏng"), default=False)
    no_phone = models.BooleanField(_("không có điện thoại thông minh"), default=False)
    scam = models.BooleanField(_("gia đình bị lừa đảo qua mạng"), default=False)
    notes = models.TextField(_("ghi chú"), blank=True)
    follow_up_on = models.DateField(_("hẹn lần sau"), null=True, blank=True)
    photo = models.BinaryField(_("ảnh"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("buổi hướng dẫn tại nhà")
        verbose_name_plural = _("buổi hướng dẫn tại nhà")
        ordering = ["-visited_on", "-created_at"]
        indexes = [
            models.Index(fields=["province", "commune", "village", "visited_on"], name="visit_units_date"),
            models.Index(fields=["household", "visited_on"], name="visit_household_date"),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.visited_on:%d/%m/%Y}"


class VisitSkill(models.Model):
    """A skill taught during a visit and the level the person reached; it writes their skill record."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="skills")
    resident = models.ForeignKey("registry.Resident", on_delete=models.CASCADE, related_name="+")
    skill_code = models.SlugField(max_length=50)
    level = models.PositiveSmallIntegerField()
    skill_record = models.OneToOneField(
        "skills.SkillRecord", null=True, on_delete=models.SET_NULL, related_name="visit_skill"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "resident", "skill_code"], name="visit_skill_once")
        ]

    def __str__(self) -> str:
        return f"{self.skill_code}={self.level}"


class Service(models.TextChoices):
    """Things done for a person during a visit or at the help desk."""

    VNEID_INSTALLED = "vneid_installed", _("Cài đặt ứng dụng VNeID")
    VNEID_LEVEL2 = "vneid_level2", _("Kích hoạt định danh điện tử mức 2")
    BIRTH_REGISTRATION = "birth_registration", _("Đăng ký khai sinh trực tuyến")
    MARRIAGE_REGISTRATION = "marriage_registration", _("Đăng ký kết hôn trực tuyến")
    RESIDENCE_REGISTRATION = "residence_registration", _("Đăng ký cư trú trực tuyến")
    VEHICLE_REGISTRATION = "vehicle_registration", _("Đăng ký xe trực tuyến")
    MEDICAL_APPOINTMENT = "medical_appointment", _("Đặt lịch khám bệnh")
    EHEALTH_BOOK = "ehealth_book", _("Sổ sức khỏe điện tử")
    DIGITAL_SIGNATURE = "digital_signature", _("Chữ ký số")
    BANK_ACCOUNT = "bank_account", _("Mở tài khoản ngân hàng/ví điện tử")
    CASHLESS_PAYMENT = "cashless_payment", _("Thanh toán không dùng tiền mặt")
    SOCIAL_INSURANCE = "social_insurance", _("Bảo hiểm xã hội, y tế trực tuyến")
    OTHER_PROCEDURE = "other_procedure", _("Thủ tục trực tuyến khác")


# Services that count as "an online procedure done" for the campaign indicators.
ONLINE_PROCEDURES = frozenset(
    {
        Service.BIRTH_REGISTRATION,
        Service.MARRIAGE_REGISTRATION,
        Service.RESIDENCE_REGISTRATION,
        Service.VEHICLE_REGISTRATION,
        Service.MEDICAL_APPOINTMENT,
        Service.SOCIAL_INSURANCE,
        Service.OTHER_PROCEDURE,
    }
)


class VisitService(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="services")
    resident = models.ForeignKey("registry.Resident", null=True, on_delete=models.CASCADE, related_name="+")
    service = models.CharField(max_length=30, choices=Service.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "resident", "service"], name="visit_service_once")
        ]
        indexes = [models.Index(fields=["resident", "service"], name="visit_service_resident")]

    def __str__(self) -> str:
        return self.service


class HelpDeskOutcome(models.TextChoices):
    DONE = "done", _("Đã hoàn thành")
    SUBMITTED = "submitted", _("Đã nộp, chờ kết quả")
    NOT_DONE = "not_done", _("Chưa làm được")


class HelpDeskSession(SyncedRecord):
    """Help given at the commune public administrative service centre."""

    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(
        "places.Province", on_delete=models.PROTECT, related_name="+", editable=False
    )
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("người được hỗ trợ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_desk_sessions",
    )
    # A walk-in not in the registry: the minimum needed to count them.
    walk_in_name = models.CharField(_("tên người đến (nếu không có trong sổ)"), max_length=100, blank=True)
    walk_in_birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    helped_by = models.ForeignKey(
        TeamMember,
        verbose_name=_("người hỗ trợ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_desk_sessions",
    )
    helped_on = models.DateField(_("ngày"))
    procedure = models.CharField(_("thủ tục"), max_length=30, choices=Service.choices)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=HelpDeskOutcome.choices)
    minutes = models.PositiveSmallIntegerField(_("số phút"))
    notes = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lượt hỗ trợ tại bộ phận một cửa")
        verbose_name_plural = _("lượt hỗ trợ tại bộ phận một cửa")
        ordering = ["-helped_on", "-created_at"]
        indexes = [models.Index(fields=["province", "commune", "helped_on"], name="helpdesk_units_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(resident__isnull=False) | ~Q(walk_in_name=""), name="helpdesk_someone_helped"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_procedure_display()} {self.helped_on:%d/%m/%Y}"


class Operator(models.TextChoices):
    VIETTEL = "viettel", "Viettel"
    VNPT = "vnpt", "VNPT (VinaPhone)"
    MOBIFONE = "mobifone", "MobiFone"
    VIETNAMOBILE = "vietnamobile", "Vietnamobile"
    OTHER = "other", _("Khác/không rõ")


class Technology(models.TextChoices):
    MOBILE_4G = "4g", "4G"
    MOBILE_5G = "5g", "5G"
    MOBILE_2G3G = "2g3g", "2G/3G"
    BROADBAND = "broadband", _("Internet cáp quang")


class SignalStatus(models.TextChoices):
    REPORTED = "reported", _("Đã báo")
    CONFIRMED = "confirmed", _("Nhà mạng đã xác nhận")
    FIXED = "fixed", _("Đã khắc phục")
    REJECTED = "rejected", _("Không xác nhận")


class SignalReport(SyncedRecord, UnitsMixin):
    """A weak-signal spot (vùng lõm sóng)."""

    description = models.CharField(_("mô tả vị trí"), max_length=300)
    latitude = models.DecimalField(_("vĩ độ"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=8, decimal_places=5, null=True, blank=True)
    operator = models.CharField(_("nhà mạng"), max_length=15, choices=Operator.choices)
    technology = models.CharField(_("công nghệ"), max_length=10, choices=Technology.choices)
    households_affected = models.PositiveIntegerField(_("số hộ bị ảnh hưởng"), default=0)
    reported_on = models.DateField(_("ngày báo"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=SignalStatus.choices, default=SignalStatus.REPORTED
    )
    respond_by = models.DateField(_("hạn phản hồi"))
    # Set when the operator confirms: from then on the report is judged against the fix deadline.
    fix_by = models.DateField(_("hạn khắc phục"), null=True, blank=True)
    closed_on = models.DateField(_("ngày đóng"), null=True, blank=True)

    class Meta:
        verbose_name = _("báo cáo vùng lõm sóng")
        verbose_name_plural = _("báo cáo vùng lõm sóng")
        ordering = ["-reported_on", "-created_at"]
        indexes = [
            models.Index(fields=["province", "commune", "status"], name="signal_units_status"),
            models.Index(fields=["operator", "status", "respond_by"], name="signal_operator_status"),
        ]

    def __str__(self) -> str:
        return f"{self.village} — {self.get_operator_display()} {self.get_technology_display()}"

    @property
    def deadline(self) -> Any:
        """The deadline that applies now: the fix deadline once confirmed, the response deadline before."""
        return self.fix_by if self.status == SignalStatus.CONFIRMED and self.fix_by else self.respond_by

    def is_overdue(self, day: Any) -> bool:
        return self.status in (SignalStatus.REPORTED, SignalStatus.CONFIRMED) and self.deadline < day


def signal_overdue_q(day: Any) -> Q:
    """Open reports past the deadline that applies to them on `day` (see SignalReport.deadline)."""
    return (
        Q(status=SignalStatus.REPORTED, respond_by__lt=day)
        | Q(status=SignalStatus.CONFIRMED, fix_by__lt=day)
        | Q(status=SignalStatus.CONFIRMED, fix_by__isnull=True, respond_by__lt=day)
    )


class SignalReportEvent(models.Model):
    """Each move of a report, with the note the telecom partner or officer wrote."""

    report = models.ForeignKey(SignalReport, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=10, choices=SignalStatus.choices)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.status


class DeviceToken(models.Model):
    """A phone's key to the sync API. Stored as a hash; revoking it locks the phone out at once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_tokens")
    name = models.CharField(_("tên thiết bị"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What this phone last downloaded: the answer's version and a hash of each household in it, so the
    # next download sends only what changed — and only to this device, whoever else uses the phone.
    worklist_version = models.CharField(max_length=32, blank=True, editable=False)
    worklist_hashes = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("thiết bị đồng bộ")
        verbose_name_plural = _("thiết bị đồng bộ")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.user.is_active


class FieldUserKey(models.Model):
    """The key (AES-GCM, 256 bits) a member's records are sealed with on a phone.

    One per person, handed to the phone when the member connects it and kept only in a cookie that
    sign-out removes: a record left unsent by a member who signed out stays on the phone unreadable,
    and becomes readable (and is sent) when the same member connects the phone again."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="field_key")
    key = models.BinaryField(max_length=32, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khóa niêm phong dữ liệu trên điện thoại")
        verbose_name_plural = _("khóa niêm phong dữ liệu trên điện thoại")

    def __str__(self) -> str:
        return str(self.user)


class HeldStatus(models.TextChoices):
    HELD = "held", _("Chờ xem xét")
    ACCEPTED = "accepted", _("Đã nhận")
    DROPPED = "dropped", _("Đã bỏ")


class HeldRecord(models.Model):
    """A record sent with a revoked key (a lost phone, a phone signed out elsewhere): not stored as a
    visit or session, but kept here until a commune officer accepts or drops it."""

    # The phone's UUID for the record: a resend is held once; an accepted record keeps it.
    id = models.UUIDField(primary_key=True, editable=False)
    kind = models.CharField(max_length=20)
    data = models.JSONField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    device = models.ForeignKey(DeviceToken, null=True, on_delete=models.SET_NULL, related_name="held_records")
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("places.Province", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=HeldStatus.choices, default=HeldStatus.HELD)
    received_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bản ghi từ máy đã thu hồi")
        verbose_name_plural = _("bản ghi từ máy đã thu hồi")
        ordering = ["received_at"]
        indexes = [models.Index(fields=["province", "commune", "status"], name="held_units_status")]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


# Facts a team member may correct from the phone during a visit, and their types.
PHONE_EDITABLE_FIELDS: dict[str, dict[str, type]] = {
    "resident": {"owns_smartphone": bool},
    "household": {"address": str},
}


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("Chờ xử lý")
    KEPT_SERVER = "kept_server", _("Giữ giá trị trên máy chủ")
    APPLIED_PHONE = "applied_phone", _("Dùng giá trị từ điện thoại")


class FactConflict(models.Model):
    """A phone changed a fact that someone had meanwhile changed differently on the server.

    Nothing is applied until a commune officer chooses; both values are kept here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="conflicts")
    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE, related_name="+")
    # Empty for a fact of the household itself.
    resident = models.ForeignKey("registry.Resident", null=True, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=40)
    phone_before = models.JSONField()
    phone_after = models.JSONField()
    server_value = models.JSONField()
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("places.Province", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=15, choices=ConflictStatus.choices, default=ConflictStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("xung đột dữ liệu")
        verbose_name_plural = _("xung đột dữ liệu")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["province", "commune", "status"], name="conflict_units_status")]

    def __str__(self) -> str:
        return f"{self.resident_id or self.household_id}.{self.field}"

    @property
    def target(self) -> str:
        return "resident" if self.resident_id else "household"
