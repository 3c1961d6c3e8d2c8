"""Filters of the log follow-up pages (logguppföljning)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PeriodForm(forms.Form):
    fran = forms.DateField(label=_("Från och med"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))
    till = forms.DateField(label=_("Till och med"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("fran") and data.get("till") and data["till"] < data["fran"]:
            self.add_error("till", _("Slutdatum kan inte vara före startdatum."))
        return data


class PersonLookupForm(PeriodForm):
    person = forms.CharField(
        label=_("Person"), max_length=20,
        help_text=_("Personens id i Insats eller personnummer (ÅÅÅÅMMDD-NNNN)."),
    )


class UserLookupForm(PeriodForm):
    anvandare = forms.CharField(label=_("Användarnamn"), max_length=150)
