from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "langso.operations"
    label = "operations"
    verbose_name = _("Vận hành: sao lưu, lưu giữ và yêu cầu về dữ liệu cá nhân")
