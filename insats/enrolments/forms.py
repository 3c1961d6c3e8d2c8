"""Forms for work within an enrolment; the rules live in services.py.

Forms that change the enrolment row carry its `version` in a hidden field, so that the service
can refuse a save based on a page that someone else has changed since (optimistic locking).
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insats.accounts.models import Role, User
from insats.codes.models import ClosureReason, FollowupStatus, IncomeSource
from insats.persons.forms import DateInput

from .models import Enrolment, Followup, NeedCategory


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        self.fields["version"].initial = enrolment.version


class EnrolmentForm(VersionedForm):
    coach = forms.ModelChoiceField(
        label=_("Ansvarig konsulent"), queryset=User.objects.none(), required=False
    )
    need_category = forms.ChoiceField(
        label=_("Behovskategori"), choices=[("", "—"), *NeedCategory.choices], required=False
    )
    income_at_start = forms.ModelChoiceField(
        label=_("Försörjning vid start"), queryset=IncomeSource.objects.all(), required=False
    )

    def __init__(self, *args, enrolment: Enrolment, user: User, **kwargs):
        super().__init__(*args, enrolment=enrolment, **kwargs)
        self.fields["coach"].queryset = User.objects.filter(
            unit_id=enrolment.unit_id, role=Role.COACH, is_active=True
        ).order_by("last_name", "first_name")
        self.fields["coach"].initial = enrolment.coach_id
        self.fields["need_category"].initial = enrolment.need_category
        self.fields["income_at_start"].initial = enrolment.income_at_start_id
        if user.role not in (Role.SAMORDNARE, Role.ENHETSCHEF):
            # Only samordnare and enhetschef hand a case over to another coach.
            del self.fields["coach"]


class CloseForm(VersionedForm):
    closure_reason = forms.ModelChoiceField(
        label=_("Avslutsorsak"),
        queryset=ClosureReason.objects.order_by("sort_order", "code"),
        to_field_name="code",
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj en avslutsorsak.")},
    )
    end_date = forms.DateField(label=_("Slutdatum"), widget=DateInput())
    note = forms.CharField(
        label=_("Kommentar till avslut"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Krävs när avslutsorsaken är Övrigt."),
    )

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, enrolment=enrolment, **kwargs)
        self.fields["end_date"].initial = timezone.localdate()

    def reason_options(self) -> list[tuple[ClosureReason, bool]]:
        """Every reason with whether it is chosen, to render each with its definition."""
        chosen = self["closure_reason"].value()
        return [(r, r.code == chosen) for r in self.fields["closure_reason"].queryset]


class ReopenForm(VersionedForm):
    reason = forms.CharField(label=_("Skäl till återöppning"), widget=forms.Textarea)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Ny journalanteckning"), widget=forms.Textarea)


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Datum"), widget=DateInput())
    participants = forms.CharField(
        label=_("Deltagare"),
        max_length=300,
        help_text=_("T.ex. deltagaren, konsulenten och socialsekreteraren."),
    )
    notes = forms.CharField(label=_("Anteckningar"), widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class FollowupForm(forms.Form):
    months_after = forms.TypedChoiceField(
        label=_("Uppföljning"), choices=Followup.MonthsAfter.choices, coerce=int
    )
    status = forms.ModelChoiceField(label=_("Status"), queryset=FollowupStatus.objects.all())
    followup_date = forms.DateField(label=_("Uppföljningsdatum"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["followup_date"].initial = timezone.localdate()
