"""Enrolments (inskrivningar) and what happens within one: meetings, notes, closure, follow-up."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def new_external_id() -> str:
    return uuid.uuid4().hex


class NeedCategory(models.TextChoices):
    """Behovskategori from the structured assessment (Sundbyberg's AM1–AM3)."""

    AM1 = "AM1", _("AM1 – litet stöd")
    AM2 = "AM2", _("AM2 – stöd")
    AM3 = "AM3", _("AM3 – extra stöd")


class Enrolment(models.Model):
    """Inskrivning: one period in which a person is a participant at a unit.

    Starts when a referral is allocated (or is imported), ends with exactly one closure reason.
    `plan_date` is when the first action plan was established; the plans app keeps it in step.
    `version` guards against lost updates (optimistic locking) when two people edit at once.
    """

    external_id = models.CharField(
        _("extern id"), max_length=64, unique=True, default=new_external_id
    )
    person = models.ForeignKey(
        "persons.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("enhet"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ansvarig konsulent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
    )
    referral = models.OneToOneField(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolment",
    )
    referral_source = models.ForeignKey(
        "codes.ReferralSource", verbose_name=_("uppdragsgivare"), on_delete=models.PROTECT
    )
    referral_date = models.DateField(_("remissdatum"), null=True, blank=True)
    start_date = models.DateField(_("startdatum"))
    income_at_start = models.ForeignKey(
        "codes.IncomeSource",
        verbose_name=_("försörjning vid start"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    need_category = models.CharField(
        _("behovskategori"), max_length=3, choices=NeedCategory.choices, blank=True
    )
    plan_date = models.DateField(_("första plan fastställd"), null=True, blank=True)
    end_date = models.DateField(_("slutdatum"), null=True, blank=True)
    closure_reason = models.ForeignKey(
        "codes.ClosureReason",
        verbose_name=_("avslutsorsak"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    closure_note = models.TextField(_("kommentar till avslut"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inskrivning")
        verbose_name_plural = _("inskrivningar")
        ordering = ["-start_date", "pk"]
        indexes = [
            models.Index(fields=["unit", "end_date"]),
            models.Index(fields=["coach", "end_date"]),
            # The caseload lists filter by unit or coach and page through by start date.
            models.Index(fields=["unit", "start_date"], name="enrolment_unit_start_idx"),
            models.Index(fields=["coach", "start_date"], name="enrolment_coach_start_idx"),
            models.Index(fields=["start_date"]),
            models.Index(fields=["end_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="enrolment_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(referral_date__isnull=True) | Q(referral_date__lte=F("start_date")),
                name="enrolment_referral_not_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, closure_reason__isnull=True)
                | Q(end_date__isnull=False, closure_reason__isnull=False),
                name="enrolment_closure_reason_iff_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Inskrivning')} {self.pk} – {self.person}"

    def get_absolute_url(self) -> str:
        return reverse("enrolments:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class ThreePartyMeeting(models.Model):
    """Trepartssamtal between coach, participant and referrer."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("datum"))
    participants = models.CharField(_("deltagare"), max_length=300)
    notes = models.TextField(_("anteckningar"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("trepartssamtal")
        verbose_name_plural = _("trepartssamtal")
        ordering = ["date", "pk"]


class CaseNote(models.Model):
    """Journalanteckning, in chronological order; never edited, only added."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(_("anteckning"))

    class Meta:
        verbose_name = _("journalanteckning")
        verbose_name_plural = _("journalanteckningar")
        ordering = ["created_at", "pk"]


class Reopening(models.Model):
    """A closed enrolment reopened by an enhetschef; kept as a record of why."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="reopenings")
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("skäl"))
    previous_end_date = models.DateField()
    previous_closure_reason = models.ForeignKey("codes.ClosureReason", on_delete=models.PROTECT)
    # Follow-ups belong to a closure: the ones recorded for the closure that was undone are
    # removed from the follow-up table (they no longer describe the enrolment) and kept here,
    # as [{"months_after": 12, "status": "ARBETE", "followup_date": "2025-09-01"}, ...].
    removed_followups = models.JSONField(
        _("efteruppföljningar borttagna vid återöppningen"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("återöppning")
        verbose_name_plural = _("återöppningar")
        ordering = ["reopened_at"]


class Followup(models.Model):
    """Efteruppföljning 3, 6 or 12 months after closure."""

    class MonthsAfter(models.IntegerChoices):
        THREE = 3, _("3 månader")
        SIX = 6, _("6 månader")
        TWELVE = 12, _("12 månader")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="followups")
    months_after = models.PositiveSmallIntegerField(
        _("månader efter avslut"), choices=MonthsAfter.choices
    )
    status = models.ForeignKey(
        "codes.FollowupStatus", verbose_name=_("status"), on_delete=models.PROTECT
    )
    followup_date = models.DateField(_("uppföljningsdatum"), null=True, blank=True)

    class Meta:
        verbose_name = _("efteruppföljning")
        verbose_name_plural = _("efteruppföljningar")
        ordering = ["months_after"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "months_after"], name="followup_once_per_interval"
            )
        ]
