"""The goal chain (röd tråd): kommunfullmäktiges mål → nämndmål → indikatorer → per år
målvärde, utfall, analys, prognos och bedömning."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CouncilGoal(models.Model):
    """Kommunfullmäktiges mål (inriktningsmål) for the whole municipality."""

    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.PROTECT, related_name="council_goals",
        verbose_name=_("kommun"),
    )
    title = models.CharField(_("mål"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("kommunfullmäktiges mål")
        verbose_name_plural = _("kommunfullmäktiges mål")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class BoardGoal(models.Model):
    """Nämndmål: the board's goal, derived from a council goal."""

    board = models.ForeignKey(
        "organisation.Board", on_delete=models.PROTECT, related_name="goals",
        verbose_name=_("nämnd"),
    )
    council_goal = models.ForeignKey(
        CouncilGoal, on_delete=models.PROTECT, related_name="board_goals",
        verbose_name=_("kommunfullmäktiges mål"),
    )
    title = models.CharField(_("nämndmål"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("nämndmål")
        verbose_name_plural = _("nämndmål")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Direction(models.TextChoices):
    HIGHER = "higher", _("Högre är bättre")
    LOWER = "lower", _("Lägre är bättre")


class GoalIndicator(models.Model):
    """Indikator for a board goal: either an Insats indicator (kpi_code) computed from case
    data, or an external one (e.g. from Kolada or Arbetsförmedlingen) with a manual outcome."""

    board_goal = models.ForeignKey(
        BoardGoal, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("nämndmål")
    )
    name = models.CharField(_("indikator"), max_length=300)
    kpi_code = models.CharField(
        _("indikatorkod i Insats"), max_length=40, blank=True,
        help_text=_("Tom för en extern indikator med manuellt utfall."),
    )
    unit = models.CharField(_("enhet"), max_length=40, blank=True,
                            help_text=_("T.ex. procent eller antal; för externa indikatorer."))
    source = models.CharField(_("källa"), max_length=200, blank=True)
    direction = models.CharField(
        _("riktning"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("indikator för nämndmål")
        verbose_name_plural = _("indikatorer för nämndmål")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_external(self) -> bool:
        return not self.kpi_code

    def clean(self) -> None:
        from .services import check_indicator

        check_indicator(self)


class Assessment(models.TextChoices):
    MET = "met", _("Uppfyllt")
    PARTLY = "partly", _("Delvis uppfyllt")
    NOT_MET = "not_met", _("Ej uppfyllt")
    UNKNOWN = "unknown", _("Kan inte bedömas")


class IndicatorYear(models.Model):
    """One year of an indicator: målvärde, manuellt utfall (externa), analys, prognos and an
    optional manual bedömning that replaces the computed one (with a mandatory reason)."""

    indicator = models.ForeignKey(
        GoalIndicator, on_delete=models.CASCADE, related_name="years", verbose_name=_("indikator")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    target_value = models.DecimalField(
        _("målvärde"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    manual_outcome = models.DecimalField(
        _("utfall (manuellt)"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    outcome_source = models.CharField(_("källa för utfallet"), max_length=200, blank=True)
    analysis = models.TextField(_("analys"), blank=True)
    forecast_value = models.DecimalField(
        _("prognos"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    forecast_text = models.TextField(_("kommentar till prognosen"), blank=True)
    assessment_override = models.CharField(
        _("egen bedömning"), max_length=10, choices=Assessment.choices, blank=True
    )
    override_reason = models.TextField(_("motivering till egen bedömning"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("bedömd av"),
    )
    override_at = models.DateTimeField(_("bedömd"), null=True, blank=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("indikatorår")
        verbose_name_plural = _("indikatorår")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="goals_indicator_year_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .services import manual_outcome_errors

        if self.indicator_id is not None:
            errors = manual_outcome_errors(self.indicator, self)
            if errors:
                raise ValidationError(errors)
