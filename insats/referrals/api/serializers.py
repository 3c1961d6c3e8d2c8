"""Serializers of the referrals API; the services do the matching, suggestion and allocation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from insats.accounts.models import Role, Tag, User
from insats.codes.models import IncomeSource, ReferralSource
from insats.core import access
from insats.organisation.models import Unit
from insats.persons.api.serializers import PersonBriefSerializer, PersonnummerField
from insats.persons.models import Gender
from insats.referrals.models import Referral, ReferralAttachment


class AttachmentSerializer(serializers.ModelSerializer):
    """A file sent with the referral (bilaga): what it is, not its content (the file is
    downloaded from the referral pages)."""

    name = serializers.CharField(source="original_name")

    class Meta:
        model = ReferralAttachment
        fields = ["id", "name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class ReferralSerializer(serializers.ModelSerializer):
    # The person as the requesting user may see it in the referral: the person record for the
    # unit's staff; for a referrer only what they entered (id and protected_identity null).
    person = serializers.SerializerMethodField()
    unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.all(),
        help_text=_("Enhetskod; enheten måste höra till avsändarens kommun."),
        error_messages={
            "does_not_exist": _("Det finns ingen enhet med koden {value} i din kommun."),
        },
    )
    referral_source = serializers.SlugRelatedField(
        slug_field="code", queryset=ReferralSource.objects.all()
    )
    income_source = serializers.SlugRelatedField(
        slug_field="code", queryset=IncomeSource.objects.all(), required=False, allow_null=True
    )
    wanted_tags = serializers.PrimaryKeyRelatedField(
        queryset=Tag.objects.all(), many=True, required=False
    )
    received_date = serializers.DateField(
        required=False, help_text=_("Dagens datum om det utelämnas.")
    )
    # The person, matched by personnummer or registered; write-only, the answer has `person`.
    personnummer = PersonnummerField(write_only=True, required=False, allow_blank=True)
    birth_date = serializers.DateField(write_only=True, required=False, allow_null=True)
    first_name = serializers.CharField(write_only=True, max_length=100)
    last_name = serializers.CharField(write_only=True, max_length=100)
    gender = serializers.ChoiceField(
        write_only=True, choices=Gender.choices, required=False, allow_blank=True
    )
    attachments = AttachmentSerializer(many=True, read_only=True)

    @extend_schema_field(PersonBriefSerializer)
    def get_person(self, referral: Referral) -> dict:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            raise RuntimeError("ReferralSerializer needs the request in its context.")
        seen = access.referral_person(user, referral)
        if seen.record is not None:
            return PersonBriefSerializer(seen.record).data
        return {
            "id": None,
            "personnummer": seen.display_personnummer,
            "first_name": seen.first_name,
            "last_name": seen.last_name,
            "protected_identity": None,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if "unit" in self.fields and user is not None:
            # Units of the sender's own municipality only (the service refuses others, too).
            self.fields["unit"].queryset = Unit.objects.filter(
                municipality_id=getattr(user, "municipality_id", None)
            )

    class Meta:
        model = Referral
        fields = [
            "id",
            "unit",
            "person",
            "personnummer",
            "birth_date",
            "first_name",
            "last_name",
            "gender",
            "referral_source",
            "income_source",
            "reason",
            "attachments_description",
            "attachments",
            "wanted_tags",
            "received_date",
            "status",
            "allocated_to",
            "suggested_coach",
            "override_reason",
            "rejection_reason",
        ]
        read_only_fields = [
            "id", "person", "attachments", "status", "allocated_to", "suggested_coach",
            "override_reason", "rejection_reason",
        ]


class CandidateSerializer(serializers.Serializer):
    coach = serializers.IntegerField(source="coach.pk")
    name = serializers.CharField(source="coach.get_full_name")
    open_enrolments = serializers.IntegerField()
    matching_tags = serializers.ListField(
        child=serializers.CharField(), source="matching_tag_names"
    )
    reasoning = serializers.CharField()


class SuggestionSerializer(serializers.Serializer):
    coach = serializers.IntegerField(source="coach.pk", allow_null=True, default=None)
    explanation = serializers.CharField()
    candidates = CandidateSerializer(many=True)


class AllocationSerializer(serializers.Serializer):
    coach = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.COACH, is_active=True)
    )
    start_date = serializers.DateField(
        required=False, help_text=_("Dagens datum om det utelämnas.")
    )
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    suggested_coach = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.COACH),
        required=False,
        allow_null=True,
        help_text=_(
            "Konsulenten som förslaget (suggestion) visade. Valet jämförs med den; utelämnas "
            "den räknas förslaget om vid fördelningen."
        ),
    )


class RejectSerializer(serializers.Serializer):
    rejection_reason = serializers.CharField(help_text=_("Visas för remittenten."))
