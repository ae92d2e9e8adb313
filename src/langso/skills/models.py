"""The digital-skills catalogue (versioned data, editable by province staff) and each person's record.

A skill record points at the skill row of the catalogue version in force when it was made, so a later
version never changes what an old record meant. Skills keep a stable `code` across versions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from langso.core.models import BaseModel


class SkillArea(models.TextChoices):
    DEVICE = "device", _("Sử dụng điện thoại thông minh")
    COMMUNICATION = "communication", _("Giao tiếp, kết nối")
    INFORMATION = "information", _("Tìm kiếm và đánh giá thông tin")
    PUBLIC_SERVICES = "public_services", _("Định danh điện tử và dịch vụ công")
    MONEY = "money", _("Thanh toán không dùng tiền mặt")
    LIVELIHOOD = "livelihood", _("Sinh kế số")
    SAFETY = "safety", _("An toàn trên không gian mạng")


class VnDomain(models.IntegerChoices):
    """The six domains of Vietnam's digital competence framework (Thông tư 02/2025/TT-BGDĐT)."""

    DATA = 1, _("Khai thác dữ liệu và thông tin")
    COMMUNICATION = 2, _("Giao tiếp và hợp tác trong môi trường số")
    CONTENT = 3, _("Sáng tạo nội dung số")
    SAFETY = 4, _("An toàn")
    PROBLEM_SOLVING = 5, _("Giải quyết vấn đề")
    AI = 6, _("Ứng dụng trí tuệ nhân tạo")


class BasicSkill(models.TextChoices):
    """The "5 basic skills" community teams teach, one person per household."""

    PUBLIC_SERVICES = "public_services", _("Dịch vụ công trực tuyến")
    SHOPPING = "shopping", _("Mua bán trực tuyến")
    PAYMENT = "payment", _("Thanh toán trực tuyến")
    SAFETY = "safety", _("An toàn trên không gian mạng")
    LOCAL_PLATFORMS = "local_platforms", _("Nền tảng số của địa phương")


class CatalogueStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đang dùng")
    RETIRED = "retired", _("Đã thay thế")


class CatalogueVersion(models.Model):
    number = models.PositiveIntegerField(_("phiên bản"), unique=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=CatalogueStatus.choices, default=CatalogueStatus.DRAFT
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("ngày áp dụng"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The fingerprint of the shipped catalogue file this version was installed or drafted from
    # (langso.core.content.content_hash): tells the install step after `migrate` whether the shipped
    # catalogue changed since. Empty for versions made before it was recorded.
    shipped_hash = models.CharField(_("bản gốc đi kèm phần mềm"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("phiên bản danh mục kỹ năng")
        verbose_name_plural = _("phiên bản danh mục kỹ năng")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="published"), name="one_published_catalogue"
            ),
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="draft"), name="one_draft_catalogue"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number} ({self.get_status_display()})"


