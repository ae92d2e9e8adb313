"""How long personal data is kept, and the job that applies it (`manage.py apply_retention`).

Every period comes from an environment variable with a default (docs/data-map.md says why each one):

  LANGSO_RETAIN_VISIT_PHOTO_DAYS   365   visit photos are dropped (the visit itself stays)
  LANGSO_RETAIN_WALK_IN_DAYS       365   help-desk walk-ins not in the registry lose their name and notes
  LANGSO_RETAIN_CITIZEN_CODE_DAYS  30    one-time citizen codes are deleted this long after they expired
  LANGSO_IMPORT_KEEP_DAYS          30    uploaded import files are deleted (the import report stays)
  LANGSO_RETAIN_VOICE_DAYS         90    rejected and replaced guide recordings (a member's voice) are
                                         deleted this long after their review; published ones stay
  LANGSO_RETAIN_AUDIT_YEARS        5     audit entries older than this are deleted; never below 2 years

Settings of the same names without the LANGSO_ prefix (e.g. RETAIN_VISIT_PHOTO_DAYS) win over the
environment, which the tests use.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone

from langso.core import audit
from langso.core.models import AuditAction, AuditEntry
from langso.groups.models import Attendance
from langso.guides.models import RecordingStatus, StepRecording
from langso.operations.services import ERASED_LABEL
from langso.registry.imports import purge_files
from langso.registry.models import ImportJob
from langso.skills.models import CitizenAccessCode
from langso.teams.models import HelpDeskSession, Visit

# Audit entries are the proof of who saw and changed personal data; complaints and inspections reach
# back years, so the job refuses to prune them younger than this whatever the configuration says.
AUDIT_MIN_YEARS = 2
ANONYMOUS_WALK_IN = "[ẩn danh]"


@dataclass(frozen=True)
class RetentionPolicy:
    visit_photo_days: int
    walk_in_days: int
    citizen_code_days: int
    import_keep_days: int
    voice_days: int
    audit_years: int

    @classmethod
    def from_settings(cls) -> RetentionPolicy:
        def read(name: str, default: int) -> int:
            value = getattr(settings, name, None)
            if value is None:
                value = os.environ.get(f"LANGSO_{name}", str(default))
            try:
                number = int(value)
            except (TypeError, ValueError) as exc:
                raise ImproperlyConfigured(f"LANGSO_{name} must be a whole number, not {value!r}.") from exc
            if number < 1:
                raise ImproperlyConfigured(f"LANGSO_{name} must be at least 1.")
            return number

        policy = cls(
            visit_photo_days=read("RETAIN_VISIT_PHOTO_DAYS", 365),
            walk_in_days=read("RETAIN_WALK_IN_DAYS", 365),
            citizen_code_days=read("RETAIN_CITIZEN_CODE_DAYS", 30),
            import_keep_days=read("IMPORT_KEEP_DAYS", 30),
            voice_days=read("RETAIN_VOICE_DAYS", 90),
            audit_years=read("RETAIN_AUDIT_YEARS", 5),
        )
        if policy.audit_years < AUDIT_MIN_YEARS:
            raise ImproperlyConfigured(
                f"LANGSO_RETAIN_AUDIT_YEARS must be at least {AUDIT_MIN_YEARS} (the audit trail is evidence)."
            )
        return policy


@dataclass(frozen=True)
class RetentionOutcome:
    key: str
    label: str
    count: int


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def apply_retention(
    *, dry_run: bool = False, policy: RetentionPolicy | None = None
) -> list[RetentionOutcome]:
    """Apply every rule; with dry_run, only count what would go. One audit entry per real run."""
    policy = policy or RetentionPolicy.from_settings()
    photos = Visit.objects.filter(created_at__lt=_ago(policy.visit_photo_days), photo__isnull=False)
    walk_ins = HelpDeskSession.objects.filter(
        created_at__lt=_ago(policy.walk_in_days), resident__isnull=True
    ).exclude(walk_in_name__in=[ANONYMOUS_WALK_IN, ERASED_LABEL])
    # Walk-ins of group sessions: the same rule (the person still counts, their name goes).
    group_walk_ins = Attendance.objects.filter(
        session__created_at__lt=_ago(policy.walk_in_days), resident__isnull=True
    ).exclude(walk_in_name__in=[ANONYMOUS_WALK_IN, ERASED_LABEL])
    codes = CitizenAccessCode.objects.filter(expires_at__lt=_ago(policy.citizen_code_days))
    imports = ImportJob.objects.filter(finished_at__lt=_ago(policy.import_keep_days)).exclude(file="")
    # A recorded voice is personal data: once a recording is rejected or replaced it serves no one.
    voices = StepRecording.objects.filter(
        status__in=[RecordingStatus.REJECTED, RecordingStatus.REPLACED],
        reviewed_at__lt=_ago(policy.voice_days),
    )
    audit_cutoff = timezone.now() - datetime.timedelta(days=round(365.25 * policy.audit_years))
    entries = AuditEntry.objects.filter(at__lt=audit_cutoff)
    labels = {
        "visit_photos": f"visit photos older than {policy.visit_photo_days} days",
        "walk_in_names": f"walk-in names (help desk, group sessions) older than {policy.walk_in_days} days",
        "citizen_codes": f"citizen one-time codes expired more than {policy.citizen_code_days} days ago",
        "import_files": f"uploaded import files finished more than {policy.import_keep_days} days ago",
        "voice_recordings": f"rejected or replaced guide recordings reviewed more than {policy.voice_days} days ago",
        "audit_entries": f"audit entries older than {policy.audit_years} years",
    }
    if dry_run:
        counts = {
            "visit_photos": photos.count(),
            "walk_in_names": walk_ins.count() + group_walk_ins.count(),
            "citizen_codes": codes.count(),
            "import_files": imports.count(),
            "voice_recordings": voices.count(),
            "audit_entries": entries.count(),
        }
        return [RetentionOutcome(key, labels[key], count) for key, count in counts.items()]

    with transaction.atomic():
        counts = {
            "visit_photos": photos.update(photo=None),
            "walk_in_names": walk_ins.update(walk_in_name=ANONYMOUS_WALK_IN, notes="")
            + group_walk_ins.update(walk_in_name=ANONYMOUS_WALK_IN),
            "citizen_codes": codes.delete()[0],
            "voice_recordings": voices.delete()[0],
        }
        # The audit trail refuses deletes through the ORM on purpose; the retention period is the one
        # rule that removes whole entries, and only beyond it.
        counts["audit_entries"] = models.QuerySet.delete(entries)[0]
    # Files are outside the database: removed after the rows are committed, by the registry's own helper.
    counts["import_files"] = purge_files(days=policy.import_keep_days)
    ordered = [
        "visit_photos",
        "walk_in_names",
        "citizen_codes",
        "import_files",
        "voice_recordings",
        "audit_entries",
    ]
    audit.record(
        actor=None,
        username="apply_retention",
        action=AuditAction.RETENTION,
        object_type="operations.retention",
        object_repr="apply_retention",
        changes={"removed": {key: counts[key] for key in ordered}, "policy": policy.__dict__},
        note="retention rule",
    )
    return [RetentionOutcome(key, labels[key], counts[key]) for key in ordered]
