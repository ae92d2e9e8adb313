"""Base model and the audit trail."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """UUID keys (records made offline on a phone keep their identity) and timestamps."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", _("Tạo mới")
    UPDATE = "update", _("Sửa")
    DELETE = "delete", _("Xóa")
    REVEAL = "reveal", _("Xem số CCCD đầy đủ")
    EXPORT = "export", _("Xuất dữ liệu")
    IMPORT = "import", _("Nhập dữ liệu")
    LOGIN = "login", _("Đăng nhập")
    LOGIN_FAILED = "login_failed", _("Đăng nhập thất bại")
    LOGOUT = "logout", _("Đăng xuất")
    LOCKED = "locked", _("Khóa tài khoản tạm thời")
    DENIED = "denied", _("Truy cập bị từ chối")
    CONSENT = "consent", _("Ghi nhận đồng ý")
    CITIZEN_CODE = "citizen_code", _("Cấp mã một lần cho người dân")
    CITIZEN_ACCESS = "citizen_access", _("Người dân mở trang tiến bộ bằng mã")
    ISSUE = "issue", _("Cấp chứng nhận")
    REVOKE = "revoke", _("Thu hồi chứng nhận")
    APPROVE = "approve", _("Phê duyệt")
    ERASE = "erase", _("Xóa dữ liệu cá nhân theo yêu cầu")
    RETENTION = "retention", _("Xóa dữ liệu hết thời hạn lưu giữ")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit trail cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail cannot be deleted.")


class AuditEntry(models.Model):
    """One line of the trail. Written once; the application offers no way to change it."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    action = models.CharField(_("hành động"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("loại đối tượng"), max_length=50, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("đối tượng"), max_length=200, blank=True)
    # The person the entry is about, so an auditor can read the trail of one person.
    resident_id = models.UUIDField(null=True, blank=True, db_index=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký kiểm tra")
        verbose_name_plural = _("nhật ký kiểm tra")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "-at"], name="audit_actor_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("The audit trail cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail cannot be deleted.")
