"""Users, their roles and the units each role covers."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_STAFF = "province_staff", _("Cán bộ tỉnh")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ xã/phường")
    TEAM_LEADER = "team_leader", _("Tổ trưởng tổ công nghệ số")
    TEAM_MEMBER = "team_member", _("Thành viên tổ công nghệ số")
    TELECOM_PARTNER = "telecom_partner", _("Đối tác viễn thông")
    AUDITOR = "auditor", _("Kiểm tra viên (chỉ xem)")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=10, blank=True)
    organisation = models.CharField(_("cơ quan/đơn vị"), max_length=150, blank=True)
    # For telecom partner users: the operator whose weak-signal reports they handle.
    telecom_operator = models.CharField(_("nhà mạng"), max_length=15, blank=True)
    failed_login_count = models.PositiveIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Demo accounts may skip two-factor sign-in when the site runs in demo mode (the sign-in page says so).
    is_demo = models.BooleanField(default=False, editable=False)
    # Set on the request's user by django_otp's OTPMiddleware: whether this sign-in gave its second factor.
    is_verified: Callable[[], bool]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class RoleAssignment(models.Model):
    """A role held at one unit. It covers that unit and every unit below it.

    With no unit set, the role covers the whole country (for national staff and administrators).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    province = models.ForeignKey(
        "places.Province", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "places.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "places.Village", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(province__isnull=True, commune__isnull=True, village__isnull=True)
                    | Q(province__isnull=False, commune__isnull=True, village__isnull=True)
                    | Q(province__isnull=True, commune__isnull=False, village__isnull=True)
                    | Q(province__isnull=True, commune__isnull=True, village__isnull=False)
                ),
                name="role_assignment_one_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.unit_label}"

    @property
    def unit_label(self) -> str:
        unit = self.village or self.commune or self.province
        return str(unit) if unit else str(_("Toàn quốc"))
