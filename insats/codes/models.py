"""Fixed code lists of the interchange format (kodlistor).

The codes are primary keys, so a foreign key column holds exactly what goes in an interchange
file, and indicator SQL can join on them. The lists are loaded from `data/*.csv` (a copy of the
interchange format's `codes/`) by a data migration; labels and definitions are shown in forms.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CodeList(models.Model):
    code = models.CharField(_("kod"), max_length=40, primary_key=True)
    label_sv = models.CharField(_("benämning"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label_sv


class OutcomeGroup(models.TextChoices):
    ARBETE = "arbete", _("Arbete")
    STUDIER = "studier", _("Studier")
    ANNAN_AKTOR = "annan_aktor", _("Vidare till annan aktör")
    ATER = "ater", _("Åter till uppdragsgivare")
    OHALSA = "ohalsa", _("Ohälsa")
    AVBROTT = "avbrott", _("Avbrott")
    OVRIGT = "ovrigt", _("Övrigt")


class ClosureReason(CodeList):
    """Avslutsorsak: one reason per closed enrolment, each in one outcome group."""

    outcome_group = models.CharField(max_length=20, choices=OutcomeGroup.choices)
    definition_sv = models.TextField(blank=True)

    class Meta(CodeList.Meta):
        verbose_name = _("avslutsorsak")
        verbose_name_plural = _("avslutsorsaker")

    @property
    def is_work_or_studies(self) -> bool:
        return self.outcome_group in (OutcomeGroup.ARBETE, OutcomeGroup.STUDIER)


class ReferralSource(CodeList):
    """Uppdragsgivare / remittent: where a referral came from."""

    class Meta(CodeList.Meta):
        verbose_name = _("uppdragsgivare")
        verbose_name_plural = _("uppdragsgivare")


class IncomeSource(CodeList):
    """Försörjning vid start."""

    class Meta(CodeList.Meta):
        verbose_name = _("försörjningskälla")
        verbose_name_plural = _("försörjningskällor")


class MeasureCategory(CodeList):
    """SKR:s insatskategori."""

    class Meta(CodeList.Meta):
        verbose_name = _("insatskategori")
        verbose_name_plural = _("insatskategorier")


class FollowupStatus(CodeList):
    """Status at efteruppföljning 3, 6 or 12 months after closure."""

    class Meta(CodeList.Meta):
        verbose_name = _("uppföljningsstatus")
        verbose_name_plural = _("uppföljningsstatusar")


class YouthStatus(CodeList):
    """Final status of a summer-job application; the flags say which funnel steps it passed."""

    valid = models.BooleanField()
    offered = models.BooleanField()
    accepted = models.BooleanField()
    started = models.BooleanField()

    class Meta(CodeList.Meta):
        verbose_name = _("status för feriejobbsansökan")
        verbose_name_plural = _("statusar för feriejobbsansökan")
