"""Lists that come from outside Làng Số: the national "Bình dân học vụ số" platform's learners and
certificates, and the commune police's lists of VNeID level-2 activations.

An upload is an `OutsideList` (the file kept, like the registry import's uploads); each data row an
`ListEntry` (what the row said, and whether it was matched to a registry person, waits for an officer,
or found no one); each person matched — by the matcher or by an officer — gets one `OutsideEvidence`
per source and row identity, which "adults reached" counts and the person's page lists.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from langso.core.models import BaseModel


class ListSource(models.TextChoices):
    PLATFORM = "platform", _("Nền tảng quốc gia")
    POLICE = "police", _("Công an xã")


class ListStatus(models.TextChoices):
    MAPPING = "mapping", _("Chờ ghép cột")
    DONE = "done", _("Đã nhập")
    CANCELLED = "cancelled", _("Đã hủy")


class OutsideList(BaseModel):
    """One uploaded list. Its rows are matched when it is read; the file stays for the record."""

    source = models.CharField(_("nguồn"), max_length=10, choices=ListSource.choices)
    province = models.ForeignKey("places.Province", on_delete=models.PROTECT, related_name="+")
    # Empty for a province's list spanning its communes (each row's commune is then read from the file).
    commune = models.ForeignKey(
        "places.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="outside-lists/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=200)
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(_("trạng thái"), max_length=10, choices=ListStatus.choices)
    # Her header row and how its columns were mapped (see langso.registry.imports.mapping).
    layout = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    matched_count = models.PositiveIntegerField(_("số dòng khớp"), default=0)
    review_count = models.PositiveIntegerField(_("số dòng cần xem lại"), default=0)
    unmatched_count = models.PositiveIntegerField(_("số dòng không tìm thấy"), default=0)
    known_count = models.PositiveIntegerField(
        _("số dòng đã có từ danh sách trước"), default=0
    )  # rows an earlier list already brought
    refused_count = models.PositiveIntegerField(_("số dòng bị từ chối"), default=0)

    class Meta:
        verbose_name = _("danh sách từ bên ngoài")
        verbose_name_plural = _("danh sách từ bên ngoài")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["province", "file_sha256"], name="outside_list_file")]

    def __str__(self) -> str:
        return self.original_name


class EntryStatus(models.TextChoices):
    MATCHED = "matched", _("Đã khớp tự động")
    REVIEW = "review", _("Cần cán bộ xem lại")
    CONFIRMED = "confirmed", _("Cán bộ đã xác nhận")
    REJECTED = "rejected", _("Cán bộ xác định không có trong sổ")
    UNMATCHED = "unmatched", _("Không tìm thấy trong sổ")


# Entries that stand for a registry person (their evidence exists).
MATCHED_STATUSES = (EntryStatus.MATCHED, EntryStatus.CONFIRMED)
# Entries the registry has no person for: the per-commune report of unmatched learners.
UNMATCHED_STATUSES = (EntryStatus.UNMATCHED, EntryStatus.REJECTED)


class ListEntry(BaseModel):
    """A row of a list as it was read, and what became of it. One per province and row identity
    (`key`): a row that comes again in a later list is not entered twice."""

    outside_list = models.ForeignKey(
        OutsideList, on_delete=models.CASCADE, related_name="entries", verbose_name=_("danh sách")
    )
    row = models.PositiveIntegerField(_("dòng"))
    source = models.CharField(_("nguồn"), max_length=10, choices=ListSource.choices)
    province = models.ForeignKey("places.Province", on_delete=models.PROTECT, related_name="+")
    # The commune the row belongs to (the list's, the file's commune column, or the person's); empty
    # when neither says (then only province staff see it).
    commune = models.ForeignKey(
        "places.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    full_name = models.CharField(_("họ và tên"), max_length=100)
    name_folded = models.CharField(max_length=100)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    cccd = models.CharField(_("số CCCD"), max_length=12, blank=True)
    village_name = models.CharField(_("thôn (theo tệp)"), max_length=150, blank=True)
    commune_name = models.CharField(_("xã (theo tệp)"), max_length=150, blank=True)
    detail = models.CharField(_("khóa học, chứng nhận"), max_length=300, blank=True)
    done_on = models.DateField(_("ngày hoàn thành hoặc kích hoạt"), null=True, blank=True)
    key = models.CharField(max_length=64)
    status = models.CharField(_("kết quả"), max_length=10, choices=EntryStatus.choices)
    reason = models.CharField(_("lý do cần xem lại"), max_length=300, blank=True)
    match_how = models.CharField(
        _("cách khớp"), max_length=20, blank=True
    )  # "cccd" | "name_birth_village" | "officer"
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    candidates = models.JSONField(
        _("người có thể là"), default=list, blank=True
    )  # resident ids (text) for the review
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dòng danh sách từ bên ngoài")
        verbose_name_plural = _("dòng danh sách từ bên ngoài")
        ordering = ["outside_list", "row"]
        constraints = [models.UniqueConstraint(fields=["province", "key"], name="list_entry_once")]
        indexes = [models.Index(fields=["province", "commune", "status"], name="list_entry_units")]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_status_display()})"


class OutsideEvidence(BaseModel):
    """A registry person found on an outside list: a learner or certificate of the national platform,
    or a VNeID level-2 activation by the commune police. Counted once per person in "adults reached"."""

    resident = models.ForeignKey(
        "registry.Resident", on_delete=models.CASCADE, related_name="outside_evidence"
    )
    source = models.CharField(_("nguồn"), max_length=10, choices=ListSource.choices)
    done_on = models.DateField(_("ngày"))
    detail = models.CharField(_("nội dung"), max_length=300, blank=True)
    key = models.CharField(max_length=64)
    entry = models.ForeignKey(
        ListEntry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dòng danh sách"),
    )
    province = models.ForeignKey(
        "places.Province", on_delete=models.PROTECT, related_name="+", editable=False
    )
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+", editable=False)
    village = models.ForeignKey("places.Village", on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta:
        verbose_name = _("minh chứng từ danh sách bên ngoài")
        verbose_name_plural = _("minh chứng từ danh sách bên ngoài")
        constraints = [
            models.UniqueConstraint(fields=["resident", "source", "key"], name="outside_evidence_once")
        ]
        indexes = [models.Index(fields=["resident", "source", "done_on"], name="outside_evidence_person")]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.detail}"
