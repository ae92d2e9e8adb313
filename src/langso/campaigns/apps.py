from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "langso.campaigns"
    label = "campaigns"
    verbose_name = _("Chiến dịch và chỉ tiêu")

    def ready(self) -> None:
        from langso.campaigns.village_changes import after_migrate

        # After every migrate: SQLite rebuilds a table to alter it and the rebuilt table has no triggers.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="langso-ensure-village-triggers")
