"""Step-by-step guides that teach one skill each, with a short quiz.

A guide is keyed by the skill's stable `skill_code`, so it serves every catalogue version of that skill.
Guides are public content: nothing personal lives here.
"""

from __future__ import annotations

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
