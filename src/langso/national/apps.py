from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalConfig(AppConfig):
    name = "langso.national"
    label = "national"
    verbose_name = _("Cấp quốc gia: số liệu tổng hợp của các tỉnh")
