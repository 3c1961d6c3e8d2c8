"""The kartläggning form, built from the instrument's questions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from insats.core.forms import DateInput

from . import services
from .models import Instrument


class AssessmentForm(forms.Form):
    """One radio group per question. The questions are not `required` here: the service
    reports an unanswered question with its number and text, in one place."""

    performed_on = forms.DateField(label=_("Datum för kartläggningen"), widget=DateInput())
    comment = forms.CharField(
        label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, instrument: Instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.questions = list(instrument.questions.prefetch_related("options"))
        for number, question in enumerate(self.questions, start=1):
            self.fields[services.question_field(question)] = forms.TypedChoiceField(
                label=f"{number}. {question.text}",
                help_text=question.help_text,
                choices=[(o.pk, o.label) for o in question.options.all()],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )

    def question_fields(self):
        return [self[services.question_field(q)] for q in self.questions]

    def answers(self) -> dict[int, int | None]:
        return {
            q.pk: self.cleaned_data.get(services.question_field(q)) or None
            for q in self.questions
        }
