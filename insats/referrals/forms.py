"""Forms for sending and allocating referrals; the rules live in services.py."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from insats.accounts.models import Role, Tag, User
from insats.codes.models import IncomeSource, ReferralSource
from insats.core.security.uploads import DEFAULT_MAX_BYTES
from insats.organisation.models import Unit
from insats.persons.forms import DateInput
from insats.persons.models import Gender

from .models import ATTACHMENT_TYPES
from .services import MAX_ATTACHMENTS


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; returns a list. The files are checked by the service
    (insats.core.security.uploads.FileValidator), so every refusal is said the same way."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": ",".join(e for t in ATTACHMENT_TYPES for e in t.extensions),
        }))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [f for f in items if f is not None and getattr(f, "name", "")]


def _attachment_help() -> str:
    limit = int(getattr(settings, "INSATS_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))
    megabytes = f"{limit / (1024 * 1024):.1f}".replace(".", ",").replace(",0", "")
    types = ", ".join(t.name for t in ATTACHMENT_TYPES)
    return ngettext(
        "Högst %(n)d fil. Tillåtna filtyper: %(types)s. Största storlek per fil: %(mb)s MB.",
        "Högst %(n)d filer. Tillåtna filtyper: %(types)s. Största storlek per fil: %(mb)s MB.",
        MAX_ATTACHMENTS,
    ) % {"n": MAX_ATTACHMENTS, "types": types, "mb": megabytes} + " " + str(_(
        "Visas formuläret igen med ett fel behöver du välja filerna på nytt."
    ))


attachment_help = lazy(_attachment_help, str)


def attachments_field() -> MultipleFileField:
    return MultipleFileField(label=_("Bifoga filer"), help_text=attachment_help())


class ReferralForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Mottagande enhet"), queryset=Unit.objects.none())
    personnummer = forms.CharField(
        label=_("Personnummer eller samordningsnummer"),
        max_length=20,
        required=False,
        help_text=_("10 eller 12 siffror. Lämna tomt bara om personen saknar personnummer."),
    )
    birth_date = forms.DateField(
        label=_("Födelsedatum"),
        required=False,
        widget=DateInput(),
        help_text=_("Behövs bara när personen saknar personnummer."),
    )
    first_name = forms.CharField(label=_("Förnamn"), max_length=100)
    last_name = forms.CharField(label=_("Efternamn"), max_length=100)
    gender = forms.ChoiceField(
        label=_("Kön"),
        choices=[("", "—"), *Gender.choices],
        required=False,
        help_text=_("Lämnas tomt tas det från personnumret."),
    )
    referral_source = forms.ModelChoiceField(
        label=_("Uppdragsgivare"), queryset=ReferralSource.objects.all()
    )
    income_source = forms.ModelChoiceField(
        label=_("Försörjning"), queryset=IncomeSource.objects.all(), required=False
    )
    reason = forms.CharField(label=_("Anledning och uppdrag"), widget=forms.Textarea)
    attachments_description = forms.CharField(
        label=_("Bilagor"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Beskriv vilka handlingar som skickas med och hur (t.ex. utredning, intyg)."),
    )
    attachments = attachments_field()
    wanted_tags = forms.ModelMultipleChoiceField(
        label=_("Önskat språk / kompetens hos konsulenten"),
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    received_date = forms.DateField(label=_("Inkom"), widget=DateInput())
    person = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user: User, registered_person=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Units of the sender's own municipality only; without a municipality, none.
        self.fields["unit"].queryset = Unit.objects.filter(municipality_id=user.municipality_id)
        self.registered_person = registered_person
        if user.unit_id:
            self.fields["unit"].initial = user.unit_id
        if user.referral_source_id:
            self.fields["referral_source"].initial = user.referral_source_id
        if user.role == Role.SAMORDNARE:
            # A samordnare registers referrals that came in on paper, possibly days ago.
            self.fields["received_date"].initial = timezone.localdate()
        else:
            del self.fields["received_date"]
        if registered_person is not None:
            # The person was just registered; the personal fields are already known.
            for name in ("personnummer", "birth_date", "first_name", "last_name", "gender"):
                del self.fields[name]

    @property
    def tag_options(self) -> list[tuple[Tag, bool]]:
        """Each tag with whether it is ticked, for a fieldset of labelled checkboxes."""
        chosen = {str(v) for v in (self["wanted_tags"].value() or [])}
        return [(t, str(t.pk) in chosen) for t in self.fields["wanted_tags"].queryset]

    def person_data(self) -> dict:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in ("personnummer", "birth_date", "first_name", "last_name", "gender")
        }


class AttachmentForm(forms.Form):
    """Lägg till bilagor to a referral already sent."""

    attachments = attachments_field()


class AllocationForm(forms.Form):
    coach = forms.ModelChoiceField(label=_("Konsulent"), queryset=User.objects.none())
    start_date = forms.DateField(label=_("Startdatum"), widget=DateInput())
    override_reason = forms.CharField(
        label=_("Skäl till avsteg från förslaget"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Krävs när du väljer en annan konsulent än den föreslagna."),
    )
    # The coach shown as suggested when the page was loaded: the choice is compared with it.
    suggested_coach = forms.ModelChoiceField(
        label=_("Föreslagen konsulent"), queryset=User.objects.none(), required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, coaches, suggested: User | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coaches
        self.fields["coach"].initial = suggested.pk if suggested else None
        # Any coach of the unit, active or not: the service checks it and says what is wrong.
        unit_ids = coaches.values("unit_id")
        self.fields["suggested_coach"].queryset = User.objects.filter(
            role=Role.COACH, unit_id__in=unit_ids
        )
        self.fields["suggested_coach"].initial = suggested.pk if suggested else None
        self.fields["suggested_coach"].error_messages["invalid_choice"] = _(
            "Förslaget som visades gäller inte längre. Ladda om sidan och fördela på nytt."
        )
        self.fields["start_date"].initial = timezone.localdate()


class RejectForm(forms.Form):
    rejection_reason = forms.CharField(
        label=_("Skäl till avvisning"),
        widget=forms.Textarea,
        help_text=_("Visas för remittenten, t.ex. att remissen hör till en annan enhet."),
    )


class AllocationRoutineForm(forms.Form):
    allocation_routine = forms.CharField(
        label=_("Fördelningsrutin"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        help_text=_(
            "Hur remisser fördelas på enheten, t.ex. vem som fördelar, hur ofta och vad som "
            "väger tyngst. Visas för samordnarna bredvid kön."
        ),
    )
    version = forms.CharField(label=_("Version"), widget=forms.HiddenInput, required=False)
