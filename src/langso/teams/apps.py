from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from langso.registry.signals import resident_removing


class TeamsConfig(AppConfig):
    name = "langso.teams"
    label = "teams"
    verbose_name = _("Tổ công nghệ số cộng đồng")

    def ready(self) -> None:
        # Imported here: the receivers use models, which exist only once the app registry is ready.
        from langso.teams.receivers import keep_help_desk_counts

        resident_removing.connect(keep_help_desk_counts, dispatch_uid="langso-teams-keep-help-desk-counts")
