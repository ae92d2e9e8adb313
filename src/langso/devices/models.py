"""Smartphone programmes: rules, quotas, candidate lists with versions, inventory, allocations and
follow-ups.

Concurrency is guarded by the database itself, not only by the code that checks first: a device has at
most one active allocation and a recipient at most one per programme (partial unique indexes); the
allocation service also locks the commune's quota row, so the quota count it reads cannot change under it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from langso.core.models import BaseModel


class Per(models.TextChoices):
    HOUSEHOLD = "household", _("Mỗi hộ một máy")
    ADULT = "adult", _("Mỗi người lớn một máy")


def default_poverty_classes() -> list[str]:
    return ["poor", "near_poor"]


class Programme(BaseModel):
    name = models.CharField(_("tên chương trình"), max_length=200)
    funder = models.CharField(_("đơn vị tài trợ"), max_length=200)
    # Empty: a national programme (only administrators manage it); otherwise the province's own.
    province = models.ForeignKey(
        "places.Province",
        verbose_name=_("tỉnh/thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_on = models.DateField(_("bắt đầu"))
    ends_on = models.DateField(_("kết thúc"))
    device_models = models.TextField(_("mẫu máy"), blank=True)
    # The mobile service package that comes with the phone.
    package_sim = models.BooleanField(_("kèm SIM"), default=True)
    package_data_gb = models.PositiveSmallIntegerField(_("dung lượng data mỗi tháng (GB)"), default=0)
    package_months = models.PositiveSmallIntegerField(_("số tháng gói cước"), default=0)
    package_notes = models.CharField(_("mô tả gói cước"), max_length=200, blank=True)
    training_required = models.BooleanField(_("bắt buộc dự tập huấn"), default=True)
    training_notes = models.CharField(_("nội dung tập huấn"), max_length=200, blank=True)
    # Eligibility rules over registry facts (see rules.py).
    poverty_classes = models.JSONField(_("diện hộ được xét"), default=default_poverty_classes)
    poverty_max_age_years = models.PositiveSmallIntegerField(
        _("kết quả rà soát hộ nghèo không cũ quá (năm)"), default=2, validators=[MaxValueValidator(20)]
    )
    min_age = models.PositiveSmallIntegerField(
        _("tuổi tối thiểu của người nhận"), default=18, validators=[MaxValueValidator(100)]
    )
    require_no_smartphone = models.BooleanField(_("hộ chưa có điện thoại thông minh"), default=True)
    exclude_earlier_recipients = models.BooleanField(
        _("chưa được hỗ trợ bởi chương trình trước"), default=True
    )
    per = models.CharField(_("đơn vị cấp"), max_length=10, choices=Per.choices, default=Per.HOUSEHOLD)
    elderly_age = models.PositiveSmallIntegerField(
        _("tuổi được tính là người cao tuổi"), default=60, validators=[MinValueValidator(40)]
    )
    weight_poor = models.PositiveSmallIntegerField(_("điểm ưu tiên: hộ nghèo"), default=20)
    weight_near_poor = models.PositiveSmallIntegerField(_("điểm ưu tiên: hộ cận nghèo"), default=10)
    weight_elderly = models.PositiveSmallIntegerField(_("điểm ưu tiên: người cao tuổi"), default=15)
    weight_disability = models.PositiveSmallIntegerField(_("điểm ưu tiên: người khuyết tật"), default=15)
    weight_minority = models.PositiveSmallIntegerField(_("điểm ưu tiên: dân tộc thiểu số"), default=10)
    weight_no_phone_visit = models.PositiveSmallIntegerField(
        _("điểm ưu tiên: tổ công nghệ số ghi nhận chưa có máy"), default=10
    )
    cash_allowed = models.BooleanField(_("cho phép hỗ trợ tiền để hộ tự mua máy"), default=False)
    cash_amount = models.PositiveIntegerField(_("mức hỗ trợ tiền (đồng)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("chương trình cấp điện thoại")
        verbose_name_plural = _("chương trình cấp điện thoại")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="programme_period"),
            models.CheckConstraint(
                condition=Q(cash_allowed=False) | Q(cash_amount__gt=0), name="programme_cash_amount"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("devices:programme", args=[self.pk])


class CommuneQuota(models.Model):
    """How many devices (or cash contributions) a commune may give. Its row is the allocation lock."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="quotas")
    commune = models.ForeignKey(
        "places.Commune", verbose_name=_("xã/phường"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "places.Province", on_delete=models.PROTECT, related_name="+", editable=False
    )
    quota = models.PositiveIntegerField(_("chỉ tiêu"))

    class Meta:
        verbose_name = _("chỉ tiêu của xã")
        verbose_name_plural = _("chỉ tiêu của xã")
        constraints = [
            models.UniqueConstraint(fields=["programme", "commune"], name="quota_once_per_commune")
        ]

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.quota}"


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    APPROVED = "approved", _("Đã phê duyệt")
    SUPERSEDED = "superseded", _("Đã thay bằng bản mới")


