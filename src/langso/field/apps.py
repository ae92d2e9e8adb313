from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    name = "langso.field"
    label = "field"
    verbose_name = _("Ứng dụng thực địa")
