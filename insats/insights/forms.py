"""Forms of the insights pages: choosing a year, and the budget per measure for a year."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from insats.measures.models import Measure

from .services import budget_field


class YearForm(forms.Form):
    """Period: one calendar year (GET, so a page can be bookmarked and linked)."""

    year = forms.TypedChoiceField(label=_("År"), coerce=int)

    def __init__(self, years: list[int], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]


_SPACES = re.compile(r"[\s\u00a0\u202f]")


class AmountField(forms.CharField):
    """Kronor as a Swede types it: "1 250 000", "1250000,50" or "1250000.50"; empty = none."""

    def to_python(self, value) -> Decimal | None:
        text = _SPACES.sub("", super().to_python(value) or "")
        if not text:
            return None
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(
                _("Skriv beloppet i kronor med siffror, t.ex. 1 250 000 eller 1250000,50.")
            ) from None
        if not amount.is_finite():
            raise ValidationError(_("Skriv beloppet i kronor med siffror."))
        if amount < 0:
            raise ValidationError(_("Budgeten kan inte vara negativ."))
        if amount.as_tuple().exponent < -2:
            raise ValidationError(_("Högst två decimaler (öre)."))
        if amount >= Decimal("1e12"):
            raise ValidationError(_("Beloppet är orimligt stort."))
        return amount


class BudgetForm(forms.Form):
    """One amount field per measure (budget per insats) for the chosen year."""

    def __init__(self, measures: list[Measure], initial_amounts: dict[int, Decimal], *args,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.measures = measures
        for measure in measures:
            amount = initial_amounts.get(measure.pk)
            self.fields[budget_field(measure)] = AmountField(
                label=f"{measure.name} ({measure.code})",
                required=False,
                initial=f"{amount:.2f}".replace(".", ",") if amount is not None else "",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )

    def amounts(self) -> dict[Measure, Decimal | None]:
        return {m: self.cleaned_data.get(budget_field(m)) for m in self.measures}
