"""Administrative units: province → commune/ward/special zone → village (created by each commune)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from langso.core.models import BaseModel


class Province(models.Model):
    code = models.PositiveIntegerField(_("mã tỉnh"), primary_key=True)
    name = models.CharField(_("tên"), max_length=100)
    division_type = models.CharField(_("loại"), max_length=40)
    codename = models.SlugField(max_length=60, unique=True)
    sort_key = models.CharField(max_length=250, db_index=True, editable=False)

    class Meta:
        verbose_name = _("tỉnh/thành phố")
        verbose_name_plural = _("tỉnh/thành phố")
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    code = models.PositiveIntegerField(_("mã xã"), primary_key=True)
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh/thành phố"), on_delete=models.PROTECT, related_name="communes"
    )
    name = models.CharField(_("tên"), max_length=100)
    division_type = models.CharField(_("loại"), max_length=40)
    codename = models.CharField(max_length=80)
    name_folded = models.CharField(max_length=100, db_index=True, editable=False)
    sort_key = models.CharField(max_length=250, db_index=True, editable=False)

    class Meta:
        verbose_name = _("xã/phường/đặc khu")
        verbose_name_plural = _("xã/phường/đặc khu")
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:commune", args=[self.code])


class VillageKind(models.TextChoices):
    THON = "thon", _("Thôn")
    BAN = "ban", _("Bản")
    BUON = "buon", _("Buôn")
    AP = "ap", _("Ấp")
    TO_DAN_PHO = "to_dan_pho", _("Tổ dân phố")
    KHU_PHO = "khu_pho", _("Khu phố")
    OTHER = "other", _("Khác")


class Coverage(models.TextChoices):
    YES = "yes", _("Có")
    PARTIAL = "partial", _("Một phần")
    NO = "no", _("Không")
    UNKNOWN = "unknown", _("Chưa rõ")


class Village(BaseModel):
    commune = models.ForeignKey(
        Commune, verbose_name=_("xã/phường"), on_delete=models.PROTECT, related_name="villages"
    )
    name = models.CharField(_("tên thôn/bản/tổ dân phố"), max_length=100)
    kind = models.CharField(_("loại"), max_length=20, choices=VillageKind.choices, default=VillageKind.THON)
    broadband = models.CharField(
        _("Internet cáp quang"), max_length=10, choices=Coverage.choices, default=Coverage.UNKNOWN
    )
    mobile_4g = models.CharField(
        _("sóng 4G"), max_length=10, choices=Coverage.choices, default=Coverage.UNKNOWN
    )
    mobile_5g = models.CharField(
        _("sóng 5G"), max_length=10, choices=Coverage.choices, default=Coverage.UNKNOWN
    )
    coverage_checked_on = models.DateField(_("ngày kiểm tra phủ sóng"), null=True, blank=True)
    name_folded = models.CharField(max_length=100, editable=False)
    sort_key = models.CharField(max_length=250, editable=False)

    class Meta:
        verbose_name = _("thôn/bản/tổ dân phố")
        verbose_name_plural = _("thôn/bản/tổ dân phố")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "name_folded"], name="village_unique_name_per_commune"
            ),
        ]
        indexes = [models.Index(fields=["commune", "sort_key"], name="village_commune_sort")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:village", args=[self.pk])