class CandidateList(BaseModel):
    """One version of a commune's list. Approval locks it; a change afterwards is a new version."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="candidate_lists")
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(
        "places.Province", on_delete=models.PROTECT, related_name="+", editable=False
    )
    version = models.PositiveSmallIntegerField(_("phiên bản"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=ListStatus.choices, default=ListStatus.DRAFT
    )
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    generated_at = models.DateTimeField(_("lập danh sách lúc"), null=True, blank=True)
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The commune committee's decision, recorded by the officer (e.g. "Quyết định số 12/QĐ-UBND").
    decision = models.CharField(_("quyết định phê duyệt"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("danh sách đề xuất")
        verbose_name_plural = _("danh sách đề xuất")
        ordering = ["programme", "commune", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "commune", "version"], name="candidate_list_version_once"
            ),
            models.UniqueConstraint(
                fields=["programme", "commune"],
                condition=Q(status="draft"),
                name="candidate_list_one_draft",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="candidate_list_approved_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {self.commune_id} v{self.version}"

    @property
    def is_locked(self) -> bool:
        return self.status != ListStatus.DRAFT


class Source(models.TextChoices):
    RULES = "rules", _("Theo tiêu chí")
    MANUAL = "manual", _("Cán bộ bổ sung")


class Candidate(models.Model):
    candidate_list = models.ForeignKey(CandidateList, on_delete=models.CASCADE, related_name="candidates")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    # Set when the programme gives one device per adult; empty for one per household.
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.IntegerField(_("điểm ưu tiên"), default=0)
    # [{"code": "elderly", "points": 15}, ...]: labels are made when shown, in the reader's language.
    reasons = models.JSONField(_("lý do"), default=list, blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.RULES)
    added_reason = models.CharField(_("lý do bổ sung"), max_length=300, blank=True)
    removed = models.BooleanField(_("đã loại"), default=False)
    removed_reason = models.CharField(_("lý do loại"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("người/hộ được đề xuất")
        verbose_name_plural = _("người/hộ được đề xuất")
        ordering = ["removed", "-score", "household__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate_list", "household"],
                condition=Q(resident__isnull=True),
                name="candidate_household_once",
            ),
            models.UniqueConstraint(
                fields=["candidate_list", "resident"],
                condition=Q(resident__isnull=False),
                name="candidate_resident_once",
            ),
            models.CheckConstraint(
                condition=Q(removed=False) | ~Q(removed_reason=""), name="candidate_removed_reason"
            ),
            models.CheckConstraint(
                condition=~Q(source="manual") | ~Q(added_reason=""), name="candidate_manual_reason"
            ),
        ]

    def __str__(self) -> str:
        return str(self.resident or self.household)

    @property
    def recipient_key(self) -> str:
        return recipient_key(self.household_id, self.resident_id)


def recipient_key(household_id: object, resident_id: object | None) -> str:
    """One key per recipient, so "not twice" is one unique index whether the unit is a household or a person."""
    return f"R:{resident_id}" if resident_id else f"H:{household_id}"


class Condition(models.TextChoices):
    NEW = "new", _("Mới")
    GOOD = "good", _("Đã dùng, còn tốt")
    DAMAGED = "damaged", _("Hỏng")


class DeviceStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("Trong kho")
    HANDED_OVER = "handed_over", _("Đã bàn giao")
    WRITTEN_OFF = "written_off", _("Mất/hỏng, đã xóa sổ")


class Device(BaseModel):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="devices")
    # Where the device is kept: a commune's store, or the programme's central store when empty.
    commune = models.ForeignKey(
        "places.Commune",
        verbose_name=_("kho của xã"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Unique across every programme: the same handset can never be counted twice.
    imei = models.CharField(_("IMEI"), max_length=15, unique=True)
    model_name = models.CharField(_("mẫu máy"), max_length=100)
    sim_number = models.CharField(_("số thuê bao SIM"), max_length=10, blank=True)
    condition = models.CharField(
        _("tình trạng"), max_length=10, choices=Condition.choices, default=Condition.NEW
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=DeviceStatus.choices, default=DeviceStatus.IN_STOCK
    )

    class Meta:
        verbose_name = _("điện thoại")
        verbose_name_plural = _("điện thoại")
        ordering = ["programme", "imei"]
        indexes = [models.Index(fields=["programme", "status", "commune"], name="device_free")]
        constraints = [
            models.CheckConstraint(condition=Q(imei__regex=r"^[0-9]{15}$"), name="device_imei_15_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.model_name} {self.imei}"


class AllocationKind(models.TextChoices):
    DEVICE = "device", _("Điện thoại")
    CASH = "cash", _("Hỗ trợ tiền tự mua máy")


class AllocationStatus(models.TextChoices):
    ACTIVE = "active", _("Đang sử dụng")
    RETURNED = "returned", _("Đã trả lại máy")


class Allocation(BaseModel):
    """A device (or a cash contribution) handed over to an approved recipient: the handover record."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="allocations")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="allocations")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_key = models.CharField(max_length=40, editable=False)
    village = models.ForeignKey("places.Village", on_delete=models.PROTECT, related_name="+", editable=False)
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+", editable=False)
    province = models.ForeignKey(
        "places.Province", on_delete=models.PROTECT, related_name="+", editable=False
    )
    kind = models.CharField(
        _("hình thức"), max_length=10, choices=AllocationKind.choices, default=AllocationKind.DEVICE
    )
    device = models.ForeignKey(
        Device, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    cash_amount = models.PositiveIntegerField(_("số tiền hỗ trợ (đồng)"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=AllocationStatus.choices, default=AllocationStatus.ACTIVE
    )
    handed_over_on = models.DateField(_("ngày bàn giao"))
    receiver_name = models.CharField(_("người nhận"), max_length=100)
    giver_name = models.CharField(_("người giao"), max_length=100)
    giver_title = models.CharField(_("chức vụ người giao"), max_length=100, blank=True)
    training_attended = models.BooleanField(_("đã dự tập huấn"), default=False)
    training_on = models.DateField(_("ngày tập huấn"), null=True, blank=True)
    # The signed record, photographed or scanned. Kept in the database (see services.MAX_SCAN_BYTES).
    scan = models.BinaryField(null=True, blank=True, editable=False)
    scan_content_type = models.CharField(max_length=40, blank=True, editable=False)
    scan_uploaded_at = models.DateTimeField(null=True, blank=True, editable=False)
    returned_on = models.DateField(_("ngày trả lại"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("biên bản bàn giao")
        verbose_name_plural = _("biên bản bàn giao")
        ordering = ["-handed_over_on", "-created_at"]
        indexes = [
            models.Index(fields=["programme", "province", "commune", "status"], name="allocation_units")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["device"], condition=Q(status="active"), name="allocation_device_once"
            ),
            models.UniqueConstraint(
                fields=["programme", "recipient_key"],
                condition=Q(status="active"),
                name="allocation_recipient_once",
            ),
            models.CheckConstraint(
                condition=(Q(kind="device") & Q(device__isnull=False) & Q(cash_amount__isnull=True))
                | (Q(kind="cash") & Q(device__isnull=True) & Q(cash_amount__gt=0)),
                name="allocation_device_or_cash",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receiver_name} {self.handed_over_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("devices:allocation", args=[self.pk])


class Outcome(models.TextChoices):
    IN_USE = "in_use", _("Đang sử dụng")
    NOT_USED = "not_used", _("Không sử dụng")
    BROKEN = "broken", _("Hỏng")
    LOST = "lost", _("Mất")
    SOLD = "sold", _("Đã bán")
    RETURNED = "returned", _("Trả lại máy")


class FollowUp(BaseModel):
    """A check on the recipient 1, 3 and 6 months after the handover."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="follow_ups")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", editable=False
    )
    village = models.ForeignKey("places.Village", on_delete=models.PROTECT, related_name="+", editable=False)
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+", editable=False)
    province = models.ForeignKey(
        "places.Province", on_delete=models.PROTECT, related_name="+", editable=False
    )
    months = models.PositiveSmallIntegerField(_("sau (tháng)"))
    due_on = models.DateField(_("đến hạn"))
    done_on = models.DateField(_("ngày kiểm tra"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices, blank=True)
    sim_active = models.BooleanField(_("SIM còn hoạt động"), null=True, blank=True)
    # Whether the person met the digital-citizen rule on the day (computed from their skill records).
    digital_citizen = models.BooleanField(_("đạt công dân số"), null=True, blank=True)
    skills_note = models.CharField(_("kỹ năng đã đạt"), max_length=300, blank=True)
    notes = models.CharField(_("ghi chú"), max_length=300, blank=True)
    # No longer needed: the device came back before this check was due.
    cancelled = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("lần theo dõi sau bàn giao")
        verbose_name_plural = _("lần theo dõi sau bàn giao")
        ordering = ["due_on", "months"]
        indexes = [
            models.Index(fields=["province", "commune", "village", "due_on"], name="followup_units_due")
        ]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "months"], name="followup_once_per_month"),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | ~Q(outcome=""), name="followup_done_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.allocation} +{self.months}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Chờ ghép cột")
    CHECKED = "checked", _("Đã kiểm tra, chờ xác nhận")
    DONE = "done", _("Đã ghi xong")
    CANCELLED = "cancelled", _("Đã hủy")


class DeviceImport(BaseModel):
    """A supplier's file of devices: checked first (nothing written), then written when confirmed.

    The file (small: a few thousand rows) is kept in the database until confirmed, and checked again
    when written, so what is written is what the report described against the current data."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="imports")
    commune = models.ForeignKey(
        "places.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(_("tên tệp"), max_length=200)
    data = models.BinaryField(editable=False)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.CHECKED
    )
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    # Her header row and how its columns were mapped (see langso.registry.imports.mapping).
    layout = models.JSONField(default=dict, blank=True)
    # The refused rows as .xlsx (her rows as written, with the reasons), kept after the write.
    refused = models.BinaryField(default=b"", blank=True, editable=False)

    class Meta:
        verbose_name = _("lần nhập danh sách máy")
        verbose_name_plural = _("lần nhập danh sách máy")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
