"""Enkäter: the participant voice at closure (deltagarenkät) and employer surveys for jobbspår
(arbetsgivarenkät), on the same machinery.

Answers are stored apart from identity
--------------------------------------
A survey reaches its respondent through a `SurveyInvitation`: a one-time random token
(`secrets.token_urlsafe`) and a short code to type, valid for a number of days. While the
invitation waits for an answer it knows which enrolment (inskrivning) or which employer it was
made for, so the coach can show the link again and nobody is offered the same survey twice.

When the answer comes in, in one transaction:

* a `SurveyResponse` is written with a *copy* of the invitation's context only: the survey,
  the unit, the measures (with their SKR category at that time) and the period month. It has
  no foreign key to a person, an enrolment, a user or the invitation, and no time stamp finer
  than the month, so no join leads from an answer back to a person;
* the invitation is spent: `used` is set and its enrolment, employer name, creator, unit,
  measures and period are cleared. What remains is the token (so a second submit gets a
  friendly "already answered" instead of a duplicate) and the survey.

An invitation that expires unanswered loses its enrolment and employer name the same way
(`services.clear_expired_invitations`). `SurveyOffer` keeps that the enrolment *was offered*
the survey (date and by whom): needed to offer once per closure, and it says nothing about
whether or what the person answered. Results are shown only as aggregates with small-cell
suppression (fewer than five answers are not shown separately); free-text answers, which
may contain identifying text, are read only by the unit's enhetschef and never published.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SCALE_VALUES = (1, 2, 3, 4, 5)
DEFAULT_SCALE_LABELS = (
    _("Stämmer inte alls"),
    _("Stämmer ganska dåligt"),
    _("Stämmer delvis"),
    _("Stämmer ganska bra"),
    _("Stämmer helt"),
)
YES, NO = 1, 0
# Letters and digits that cannot be mistaken for each other when read from paper (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_token() -> str:
    return secrets.token_urlsafe(24)


def new_code() -> str:
    """A short code such as 'K7MQ-3TPA' for a participant to type on the public page."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(text: str) -> str:
    """What the participant typed, in the stored form: upper case, dash in the middle."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == CODE_LENGTH else raw


class Audience(models.TextChoices):
    PARTICIPANT = "participant", _("Deltagare")
    EMPLOYER = "employer", _("Arbetsgivare")


class Survey(models.Model):
    """Enkät: a set of questions for participants at closure or for employers."""

    name = models.CharField(_("namn"), max_length=150)
    audience = models.CharField(_("målgrupp"), max_length=20, choices=Audience.choices)
    active = models.BooleanField(_("aktiv"), default=True)
    intro = models.TextField(
        _("inledande text"), blank=True,
        help_text=_("Visas överst i enkäten. Skriv på lätt svenska."),
    )
    valid_days = models.PositiveSmallIntegerField(
        _("länken gäller (dagar)"), default=30,
        help_text=_("Hur många dagar en inbjudan kan besvaras."),
    )

    class Meta:
        verbose_name = _("enkät")
        verbose_name_plural = _("enkäter")
        ordering = ["audience", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_days__gte=1), name="survey_valid_days_min")
        ]

    def __str__(self) -> str:
        return self.name


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Skala 1–5")
    YESNO = "yesno", _("Ja eller nej")
    CHOICE = "choice", _("Flerval (ett svar)")
    TEXT = "text", _("Fritext")


class SurveyQuestion(models.Model):
    """Fråga in a survey. `options` holds one answer option per line: the choices of a
    multiple-choice question, or five labels for the steps 1–5 of a scale."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("ordning"), default=1)
    text = models.CharField(_("fråga"), max_length=300)
    kind = models.CharField(_("typ"), max_length=10, choices=QuestionKind.choices)
    options = models.TextField(
        _("svarsalternativ"), blank=True,
        help_text=_(
            "Ett alternativ per rad. Flerval: minst två alternativ. Skala: fem rader (från 1 "
            "till 5) eller tomt för standardtexterna. Ja/nej och fritext: tomt."
        ),
    )
    required = models.BooleanField(_("obligatorisk"), default=True)

    class Meta:
        verbose_name = _("fråga")
        verbose_name_plural = _("frågor")
        ordering = ["survey", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in (self.options or "").splitlines() if line.strip()]

    def scale_labels(self) -> list[str]:
        options = self.option_list
        return options if len(options) == len(SCALE_VALUES) else [str(x) for x in
                                                                   DEFAULT_SCALE_LABELS]

    def clean(self) -> None:
        """Options that fit the kind; nothing answered may change meaning afterwards."""
        options = self.option_list
        errors: dict[str, str] = {}
        if self.kind == QuestionKind.CHOICE and len(options) < 2:
            errors["options"] = _("En flervalsfråga behöver minst två svarsalternativ.")
        elif self.kind == QuestionKind.SCALE and options and len(options) != len(SCALE_VALUES):
            errors["options"] = _(
                "En skalfråga har fem texter, en per rad (1–5), eller inga alls."
            )
        elif self.kind in (QuestionKind.YESNO, QuestionKind.TEXT) and options:
            errors["options"] = _("Ja/nej- och fritextfrågor har inga svarsalternativ.")
        if len(set(options)) != len(options):
            errors["options"] = _("Samma svarsalternativ står två gånger.")
        if self.pk and not errors:
            errors.update(self._answered_changes(options))
        if errors:
            raise ValidationError(errors)

    def _answered_changes(self, options: list[str]) -> dict[str, str]:
        previous = SurveyQuestion.objects.filter(pk=self.pk).first()
        if previous is None or not previous.answers.exists():
            return {}
        if previous.kind != self.kind:
            return {"kind": _("Frågan har redan svar; typen kan inte ändras. Skapa en ny fråga.")}
        if self.kind == QuestionKind.CHOICE:
            answered = set(previous.answers.values_list("choice", flat=True))
            removed = sorted(answered - set(options))
            if removed:
                return {"options": _(
                    "Alternativ som redan har svar kan inte tas bort: %(list)s."
                ) % {"list": ", ".join(removed)}}
        return {}


