"""Forms of the surveys app; the rules live in services.py."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from insats.core.forms import DateInput
from insats.measures.models import Measure

from . import services
from .models import Audience, QuestionKind, Survey, SurveyQuestion


class ResponseForm(forms.Form):
    """One field per question, named 'q<id>': radio buttons for closed questions (rendered in
    a fieldset with the question as legend), a text area for free text."""

    def __init__(self, questions: list[SurveyQuestion], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = f"q{question.pk}"
            if question.kind == QuestionKind.TEXT:
                self.fields[name] = forms.CharField(
                    label=question.text, required=False,
                    max_length=services.TEXT_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text=_("Frivilligt. Skriv inte ditt namn eller andras namn."),
                )
            else:
                self.fields[name] = forms.ChoiceField(
                    label=question.text, required=question.required,
                    choices=[(str(k), label) for k, label in services.option_labels(question)],
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Välj ett svar.")},
                )

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}", "") for q in self.questions}


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Din kod"), max_length=20,
        help_text=_("Koden står på lappen du fick, till exempel ABCD-2345."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false"}),
        error_messages={"required": _("Skriv din kod.")},
    )


class OfferForm(forms.Form):
    survey = forms.ModelChoiceField(
        label=_("Enkät"), queryset=Survey.objects.none(), empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = services.active_surveys(Audience.PARTICIPANT)


class EmployerInvitationForm(forms.Form):
    survey = forms.ModelChoiceField(
        label=_("Enkät"), queryset=Survey.objects.none(), empty_label=None,
        error_messages={"required": _("Välj enkät.")},
    )
    measure = forms.ModelChoiceField(
        label=_("Insats"), queryset=Measure.objects.none(),
        help_text=_("Till exempel det jobbspår arbetsgivaren tar emot deltagare i."),
        error_messages={"required": _("Välj vilken insats enkäten gäller.")},
    )
    employer_name = forms.CharField(
        label=_("Arbetsgivare"), max_length=150,
        help_text=_("Namnet sparas bara tills enkäten är besvarad eller länken har gått ut."),
        error_messages={"required": _("Ange arbetsgivarens namn.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = services.active_surveys(Audience.EMPLOYER)
        self.fields["measure"].queryset = Measure.objects.filter(active=True).order_by("name")


class ResultsFilterForm(forms.Form):
    date_from = forms.DateField(label=_("Från"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Till och med"), required=False, widget=DateInput())
    survey = forms.ModelChoiceField(
        label=_("Enkät"), queryset=Survey.objects.order_by("audience", "name"),
        required=False, empty_label=_("Alla enkäter"),
    )

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("Slutdatum kan inte vara före startdatum."))
        return data

    @staticmethod
    def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
        """The last twelve whole months and this month."""
        return dt.date(today.year - 1, today.month, 1), today
