"""Budget per measure and year (budget per insats och år), set against the cost outcome."""

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
