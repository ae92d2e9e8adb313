"""Forms of the accounts pages: sign-in, the second factor, and the audit trail filters."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from langso.core.forms import DayField
from langso.core.models import AuditAction


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autocapitalize": "none",
                "autocorrect": "off",
                "autofocus": True,
            }
        ),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not (token.isdigit() and len(token) == 6):
            raise forms.ValidationError(_("Mã xác thực gồm 6 chữ số."), code="token_format")
        return token


# The actions in groups, each named short under its group: "Người dân mở trang tiến bộ bằng mã" is
# cut in a phone's drop-down box, "Mở trang tiến bộ bằng mã" under "Người dân" is not.
AUDIT_ACTION_GROUPS = [
    ("", _("Tất cả")),
    (
        _("Dữ liệu"),
        [
            (AuditAction.CREATE, AuditAction.CREATE.label),
            (AuditAction.UPDATE, AuditAction.UPDATE.label),
            (AuditAction.DELETE, AuditAction.DELETE.label),
            (AuditAction.REVEAL, AuditAction.REVEAL.label),
            (AuditAction.EXPORT, AuditAction.EXPORT.label),
            (AuditAction.IMPORT, AuditAction.IMPORT.label),
            (AuditAction.APPROVE, AuditAction.APPROVE.label),
            (AuditAction.ERASE, _("Xóa theo yêu cầu")),
            (AuditAction.RETENTION, _("Xóa khi hết hạn lưu giữ")),
        ],
    ),
    (
        _("Tài khoản"),
        [
            (AuditAction.LOGIN, AuditAction.LOGIN.label),
            (AuditAction.LOGIN_FAILED, AuditAction.LOGIN_FAILED.label),
            (AuditAction.LOGOUT, AuditAction.LOGOUT.label),
            (AuditAction.LOCKED, AuditAction.LOCKED.label),
            (AuditAction.DENIED, AuditAction.DENIED.label),
        ],
    ),
    (
        _("Người dân"),
        [
            (AuditAction.CONSENT, AuditAction.CONSENT.label),
            (AuditAction.CITIZEN_CODE, _("Cấp mã một lần")),
            (AuditAction.CITIZEN_ACCESS, _("Mở trang tiến bộ bằng mã")),
            (AuditAction.ISSUE, AuditAction.ISSUE.label),
            (AuditAction.REVOKE, AuditAction.REVOKE.label),
        ],
    ),
]


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Hành động"), required=False, choices=AUDIT_ACTION_GROUPS)
    date_from = DayField(
        label=_("Từ ngày"),
        required=False,
    )
    date_to = DayField(
        label=_("Đến ngày"),
        required=False,
    )
    user = forms.CharField(label=_("Tên đăng nhập"), required=False, max_length=150)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start: datetime.date | None = cleaned.get("date_from")
        end: datetime.date | None = cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."), code="date_order")
        return cleaned
