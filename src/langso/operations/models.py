"""What the operations page needs to remember: that a worker is alive, and what backups, restore drills
and national sends did. No personal data (a backup's path and size, a worker's host and process id).

(Django sends `post_migrate` only for apps with a models module; the step that installs the shipped
content after every `migrate` (operations/content.py) listens for this app's signal: being last in
INSTALLED_APPS, it runs after every other app's handler, so the change triggers are back in place
before the content's rows are written.)"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per running `db_worker`, touched every WORKER_HEARTBEAT_SECONDS by a thread of the worker
    (operations/heartbeat.py). A row that stops moving is a worker that died or stopped."""

    worker_id = models.CharField(_("mã tiến trình nền"), max_length=64, primary_key=True)
    hostname = models.CharField(_("tên máy"), max_length=255)
    pid = models.PositiveIntegerField(_("số hiệu tiến trình"))
    queues = models.CharField(_("hàng đợi"), max_length=200)
    started_at = models.DateTimeField(_("chạy từ"))
    last_seen_at = models.DateTimeField(_("nhịp gần nhất"), db_index=True)

    class Meta:
        verbose_name = _("nhịp của tiến trình nền")
        verbose_name_plural = _("nhịp của tiến trình nền")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class MaintenanceKind(models.TextChoices):
    BACKUP = "backup", _("Sao lưu")
    RESTORE_DRILL = "restore_drill", _("Diễn tập khôi phục")
    NATIONAL_SEND = "national_send", _("Gửi số liệu lên trung ương")


class MaintenanceRun(models.Model):
    """A backup, a restore drill or a send to the national instance, successful or not, as the command
    that did it recorded it."""

    kind = models.CharField(_("loại việc"), max_length=20, choices=MaintenanceKind.choices)
    ok = models.BooleanField(_("thành công"))
    finished_at = models.DateTimeField(_("xong lúc"))
    # Where the file went, or what went wrong (the command's own message).
    detail = models.TextField(_("chi tiết"), blank=True)
    size_bytes = models.BigIntegerField(_("dung lượng (byte)"), null=True, blank=True)
    rows = models.BigIntegerField(_("số dòng"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần vận hành")
        verbose_name_plural = _("các lần vận hành")
        indexes = [models.Index(fields=["kind", "-finished_at"], name="operations_run_kind_latest")]

    def __str__(self) -> str:
        return f"{self.kind} {self.finished_at:%Y-%m-%d %H:%M}"
