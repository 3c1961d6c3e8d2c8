"""Persons registered in Insats (deltagare)."""

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def new_external_id() -> str:
    return uuid.uuid4().hex


class Gender(models.TextChoices):
    K = "K", _("Kvinna")
    M = "M", _("Man")
    X = "X", _("Annat / okänt")


class EducationLevel(models.TextChoices):
    FORGYMNASIAL = "FORGYMNASIAL", _("Förgymnasial")
    GYMNASIAL = "GYMNASIAL", _("Gymnasial")
    EFTERGYMNASIAL = "EFTERGYMNASIAL", _("Eftergymnasial")
    OKAND = "OKAND", _("Okänd")


class Person(models.Model):
    """One human being; has many enrolments over the years.

    `external_id` is the interchange `person_id` (the source system's id for imported persons, a
    generated one for persons registered here). `personnummer` is stored in the canonical 12-digit
    form, or empty when the person has none, in which case `birth_date` is entered directly.
    Booleans are nullable because "not known" is a real answer in the interchange format.
    """

    external_id = models.CharField(
        _("extern id"), max_length=64, unique=True, default=new_external_id
    )
    personnummer = models.CharField(_("personnummer"), max_length=12, blank=True, db_index=True)
    first_name = models.CharField(_("förnamn"), max_length=100, blank=True)
    last_name = models.CharField(_("efternamn"), max_length=100, blank=True)
    birth_date = models.DateField(_("födelsedatum"))
    gender = models.CharField(_("kön"), max_length=1, choices=Gender.choices)
    education_level = models.CharField(
        _("utbildningsnivå"), max_length=20, choices=EducationLevel.choices, blank=True
    )
    born_abroad = models.BooleanField(_("född utomlands"), null=True, blank=True)
    newly_arrived = models.BooleanField(_("nyanländ"), null=True, blank=True)
    protected_identity = models.BooleanField(
        _("skyddad identitet"),
        null=True,
        blank=True,
        help_text=_("Skyddad folkbokföring eller sekretessmarkering: adressen visas aldrig."),
    )
    municipality_code = models.CharField(_("folkbokföringskommun"), max_length=4, blank=True)
    address = models.CharField(_("adress"), max_length=200, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    language = models.CharField(_("språk"), max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["personnummer"],
                condition=~models.Q(personnummer=""),
                name="person_personnummer_uniq",
            )
        ]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.display_personnummer or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("persons:detail", args=[self.pk])

    @property
    def is_protected(self) -> bool:
        return bool(self.protected_identity)

    @property
    def display_personnummer(self) -> str:
        if not self.personnummer:
            return ""
        return f"{self.personnummer[:8]}-{self.personnummer[8:]}"
