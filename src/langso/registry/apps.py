from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "langso.registry"
    label = "registry"
    verbose_name = _("Sổ hộ và người dân")

    def ready(self) -> None:
        # Inside ready(): the module uses models, which can be imported only once the app registry is loaded.
        from langso.registry.change_tracking import after_migrate

        # After every migrate: SQLite rebuilds a table to alter it and the rebuilt table has no triggers.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="langso-ensure-change-triggers")

        # The audit pages (accounts, a lower layer) read the registry's people through this hook; inside
        # ready() for the same reason as above.
        from langso.accounts.audit_people import PeopleHook, register_people
        from langso.registry.selectors import resident_get, resident_ids_in_scope

        register_people(PeopleHook(ids_in_scope=resident_ids_in_scope, get=resident_get))
