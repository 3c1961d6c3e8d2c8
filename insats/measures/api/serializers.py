"""Serializers of the placements and attendance API; the rules are the services' rules."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from insats.core import access
from insats.measures.models import HOURS_FIELD, Attendance, Measure, Placement


class VisibleEnrolmentField(serializers.PrimaryKeyRelatedField):
    """An enrolment id the requesting user may see; any other id is 'does not exist'."""

    def get_queryset(self):
        return access.visible_enrolments(self.context["request"].user)


class VisiblePlacementField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Placement.objects.filter(
            enrolment__in=access.visible_enrolments(self.context["request"].user)
        ).select_related("enrolment__person", "measure")


class PlacementSerializer(serializers.ModelSerializer):
    enrolment = VisibleEnrolmentField(help_text=_("Inskrivningens id."))
    measure = serializers.SlugRelatedField(
        slug_field="code", queryset=Measure.objects.all(),
        help_text=_("Insatsens kod i insatsmatrisen."),
    )
    total_hours = serializers.DecimalField(
        max_digits=HOURS_FIELD.max_digits, decimal_places=HOURS_FIELD.decimal_places,
        read_only=True,
        help_text=_("Inrapporterade timmar plus registrerad närvaro."),
    )
    allow_over_capacity = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text=_("Placera även om insatsen är fullbelagd (överbeläggning)."),
    )

    class Meta:
        model = Placement
        fields = [
            "id", "external_id", "enrolment", "measure", "start_date", "end_date",
            "workplace", "supervisor", "reported_hours", "cost_sek", "total_hours",
            "allow_over_capacity",
        ]
        read_only_fields = ["id", "external_id", "reported_hours", "cost_sek", "total_hours"]


class PlacementUpdateSerializer(serializers.ModelSerializer):
    """Period, workplace and supervisor; the measure and enrolment of a placement are fixed."""

    class Meta:
        model = Placement
        fields = ["start_date", "end_date", "workplace", "supervisor"]
        extra_kwargs = {"end_date": {"required": False}}


class PlacementEndSerializer(serializers.Serializer):
    end_date = serializers.DateField(help_text=_("Sista dagen i insatsen."))


class AttendanceSerializer(serializers.ModelSerializer):
    placement = VisiblePlacementField(help_text=_("Placeringens id."))
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=2, required=False, default=0,
        help_text=_("0–24 i kvartstimmar."),
    )

    class Meta:
        model = Attendance
        fields = ["id", "placement", "date", "hours", "absence_reason"]
        # The service upserts one row per placement and day, so no unique-together check here.
        validators: list = []


class AttendanceUpdateSerializer(serializers.ModelSerializer):
    """Hours and absence of a recorded day; the day and placement stay the same."""

    hours = serializers.DecimalField(max_digits=4, decimal_places=2)

    class Meta:
        model = Attendance
        fields = ["hours", "absence_reason"]
