"""The register-extract form (registerutdrag)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from insats.core.security.params import id_param


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


class GrantForm(forms.Form):
    """Ge en användare behörighet till en person med skyddad identitet (insats/privacy/grants.py
    makes the grant and logs it)."""

    user = forms.ModelChoiceField(
        label=_("Användare"), queryset=None, empty_label=_("Välj användare"),
        error_messages={"required": _("Välj vilken användare som ska få behörigheten."),
                        "invalid_choice": _("Användaren finns inte bland kommunens aktiva "
                                            "användare.")},
    )
    person = forms.CharField(
        label=_("Personens id"),
        help_text=_("Personens id i Insats (ett heltal, t.ex. 123). Id:t står i personakten."),
        error_messages={"required": _("Ange personens id i Insats.")},
    )
    # No max_length here: the service (insats/privacy/grants.py) checks the length and says
    # how long the text is.
    reason = forms.CharField(
        label=_("Skäl"),
        help_text=_("T.ex. ”Ansvarig konsulent, beslut 2026-03-02”. Skälet loggas."),
        error_messages={"required": _("Ange skälet (t.ex. ”Ansvarig konsulent, beslut "
                                      "2026-03-02”).")},
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = users
        field.label_from_instance = lambda u: (
            f"{u.username} – {u.get_full_name() or u.username} ({u.get_role_display()}"
            + (f", {u.unit}" if u.unit_id else "") + ")"
        )

    def clean_person(self) -> int:
        text = self.cleaned_data["person"].strip()
        number = id_param(text)
        if not number:
            raise forms.ValidationError(
                _("”%(value)s” är inget person-id. Ange personens id i Insats som ett heltal, "
                  "t.ex. 123.") % {"value": text})
        return number


class RevokeForm(forms.Form):
    """Ta bort en behörighet till skyddad identitet; the reason is logged."""

    reason = forms.CharField(
        label=_("Skäl till att behörigheten tas bort"),
        error_messages={"required": _("Ange skälet till att behörigheten tas bort.")},
    )
