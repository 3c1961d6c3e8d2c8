"""The measures catalogue (insatsmatris), placements in measures, and attendance."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

HOURS_FIELD = DecimalField(max_digits=11, decimal_places=2)


def new_external_id() -> str:
    return uuid.uuid4().hex


class Provider(models.Model):
    """Anordnare: who runs a measure."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Intern enhet")
        MUNICIPAL = "municipal", _("Kommunal förvaltning")
        EMPLOYER = "employer", _("Arbetsgivare")
        ASSOCIATION = "association", _("Förening / idéburen organisation")
        PROJECT = "project", _("Projekt (ESF, Finsam m.fl.)")

    name = models.CharField(_("namn"), max_length=150, unique=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("anordnare")
        verbose_name_plural = _("anordnare")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def active_on(day: dt.date, prefix: str = "") -> Q:
    """Placements running on `day`: started on or before it and not ended before it."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


class MeasureQuerySet(models.QuerySet):
    def with_free_places(self, day: dt.date) -> "MeasureQuerySet":
        """Annotate `occupied` (placements running on `day`) and `free_places` (capacity minus
        occupied; None when the measure has no set capacity; negative when overbooked)."""
        return self.annotate(
            occupied=Count("placements", filter=active_on(day, "placements__"), distinct=True)
        ).annotate(
            free_places=Case(
                When(capacity__isnull=True, then=Value(None)),
                default=F("capacity") - F("occupied"),
                output_field=models.IntegerField(),
            )
        )


class Measure(models.Model):
    """Insats in the municipality's catalogue."""

    code = models.CharField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=150)
    category = models.ForeignKey(
        "codes.MeasureCategory", verbose_name=_("SKR-kategori"), on_delete=models.PROTECT
    )
    description = models.TextField(_("beskrivning"), blank=True)
    responsible_profession = models.CharField(_("ansvarig yrkesroll"), max_length=150, blank=True)
    provider = models.ForeignKey(
        Provider, verbose_name=_("anordnare"), on_delete=models.PROTECT, null=True, blank=True
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("enhet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
    )
    capacity = models.PositiveIntegerField(_("antal platser"), null=True, blank=True)
    unit_cost_sek = models.DecimalField(
        _("kostnad per plats och månad (kr)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    target_groups = models.TextField(_("målgrupper"), blank=True)
    active = models.BooleanField(_("aktiv"), default=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlacementQuerySet(models.QuerySet):
    def active_on(self, day: dt.date) -> "PlacementQuerySet":
        return self.filter(active_on(day))

    def with_total_hours(self) -> "PlacementQuerySet":
        """Annotate `attended_hours` (sum of Attendance rows) and `total_hours` (that plus the
        imported `reported_hours`): the one definition of a placement's hours, the
        interchange `hours_attended`. A subquery, so it composes with other annotations."""
        attended = (
            Attendance.objects.filter(placement=OuterRef("pk"))
            .order_by()
            .values("placement")
            .annotate(total=Sum("hours"))
            .values("total")
        )
        zero = Value(0, output_field=HOURS_FIELD)
        return self.annotate(
            attended_hours=Coalesce(Subquery(attended, output_field=HOURS_FIELD), zero)
        ).annotate(
            total_hours=models.ExpressionWrapper(
                Coalesce(F("reported_hours"), zero) + F("attended_hours"),
                output_field=HOURS_FIELD,
            )
        )


class Placement(models.Model):
    """Deltagande i insats: a person's place in a measure during an enrolment.

    `reported_hours` holds hours known from elsewhere (an import); hours recorded in Insats are
    Attendance rows. The interchange `hours_attended` is their sum.
    """

    external_id = models.CharField(
        _("extern id"), max_length=64, unique=True, default=new_external_id
    )
    enrolment = models.ForeignKey(
        "enrolments.Enrolment", on_delete=models.CASCADE, related_name="placements"
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("insats"), on_delete=models.PROTECT, related_name="placements"
    )
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("slutdatum"), null=True, blank=True)
    reported_hours = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    cost_sek = models.DecimalField(
        _("direkt kostnad (kr)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    workplace = models.CharField(_("arbetsplats"), max_length=200, blank=True)
    supervisor = models.CharField(_("handledare"), max_length=150, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placering")
        verbose_name_plural = _("placeringar")
        ordering = ["start_date", "pk"]
        indexes = [
            models.Index(fields=["measure", "end_date"]),
            models.Index(fields=["start_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="placement_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} ({self.start_date})"


class Attendance(models.Model):
    """Närvaro: hours on one day in one placement, or an absence with its reason."""

    class AbsenceReason(models.TextChoices):
        SICK = "sick", _("Sjuk")
        VAB = "vab", _("Vård av barn")
        MEETING = "meeting", _("Myndighetsbesök")
        VACATION = "vacation", _("Ledighet")
        UNEXCUSED = "unexcused", _("Ogiltig frånvaro")
        OTHER = "other", _("Annat")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="attendance")
    date = models.DateField(_("datum"))
    hours = models.DecimalField(_("timmar"), max_digits=4, decimal_places=2, default=0)
    absence_reason = models.CharField(
        _("frånvaroorsak"), max_length=20, choices=AbsenceReason.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now=True, null=True)

    class Meta:
        verbose_name = _("närvaro")
        verbose_name_plural = _("närvaro")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "date"], name="attendance_once_per_day"),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=24), name="attendance_hours_in_day"
            ),
        ]
