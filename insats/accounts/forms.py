"""Sign-in forms."""

from django import forms
from django.utils.translation import gettext_lazy as _


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Engångskod"),
        max_length=8,
        help_text=_("Sexsiffrig kod från din autentiseringsapp."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not (token.isascii() and token.isdigit()) or len(token) != 6:
            raise forms.ValidationError(_("Engångskoden ska vara sex siffror."))
        return token
