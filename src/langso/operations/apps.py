from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "langso.operations"
    label = "operations"
    verbose_name = _("Vận hành: sao lưu, lưu giữ và yêu cầu về dữ liệu cá nhân")

    def ready(self) -> None:
        # A worker holds a lock per running task so `recover_tasks` can tell a dead worker from a slow one.
        from django_tasks_db.compat import task_finished, task_started

        # Inside ready(): the module uses models, which can be imported only once the app registry is loaded.
        from langso.operations.task_recovery import hold_task_lock, release_task_lock

        task_started.connect(hold_task_lock, dispatch_uid="langso-task-liveness-lock")
        task_finished.connect(release_task_lock, dispatch_uid="langso-task-liveness-unlock")

        # The shipped content (guides, catalogue, indicators) reaches the database after every migrate.
        # Inside ready(): the module uses models, which can be imported only once the app registry is loaded.
        from langso.operations.content import after_migrate

        post_migrate.connect(after_migrate, sender=self, dispatch_uid="langso-install-content")
