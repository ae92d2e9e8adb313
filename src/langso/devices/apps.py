from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevicesConfig(AppConfig):
    name = "langso.devices"
    label = "devices"
    verbose_name = _("Chương trình cấp điện thoại thông minh")

    def ready(self) -> None:
        # The field app's batch learns to store follow-ups recorded on a phone.
        # Inside ready(): the module uses models, which can be imported only once the app registry is loaded.
        from langso.devices import field_sync

        field_sync.register()
