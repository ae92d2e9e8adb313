from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "langso.groups"
    label = "groups"
    verbose_name = _("Buổi học cộng đồng và lời mời")

    def ready(self) -> None:
        # The field app's batch learns to store group sessions recorded on a phone.
        # Inside ready(): the module uses models, which can be imported only once the app registry is loaded.
        from langso.groups import field_sync

        field_sync.register()
