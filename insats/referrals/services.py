"""Referrals (remiss) and their allocation (fördelning) to a coach.

Allocation follows the unit's documented routine: Insats suggests the coach with the most
matching languages/competences and, among those, the smallest open caseload; the samordnare
decides, and must say why when choosing someone else. Allocating starts the enrolment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import time
import unicodedata
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insats.accounts.models import Role, Tag, User
from insats.codes.models import IncomeSource, ReferralSource
from insats.core import access
from insats.core.security.uploads import JPEG, PDF, PNG, sniff
from insats.enrolments.models import Enrolment
from insats.organisation.models import Unit
from insats.persons import personnummer as pnr
from insats.persons import services as person_services
from insats.persons.models import Person

from .models import (
    ATTACHMENT_DIR,
    AllocationRoutineChange,
    AttachmentValidator,
    Referral,
    ReferralAttachment,
)

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
    attachments: Sequence = (),
    today: dt.date | None = None,
) -> Referral:
    """Skicka remiss. The person is matched by personnummer or registered from `person_data`.

    `attachments` are uploaded files (bilagor), each checked like `add_attachments` does; the
    referral and its files are saved all or nothing.

    A match never discloses or changes the existing person's details: the referrer may not be
    allowed to see that person; empty names are filled in, nothing else is touched. What the
    sender entered is kept on the referral, and that is all a referrer is shown of the person.

    The receiving unit must belong to the sender's municipality (kommunens ansvar ends at its
    border), whether the referral comes from the page or the API.
    """
    today = today or timezone.localdate()
    if not access.can_send_referrals(sender):
        raise PermissionDenied(_("Du har inte behörighet att skicka remisser."))
    errors: dict[str, str] = {}
    if sender.municipality_id is None or unit.municipality_id != sender.municipality_id:
        errors["unit"] = _(
            "Enheten %(unit)s hör inte till din kommun. Välj en mottagande enhet i din kommun."
        ) % {"unit": unit}
    if not (reason or "").strip():
        errors["reason"] = _("Beskriv anledningen till remissen och vad uppdraget är.")
    received_date = received_date or today
    if received_date > today:
        errors["received_date"] = _("Datumet då remissen inkom kan inte ligga i framtiden.")
    attachment_errors = check_attachments(attachments)
    if attachment_errors:
        errors["attachments"] = attachment_errors
    entered = _entered(person, person_data or {}, today)
    if person is None:
        try:
            person = _match_or_register(person_data or {}, today)
        except ValidationError as exc:
            errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        **entered,
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
    _store_attachments(referral, attachments, by=sender)
    return referral


# --- Bilagor: files sent with a referral --------------------------------------------------------

MAX_ATTACHMENTS = 5
ATTACHMENT_NAME_LENGTH = 200
# Characters never kept in a shown file name: path separators, those Windows refuses, quotes.
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
ORPHAN_GRACE_SECONDS = 24 * 3600


def sanitise_filename(name: str) -> str:
    """The sender's file name made safe to show and to offer on download: the last path part
    only, NFC, without control, path or quote characters, at most ATTACHMENT_NAME_LENGTH
    characters (the extension kept). Never used in a storage path."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE_NAME.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    if not name:
        return _("bilaga")
    if len(name) > ATTACHMENT_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        ext = ext[:20]
        name = stem[: ATTACHMENT_NAME_LENGTH - len(ext)] + ext
    return name


