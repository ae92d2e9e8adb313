"""Administrators register each province's keys on the national instance: its Ed25519 public key and,
during the move to Ed25519, the shared HMAC secret."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from langso.accounts.admin_site import RoleAdminMixin
from langso.accounts.http import signed_in_user
from langso.national.models import ProvinceKey
from langso.national.services import province_key_register


class ProvinceKeyForm(forms.ModelForm):
    class Meta:
        model = ProvinceKey
        fields = ["province_code", "public_key", "secret", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if not data.get("public_key") and not data.get("secret"):
            raise ValidationError(_("Cần khóa công khai Ed25519 của tỉnh (hoặc khóa bí mật dùng chung)."))
        return data


@admin.register(ProvinceKey)
class ProvinceKeyAdmin(RoleAdminMixin, admin.ModelAdmin):
    form = ProvinceKeyForm
    list_display = ["province_code", "public_key", "is_active", "registered_at"]
    fields = ["province_code", "public_key", "secret", "is_active"]

    def save_model(self, request: HttpRequest, obj: ProvinceKey, form: Any, change: bool) -> None:
        province_key_register(
            acting_user=signed_in_user(request),
            province_code=obj.province_code,
            secret=obj.secret,
            public_key=obj.public_key,
            is_active=obj.is_active,
        )
