"""Forms of the measures app; the rules live in services.py."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insats.core.forms import DateInput

from .models import Attendance, Measure


class MeasureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Measure) -> str:
        if obj.free_places is None:
            return str(obj.name)
        return _("%(name)s (%(free)s lediga platser i dag)") % {
            "name": obj.name, "free": obj.free_places,
        }


class PlacementForm(forms.Form):
    measure = MeasureChoiceField(label=_("Insats"), queryset=Measure.objects.none())
    start_date = forms.DateField(label=_("Startdatum"), widget=DateInput())
    end_date = forms.DateField(
        label=_("Slutdatum"), widget=DateInput(), required=False,
        help_text=_("Lämna tomt om slutdatumet inte är bestämt."),
    )
    workplace = forms.CharField(label=_("Arbetsplats"), max_length=200, required=False)
    supervisor = forms.CharField(label=_("Handledare"), max_length=150, required=False)
    allow_over_capacity = forms.BooleanField(
        label=_("Placera även om insatsen är fullbelagd (överbeläggning)"), required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = (
            Measure.objects.filter(active=True).with_free_places(timezone.localdate())
            .order_by("name")
        )


class PlacementEndForm(forms.Form):
    end_date = forms.DateField(
        label=_("Slutdatum"), widget=DateInput(),
        help_text=_("Sista dagen i insatsen."),
    )


class AttendanceForm(forms.Form):
    date = forms.DateField(label=_("Datum"), widget=DateInput())
    hours = forms.CharField(
        label=_("Timmar"), required=False, max_length=6,
        help_text=_("I kvartstimmar, t.ex. 7,5. Ange 0 och en orsak vid hel frånvaro."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
    )
    absence_reason = forms.ChoiceField(
        label=_("Frånvaroorsak"), required=False,
        choices=[("", "–"), *Attendance.AbsenceReason.choices],
    )