class Skill(models.Model):
    version = models.ForeignKey(CatalogueVersion, on_delete=models.PROTECT, related_name="skills")
    code = models.SlugField(_("mã kỹ năng"), max_length=50)
    area = models.CharField(_("nhóm"), max_length=20, choices=SkillArea.choices)
    name = models.CharField(_("tên (tiếng Việt)"), max_length=120)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=120)
    description = models.TextField(_("mô tả (tiếng Việt)"), blank=True)
    description_en = models.TextField(_("mô tả (tiếng Anh)"), blank=True)
    digcomp = models.CharField(_("năng lực DigComp 2.2"), max_length=4, help_text=_("ví dụ 2.1"))
    vn_domain = models.PositiveSmallIntegerField(_("miền năng lực số (TT 02/2025)"), choices=VnDomain.choices)
    basic_skill = models.CharField(
        _("thuộc 5 kỹ năng cơ bản"), max_length=20, choices=BasicSkill.choices, blank=True
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("kỹ năng số")
        verbose_name_plural = _("kỹ năng số")
        ordering = ["version", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="skill_code_unique_per_version")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def digcomp_area(self) -> str:
        return self.digcomp.split(".")[0]

    def display_name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Level(models.IntegerChoices):
    INTRODUCED = 1, _("Đã được giới thiệu")
    WITH_HELP = 2, _("Làm được khi có người giúp")
    ALONE = 3, _("Tự làm được")
    TEACHES = 4, _("Hướng dẫn được người khác")


class Evidence(models.TextChoices):
    OBSERVED = "observed", _("Thành viên tổ quan sát")
    QUIZ = "quiz", _("Bài kiểm tra")
    SELF = "self", _("Tự khai")
    CERTIFICATE = "certificate", _("Chứng nhận của nền tảng học tập")
    GROUP = "group", _("Buổi học cộng đồng")
    # The commune police's list of VNeID level-2 activations (langso.outside_lists): they did it in person.
    POLICE = "police", _("Danh sách công an xã")


# When two records share a date, stronger evidence decides the current level. A level set for a whole
# group at once is weaker than a member watching one person do it, stronger than the person's word.
EVIDENCE_STRENGTH: dict[str, int] = {
    Evidence.SELF: 0,
    Evidence.GROUP: 1,
    Evidence.OBSERVED: 2,
    Evidence.QUIZ: 3,
    Evidence.CERTIFICATE: 4,
    Evidence.POLICE: 4,
}


class CountedSkillRecords(models.Manager["SkillRecord"]):
    """Records that count: a voided record stays in the history but no level, number or rule sees it."""

    def get_queryset(self) -> models.QuerySet[SkillRecord]:
        return super().get_queryset().filter(voided_at__isnull=True)


class SkillRecord(BaseModel):
    """One observation of one person's level in one skill. Never edited: history is the record. A wrong
    one is voided with a reason (who, when, why kept), which takes it out of every level and number."""

    resident = models.ForeignKey("registry.Resident", on_delete=models.CASCADE, related_name="skill_records")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="records")
    skill_code = models.SlugField(max_length=50, editable=False)
    level = models.PositiveSmallIntegerField(_("mức độ"), choices=Level.choices)
    evidence = models.CharField(_("minh chứng"), max_length=12, choices=Evidence.choices)
    recorded_on = models.DateField(_("ngày ghi nhận"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    # Copied from the person, so jurisdiction filters and rollups need no join (and can be partitioned).
    province = models.ForeignKey(
        "places.Province", on_delete=models.PROTECT, related_name="+", editable=False
    )
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+", editable=False)
    village = models.ForeignKey("places.Village", on_delete=models.PROTECT, related_name="+", editable=False)
    voided_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    void_reason = models.CharField(_("lý do hủy"), max_length=300, blank=True)

    objects = CountedSkillRecords()
    with_voided = models.Manager()

    class Meta:
        verbose_name = _("ghi nhận kỹ năng")
        verbose_name_plural = _("ghi nhận kỹ năng")
        base_manager_name = "with_voided"
        ordering = ["resident", "skill_code", "recorded_on", "created_at"]
        indexes = [
            models.Index(fields=["resident", "skill_code", "recorded_on"], name="skillrecord_resident_skill"),
            models.Index(fields=["province", "commune", "village"], name="skillrecord_units"),
        ]

    def __str__(self) -> str:
        # The skill's name, not its code: this text is what the audit trail keeps of the record.
        name = self.skill.name if self.skill_id else self.skill_code
        return f"{name}: {self.get_level_display()}"


class RuleKind(models.TextChoices):
    DIGITAL_CITIZEN = "digital_citizen", _("Công dân số")
    HOUSEHOLD_BASIC_SKILLS = "household_basic", _("Hộ có người thành thạo 5 kỹ năng cơ bản")


class SkillRule(models.Model):
    """A configurable rule over a person's facts. One row per kind and scope (country-wide, or a province)."""

    kind = models.CharField(_("loại quy tắc"), max_length=20, choices=RuleKind.choices)
    province = models.ForeignKey(
        "places.Province", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    requires_smartphone = models.BooleanField(_("phải có điện thoại thông minh"), default=True)
    # {skill code: minimum level}; for the household rule, the basic skills every proficient member needs.
    required_levels = models.JSONField(_("kỹ năng và mức tối thiểu"), default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("quy tắc đánh giá")
        verbose_name_plural = _("quy tắc đánh giá")
        constraints = [
            models.UniqueConstraint(fields=["kind", "province"], name="skill_rule_unique_per_scope"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(province__isnull=True), name="skill_rule_one_national"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.province or _('toàn quốc')}"


class CurrentSkillLevel(models.Model):
    """The derived current level of one skill for one person, kept up to date by the skill services
    so that counts per unit are one GROUP BY instead of a walk through every history."""

    resident = models.ForeignKey(
        "registry.Resident", on_delete=models.CASCADE, related_name="current_skill_levels"
    )
    skill_code = models.SlugField(max_length=50)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    evidence = models.CharField(max_length=12, choices=Evidence.choices)
    recorded_on = models.DateField()
    province = models.ForeignKey("places.Province", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("places.Village", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("mức kỹ năng hiện tại")
        verbose_name_plural = _("mức kỹ năng hiện tại")
        constraints = [
            models.UniqueConstraint(fields=["resident", "skill_code"], name="current_level_one_per_skill")
        ]
        indexes = [
            models.Index(fields=["province", "commune", "skill_code", "level"], name="current_level_units")
        ]

    def __str__(self) -> str:
        return f"{self.skill_code}={self.level}"


class CitizenAccessCode(models.Model):
    """A one-time code a team member gives a person so they can see their own progress.

    Only a keyed hash of the code is stored (the code is shown once, when it is made). A new code
    replaces any unused one of the same person, so a person has at most one active code.
    """

    resident = models.ForeignKey("registry.Resident", on_delete=models.CASCADE, related_name="access_codes")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    used_at = models.DateTimeField(_("đã dùng lúc"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("bị thay lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã một lần của người dân")
        verbose_name_plural = _("mã một lần của người dân")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(used_at__isnull=True, replaced_at__isnull=True),
                name="one_open_access_code_per_resident",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.created_at:%d/%m/%Y %H:%M}"


class CertificateProgramme(models.Model):
    """A certificate and the levels it asks for, e.g. the 5 basic skills at "can do alone"."""

    name = models.CharField(_("tên (tiếng Việt)"), max_length=160)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=160, blank=True)
    issuer = models.CharField(_("đơn vị cấp"), max_length=200)
    # {skill code: minimum level}
    required_levels = models.JSONField(_("kỹ năng và mức tối thiểu"), default=dict)
    active = models.BooleanField(_("đang cấp"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("loại chứng nhận")
        verbose_name_plural = _("loại chứng nhận")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Certificate(BaseModel):
    """A certificate issued to one person. What it states is a snapshot taken when it was issued."""

    resident = models.ForeignKey("registry.Resident", on_delete=models.CASCADE, related_name="certificates")
    programme = models.ForeignKey(CertificateProgramme, on_delete=models.PROTECT, related_name="certificates")
    verification_code = models.CharField(_("mã xác minh"), max_length=16, unique=True, editable=False)
    holder_name = models.CharField(_("họ và tên"), max_length=100)
    issued_on = models.DateField(_("ngày cấp"))
    # [{"code": ..., "name": ..., "name_en": ..., "level": n}, ...] as they were on the day of issue.
    skills = models.JSONField(_("kỹ năng"), default=list)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_reason = models.CharField(_("lý do thu hồi"), max_length=300, blank=True)
    province = models.ForeignKey(
        "places.Province", on_delete=models.PROTECT, related_name="+", editable=False
    )
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+", editable=False)
    village = models.ForeignKey("places.Village", on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta:
        verbose_name = _("chứng nhận")
        verbose_name_plural = _("chứng nhận")
        ordering = ["-issued_on", "-created_at"]
        constraints = [
            # Issued once: two concurrent checks cannot both insert (the database refuses the second).
            models.UniqueConstraint(
                fields=["resident", "programme"],
                condition=Q(revoked_at__isnull=True),
                name="one_valid_certificate_per_programme",
            )
        ]
        indexes = [models.Index(fields=["province", "commune", "village"], name="certificate_units")]

    def __str__(self) -> str:
        return f"{self.programme} — {self.verification_code}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
