"""Serializers of the persons API; validation is the same parser and services as the pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from insats.persons import personnummer as pnr
from insats.persons import services
from insats.persons.models import Person


class PersonnummerField(serializers.CharField):
    """Personnummer or samordningsnummer in any typed form; stored and shown canonically."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "help_text",
            _("10 eller 12 siffror, med eller utan - eller +. Returneras som ÅÅÅÅMMDD-NNNN."),
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> str:
        text = super().to_internal_value(data)
        if not text.strip():
            return ""
        try:
            return pnr.parse(text).number
        except pnr.PersonnummerError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value: str) -> str:
        return f"{value[:8]}-{value[8:]}" if value else ""


class PersonSerializer(serializers.ModelSerializer):
    personnummer = PersonnummerField(required=False, allow_blank=True)
    birth_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("Behövs bara när personen saknar personnummer; annars tas det från numret."),
    )
    address = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("Tom för personer med skyddad identitet: adressen visas aldrig."),
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "external_id",
            "personnummer",
            "first_name",
            "last_name",
            "birth_date",
            "gender",
            "education_level",
            "born_abroad",
            "newly_arrived",
            "protected_identity",
            "municipality_code",
            "address",
            "phone",
            "email",
            "language",
        ]
        read_only_fields = ["id", "external_id"]
        # Duplicates are refused by the service with a clearer message than a unique validator.
        validators: list = []

    def to_representation(self, instance: Person) -> dict:
        data = super().to_representation(instance)
        if instance.is_protected:
            data["address"] = ""
        return data

    def create(self, validated_data: dict) -> Person:
        return services.register_person(validated_data)

    def update(self, instance: Person, validated_data: dict) -> Person:
        if instance.is_protected:
            # The address of a protected person is neither shown nor changed through the API.
            validated_data.pop("address", None)
        return services.update_person(instance, validated_data)


class PersonBriefSerializer(serializers.ModelSerializer):
    personnummer = PersonnummerField(read_only=True)

    class Meta:
        model = Person
        fields = ["id", "personnummer", "first_name", "last_name", "protected_identity"]
        read_only_fields = fields
