"""Serializers of the referrals API; the services do the matching, suggestion and allocation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from insats.accounts.models import Role, Tag, User
from insats.codes.models import IncomeSource, ReferralSource
from insats.organisation.models import Unit
from insats.persons.api.serializers import PersonBriefSerializer, PersonnummerField
from insats.persons.models import Gender
from insats.referrals.models import Referral


class ReferralSerializer(serializers.ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
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
            "wanted_tags",
            "received_date",
            "status",
            "allocated_to",
            "suggested_coach",
            "override_reason",
            "rejection_reason",
        ]
        read_only_fields = [
            "id", "person", "status", "allocated_to", "suggested_coach", "override_reason",
            "rejection_reason",
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


class RejectSerializer(serializers.Serializer):
    rejection_reason = serializers.CharField(help_text=_("Visas för remittenten."))
