"""The national tier's tables. Two sides of one exchange, in one app so a release carries both:

- on a province's instance, `OutgoingPackage`: each day's package as built and signed, and whether the
  national instance acknowledged it;
- on the national instance, `ProvinceKey` (registered by an administrator), `ReceivedPackage` (one per
  province and day, the version kept), `ReceivedVillage` (a village's code and its label, to show in a
  drill-down) and `ReceivedCount` (a count per village or commune, fact and day).

Only unit codes, dates, versions and counts: no table here has a column for a person (name, CCCD,
phone, birth date, person id); `tests/test_two_instances.py` checks the fields and the stored values.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from langso.national.keys import validate_public_key


class OutgoingPackage(models.Model):
    """A province's package for one day (province side)."""

    province_code = models.PositiveIntegerField(_("mã tỉnh"))
    day = models.DateField(_("ngày số liệu"))
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    dictionary = models.CharField(_("phiên bản từ điển dữ liệu"), max_length=40)
    # The signed envelope as sent (JSON text): a resend sends the same bytes.
    envelope = models.TextField(_("gói đã ký"))
    digest = models.CharField(
        _("mã kiểm tra"), max_length=64
    )  # SHA-256 of the package's counts: a rebuild that changes
    built_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)  # nothing keeps the version
    acknowledged_at = models.DateTimeField(_("quốc gia xác nhận lúc"), null=True, blank=True)
    acknowledgement = models.CharField(_("trả lời của quốc gia"), max_length=20, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(_("lỗi lần gửi gần nhất"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("gói số liệu gửi quốc gia")
        verbose_name_plural = _("gói số liệu gửi quốc gia")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["province_code", "day"], name="national_outgoing_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.province_code} {self.day} v{self.version}"


class ProvinceKey(models.Model):
    """How the national instance checks a province's packages (national side), registered by an
    administrator: the province's Ed25519 public key (it verifies, it cannot sign) and, while the
    province moves to Ed25519, the HMAC secret it shares with the province (empty: HMAC refused)."""

    province_code = models.PositiveIntegerField(_("mã tỉnh"), primary_key=True)
    public_key = models.CharField(
        _("khóa công khai Ed25519"),
        max_length=100,
        blank=True,
        validators=[validate_public_key],
        help_text=_("44 ký tự base64 do lệnh national_keygen in ra trên máy chủ của tỉnh."),
    )
    secret = models.CharField(
        _("khóa bí mật dùng chung"),
        max_length=200,
        blank=True,
        help_text=_(
            "Chỉ dùng trong thời gian tỉnh chuyển sang Ed25519; để trống thì gói ký kiểu cũ bị từ chối."
        ),
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)
    registered_at = models.DateTimeField(_("đăng ký lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("khóa ký của tỉnh")
        verbose_name_plural = _("khóa ký của tỉnh")

    def __str__(self) -> str:
        return str(self.province_code)


class Via(models.TextChoices):
    HTTP = "http", _("Gửi qua mạng")
    FILE = "file", _("Nhập từ tệp")


class ReceivedPackage(models.Model):
    """The package of one province for one day as stored (national side): the latest version."""

    province_code = models.PositiveIntegerField(_("mã tỉnh"))
    day = models.DateField(_("ngày số liệu"))
    version = models.PositiveIntegerField(_("phiên bản"))
    dictionary = models.CharField(_("phiên bản từ điển dữ liệu"), max_length=40)
    digest = models.CharField(_("mã kiểm tra"), max_length=64)
    via = models.CharField(_("nhận qua"), max_length=10, choices=Via.choices, default=Via.HTTP)
    received_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gói số liệu của tỉnh")
        verbose_name_plural = _("gói số liệu của tỉnh")
        ordering = ["-day", "province_code"]
        constraints = [
            models.UniqueConstraint(fields=["province_code", "day"], name="national_received_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.province_code} {self.day} v{self.version}"


class ReceivedVillage(models.Model):
    """A village as a unit: its code (the province's village id) and label, never its people."""

    code = models.CharField(_("mã thôn"), max_length=36, primary_key=True)
    province_code = models.PositiveIntegerField()
    commune_code = models.PositiveIntegerField(db_index=True)
    label = models.CharField(_("tên thôn/bản"), max_length=100)

    def __str__(self) -> str:
        return self.label


class ReceivedCount(models.Model):
    """One count of a day's package: a fact for a village (or for a commune, a commune-level fact)."""

    package = models.ForeignKey(
        ReceivedPackage, on_delete=models.CASCADE, related_name="counts", verbose_name=_("gói số liệu")
    )
    fact = models.CharField(_("số liệu"), max_length=80)
    commune_code = models.PositiveIntegerField()
    village_code = models.CharField(_("mã thôn"), max_length=36, blank=True)  # empty: a commune-level count
    count = models.BigIntegerField(_("số đếm"))

    class Meta:
        indexes = [models.Index(fields=["package", "fact"], name="national_count_fact")]

    def __str__(self) -> str:
        return f"{self.fact} {self.commune_code}/{self.village_code}: {self.count}"


class NationalSplit(models.TextChoices):
    """How the country's count target (e.g. home visits a week) becomes each province's share."""

    ADULTS = "adults", _("Chia theo số người trưởng thành")
    HOUSEHOLDS = "households", _("Chia theo số hộ")
    MANUAL = "manual", _("Giao riêng cho từng tỉnh")


class NationalTarget(models.Model):
    """A target national staff set for the country (`province_code` empty), or a province's own.

    The rules are the province campaigns' (`campaigns.targets`): a rate applies to every unit as it is;
    a count is the country's total, each province judged against its share (its own when set by hand,
    else the rest split by `split`), each commune and village against its part of that share. Weights
    come from the received counts (adults, households), never from a person."""

    indicator = models.ForeignKey(
        "campaigns.Indicator", on_delete=models.PROTECT, related_name="+", verbose_name=_("chỉ số")
    )
    province_code = models.PositiveIntegerField(_("mã tỉnh"), null=True, blank=True)
    value = models.DecimalField(_("chỉ tiêu"), max_digits=12, decimal_places=2)
    deadline = models.DateField(_("hạn"))
    split = models.CharField(
        _("cách chia chỉ tiêu số lượng cho các tỉnh"),
        max_length=12,
        choices=NationalSplit.choices,
        default=NationalSplit.ADULTS,
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("chỉ tiêu quốc gia")
        verbose_name_plural = _("chỉ tiêu quốc gia")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator"],
                condition=models.Q(province_code__isnull=True),
                name="national_target_once_for_country",
            ),
            models.UniqueConstraint(
                fields=["indicator", "province_code"], name="national_target_once_per_province"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.province_code or 'VN'} ≥ {self.value}"

    @property
    def value_text(self) -> str:
        """The target as people write it: "99,5 %", "60 %", "1.200" (no trailing zeros)."""
        from django.utils.formats import number_format

        value = self.value.normalize()
        places = max(0, -int(value.as_tuple().exponent))
        shown = number_format(value, places, use_l10n=True, force_grouping=True)
        return f"{shown} %" if self.indicator.display == "percent" else shown


class NationalWeeklyReport(models.Model):
    """The country's weekly report (Monday to Sunday) as a PDF, made from the received daily counts:
    made once per week by the schedule, again (replacing it) when national staff ask for it. Kept in
    the database like the provinces' reports (`campaigns.WeeklyReport`)."""

    week_start = models.DateField(_("tuần bắt đầu"), unique=True)
    as_of = models.DateField(_("số liệu đến ngày"), null=True, blank=True)
    previous_as_of = models.DateField(_("số liệu tuần trước đến ngày"), null=True, blank=True)
    pdf = models.BinaryField(_("tệp PDF"), editable=False)
    generated_at = models.DateTimeField(_("lập lúc"), auto_now=True)

    class Meta:
        verbose_name = _("báo cáo tuần toàn quốc")
        verbose_name_plural = _("báo cáo tuần toàn quốc")
        ordering = ["-week_start"]

    def __str__(self) -> str:
        return f"{self.week_start:%d/%m/%Y}"
