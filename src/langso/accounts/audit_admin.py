"""The audit trail in the Django admin: read only, for administrators (who also hold Perm.AUDIT_VIEW).

No add, change or delete permission, and no bulk actions: the application offers no way to alter the
trail (AuditEntry itself also refuses to be saved twice or deleted).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from langso.accounts.access import Perm, has_perm
from langso.accounts.admin_site import has_admin_site_permission
from langso.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_username", "action", "object_type", "object_repr", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_username", "object_id", "object_repr")
    # The trail grows to tens of millions of rows: no full count, no date drill-down.
    show_full_result_count = False
    list_per_page = 50
    actions = None
    fields = (
        "at",
        "actor",
        "actor_username",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "resident_id",
        "changes",
        "note",
        "ip_address",
        "user_agent",
    )
    readonly_fields = fields

    def _may_read(self, request: HttpRequest) -> bool:
        return has_admin_site_permission(request) and has_perm(request.user, Perm.AUDIT_VIEW)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_read(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_read(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
