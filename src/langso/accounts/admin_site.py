"""Who may use the Django admin: an active administrator (Role.ADMINISTRATOR, Perm.ADMIN_SITE) who
has finished two-factor sign-in. `is_staff` plays no part; roles are the single source of permissions.

The one exception is the demo (`make run`): its administrator account, marked `is_demo`, opens the
admin without setting up a second factor, so the demo can be tried. Never with LANGSO_ENV=production,
whatever LANGSO_DEMO_MODE says (`check --deploy` also warns about demo mode there)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from langso.accounts.access import Perm, has_perm
from langso.accounts.models import User


def demo_admin_without_second_factor(user: User | AnonymousUser) -> bool:
    """The demo's administrator in demo mode, outside production: no second factor for the admin."""
    return bool(settings.DEMO_MODE and not settings.PRODUCTION and getattr(user, "is_demo", False))


def has_admin_site_permission(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_authenticated
        and user.is_active
        and has_perm(user, Perm.ADMIN_SITE)
        and (getattr(user, "is_verified", lambda: False)() or demo_admin_without_second_factor(user))
    )


class RoleAdminMixin:
    """Model admin permissions from the role, not from Django's per-model permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_admin_site_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_admin_site_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return has_admin_site_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_admin_site_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_admin_site_permission(request)
