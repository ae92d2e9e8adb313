from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevicesConfig(AppConfig):
    name = "langso.devices"
    label = "devices"
    verbose_name = _("Chương trình cấp điện thoại thông minh")
