"""Administrators register each province's signing secret on the national instance."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from langso.accounts.admin_site import RoleAdminMixin
from langso.accounts.http import signed_in_user
from langso.national.models import ProvinceKey
from langso.national.services import province_key_register


@admin.register(ProvinceKey)
class ProvinceKeyAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["province_code", "is_active", "registered_at"]
    fields = ["province_code", "secret", "is_active"]

    def save_model(self, request: HttpRequest, obj: ProvinceKey, form: Any, change: bool) -> None:
        province_key_register(
            acting_user=signed_in_user(request),
            province_code=obj.province_code,
            secret=obj.secret,
            is_active=obj.is_active,
        )
