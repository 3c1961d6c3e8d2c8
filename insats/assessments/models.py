"""Structured assessment (kartläggning) configured by an administrator.

An instrument has questions, each with answer options worth points; scoring bands map the total
to a need category AM1/AM2/AM3. Nothing about the scoring is hard-coded: an admin edits it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insats.enrolments.models import NeedCategory


class Instrument(models.Model):
    name = models.CharField(_("namn"), max_length=150)
    description = models.TextField(_("beskrivning"), blank=True)
    active = models.BooleanField(_("aktivt"), default=True)

    class Meta:
        verbose_name = _("kartläggningsinstrument")
        verbose_name_plural = _("kartläggningsinstrument")

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    text = models.CharField(_("fråga"), max_length=300)
    help_text = models.TextField(_("vägledning"), blank=True)

    class Meta:
        verbose_name = _("fråga")
        verbose_name_plural = _("frågor")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class AnswerOption(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    label = models.CharField(_("svarsalternativ"), max_length=200)
    score = models.IntegerField(_("poäng"), default=0)

    class Meta:
        verbose_name = _("svarsalternativ")
        verbose_name_plural = _("svarsalternativ")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.score})"


class ScoringBand(models.Model):
    """Total scores from min_score to max_score (inclusive) give this need category."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="bands")
    min_score = models.IntegerField(_("lägsta poäng"))
    max_score = models.IntegerField(_("högsta poäng"))
    need_category = models.CharField(
        _("behovskategori"), max_length=3, choices=NeedCategory.choices
    )

    class Meta:
        verbose_name = _("poänggräns")
        verbose_name_plural = _("poänggränser")
        ordering = ["min_score"]


class Assessment(models.Model):
    """One completed kartläggning of an enrolment."""

    enrolment = models.ForeignKey(
        "enrolments.Enrolment", on_delete=models.CASCADE, related_name="assessments"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    performed_on = models.DateField(_("datum"))
    total_score = models.IntegerField(_("poäng"))
    need_category = models.CharField(
        _("behovskategori"), max_length=3, choices=NeedCategory.choices
    )
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        verbose_name = _("kartläggning")
        verbose_name_plural = _("kartläggningar")
        ordering = ["-performed_on", "-pk"]


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT)
    option = models.ForeignKey(AnswerOption, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="answer_once_per_question"
            )
        ]
