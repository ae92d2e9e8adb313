"""The Django admin, for administrators only (see admin_site.py), with every change audited.

The admin's own sign-in and sign-out are replaced by ours, so lockout, the audit trail and the second
factor apply there too. Users are never deleted (deactivate them instead): the trail keeps pointing
at them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from langso.accounts import services, views
from langso.accounts.admin_site import RoleAdminMixin, has_admin_site_permission
from langso.accounts.http import signed_in_user
from langso.accounts.models import RoleAssignment, User
from langso.core import audit
from langso.core.models import AuditAction

admin.site.has_permission = has_admin_site_permission  # type: ignore[method-assign]  # roles decide
admin.site.login = views.admin_login  # type: ignore[method-assign]  # our sign-in
admin.site.logout = views.logout_view  # type: ignore[method-assign,assignment]  # our sign-out
admin.site.site_header = _("Quản trị Làng Số")
admin.site.site_title = _("Quản trị Làng Số")
admin.site.index_title = _("Quản trị hệ thống")

AUDITED_USER_FIELDS = ["username", "full_name", "email", "phone", "organisation", "is_active"]


class LangsoUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):  # type: ignore[name-defined]  # Meta is missing from the stubs
        model = User
        fields = ("username", "full_name")


class LangsoUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]  # Meta is missing from the stubs
        model = User
        fields = "__all__"


class RoleAssignmentInline(RoleAdminMixin, admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ("role", "province", "commune", "village")
    # Thousands of communes and villages: type a code rather than load a list.
    raw_id_fields = ("commune", "village")


def _role_labels(user: User) -> list[str]:
    # Stored in Vietnamese whatever the page language: the trail keeps one canonical text.
    with translation.override("vi"):
        return sorted(
            str(a)
            for a in RoleAssignment.objects.filter(user=user).select_related("province", "commune", "village")
        )


@admin.register(User)
class UserAdmin(RoleAdminMixin, DjangoUserAdmin):
    form = LangsoUserChangeForm
    add_form = LangsoUserCreationForm
    inlines = [RoleAssignmentInline]
    list_display = ("username", "full_name", "organisation", "is_active", "locked_until", "is_demo")
    list_filter = ("is_active", "is_demo", "role_assignments__role")
    search_fields = ("username", "full_name", "email", "phone")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin"), {"fields": ("full_name", "email", "phone", "organisation")}),
        (
            _("Trạng thái"),
            {
                "fields": (
                    "is_active",
                    "is_demo",
                    "two_factor_status",
                    "failed_login_count",
                    "locked_until",
                    "last_login",
                    "date_joined",
                )
            },
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = (
        "is_demo",
        "two_factor_status",
        "failed_login_count",
        "locked_until",
        "last_login",
        "date_joined",
    )
    actions = ["unlock", "reset_two_factor"]

    @admin.display(description=_("Xác thực hai bước"))
    def two_factor_status(self, obj: User) -> str:
        if obj.pk and TOTPDevice.objects.filter(user=obj, confirmed=True).exists():
            return str(_("Đã đăng ký"))
        return str(_("Chưa đăng ký"))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        before = audit.snapshot(User.objects.get(pk=obj.pk), AUDITED_USER_FIELDS) if change else {}
        old_hash = (
            User.objects.filter(pk=obj.pk).values_list("password", flat=True).first() if change else None
        )
        super().save_model(request, obj, form, change)
        after = audit.snapshot(obj, AUDITED_USER_FIELDS)
        if change:
            changes = audit.diff(before, after)
            if old_hash != obj.password:
                changes["password"] = ["•••", "•••"]
            if changes:
                services.admin_change_record(
                    acting_user=signed_in_user(request), action=AuditAction.UPDATE, obj=obj, changes=changes
                )
        else:
            services.admin_change_record(
                acting_user=signed_in_user(request), action=AuditAction.CREATE, obj=obj, changes=after
            )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not RoleAssignment:
            super().save_formset(request, form, formset, change)
            return
        before = _role_labels(form.instance) if change else []
        super().save_formset(request, form, formset, change)
        after = _role_labels(form.instance)
        if before != after:
            services.admin_change_record(
                acting_user=signed_in_user(request),
                action=AuditAction.UPDATE,
                obj=form.instance,
                changes={"roles": [before, after]},
            )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        match = getattr(request, "resolver_match", None)
        if match is not None and (match.url_name or "").endswith("_password_change"):
            services.password_changed_record(acting_user=signed_in_user(request), user=obj)
        return entry

    @admin.action(description=_("Mở khóa đăng nhập"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_unlock(acting_user=signed_in_user(request), user=user)
        self.message_user(request, _("Đã mở khóa các tài khoản đã chọn."), messages.SUCCESS)

    @admin.action(description=_("Đặt lại xác thực hai bước (mất điện thoại)"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.two_factor_reset(acting_user=signed_in_user(request), user=user)
        self.message_user(
            request, _("Lần đăng nhập tới, người dùng sẽ đăng ký lại ứng dụng xác thực."), messages.SUCCESS
        )
