"""Referrals (remiss) and their allocation (fördelning) to a coach.

Allocation follows the unit's documented routine: Insats suggests the coach with the most
matching languages/competences and, among those, the smallest open caseload; the samordnare
decides, and must say why when choosing someone else. Allocating starts the enrolment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insats.accounts.models import Role, Tag, User
from insats.codes.models import IncomeSource, ReferralSource
from insats.core import access
from insats.enrolments.models import Enrolment
from insats.organisation.models import Unit
from insats.persons import personnummer as pnr
from insats.persons import services as person_services
from insats.persons.models import Person

from .models import Referral

ALREADY_ALLOCATED = gettext_lazy(
    "Remissen är redan fördelad eller avvisad; den fördelas inte igen."
)


@transaction.atomic
def create_referral(
    *,
    sender: User,
    unit: Unit,
    referral_source: ReferralSource,
    reason: str,
    person: Person | None = None,
    person_data: Mapping[str, Any] | None = None,
    income_source: IncomeSource | None = None,
    attachments_description: str = "",
    wanted_tags: Iterable[Tag] = (),
    received_date: dt.date | None = None,
    today: dt.date | None = None,
) -> Referral:
    """Skicka remiss. The person is matched by personnummer or registered from `person_data`.

    A match never discloses or changes the existing person's details: the referrer may not be
    allowed to see that person; empty names are filled in, nothing else is touched.
    """
    today = today or timezone.localdate()
    if not access.can_send_referrals(sender):
        raise PermissionDenied(_("Du har inte behörighet att skicka remisser."))
    errors: dict[str, str] = {}
    if not (reason or "").strip():
        errors["reason"] = _("Beskriv anledningen till remissen och vad uppdraget är.")
    received_date = received_date or today
    if received_date > today:
        errors["received_date"] = _("Datumet då remissen inkom kan inte ligga i framtiden.")
    if person is None:
        try:
            person = _match_or_register(person_data or {}, today)
        except ValidationError as exc:
            errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        unit=unit,
        person=person,
        sender=sender,
        referral_source=referral_source,
        income_source=income_source,
        reason=reason.strip(),
        attachments_description=(attachments_description or "").strip(),
        received_date=received_date,
    )
    referral.wanted_tags.set(list(wanted_tags))
    return referral


def _match_or_register(data: Mapping[str, Any], today: dt.date) -> Person:
    number = person_services.normalise_personnummer(data.get("personnummer", ""), today)
    if number:
        existing = Person.objects.select_for_update().filter(personnummer=number).first()
        if existing is not None:
            changed = []
            for name in ("first_name", "last_name"):
                if not getattr(existing, name) and data.get(name):
                    setattr(existing, name, data[name])
                    changed.append(name)
            if changed:
                existing.save(update_fields=[*changed, "updated_at"])
            return existing
    values = {k: v for k, v in data.items() if v not in (None, "")}
    if number and not values.get("gender"):
        # Without a stated gender the personnummer's gender digit is the official record.
        values["gender"] = "K" if pnr.parse(number, today).gender_digit_is_female else "M"
    return person_services.register_person(values, today=today)


@dataclass
class Candidate:
    """One coach considered for a referral, with what speaks for them."""

    coach: User
    open_enrolments: int
    matching_tags: list[Tag] = field(default_factory=list)

    @property
    def matching_tag_names(self) -> list[str]:
        return [t.name for t in self.matching_tags]

    @property
    def reasoning(self) -> str:
        parts = [
            _("%(n)d öppna inskrivningar") % {"n": self.open_enrolments},
        ]
        if self.matching_tags:
            parts.append(
                _("matchar %(tags)s") % {"tags": ", ".join(t.name for t in self.matching_tags)}
            )
        else:
            parts.append(_("inga matchande språk/kompetenser"))
        return "; ".join(parts)


@dataclass
class Suggestion:
    """Förslag på konsulent: the suggested coach, every candidate in order, and why."""

    coach: User | None
    candidates: list[Candidate]
    explanation: str


def suggest_coach(referral: Referral) -> Suggestion:
    """Föreslå konsulent: most matching language/competence tags first, then fewest open
    enrolments in the unit, then name (so the suggestion is stable)."""
    wanted = {t.pk: t for t in referral.wanted_tags.all()}
    coaches = (
        User.objects.filter(unit_id=referral.unit_id, role=Role.COACH, is_active=True)
        .annotate(
            open_count=Count(
                "caseload",
                filter=Q(caseload__end_date__isnull=True, caseload__unit_id=referral.unit_id),
            )
        )
        .prefetch_related("tags")
    )
    candidates = [
        Candidate(
            coach=c,
            open_enrolments=c.open_count,
            matching_tags=sorted((wanted[t.pk] for t in c.tags.all() if t.pk in wanted),
                                 key=lambda t: t.name),
        )
        for c in coaches
    ]
    candidates.sort(
        key=lambda c: (-len(c.matching_tags), c.open_enrolments, c.coach.last_name,
                       c.coach.first_name, c.coach.pk)
    )
    if not candidates:
        return Suggestion(
            None, [], _("Enheten har inga aktiva konsulenter att fördela till.")
        )
    best = candidates[0]
    if wanted and best.matching_tags:
        explanation = _(
            "%(coach)s föreslås: flest matchande språk/kompetenser (%(tags)s) och, bland dem, "
            "minst antal öppna inskrivningar (%(n)d)."
        ) % {
            "coach": best.coach,
            "tags": ", ".join(t.name for t in best.matching_tags),
            "n": best.open_enrolments,
        }
    elif wanted:
        explanation = _(
            "Ingen konsulent matchar önskat språk/kompetens. %(coach)s föreslås därför för att "
            "ha minst antal öppna inskrivningar (%(n)d)."
        ) % {"coach": best.coach, "n": best.open_enrolments}
    else:
        explanation = _(
            "%(coach)s föreslås för att ha minst antal öppna inskrivningar (%(n)d)."
        ) % {"coach": best.coach, "n": best.open_enrolments}
    return Suggestion(best.coach, candidates, explanation)


@transaction.atomic
def allocate_referral(
    referral: Referral,
    *,
    by: User,
    coach: User,
    start_date: dt.date | None = None,
    override_reason: str = "",
    today: dt.date | None = None,
) -> Enrolment:
    """Fördela remiss: record the decision and start the enrolment, all or nothing.

    A referral is allocated once: the status changes with a conditional update, so a double
    submit or two samordnare at once give one enrolment and a clear refusal for the other.
    """
    today = today or timezone.localdate()
    visible = access.visible_referrals(by).filter(pk=referral.pk).exists()
    if not access.can_allocate(by) or not visible:
        raise PermissionDenied(_("Du har inte behörighet att fördela den här remissen."))
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != Referral.Status.SENT:
        raise ValidationError(ALREADY_ALLOCATED)
    errors: dict[str, str] = {}
    if coach.role != Role.COACH or coach.unit_id != referral.unit_id or not coach.is_active:
        errors["coach"] = _("Välj en aktiv konsulent på den mottagande enheten.")
    start_date = start_date or today
    if start_date < referral.received_date:
        errors["start_date"] = _(
            "Startdatum kan inte vara före datumet då remissen inkom (%(date)s)."
        ) % {"date": referral.received_date.isoformat()}
    suggestion = suggest_coach(referral)
    override_reason = (override_reason or "").strip()
    is_override = suggestion.coach is not None and coach.pk != suggestion.coach.pk
    if is_override and not override_reason:
        errors["override_reason"] = _(
            "Ange skäl till att du väljer en annan konsulent än den föreslagna (%(coach)s)."
        ) % {"coach": suggestion.coach}
    if errors:
        raise ValidationError(errors)
    updated = Referral.objects.filter(pk=referral.pk, status=Referral.Status.SENT).update(
        status=Referral.Status.ALLOCATED,
        allocated_to=coach,
        allocated_by=by,
        allocated_at=timezone.now(),
        suggested_coach=suggestion.coach,
        override_reason=override_reason if is_override else "",
    )
    if updated != 1:
        raise ValidationError(ALREADY_ALLOCATED)
    return Enrolment.objects.create(
        person_id=referral.person_id,
        unit_id=referral.unit_id,
        coach=coach,
        referral=referral,
        referral_source_id=referral.referral_source_id,
        referral_date=referral.received_date,
        start_date=start_date,
        income_at_start_id=referral.income_source_id,
    )


@transaction.atomic
def reject_referral(referral: Referral, *, by: User, reason: str) -> Referral:
    """Avvisa remiss, e.g. sent to the wrong unit; the referrer sees the reason."""
    visible = access.visible_referrals(by).filter(pk=referral.pk).exists()
    if not access.can_allocate(by) or not visible:
        raise PermissionDenied(_("Du har inte behörighet att avvisa den här remissen."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"rejection_reason": _("Ange skälet till att remissen avvisas.")})
    updated = Referral.objects.filter(pk=referral.pk, status=Referral.Status.SENT).update(
        status=Referral.Status.REJECTED,
        rejection_reason=reason,
        allocated_by=by,
        allocated_at=timezone.now(),
    )
    if updated != 1:
        raise ValidationError(ALREADY_ALLOCATED)
    return Referral.objects.get(pk=referral.pk)


def queue(user: User):
    """Remisser att fördela: the unit's referrals waiting for allocation, oldest first."""
    return (
        access.visible_referrals(user)
        .filter(status=Referral.Status.SENT)
        .select_related("person", "referral_source", "income_source", "sender", "unit")
        .prefetch_related("wanted_tags")
        .order_by("received_date", "pk")
    )
