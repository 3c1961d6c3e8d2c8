"""Serializers of the persons API; validation is the same parser and services as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.exceptions import APIException

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


class StaleUpdate(APIException):
    """409: the person changed after the client read it; nothing was saved."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PersonSerializer(serializers.ModelSerializer):
    """A person. Updates (PUT and PATCH) must send back the `updated_at` the client read, the
    same optimistic check the edit page makes: a stale one is refused with 409 and a missing
    one with 400, so an integration never silently overwrites a colleague's change."""

    personnummer = PersonnummerField(required=False, allow_blank=True)
    updated_at = serializers.DateTimeField(
        required=False,
        help_text=_(
            "När personen senast ändrades. Skicka med det värde du läste när du ändrar (PUT "
            "eller PATCH); har någon annan ändrat personen sedan dess vägras ändringen med 409. "
            "Ignoreras när en person registreras."
        ),
    )
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
            "updated_at",
        ]
        read_only_fields = ["id", "external_id"]
        # Duplicates are refused by the service with a clearer message than a unique validator.
        validators: list = []

    def to_representation(self, instance: Person) -> dict:
        data = super().to_representation(instance)
        if instance.is_protected:
            data["address"] = ""
        return data

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None and attrs.get("updated_at") is None:
            raise serializers.ValidationError({"updated_at": _(
                "Skicka med updated_at som du läste från personen, så att en ändring som någon "
                "annan har gjort sedan dess inte skrivs över. Ingenting har sparats."
            )})
        return attrs

    def create(self, validated_data: dict) -> Person:
        validated_data.pop("updated_at", None)
        return services.register_person(validated_data)

    def update(self, instance: Person, validated_data: dict) -> Person:
        expected = validated_data.pop("updated_at")
        if instance.is_protected:
            # The address of a protected person is neither shown nor changed through the API.
            validated_data.pop("address", None)
        try:
            return services.update_person(instance, validated_data, expected_updated_at=expected)
        except DjangoValidationError as exc:
            if not (hasattr(exc, "error_dict") and "updated_at" in exc.error_dict):
                raise
        current = Person.objects.only("updated_at").get(pk=instance.pk).updated_at
        raise StaleUpdate({"updated_at": [gettext(
            "Personuppgifterna har ändrats av någon annan (senast %(current)s) efter den "
            "version du läste (updated_at %(sent)s). Ingenting har sparats. Hämta personen "
            "igen och gör om ändringen."
        ) % {
            "current": timezone.localtime(current).isoformat(),
            "sent": timezone.localtime(expected).isoformat(),
        }]})


class PersonBriefSerializer(serializers.ModelSerializer):
    personnummer = PersonnummerField(read_only=True)

    class Meta:
        model = Person
        fields = ["id", "personnummer", "first_name", "last_name", "protected_identity"]
        read_only_fields = fields
