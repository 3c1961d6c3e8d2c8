"""Forms of the plans app; the rules live in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from insats.core.forms import DateInput

from .models import Goal


class PlanForm(forms.Form):
    established_on = forms.DateField(label=_("Fastställd"), widget=DateInput())
    summary = forms.CharField(
        label=_("Övergripande mål"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    next_followup_on = forms.DateField(
        label=_("Nästa uppföljning"),
        widget=DateInput(),
        required=False,
        help_text=_("Senast tre månader efter att planen fastställts eller senast följts upp. "
                    "Lämna tomt för att räkna fram datumet."),
    )
    shared_with_referrer = forms.BooleanField(
        label=_("Dela planen med remittenten"), required=False, initial=True
    )


class PlanEditForm(PlanForm):
    """Carries the version the user opened, so a later save by someone else is detected."""

    next_followup_on = forms.DateField(
        label=_("Nästa uppföljning"),
        widget=DateInput(),
        help_text=_("Senast tre månader efter att planen fastställts eller senast följts upp."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput())


class GoalForm(forms.Form):
    text = forms.CharField(label=_("Mål"), max_length=300)
    responsible = forms.CharField(
        label=_("Ansvarig"), max_length=150, required=False,
        help_text=_("Vem som ansvarar, t.ex. deltagaren, konsulenten eller handledaren."),
    )
    due_on = forms.DateField(label=_("Klart senast"), widget=DateInput(), required=False)
    parent = forms.ModelChoiceField(
        label=_("Delmål till"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("– inget, detta är ett huvudmål –"),
    )

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["parent"].queryset = plan.goals.filter(parent__isnull=True)


class GoalEditForm(forms.Form):
    """Carries the goal's version, so a save over someone else's later change is refused."""

    text = forms.CharField(label=_("Mål"), max_length=300)
    responsible = forms.CharField(label=_("Ansvarig"), max_length=150, required=False)
    due_on = forms.DateField(label=_("Klart senast"), widget=DateInput(), required=False)
    achieved = forms.BooleanField(label=_("Uppnått"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput())


class FollowupForm(forms.Form):
    """Carries the plan's version: a follow-up recorded by someone else meanwhile is noticed."""

    held_on = forms.DateField(label=_("Datum för uppföljningen"), widget=DateInput())
    note = forms.CharField(
        label=_("Vad kom uppföljningen fram till?"), widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput())
