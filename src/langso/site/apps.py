from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The top of the layers: the home page, the main menu, the demo data. It may import every app;
    no app imports it."""

    name = "langso.site"
    label = "site"
    verbose_name = _("Trang chung")
