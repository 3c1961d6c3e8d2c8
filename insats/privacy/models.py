"""Gallring (retention) rules and the record of every retention run.

The municipality's dokumenthanteringsplan decides how long each kind of record is kept; the
defaults loaded by migration 0002 are a starting point (docs/privacy.md) for an administrator
to change in the admin.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    CASE_FILE = "case_file", _(
        "Akt: journalanteckningar, trepartssamtal, kartläggningar, planer, närvaro och fritext"
    )
    REJECTED_REFERRAL = "rejected_referral", _("Avvisade remisser")
    PERSON = "person", _("Personuppgifter (namn, personnummer, adress, kontakt)")


class RetentionAction(models.TextChoices):
    DELETE = "delete", _("Radera")
    ANONYMISE = "anonymise", _("Avidentifiera")


# What each kind of record can be subjected to. A case file is always deleted (its free text
# cannot be made anonymous); a person is anonymised so the statistics keep their enrolments.
ALLOWED_ACTIONS = {
    RecordKind.CASE_FILE: (RetentionAction.DELETE,),
    RecordKind.REJECTED_REFERRAL: (RetentionAction.DELETE, RetentionAction.ANONYMISE),
    RecordKind.PERSON: (RetentionAction.ANONYMISE,),
}


class RetentionRule(models.Model):
    """Gallringsregel: keep one kind of record this many years after closure."""

    kind = models.CharField(_("slag av uppgifter"), max_length=30, choices=RecordKind.choices,
                            unique=True)
    years_after_closure = models.PositiveSmallIntegerField(
        _("år efter avslut"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Räknat från inskrivningens slutdatum (för avvisade remisser: "
                    "remissens datum; för personer: senaste avslut eller avvisning)."),
    )
    action = models.CharField(_("åtgärd"), max_length=20, choices=RetentionAction.choices)
    active = models.BooleanField(_("aktiv"), default=True)
    basis = models.CharField(
        _("beslut"), max_length=300, blank=True,
        help_text=_("Var i dokumenthanteringsplanen regeln är beslutad."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gallringsregel")
        verbose_name_plural = _("gallringsregler")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.years_after_closure} år"

    def clean(self) -> None:
        allowed = ALLOWED_ACTIONS.get(self.kind, ())
        if self.kind and self.action and self.action not in allowed:
            raise ValidationError({"action": _(
                "Åtgärden ”%(action)s” går inte för %(kind)s. Möjliga: %(allowed)s."
            ) % {
                "action": self.get_action_display(),
                "kind": self.get_kind_display(),
                "allowed": ", ".join(str(RetentionAction(a).label) for a in allowed),
            }})


class RetentionRun(models.Model):
    """One run of `insats retention`, with what it did (or would have done, for a dry run)."""

    started_at = models.DateTimeField(_("startad"), auto_now_add=True)
    today = models.DateField(_("gallringsdatum"))
    dry_run = models.BooleanField(_("provkörning"), default=False)
    run_by = models.CharField(_("körd av"), max_length=150, blank=True)
    report = models.JSONField(_("rapport"), default=dict)

    class Meta:
        verbose_name = _("gallringskörning")
        verbose_name_plural = _("gallringskörningar")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.today})"
