"""The municipality's organisation: kommun → nämnd → förvaltning → enhet."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    """Kommun. Every piece of case data belongs to exactly one, through its unit."""

    code = models.CharField(_("kommunkod"), max_length=4, unique=True)
    name = models.CharField(_("namn"), max_length=100)

    class Meta:
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default(cls) -> "Municipality":
        """The municipality that units and summer-job applications created by an import belong
        to: the one with INSATS_MUNICIPALITY_CODE; in an instance that holds one municipality
        under another code, that one (so a forgotten setting never splits the data in two);
        in an empty instance, a new one with the configured code and name."""
        configured = cls.objects.filter(code=settings.INSATS_DEFAULT_MUNICIPALITY_CODE).first()
        if configured is not None:
            return configured
        first = cls.objects.order_by("pk").first()
        if first is not None:
            return first
        return cls.objects.create(
            code=settings.INSATS_DEFAULT_MUNICIPALITY_CODE,
            name=settings.INSATS_DEFAULT_MUNICIPALITY_NAME,
        )


class Board(models.Model):
    """Nämnd: the political board responsible for labour-market measures."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="boards")
    name = models.CharField(_("namn"), max_length=150)

    class Meta:
        verbose_name = _("nämnd")
        verbose_name_plural = _("nämnder")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Administration(models.Model):
    """Förvaltning under a board."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="administrations")
    name = models.CharField(_("namn"), max_length=150)

    class Meta:
        verbose_name = _("förvaltning")
        verbose_name_plural = _("förvaltningar")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """Enhet, e.g. an arbetsmarknadsenhet or a jobbtorg, that holds enrolments.

    `allocation_routine` is the documented routine (fördelningsrutin) the samordnare follows when
    allocating referrals; it is shown beside the referral queue.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="units")
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, null=True, blank=True, related_name="units"
    )
    code = models.CharField(_("enhetskod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=150)
    allocation_routine = models.TextField(_("fördelningsrutin"), blank=True)

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
