"""The register-extract form (registerutdrag)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ExtractForm(forms.Form):
    FORMAT_CHOICES = [("pdf", _("PDF (för den registrerade)")),
                      ("json", _("JSON (maskinläsbar fil)"))]

    person = forms.CharField(
        label=_("Person"), max_length=20,
        help_text=_("Personens id i Insats eller personnummer (ÅÅÅÅMMDD-NNNN)."),
    )
    reason = forms.CharField(
        label=_("Skäl"), max_length=300, required=False,
        help_text=_("T.ex. ”Begäran från den registrerade 2026-03-02, dnr 123”. "
                    "Obligatoriskt för administratörer."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="pdf",
                               widget=forms.RadioSelect)
