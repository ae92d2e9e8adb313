"""Step-by-step guides that teach one skill each, with a short quiz.

A guide is keyed by the skill's stable `skill_code`, so it serves every catalogue version of that skill.
Guides are public content: nothing personal lives here.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Guide(models.Model):
    skill_code = models.SlugField(_("mã kỹ năng"), max_length=50, unique=True)
    title = models.CharField(_("tiêu đề (tiếng Việt)"), max_length=160)
    title_en = models.CharField(_("tiêu đề (tiếng Anh)"), max_length=160, blank=True)
    summary = models.CharField(_("tóm tắt (tiếng Việt)"), max_length=300, blank=True)
    summary_en = models.CharField(_("tóm tắt (tiếng Anh)"), max_length=300, blank=True)
    # Correct answers needed to pass the quiz; 0 means "all but one" (at least 2).
    pass_mark = models.PositiveSmallIntegerField(_("số câu đúng để đạt"), default=0)
    # Set once province staff save the guide: from then on the shipped default content never
    # overwrites it (install_default_guides refreshes only untouched guides).
    edited = models.BooleanField(_("đã được cán bộ sửa"), default=False)
    # The fingerprint of the shipped file this guide was installed from (or last reviewed against):
    # when the file changes, an untouched guide follows it and an edited one is flagged for review.
    shipped_hash = models.CharField(_("bản gốc đi kèm phần mềm"), max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("hướng dẫn")
        verbose_name_plural = _("hướng dẫn")
        ordering = ["skill_code"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("guides:guide", args=[self.skill_code])

    def display(self, field: str, language: str) -> str:
        """The English text of `field` when English is chosen and written, else the Vietnamese."""
        english = getattr(self, f"{field}_en", "") if language == "en" else ""
        return english or getattr(self, field)


class GuideStep(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("bước"))
    text = models.CharField(_("nội dung (tiếng Việt)"), max_length=400)
    text_en = models.CharField(_("nội dung (tiếng Anh)"), max_length=400, blank=True)
    # A small description of a phone screen, drawn as SVG by langso.guides.illustrations.
    illustration = models.JSONField(_("hình minh họa"), default=dict, blank=True)
    # The reading of `text`, made offline by the speech engine (MP3). Kept in the database so that
    # app servers stay stateless and a backup holds it; regenerated when the text changes.
    audio = models.BinaryField(_("bản đọc"), null=True, blank=True, editable=False)
    audio_text_hash = models.CharField(max_length=64, blank=True, editable=False)
    audio_seconds = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("bước hướng dẫn")
        verbose_name_plural = _("bước hướng dẫn")
        ordering = ["guide", "number"]
        constraints = [models.UniqueConstraint(fields=["guide", "number"], name="guide_step_number_unique")]

    def __str__(self) -> str:
        return f"{self.guide.skill_code} #{self.number}"


class QuizQuestion(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField(_("câu"))
    prompt = models.CharField(_("câu hỏi (tiếng Việt)"), max_length=300)
    prompt_en = models.CharField(_("câu hỏi (tiếng Anh)"), max_length=300, blank=True)
    # [{"vi": "...", "en": "..."}, ...]: 2 to 4 choices.
    choices = models.JSONField(_("các lựa chọn"), default=list)
    correct = models.PositiveSmallIntegerField(_("đáp án đúng (thứ tự, từ 0)"))
    explanation = models.CharField(_("giải thích (tiếng Việt)"), max_length=300, blank=True)
    explanation_en = models.CharField(_("giải thích (tiếng Anh)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("câu hỏi kiểm tra")
        verbose_name_plural = _("câu hỏi kiểm tra")
        ordering = ["guide", "number"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "number"], name="quiz_question_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.guide.skill_code} Q{self.number}"


class GuideLanguage(models.Model):
    """A language a guide can be read and heard in. The list is data (seeded with the languages of the
    Central Highlands and the northern mountains); the province switches on the ones its people speak.
    Vietnamese is a row too, so that a recorded Vietnamese reading can replace eSpeak's; its text is
    the guide's own (GuideStep.text), never a translation."""

    VIETNAMESE = "vi"

    code = models.SlugField(_("mã"), max_length=12, primary_key=True)
    name = models.CharField(_("tên tiếng"), max_length=60)
    # The BCP 47 tag for the page's lang attribute (screen readers, fonts); "" when none is known.
    tag = models.CharField(_("mã BCP 47"), max_length=20, blank=True)
    active = models.BooleanField(_("đang dùng"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tiếng của hướng dẫn")
        verbose_name_plural = _("tiếng của hướng dẫn")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_vietnamese(self) -> bool:
        return self.code == self.VIETNAMESE


class GuideTranslation(models.Model):
    """A guide's title and summary in one language, typed by a translator."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="translations")
    language = models.ForeignKey(GuideLanguage, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("tiêu đề"), max_length=160)
    summary = models.CharField(_("tóm tắt"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["guide", "language"], name="guide_translation_unique")]

    def __str__(self) -> str:
        return f"{self.guide_id} [{self.language_id}]"


class StepTranslation(models.Model):
    """One step's text in one language, typed by a translator."""

    step = models.ForeignKey(GuideStep, on_delete=models.CASCADE, related_name="translations")
    language = models.ForeignKey(GuideLanguage, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("nội dung"), max_length=400)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["step", "language"], name="step_translation_unique")]

    def __str__(self) -> str:
        return f"{self.step_id} [{self.language_id}]"


class RecordingStatus(models.TextChoices):
    PENDING = "pending", _("chờ duyệt")
    APPROVED = "approved", _("đã duyệt")
    REJECTED = "rejected", _("bị từ chối")
    REPLACED = "replaced", _("đã được thay")


class StepRecording(models.Model):
    """A team member's recorded reading of one step in one language (Opus/WebM, Ogg or AAC/MP4).

    Published only once province staff approve it; at most one approved recording per step and
    language. It reads the text it was recorded against (`text`): when the step's text in that
    language changes, the recording is no longer shown until someone records the new text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    step = models.ForeignKey(GuideStep, on_delete=models.CASCADE, related_name="recordings")
    language = models.ForeignKey(GuideLanguage, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("nội dung được đọc"), max_length=400)
    audio = models.BinaryField(_("bản ghi âm"))
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=RecordingStatus.choices, default=RecordingStatus.PENDING
    )
    reason = models.CharField(_("lý do từ chối"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bản ghi âm bước hướng dẫn")
        verbose_name_plural = _("bản ghi âm bước hướng dẫn")
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "language"],
                condition=models.Q(status="approved"),
                name="step_recording_one_approved",
            )
        ]
        indexes = [models.Index(fields=["status", "recorded_at"], name="step_recording_status")]

    def __str__(self) -> str:
        return f"{self.step} [{self.language_id}] {self.status}"

    @property
    def extension(self) -> str:
        return {"audio/webm": "webm", "audio/ogg": "ogg", "audio/mp4": "m4a"}.get(self.content_type, "bin")
