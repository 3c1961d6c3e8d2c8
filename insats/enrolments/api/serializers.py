"""Serializers of the enrolments API; the rules are the services' rules."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from insats.codes.models import ClosureReason, FollowupStatus
from insats.enrolments.models import Enrolment, Followup
from insats.persons.api.serializers import PersonBriefSerializer


class EnrolmentSerializer(serializers.ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    referral_source = serializers.SlugRelatedField(slug_field="code", read_only=True)
    income_at_start = serializers.SlugRelatedField(slug_field="code", read_only=True)
    closure_reason = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "external_id",
            "person",
            "unit",
            "coach",
            "referral",
            "referral_source",
            "referral_date",
            "start_date",
            "income_at_start",
            "need_category",
            "plan_date",
            "end_date",
            "closure_reason",
            "closure_note",
            "version",
        ]
        read_only_fields = fields


class CloseSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        help_text=_("Den version av inskrivningen som ändringen bygger på (optimistisk låsning).")
    )
    end_date = serializers.DateField()
    closure_reason = serializers.SlugRelatedField(
        slug_field="code", queryset=ClosureReason.objects.all(),
        help_text=_("Kod ur kodlistan för avslutsorsaker."),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReopenSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    reason = serializers.CharField()


class FollowupSerializer(serializers.ModelSerializer):
    months_after = serializers.ChoiceField(choices=Followup.MonthsAfter.choices)
    status = serializers.SlugRelatedField(
        slug_field="code", queryset=FollowupStatus.objects.all()
    )
    followup_date = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = Followup
        fields = ["months_after", "status", "followup_date"]
        # Recording an interval again corrects it (the service updates), so no unique check.
        validators: list = []
