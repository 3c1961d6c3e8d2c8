"""Forms for registering and editing persons; the rules themselves live in services.py."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import EducationLevel, Gender, Person


class DateInput(forms.DateInput):
    """A native date picker; the value must be ISO formatted for it."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, by field where the form has that field."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        # Errors about hidden fields (e.g. a stale `version`) are about the whole form.
        shown = field in form.fields and not form.fields[field].widget.is_hidden
        target = field if shown else None
        for message in errors:
            form.add_error(target, message)


class PersonForm(forms.Form):
    personnummer = forms.CharField(
        label=_("Personnummer eller samordningsnummer"),
        max_length=20,
        required=False,
        help_text=_("10 eller 12 siffror, t.ex. 19900101-1234. Lämna tomt om personen saknar."),
    )
    birth_date = forms.DateField(
        label=_("Födelsedatum"),
        required=False,
        widget=DateInput(),
        help_text=_("Behövs bara när personen saknar personnummer."),
    )
    first_name = forms.CharField(label=_("Förnamn"), max_length=100)
    last_name = forms.CharField(label=_("Efternamn"), max_length=100)
    gender = forms.ChoiceField(label=_("Kön"), choices=[("", "—"), *Gender.choices])
    education_level = forms.ChoiceField(
        label=_("Utbildningsnivå"), choices=[("", "—"), *EducationLevel.choices], required=False
    )
    born_abroad = forms.NullBooleanField(label=_("Född utomlands"), required=False)
    newly_arrived = forms.NullBooleanField(label=_("Nyanländ"), required=False)
    protected_identity = forms.NullBooleanField(
        label=_("Skyddad identitet"),
        required=False,
        help_text=_("Skyddad folkbokföring eller sekretessmarkering: adressen visas aldrig."),
    )
    municipality_code = forms.RegexField(
        label=_("Folkbokföringskommun (kommunkod)"),
        regex=r"^\d{4}$",
        required=False,
        error_messages={"invalid": _("Kommunkoden ska vara fyra siffror, t.ex. 0136.")},
    )
    address = forms.CharField(label=_("Adress"), max_length=200, required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-post"), required=False)
    language = forms.CharField(label=_("Språk"), max_length=80, required=False)
    # When the page was read, so that a save over somebody else's change can be refused.
    updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, person: Person | None = None, **kwargs):
        if person is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(person, name) for name in self.base_fields if hasattr(person, name)
            }
            kwargs["initial"]["personnummer"] = person.display_personnummer
            kwargs["initial"]["updated_at"] = person.updated_at.isoformat()
            if person.personnummer:
                # The birth date follows from the personnummer; prefilling it would make a
                # corrected personnummer disagree with the old date.
                kwargs["initial"]["birth_date"] = None
        super().__init__(*args, **kwargs)
        if person is None:
            del self.fields["updated_at"]
        if person is not None and person.is_protected:
            # The address of a person with protected identity is never shown, not even here.
            del self.fields["address"]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("updated_at", None)
        # Empty choice strings mean "not given" for the service.
        data["education_level"] = data.get("education_level") or ""
        data["municipality_code"] = data.get("municipality_code") or ""
        return data
