from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalConfig(AppConfig):
    name = "langso.outside_lists"
    label = "outside_lists"
    verbose_name = _("Danh sách từ nền tảng quốc gia và công an xã")
