import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import REPORT_TYPES


def _year_start() -> dt.date:
    return dt.date(dt.date.today().year, 1, 1)


class ReportForm(forms.Form):
    board = forms.TypedChoiceField(label=_("Nämnd"), coerce=int)
    report_type = forms.ChoiceField(label=_("Rapporttyp"), choices=list(REPORT_TYPES.items()))
    date_from = forms.DateField(label=_("Från och med"), help_text=_("ÅÅÅÅ-MM-DD"))
    date_to = forms.DateField(label=_("Till och med"), help_text=_("ÅÅÅÅ-MM-DD"))

    def __init__(self, boards, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].choices = [(b.pk, b.name) for b in boards]
