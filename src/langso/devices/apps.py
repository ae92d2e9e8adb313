from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevicesConfig(AppConfig):
    name = "langso.devices"
    label = "devices"
    verbose_name = _("Chương trình cấp điện thoại thông minh")

    def ready(self) -> None:
        # The field app's batch learns to store follow-ups recorded on a phone, and a member's worklist
        # (teams, a layer below) to show the follow-ups due in each household.
        # Inside ready(): the modules use models, which can be imported only once the app registry is loaded.
        from langso.devices import field_sync, selectors
        from langso.teams.selectors import register_follow_ups_due

        field_sync.register()
        register_follow_ups_due(selectors.followups_due)
