"""Households, residents and consent.

Residents and households carry their province and commune codes (copied from the village) so every
jurisdiction filter is one indexed column, and so the big tables can be partitioned by province.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from langso.core.ethnicity import EthnicGroup
from langso.core.models import BaseModel
from langso.core.validators import mask_cccd
from langso.places.naming import village_key, village_keys


class Poverty(models.TextChoices):
    POOR = "poor", _("Hộ nghèo")
    NEAR_POOR = "near_poor", _("Hộ cận nghèo")
    DISADVANTAGED = "disadvantaged", _("Hộ khó khăn khác")
    NONE = "none", _("Không thuộc diện")


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class SmartphoneSource(models.TextChoices):
    """Where the registry's "owns a smartphone" came from: the page says it next to the value."""

    REGISTRY = "registry", _("Sổ hộ / cán bộ xã nhập")
    VISIT = "visit", _("Buổi hướng dẫn tại nhà")
    HANDOVER = "handover", _("Bàn giao của chương trình cấp điện thoại")
    RETURNED = "returned", _("Máy được cấp đã trả lại")
    LOST = "lost", _("Máy được cấp bị mất, hỏng hoặc đã bán")


class Household(BaseModel):
    # The stable key: the household's number in the commune's own household book (sổ hộ),
    # unique within the commune, so re-importing the same file updates rather than duplicates.
    code = models.CharField(_("mã hộ"), max_length=30)
    village = models.ForeignKey(
        "places.Village",
        verbose_name=_("thôn/bản/tổ dân phố"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+", editable=False)
    province = models.ForeignKey(
        "places.Province", on_delete=models.PROTECT, related_name="+", editable=False
    )
    address = models.CharField(_("địa chỉ"), max_length=200, blank=True)
    head = models.ForeignKey(
        "Resident",
        verbose_name=_("chủ hộ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    poverty = models.CharField(
        _("phân loại hộ"), max_length=20, choices=Poverty.choices, default=Poverty.NONE
    )
    poverty_year = models.PositiveSmallIntegerField(_("năm rà soát"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="household_unique_code_per_commune")
        ]
        indexes = [
            models.Index(fields=["province", "commune", "village"], name="household_units"),
            models.Index(fields=["village", "code"], name="household_village_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}"

    def get_absolute_url(self) -> str:
        return reverse("registry:household", args=[self.pk])

    @property
    def address_line(self) -> str:
        """Where the household lives, written once: the address, with the village added only when the
        address does not already name it ("Số nhà 12, Thôn Bản Cáu", not "... Thôn Bản Cáu, Thôn Bản Cáu")."""
        village = self.village.name if self.village_id else ""
        address = (self.address or "").strip()
        if not address:
            return village
        if not village or _names_village(address, village):
            return address
        return f"{address}, {village}"


class Resident(BaseModel):
    household = models.ForeignKey(
        Household, verbose_name=_("hộ"), on_delete=models.PROTECT, related_name="members"
    )
    village = models.ForeignKey("places.Village", on_delete=models.PROTECT, related_name="+", editable=False)
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+", editable=False)
    province = models.ForeignKey(
        "places.Province", on_delete=models.PROTECT, related_name="+", editable=False
    )
    full_name = models.CharField(_("họ và tên"), max_length=100)
    name_folded = models.CharField(max_length=100, editable=False)
    sort_key = models.CharField(max_length=250, editable=False)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=10, choices=Sex.choices)
    ethnic_group = models.CharField(_("dân tộc"), max_length=2, choices=EthnicGroup.choices, blank=True)
    cccd = models.CharField(_("số CCCD"), max_length=12, null=True, blank=True, unique=True)
    phone = models.CharField(_("số điện thoại"), max_length=10, blank=True, db_index=True)
    has_disability = models.BooleanField(_("khuyết tật"), default=False)
    owns_smartphone = models.BooleanField(_("có điện thoại thông minh"), default=False)
    smartphone_source = models.CharField(
        _("nguồn thông tin điện thoại"), max_length=20, choices=SmartphoneSource.choices, blank=True
    )
    smartphone_on = models.DateField(_("ngày ghi nhận điện thoại"), null=True, blank=True)
    # A device handed over came back or was lost: the next visit asks whether the person has a phone.
    smartphone_to_check = models.BooleanField(_("cần hỏi lại về điện thoại"), default=False)
    is_head = models.BooleanField(_("là chủ hộ"), default=False)
    # What a list said beside the name ("bố chủ hộ", "đi làm xa"), kept out of the name itself.
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("người dân")
        verbose_name_plural = _("người dân")
        ordering = ["sort_key"]
        indexes = [
            models.Index(fields=["province", "commune", "village"], name="resident_units"),
            models.Index(fields=["commune", "sort_key"], name="resident_commune_sort"),
            models.Index(fields=["village", "sort_key"], name="resident_village_sort"),
            models.Index(fields=["name_folded"], name="resident_name_folded"),
            models.Index(fields=["birth_year"], name="resident_birth_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1900),
                name="resident_birth_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("registry:resident", args=[self.pk])

    @property
    def masked_cccd(self) -> str:
        return mask_cccd(self.cccd)


class ConsentPurpose(models.TextChoices):
    DIGITAL_INCLUSION = "digital_inclusion", _("Hướng dẫn kỹ năng số và theo dõi tiến bộ")
    SMARTPHONE_PROGRAMME = "smartphone_programme", _("Xét hỗ trợ điện thoại thông minh")
    CONTACT = "contact", _("Liên hệ qua điện thoại")


class ConsentMethod(models.TextChoices):
    PAPER = "paper", _("Ký giấy")
    VERBAL = "verbal", _("Đồng ý bằng lời, có người chứng kiến")
    SELF = "self", _("Tự xác nhận trên ứng dụng")


class Consent(BaseModel):
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("mục đích"), max_length=30, choices=ConsentPurpose.choices)
    given = models.BooleanField(_("đồng ý"), default=True)
    method = models.CharField(
        _("hình thức"), max_length=20, choices=ConsentMethod.choices, default=ConsentMethod.PAPER
    )
    recorded_on = models.DateField(_("ngày ghi nhận"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi nhận"), on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_on = models.DateField(_("ngày rút lại"), null=True, blank=True)

    class Meta:
        verbose_name = _("sự đồng ý")
        verbose_name_plural = _("sự đồng ý")
        ordering = ["-recorded_on"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.recorded_on:%d/%m/%Y})"


class ImportKind(models.TextChoices):
    VILLAGES = "villages", _("Thôn/bản/tổ dân phố")
    HOUSEHOLDS = "households", _("Hộ gia đình")
    RESIDENTS = "residents", _("Người dân")


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all", _("Cả tệp, chỉ khi không có lỗi nào")
    VALID_ONLY = "valid_only", _("Chỉ các dòng hợp lệ, bỏ qua dòng lỗi")


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Chờ ghép cột")
    CHECKING = "checking", _("Đang kiểm tra")
    CHECKED = "checked", _("Đã kiểm tra, chờ xác nhận")
    QUEUED = "queued", _("Đang chờ ghi")
    WRITING = "writing", _("Đang ghi")
    DONE = "done", _("Đã ghi xong")
    FAILED = "failed", _("Thất bại")
    CANCELLED = "cancelled", _("Đã hủy")


class ImportJob(BaseModel):
    """One uploaded file: its dry-run report, the user's decision, and the progress of writing it."""

    kind = models.CharField(_("loại dữ liệu"), max_length=20, choices=ImportKind.choices)
    commune = models.ForeignKey(
        "places.Commune", verbose_name=_("xã/phường"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=200)
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    mode = models.CharField(_("cách ghi"), max_length=20, choices=ImportMode.choices, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    error_message = models.TextField(blank=True)
    # Errors counted by column (all of them, while `problems` keeps only the first ones).
    problem_counts = models.JSONField(default=dict, blank=True)
    # What the file changes in people and households already in the registry, field by field, as the
    # dry run found it: [{"row", "object", "label", "fields": [[field, old, new], ...]}, ...] (the first
    # ones; `changes_total` counts them all). Shown on the confirm page before anything is written.
    changes = models.JSONField(default=list, blank=True)
    changes_total = models.PositiveIntegerField(default=0)
    # How many times `import_recover` re-queued the job after its worker died.
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Her header row: {"header_row", "headers", "fields" (a field key or "" per column), "samples",
    # "chosen" (the officer mapped the columns herself)}.
    layout = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("lần nhập dữ liệu")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        target = self.valid_rows if self.mode == ImportMode.VALID_ONLY else self.total_rows
        if not target:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, round(100 * self.processed_rows / target))


class ImportColumnMapping(BaseModel):
    """How an officer mapped the columns of a list with these headers (a commune keeps its layout),
    offered again for the next file with the same headers. `kind` is an ImportKind or another list
    (the devices inventory); `commune` is empty for a list that belongs to no commune."""

    commune = models.ForeignKey(
        "places.Commune", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("loại danh sách"), max_length=20)
    signature = models.CharField(max_length=64)
    headers = models.JSONField(default=list)  # her headers as written
    fields = models.JSONField(default=list)  # a field key, or "" for an ignored column, per header
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("cách ghép cột khi nhập")
        verbose_name_plural = _("cách ghép cột khi nhập")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "kind", "signature"], name="import_mapping_one_per_layout"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {', '.join(self.headers)[:80]}"


class CommuneChangeCounter(models.Model):
    """A number that grows with every change a phone's worklist could show (households, people,
    assignments, visits, skills) in one commune. Phones download "what changed since N" with it, never
    with their own clocks. The row is locked by the transaction that bumps it until that commits, so
    within a commune the numbers become visible in order and a reader cannot skip one."""

    commune = models.OneToOneField(
        "places.Commune", primary_key=True, on_delete=models.CASCADE, related_name="change_counter"
    )
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("số thứ tự thay đổi")
        verbose_name_plural = _("số thứ tự thay đổi")

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.value}"


def _names_village(address: str, village_name: str) -> bool:
    """Whether the address already names the village, as whole words: "Số nhà 12, bản Cáu" names "Thôn
    Bản Cáu" and "số 5, thôn 03" names "Thôn 3", but "Số nhà 13" does not name "Thôn 3" (a number alone
    is not a village's name; most villages are numbered) nor does "đường Cầu Giấy" name "Thôn Bản Cáu"."""
    words = f" {village_key(address)} "
    # The whole name, and the name without its kind word; dropping more ("Bản Cáu" -> "Cáu") or
    # keeping only a number would match unrelated words of the address.
    return any(
        f" {key} " in words
        for key in village_keys(village_name)[:2]
        if key and not key.replace(" ", "").isdigit()
    )
