"""Registering, updating and finding persons (deltagare).

Personnummer and samordningsnummer are always stored in the canonical 12-digit form produced by
`personnummer.parse`, so that a person typed as `900101-1234`, `9001011234` or
`19900101-1234` is one and the same person.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from . import personnummer as pnr
from .models import Gender, Person

# Fields a caller may set through register_person / update_person (personnummer handled apart).
PERSON_FIELDS = (
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
)

_DIGITS_ONLY = re.compile(r"^[\d\s+-]+$")


def normalise_personnummer(text: str, today: dt.date | None = None) -> str:
    """Canonical 12-digit personnummer/samordningsnummer, or "" for empty input.

    Raises ValidationError keyed by `personnummer` with the parser's Swedish reason.
    """
    if not (text or "").strip():
        return ""
    try:
        return pnr.parse(text, today).number
    except pnr.PersonnummerError as exc:
        raise ValidationError({"personnummer": str(exc)}) from None


def _duplicate_error(number: str) -> ValidationError:
    formatted = f"{number[:8]}-{number[8:]}"
    return ValidationError(
        {
            "personnummer": _(
                "Det finns redan en person med personnumret %(pnr)s. Sök fram personen i "
                "stället för att registrera en ny."
            )
            % {"pnr": formatted}
        }
    )


def _apply(person: Person, data: Mapping[str, Any], today: dt.date | None) -> None:
    """Copy allowed fields onto `person`, derive the birth date from the personnummer."""
    for field in PERSON_FIELDS:
        if field in data:
            setattr(person, field, data[field])
    if "personnummer" in data:
        person.personnummer = normalise_personnummer(data["personnummer"], today)
    errors: dict[str, str] = {}
    if person.personnummer:
        parsed = pnr.parse(person.personnummer, today)
        # The personnummer is the authority on the birth date; a typed date must agree with it.
        typed = data.get("birth_date")
        if typed and typed != parsed.birth_date:
            errors["birth_date"] = _(
                "Födelsedatumet stämmer inte med personnumret (%(date)s)."
            ) % {"date": parsed.birth_date.isoformat()}
        person.birth_date = parsed.birth_date
    elif not person.birth_date:
        errors["birth_date"] = _("Ange födelsedatum när personen saknar personnummer.")
    elif person.birth_date > (today or dt.date.today()):
        errors["birth_date"] = _("Födelsedatumet kan inte ligga i framtiden.")
    if person.gender not in Gender.values:
        errors["gender"] = _("Välj kön.")
    if errors:
        raise ValidationError(errors)


def _save(person: Person) -> Person:
    if person.personnummer:
        others = Person.objects.filter(personnummer=person.personnummer).exclude(pk=person.pk)
        if others.exists():
            raise _duplicate_error(person.personnummer)
    try:
        # A savepoint, so that a concurrent duplicate caught by the unique constraint leaves
        # the surrounding transaction usable and reports the same clear message.
        with transaction.atomic():
            person.save()
    except IntegrityError:
        if person.personnummer:
            raise _duplicate_error(person.personnummer) from None
        raise
    return person


@transaction.atomic
def register_person(data: Mapping[str, Any], *, today: dt.date | None = None) -> Person:
    """Registrera person: validate the personnummer (or birth date) and refuse duplicates."""
    person = Person()
    _apply(person, data, today)
    return _save(person)


@transaction.atomic
def update_person(
    person: Person,
    data: Mapping[str, Any],
    *,
    expected_updated_at: dt.datetime | None = None,
    today: dt.date | None = None,
) -> Person:
    """Ändra personuppgifter; a changed personnummer must not belong to another person.

    With `expected_updated_at` (what the editor's page showed) a save over somebody else's
    later change is refused instead of silently overwriting it.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    if expected_updated_at is not None and person.updated_at != expected_updated_at:
        raise ValidationError(
            {
                "updated_at": _(
                    "Personuppgifterna har ändrats av någon annan sedan du öppnade sidan. "
                    "Ingenting har sparats. Ladda om sidan och gör om din ändring."
                )
            }
        )
    _apply(person, data, today)
    return _save(person)


def find_by_personnummer(text: str, today: dt.date | None = None) -> Person | None:
    """The person with this personnummer in any typed form, among all persons (for matching)."""
    number = normalise_personnummer(text, today)
    if not number:
        return None
    return Person.objects.filter(personnummer=number).first()


def search_persons(queryset: QuerySet[Person], query: str) -> QuerySet[Person]:
    """Sök person by name or personnummer, within a queryset the caller may already see.

    A complete personnummer in any form is normalised and matched exactly; a partial one
    (e.g. the last four digits or `900101`) matches digits anywhere in the stored number; text
    matches every word against first or last name.
    """
    query = (query or "").strip()
    if not query:
        return queryset.none()
    if _DIGITS_ONLY.match(query):
        if pnr.is_valid(query):
            return queryset.filter(personnummer=pnr.parse(query).number)
        digits = re.sub(r"\D", "", query)
        if not digits:
            return queryset.none()
        return queryset.filter(personnummer__contains=digits)
    condition = Q()
    for word in query.split():
        condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return queryset.filter(condition)
