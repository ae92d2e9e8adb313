from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest

    from langso.accounts.models import User


class FieldConfig(AppConfig):
    name = "langso.field"
    label = "field"
    verbose_name = _("Ứng dụng thực địa")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_signed_out, dispatch_uid="langso.field.signed_out")


def _signed_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if request is not None:
        from langso.field.keys import sign_out_browser

        sign_out_browser(request, user)
