"""Action plans (genomförandeplan / handlingsplan) with goals and sub-goals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActionPlan(models.Model):
    """The plan of one enrolment. Must be established within three calendar months of the
    enrolment's start and followed up at least every three months (national quality indicator).

    `version` is bumped on every save through the service layer; a save carrying an old
    version is refused so that two people editing at once never overwrite each other.
    """

    enrolment = models.OneToOneField(
        "enrolments.Enrolment", on_delete=models.CASCADE, related_name="plan"
    )
    established_on = models.DateField(_("fastställd"))
    summary = models.TextField(_("övergripande mål"), blank=True)
    next_followup_on = models.DateField(_("nästa uppföljning"))
    shared_with_referrer = models.BooleanField(_("delad med remittent"), default=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("genomförandeplan")
        verbose_name_plural = _("genomförandeplaner")


class Goal(models.Model):
    """Mål or delmål (when `parent` is set).

    Like the plan, a goal carries `version` (optimistic locking): every change goes through the
    service layer with the version the editor read, and a stale one is refused. `updated_by`
    and `updated_at` say who changed it last, for the refusal message.
    """

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="goals")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="subgoals"
    )
    text = models.CharField(_("mål"), max_length=300)
    responsible = models.CharField(_("ansvarig"), max_length=150, blank=True)
    due_on = models.DateField(_("klart senast"), null=True, blank=True)
    achieved = models.BooleanField(_("uppnått"), default=False)
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class PlanFollowup(models.Model):
    """A follow-up of the plan (uppföljning av planen)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="followups")
    held_on = models.DateField(_("datum"))
    note = models.TextField(_("anteckning"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("planuppföljning")
        verbose_name_plural = _("planuppföljningar")
        ordering = ["held_on", "pk"]
