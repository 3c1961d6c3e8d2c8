from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Assessment


class OverviewForm(forms.Form):
    board = forms.TypedChoiceField(label=_("Nämnd"), coerce=int)
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)

    def __init__(self, boards, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].choices = [(b.pk, b.name) for b in boards]


class IndicatorYearForm(forms.Form):
    """Numbers are typed as text so that a decimal comma works; the service parses them."""

    target_value = forms.CharField(label=_("Målvärde"), required=False)
    manual_outcome = forms.CharField(label=_("Utfall (externa indikatorer)"), required=False)
    outcome_source = forms.CharField(label=_("Källa för utfallet"), required=False,
                                     max_length=200)
    analysis = forms.CharField(label=_("Analys"), required=False, widget=forms.Textarea)
    forecast_value = forms.CharField(label=_("Prognos för helåret"), required=False)
    forecast_text = forms.CharField(label=_("Kommentar till prognosen"), required=False,
                                    widget=forms.Textarea)
    assessment_override = forms.ChoiceField(
        label=_("Egen bedömning"), required=False,
        choices=[("", _("Ingen – använd den beräknade"))] + list(Assessment.choices),
    )
    override_reason = forms.CharField(label=_("Motivering till egen bedömning"), required=False,
                                      widget=forms.Textarea)
    # The last change of the row as the user saw it; see services.update_indicator_year.
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, external: bool, percent: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not external:
            del self.fields["manual_outcome"]
            del self.fields["outcome_source"]
        if percent:
            for name in ("target_value", "forecast_value"):
                self.fields[name].label = f"{self.fields[name].label} (%)"
                self.fields[name].help_text = _("I procent, t.ex. 45 eller 45,5.")
