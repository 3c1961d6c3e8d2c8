"""Budget per measure and year (budget per insats och år), set against the cost outcome;
recorded runs of the nightly data-quality check."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MIN_YEAR = 2000
MAX_YEAR = 2100


class MeasureBudget(models.Model):
    """The budgeted cost of one measure (insats) for one calendar year, in kronor."""

    measure = models.ForeignKey(
        "measures.Measure",
        verbose_name=_("insats"),
        on_delete=models.CASCADE,
        related_name="budgets",
    )
    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    amount_sek = models.DecimalField(
        _("budget (kr)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("budget för insats")
        verbose_name_plural = _("budgetar för insatser")
        ordering = ["-year", "measure__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "year"], name="measure_budget_once_per_year"
            ),
            models.CheckConstraint(
                condition=Q(amount_sek__gte=0), name="measure_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.year}: {self.amount_sek} kr"


class DataQualityRun(models.Model):
    """One recorded run of the nightly data-quality check (`insats data_quality --record`).

    Holds counts only, never persons: per rule and unit how many rows the rule found on
    `checked_on`. The data-quality page compares its live figures with the latest finished run,
    so a unit can see whether it is improving. `finished_at` is empty while the run is going on
    (or if it failed), and such a run is never compared with.
    """

    checked_on = models.DateField(_("kontrollerad dag"))
    started_at = models.DateTimeField(_("startad"))
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    # The rule codes the run evaluated, so a rule added later is not shown as "was 0".
    rules = models.JSONField(_("kontroller"), default=list)

    class Meta:
        verbose_name = _("körning av datakvalitetskontroll")
        verbose_name_plural = _("körningar av datakvalitetskontroll")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["finished_at"], name="dq_run_finished_idx")]

    def __str__(self) -> str:
        return f"{self.checked_on.isoformat()} ({self.started_at:%Y-%m-%d %H:%M})"


class DataQualityCount(models.Model):
    """How many rows one rule found at one unit in one run (units with none are not stored)."""

    run = models.ForeignKey(DataQualityRun, on_delete=models.CASCADE, related_name="counts")
    rule = models.CharField(_("kontroll"), max_length=40)
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("enhet"), on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveIntegerField(_("antal"))

    class Meta:
        verbose_name = _("antal i datakvalitetskontroll")
        verbose_name_plural = _("antal i datakvalitetskontroll")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "rule", "unit"], name="dq_count_once_per_run_rule_unit"
            ),
            models.CheckConstraint(condition=Q(count__gt=0), name="dq_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.unit_id}: {self.count}"