def check_attachments(files: Sequence, *, already: int = 0) -> list[str]:
    """Swedish errors for the files that may not be attached (each naming the file and why),
    [] when all may. At most MAX_ATTACHMENTS per referral, counting the `already` attached."""
    files = [f for f in files if f is not None]
    errors: list[str] = []
    if already + len(files) > MAX_ATTACHMENTS:
        if already:
            message = _(
                "En remiss kan ha högst %(max)d bilagor. Du valde %(n)d filer och remissen har "
                "redan %(already)d."
            )
        else:
            message = _("En remiss kan ha högst %(max)d bilagor; du valde %(n)d filer.")
        errors.append(message % {"max": MAX_ATTACHMENTS, "n": len(files), "already": already})
    validate = AttachmentValidator()
    for upload in files:
        try:
            validate(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    return errors


CONTENT_TYPES = {PDF: ("application/pdf", ".pdf"), PNG: ("image/png", ".png"),
                 JPEG: ("image/jpeg", ".jpg")}


def _sniffed(upload) -> tuple[str, str]:
    """(content type, storage extension) of a checked file, from its first bytes."""
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    return CONTENT_TYPES[sniff(head)]


def _store_attachments(referral: Referral, files: Sequence, *, by: User | None) -> list:
    """Write already checked files under random names and record them, inside the caller's
    transaction. If anything fails, the files written so far are removed again; if the
    transaction is rolled back later, the files left without a row are removed by
    `remove_orphaned_files` (run with retention)."""
    written: list[str] = []
    created = []
    try:
        for upload in files:
            if upload is None:
                continue
            content_type, extension = _sniffed(upload)
            stored = default_storage.save(f"{ATTACHMENT_DIR}/{uuid.uuid4().hex}{extension}",
                                          upload)
            written.append(stored)
            created.append(ReferralAttachment.objects.create(
                referral=referral,
                file=stored,
                original_name=sanitise_filename(getattr(upload, "name", "")),
                content_type=content_type,
                size=upload.size,
                uploaded_by=by,
            ))
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return created


@transaction.atomic
def add_attachments(referral: Referral, *, by: User, files: Sequence) -> list:
    """Lägg till bilagor: the sender adds files to their own referral while it waits for
    allocation. All or nothing: one refused file stores none."""
    if not access.can_add_referral_attachments(by, referral):
        raise PermissionDenied(_("Du kan bara lägga till bilagor till remisser du själv har "
                                 "skickat."))
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != Referral.Status.SENT:
        raise ValidationError({"attachments": _(
            "Remissen är redan fördelad eller avvisad; bilagor kan inte längre läggas till."
        )})
    files = [f for f in files if f is not None]
    if not files:
        raise ValidationError({"attachments": _("Välj minst en fil att bifoga.")})
    errors = check_attachments(files, already=referral.attachments.count())
    if errors:
        raise ValidationError({"attachments": errors})
    return _store_attachments(referral, files, by=by)


def delete_attachments(attachments) -> int:
    """Remove these attachments (a queryset): the rows now, each file once the deletion is
    committed (see models._remove_attachment_file). Returns the number removed."""
    _total, per_model = attachments.delete()
    return per_model.get(ReferralAttachment._meta.label, 0)


def orphaned_files(*, older_than_seconds: int = ORPHAN_GRACE_SECONDS) -> list[str]:
    """Stored attachment files without a row (left by a transaction rolled back after the
    files were written), older than the grace period so uploads in progress are left alone."""
    try:
        _dirs, names = default_storage.listdir(ATTACHMENT_DIR)
    except FileNotFoundError:
        return []
    known = set(ReferralAttachment.objects.values_list("file", flat=True))
    limit = time.time() - older_than_seconds
    found = []
    for name in sorted(names):
        path = f"{ATTACHMENT_DIR}/{name}"
        if path in known:
            continue
        if default_storage.get_modified_time(path).timestamp() < limit:
            found.append(path)
    return found


def remove_orphaned_files(
    *, older_than_seconds: int = ORPHAN_GRACE_SECONDS, found: list[str] | None = None
) -> int:
    """Delete the files `orphaned_files` finds (or `found`, looked for earlier), once the
    caller's transaction commits."""
    if found is None:
        found = orphaned_files(older_than_seconds=older_than_seconds)

    def remove() -> None:
        for path in found:
            default_storage.delete(path)

    if found:
        transaction.on_commit(remove)
    return len(found)


def _entered(person: Person | None, data: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """The person as the sender gave them, kept on the referral (`referred_*`)."""
    if person is not None:
        # Chosen from the sender's own registration (the signed token of persons:create).
        return {
            "referred_personnummer": person.personnummer,
            "referred_first_name": person.first_name,
            "referred_last_name": person.last_name,
            "referred_birth_date": person.birth_date,
        }
    try:
        number = person_services.normalise_personnummer(data.get("personnummer", ""), today)
    except ValidationError:
        number = ""  # reported by _match_or_register
    birth_date = data.get("birth_date")
    if number and not birth_date:
        birth_date = pnr.parse(number, today).birth_date
    return {
        "referred_personnummer": number or "",
        "referred_first_name": (data.get("first_name") or "").strip(),
        "referred_last_name": (data.get("last_name") or "").strip(),
        "referred_birth_date": birth_date or None,
    }


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
    shown_suggestion: User | None = None,
    today: dt.date | None = None,
) -> Enrolment:
    """Fördela remiss: record the decision and start the enrolment, all or nothing.

    A referral is allocated once: the status changes with a conditional update, so a double
    submit or two samordnare at once give one enrolment and a clear refusal for the other.

    `shown_suggestion` is the coach the samordnare was shown as suggested. The choice is
    compared with that suggestion, not with one computed again now: caseloads may have changed
    since the page was loaded, and choosing the coach one was shown is following the
    suggestion. It must be a coach of the referral's unit. Without it (e.g. from the API
    without `suggested_coach`), the suggestion is computed now. The suggestion compared with
    is recorded as `suggested_coach`, the choice as `allocated_to`.
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
    if shown_suggestion is not None:
        if shown_suggestion.role != Role.COACH or shown_suggestion.unit_id != referral.unit_id:
            errors["suggested_coach"] = _(
                "Den föreslagna konsulenten hör inte till den mottagande enheten. Ladda om "
                "sidan och fördela på nytt."
            )
        suggested = shown_suggestion
    else:
        suggested = suggest_coach(referral).coach
    override_reason = (override_reason or "").strip()
    is_override = suggested is not None and coach.pk != suggested.pk
    if is_override and not override_reason:
        errors["override_reason"] = _(
            "Ange skäl till att du väljer en annan konsulent än den föreslagna (%(coach)s)."
        ) % {"coach": suggested}
    if errors:
        raise ValidationError(errors)
    updated = Referral.objects.filter(pk=referral.pk, status=Referral.Status.SENT).update(
        status=Referral.Status.ALLOCATED,
        allocated_to=coach,
        allocated_by=by,
        allocated_at=timezone.now(),
        suggested_coach=suggested,
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
        .prefetch_related("wanted_tags", "attachments")
        .order_by("received_date", "pk")
    )


# --- Fördelningsrutin: the unit's documented allocation routine ------------------------------


def routine_version(text: str) -> str:
    """A short fingerprint of a routine text: the optimistic lock of the routine page.

    The form carries the fingerprint of the text it was loaded with; a save is refused when the
    stored text has changed since (by someone else on the page or in the admin)."""
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()[:16]


@transaction.atomic
def update_allocation_routine(
    unit: Unit, *, by: User, text: str, expected_version: str
) -> AllocationRoutineChange | None:
    """Ändra fördelningsrutin: save the unit's routine text and keep who changed it and when.

    Returns the recorded change, or None when the text was already the same (nothing saved)."""
    if not access.can_edit_allocation_routine(by, unit):
        raise PermissionDenied(_("Du har inte behörighet att ändra enhetens fördelningsrutin."))
    current = Unit.objects.select_for_update().get(pk=unit.pk)
    if routine_version(current.allocation_routine) != (expected_version or ""):
        raise ValidationError({"version": _(
            "Fördelningsrutinen har ändrats av någon annan sedan du öppnade sidan. Läs den "
            "nya texten och gör din ändring igen."
        )})
    text = (text or "").strip().replace("\r\n", "\n")
    if text == current.allocation_routine:
        return None
    Unit.objects.filter(pk=unit.pk).update(allocation_routine=text)
    unit.allocation_routine = text
    return AllocationRoutineChange.objects.create(unit=unit, text=text, changed_by=by)


def last_routine_change(unit: Unit) -> AllocationRoutineChange | None:
    """The latest recorded change of the routine (senast ändrad av, datum)."""
    return unit.routine_changes.select_related("changed_by").first()