class SurveyInvitation(models.Model):
    """Inbjudan: one respondent's one-time access to a survey (see the module docstring).

    The token is the primary key: the public page is reached by it alone. The enrolment,
    employer name and creator are kept only while the invitation waits for its answer.
    """

    token = models.CharField(primary_key=True, max_length=64, default=new_token, editable=False)
    code = models.CharField(_("kod"), max_length=12, unique=True, default=new_code)
    survey = models.ForeignKey(
        Survey, verbose_name=_("enkät"), on_delete=models.PROTECT, related_name="invitations"
    )
    unit = models.ForeignKey(
        "organisation.Unit", verbose_name=_("enhet"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    measures = models.ManyToManyField(
        "measures.Measure", verbose_name=_("insatser"), blank=True, related_name="+"
    )
    period_month = models.DateField(_("period (månad)"), null=True, blank=True)
    employer_name = models.CharField(_("arbetsgivare"), max_length=150, blank=True)
    enrolment = models.ForeignKey(
        "enrolments.Enrolment", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("gäller till"))
    used = models.BooleanField(_("besvarad"), default=False)

    class Meta:
        verbose_name = _("inbjudan till enkät")
        verbose_name_plural = _("inbjudningar till enkät")
        indexes = [models.Index(fields=["used", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(used=False) | Q(enrolment__isnull=True, employer_name=""),
                name="survey_invitation_used_is_cleared",
            )
        ]


class SurveyOffer(models.Model):
    """That an enrolment was offered a survey at a closure: never whether it was answered."""

    enrolment = models.ForeignKey(
        "enrolments.Enrolment", on_delete=models.CASCADE, related_name="survey_offers"
    )
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="+")
    closure_date = models.DateField(_("avslutsdatum"))
    offered_on = models.DateField(_("erbjuden"))
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("erbjuden enkät")
        verbose_name_plural = _("erbjudna enkäter")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "survey", "closure_date"], name="survey_offer_once"
            )
        ]


class SurveyResponse(models.Model):
    """Enkätsvar: one submitted survey with a copy of its context, never who answered."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_month = models.DateField(_("period (månad)"))

    class Meta:
        verbose_name = _("enkätsvar")
        verbose_name_plural = _("enkätsvar")
        indexes = [models.Index(fields=["survey", "period_month"])]


class ResponseMeasure(models.Model):
    """A measure the response concerns, with its SKR category when the answer was given."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE,
                                 related_name="measures")
    measure = models.ForeignKey("measures.Measure", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("codes.MeasureCategory", on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "measure"], name="response_measure_once")
        ]


class SurveyAnswer(models.Model):
    """Svar på en fråga: `value` 1–5 for a scale, 1/0 for yes/no; `choice` the option chosen;
    `text` a free-text answer."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE,
                                 related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    value = models.SmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0, value__lte=5),
                name="answer_value_range",
            ),
        ]
