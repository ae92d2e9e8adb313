from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    name = "langso.field"
    label = "field"
    verbose_name = _("Ứng dụng thực địa")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_signed_out, dispatch_uid="langso.field.signed_out")


def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None:
        from langso.field.keys import sign_out_browser

        sign_out_browser(request, user)
