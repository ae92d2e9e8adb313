"""Indicators (as data), their daily snapshots, campaigns and targets, steering committees."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    VILLAGE = "village", _("Thôn/bản")
    COMMUNE = "commune", _("Xã/phường")
    PROVINCE = "province", _("Tỉnh/thành phố")
    COUNTRY = "country", _("Toàn quốc")


class Display(models.TextChoices):
    PERCENT = "percent", _("Tỉ lệ phần trăm")
    COUNT = "count", _("Số lượng")
    AVERAGE = "average", _("Trung bình")


class Indicator(models.Model):
    """A numerator and an optional denominator, each a fact of `langso.campaigns.facts` with its
    parameters. Without a denominator the indicator is a count (e.g. visits this week)."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên (tiếng Việt)"), max_length=200)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=200, blank=True)
    description = models.TextField(_("mô tả (tiếng Việt)"), blank=True)
    description_en = models.TextField(_("mô tả (tiếng Anh)"), blank=True)
    numerator = models.CharField(_("tử số"), max_length=60)
    numerator_params = models.JSONField(_("tham số tử số"), default=dict, blank=True)
    denominator = models.CharField(_("mẫu số"), max_length=60, blank=True)
    denominator_params = models.JSONField(_("tham số mẫu số"), default=dict, blank=True)
    # The lowest unit level the indicator means something at (a commune's steering committee has no
    # village value); it also applies to every level above.
    lowest_level = models.CharField(
        _("cấp thấp nhất"), max_length=10, choices=UnitLevel.choices, default=UnitLevel.VILLAGE
    )
    display = models.CharField(_("cách hiển thị"), max_length=10, choices=Display.choices, default="percent")
    higher_is_better = models.BooleanField(_("càng cao càng tốt"), default=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    # The fingerprint of the shipped version this row was installed from (campaigns.shipped.row_hash):
    # the install step after `migrate` updates a row only while it still equals that version.
    shipped_hash = models.CharField(_("bản gốc đi kèm phần mềm"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class IndicatorSnapshot(models.Model):
    """An indicator's value for one unit at the end of one day, kept so trends and "as of" reports
    stay exact when the registry changes later."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="snapshots")
    day = models.DateField()
    level = models.CharField(max_length=10, choices=UnitLevel.choices)
    unit = models.CharField(max_length=40)  # village UUID, commune or province code, or "VN"
    province_code = models.PositiveIntegerField(null=True)  # to read one province's rows quickly
    numerator = models.BigIntegerField()
    denominator = models.BigIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "day", "level", "unit"], name="snapshot_once_per_day"
            )
        ]
        indexes = [
            models.Index(fields=["indicator", "level", "province_code", "day"], name="snapshot_lookup"),
            models.Index(fields=["level", "unit", "day"], name="snapshot_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.level}:{self.unit} {self.day}"


class SteeringCommittee(models.Model):
    """A commune's steering committee for the digital transformation movement."""

    commune = models.OneToOneField(
        "places.Commune", on_delete=models.CASCADE, related_name="steering_committee"
    )
    established_on = models.DateField(_("ngày thành lập"))
    decision = models.CharField(_("số quyết định"), max_length=60, blank=True)
    chair = models.CharField(_("trưởng ban"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("ban chỉ đạo cấp xã")
        verbose_name_plural = _("ban chỉ đạo cấp xã")

    def __str__(self) -> str:
        return str(self.commune)


class Campaign(models.Model):
    name = models.CharField(_("tên chiến dịch"), max_length=200)
    province = models.ForeignKey("places.Province", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("ngày bắt đầu"))
    ends_on = models.DateField(_("ngày kết thúc"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chiến dịch")
        verbose_name_plural = _("chiến dịch")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.name


class Split(models.TextChoices):
    """How a province's count target (e.g. 20 home visits a week) becomes each commune's share."""

    ADULTS = "adults", _("Chia theo số người trưởng thành")
    HOUSEHOLDS = "households", _("Chia theo số hộ")
    MANUAL = "manual", _("Giao riêng cho từng xã")


class Target(models.Model):
    """An indicator, a value and a deadline, for the whole province; a commune may get its own.

    A rate (a percentage) applies to every level as it is. A count is the province's total: each
    commune is judged against its share (its own target when set by hand, else the rest of the total
    split by `split`), and each village against its share of its commune's (see `targets.shares`)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("chỉ tiêu"), max_digits=12, decimal_places=2)
    deadline = models.DateField(_("hạn"))
    split = models.CharField(
        _("cách chia chỉ tiêu số lượng cho các xã"),
        max_length=12,
        choices=Split.choices,
        default=Split.ADULTS,
    )
    # Empty: the province-wide target. Set: this commune's override (for a count: its share by hand).
    commune = models.ForeignKey(
        "places.Commune", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "indicator"],
                condition=models.Q(commune__isnull=True),
                name="target_once_per_campaign",
            ),
            models.UniqueConstraint(
                fields=["campaign", "indicator", "commune"], name="target_override_once_per_commune"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} ≥ {self.value}"


class CurrentValue(models.Model):
    """Today's value of an indicator for one village or commune, kept fresh village by village (see
    `langso.campaigns.rollups`): a commune's row is the sum of its `VillagePart`s. Provinces and the
    country are sums of their communes' rows."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10, choices=UnitLevel.choices)
    unit = models.CharField(max_length=40)
    commune_code = models.PositiveIntegerField()
    province_code = models.PositiveIntegerField()
    numerator = models.BigIntegerField()
    denominator = models.BigIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "level", "unit"], name="current_value_once")
        ]
        indexes = [
            models.Index(fields=["level", "province_code", "indicator"], name="current_value_province"),
            models.Index(fields=["commune_code"], name="current_value_commune"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.level}:{self.unit}"


class CommuneRollup(models.Model):
    """When the commune's current values were brought up to date: the day they are for (another day →
    recomputed whole) and the commune's change sequence number then (part of the dashboards' cache key).
    What changed since is in `ChangedVillage`."""

    commune = models.OneToOneField(
        "places.Commune", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    change_value = models.BigIntegerField()
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.commune_id} {self.day} #{self.change_value}"


class WeeklyReport(models.Model):
    """The steering committee's report of one campaign for one week (Monday to Sunday), kept so it
    can be downloaded later. Made once per campaign and week by the schedule (re-running it changes
    nothing) and made again, replacing it, when an officer generates it with a new comment.

    The files live in the database, not under MEDIA: they are small (tens of kilobytes), the database
    is what a province backs up and replicates already, app servers keep no files of their own, and a
    download goes through the same scoped view as the dashboard rather than a public media address."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="weekly_reports")
    province = models.ForeignKey("places.Province", on_delete=models.PROTECT, related_name="+")
    week_start = models.DateField(_("tuần bắt đầu"))
    as_of = models.DateField(_("số liệu đến ngày"))
    comment = models.TextField(_("ý kiến"), blank=True)
    pdf = models.BinaryField(editable=False)
    xlsx = models.BinaryField(editable=False)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    generated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("báo cáo tuần")
        verbose_name_plural = _("báo cáo tuần")
        ordering = ["-week_start", "campaign_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "week_start"], name="weekly_report_once_per_week")
        ]
        indexes = [models.Index(fields=["province", "week_start"], name="weekly_report_province")]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.week_start:%d/%m/%Y}"


class VillagePart(models.Model):
    """One village's part of an indicator's numbers (or, with `village` empty, the part of the commune
    that belongs to no village), kept for every indicator whatever its lowest level: a commune's value is
    the sum of its parts, so a change recomputes only the villages it touched (`campaigns.rollups`)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", verbose_name=_("chỉ số")
    )
    commune_code = models.PositiveIntegerField(_("mã xã"))
    village = models.CharField(_("thôn/bản"), max_length=40, blank=True)  # "" = the commune's own part
    numerator = models.BigIntegerField(_("tử số"))
    denominator = models.BigIntegerField(_("mẫu số"), null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "commune_code", "village"], name="village_part_once")
        ]
        indexes = [
            models.Index(fields=["commune_code", "village"], name="village_part_commune"),
            # A village's parts are replaced wherever they were (a village can move to another commune).
            models.Index(fields=["village"], name="village_part_village"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.commune_code}:{self.village or '-'}"


class ChangedVillage(models.Model):
    """A village (or the commune's own part, or the whole commune) changed since its numbers were
    stored: appended by database triggers (`campaigns.village_changes`), consumed by the refresh."""

    commune_id = models.PositiveIntegerField(_("mã xã"))
    village = models.CharField(_("thôn/bản"), max_length=40, blank=True)  # "" own part, "*" whole commune

    class Meta:
        indexes = [models.Index(fields=["commune_id"], name="changed_village_commune")]

    def __str__(self) -> str:
        return f"{self.commune_id}:{self.village or '-'}"
