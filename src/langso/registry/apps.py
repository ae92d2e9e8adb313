from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "langso.registry"
    label = "registry"
    verbose_name = _("Sổ hộ và người dân")

    def ready(self) -> None:
        from langso.registry.change_tracking import after_migrate

        # After every migrate: SQLite rebuilds a table to alter it and the rebuilt table has no triggers.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="langso-ensure-change-triggers")
