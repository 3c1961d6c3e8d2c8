"""Summer jobs (feriepraktik / sommarjobb) for school youth."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from insats.persons.models import Gender


def new_external_id() -> str:
    return uuid.uuid4().hex


class YouthApplication(models.Model):
    """One application for a summer or autumn-break job; `status` is its final status.

    `municipality` is the municipality the application was made to. The interchange format has
    no column for it: an import gives its new applications the municipality the import runs for
    (`Municipality.default()`, as for the units it creates). The summer-job figures of a scope of
    units count the applications of those units' municipalities (`insats.kpi.scope`).
    """

    municipality = models.ForeignKey(
        "organisation.Municipality",
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        related_name="youth_applications",
    )
    external_id = models.CharField(
        _("extern id"), max_length=64, unique=True, default=new_external_id
    )
    birth_date = models.DateField(_("födelsedatum"))
    gender = models.CharField(_("kön"), max_length=1, choices=Gender.choices)
    season = models.CharField(
        _("period"), max_length=20, help_text=_("t.ex. 2021-SOMMAR, 2021-HOST")
    )
    status = models.ForeignKey(
        "codes.YouthStatus", verbose_name=_("status"), on_delete=models.PROTECT
    )
    school_year = models.CharField(_("årskurs"), max_length=10, blank=True)
    administration = models.CharField(_("förvaltning / arbetsgivare"), max_length=150, blank=True)
    hours = models.DecimalField(_("timmar"), max_digits=7, decimal_places=2, null=True, blank=True)
    wage_cost_sek = models.DecimalField(
        _("lönekostnad (kr)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("feriejobbsansökan")
        verbose_name_plural = _("feriejobbsansökningar")
        indexes = [models.Index(fields=["season"])]
