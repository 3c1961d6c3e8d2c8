"""Work within an enrolment (inskrivning): edits, notes, trepartssamtal, avslut, återöppning
and efteruppföljning.

Every change to the enrolment row itself goes through `_save_version`, an optimistic lock: the
caller says which `version` it read, and the row is only changed if nobody else has changed it
since. A stale version is refused with a Swedish explanation and nothing is written.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insats.accounts.models import Role, User
from insats.audit import services as audit
from insats.codes.models import ClosureReason, FollowupStatus, IncomeSource
from insats.core import access
from insats.core.dates import add_months
from insats.measures.models import Placement

from .models import CaseNote, Enrolment, Followup, NeedCategory, Reopening, ThreePartyMeeting

# The closure reason whose definition says it must be commented on in the case.
OTHER_REASON = "OVRIGT"
FOLLOWUP_MONTHS = (3, 6, 12)
# A follow-up call may be made a little before the exact date and still count for the interval.
FOLLOWUP_EARLY_DAYS = 14

STALE_MESSAGE = gettext_lazy(
    "Inskrivningen har ändrats av någon annan sedan du öppnade sidan. Ingenting har sparats. "
    "Ladda om sidan, se över ändringarna och gör om din ändring."
)


def _stale() -> ValidationError:
    return ValidationError({"version": STALE_MESSAGE})


def _locked(enrolment: Enrolment, expected_version: int) -> Enrolment:
    """The current row, locked for the transaction; refused at once if the version is stale."""
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if expected_version is None or int(expected_version) != current.version:
        raise _stale()
    return current


def _save_version(enrolment: Enrolment, expected_version: int, **changes) -> Enrolment:
    """Write `changes` only if the row still has `expected_version`; bump the version."""
    updated = Enrolment.objects.filter(pk=enrolment.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **changes
    )
    if updated != 1:
        raise _stale()
    return Enrolment.objects.get(pk=enrolment.pk)


def _require_work(user: User, enrolment: Enrolment) -> None:
    if not access.can_work_on_enrolment(user, enrolment):
        raise PermissionDenied(_("Du har inte behörighet att ändra i den här inskrivningen."))


_UNSET = object()


@transaction.atomic
def update_enrolment(
    enrolment: Enrolment,
    *,
    by: User,
    expected_version: int,
    coach: User | None | object = _UNSET,
    need_category: str | object = _UNSET,
    income_at_start: IncomeSource | None | object = _UNSET,
) -> Enrolment:
    """Ändra inskrivning: responsible coach, need category, income at start."""
    _require_work(by, enrolment)
    current = _locked(enrolment, expected_version)
    changes: dict = {}
    errors: dict[str, str] = {}
    if coach is not _UNSET and getattr(coach, "pk", None) != current.coach_id:
        if by.role not in (Role.SAMORDNARE, Role.ENHETSCHEF):
            errors["coach"] = _("Bara samordnare och enhetschef kan byta ansvarig konsulent.")
        elif coach is not None and (
            coach.role != Role.COACH or coach.unit_id != current.unit_id or not coach.is_active
        ):
            errors["coach"] = _("Välj en aktiv konsulent på inskrivningens enhet.")
        else:
            changes["coach"] = coach
    if need_category is not _UNSET:
        if need_category and need_category not in NeedCategory.values:
            errors["need_category"] = _("Okänd behovskategori.")
        else:
            changes["need_category"] = need_category or ""
    if income_at_start is not _UNSET:
        changes["income_at_start"] = income_at_start
    if errors:
        raise ValidationError(errors)
    return _save_version(current, expected_version, **changes)


@transaction.atomic
def add_case_note(enrolment: Enrolment, *, by: User, text: str) -> CaseNote:
    """Journalanteckning: added in order, never edited."""
    _require_work(by, enrolment)
    if not (text or "").strip():
        raise ValidationError({"text": _("Skriv anteckningen innan du sparar.")})
    return CaseNote.objects.create(enrolment=enrolment, author=by, text=text.strip())


@transaction.atomic
def add_meeting(
    enrolment: Enrolment, *, by: User, date: dt.date, participants: str, notes: str = ""
) -> ThreePartyMeeting:
    """Trepartssamtal between coach, participant and referrer."""
    _require_work(by, enrolment)
    errors = {}
    if date is None:
        errors["date"] = _("Ange datum för trepartssamtalet.")
    elif enrolment.referral_date and date < enrolment.referral_date:
        errors["date"] = _(
            "Trepartssamtalet kan inte ha hållits före remissdatumet (%(date)s)."
        ) % {"date": enrolment.referral_date.isoformat()}
    if not (participants or "").strip():
        errors["participants"] = _("Ange vilka som deltog.")
    if errors:
        raise ValidationError(errors)
    return ThreePartyMeeting.objects.create(
        enrolment=enrolment, date=date, participants=participants.strip(),
        notes=(notes or "").strip(), created_by=by,
    )


def _placements_after(enrolment: Enrolment, end_date: dt.date) -> list[Placement]:
    return list(
        Placement.objects.filter(enrolment=enrolment, start_date__gt=end_date)
        .select_related("measure")
        .order_by("start_date")
    )


@transaction.atomic
def close_enrolment(
    enrolment: Enrolment,
    *,
    by: User,
    expected_version: int,
    end_date: dt.date | None,
    closure_reason: ClosureReason | None,
    note: str = "",
    today: dt.date | None = None,
) -> Enrolment:
    """Avsluta inskrivning with one avslutsorsak.

    Placements still running (or planned to run past the end date) end on the closure date in
    the same transaction; a placement that starts after the end date makes the closure fail,
    since it would lie outside the enrolment.
    """
    _require_work(by, enrolment)
    today = today or timezone.localdate()
    current = _locked(enrolment, expected_version)
    if current.end_date is not None:
        raise ValidationError(
            _("Inskrivningen är redan avslutad (%(date)s).")
            % {"date": current.end_date.isoformat()}
        )
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if closure_reason is None:
        errors["closure_reason"] = _("Välj en avslutsorsak.")
    elif closure_reason.code == OTHER_REASON and not note:
        errors["note"] = _("Avslutsorsaken Övrigt ska kommenteras: skriv vad orsaken är.")
    if end_date is None:
        errors["end_date"] = _("Ange slutdatum.")
    elif end_date < current.start_date:
        errors["end_date"] = _("Slutdatum kan inte vara före startdatum (%(date)s).") % {
            "date": current.start_date.isoformat()
        }
    elif end_date > today:
        errors["end_date"] = _("Slutdatum kan inte ligga i framtiden.")
    elif current.plan_date is not None and end_date < current.plan_date:
        # The plan was established while the enrolment ran; the importer holds the same rule.
        errors["end_date"] = _(
            "Slutdatum kan inte vara före det datum då genomförandeplanen fastställdes "
            "(%(date)s)."
        ) % {"date": current.plan_date.isoformat()}
    else:
        later = _placements_after(current, end_date)
        if later:
            errors["end_date"] = _(
                "Följande placeringar börjar efter slutdatumet och måste tas bort eller flyttas "
                "först: %(list)s."
            ) % {"list": "; ".join(f"{p.measure} ({p.start_date.isoformat()})" for p in later)}
    if errors:
        raise ValidationError(errors)
    closed = _save_version(
        current, expected_version, end_date=end_date, closure_reason=closure_reason,
        closure_note=note,
    )
    Placement.objects.filter(enrolment=current).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=end_date)
    ).update(end_date=end_date)
    return closed


@transaction.atomic
def reopen_enrolment(
    enrolment: Enrolment, *, by: User, expected_version: int, reason: str
) -> Enrolment:
    """Återöppna: only an enhetschef, with a reason; the earlier closure is kept on record.

    The follow-ups recorded for the undone closure are removed from the enrolment and kept as
    a snapshot in the `Reopening` record (`removed_followups`), so export/import and the
    follow-up indicators only ever see follow-ups of the enrolment's current closure.
    """
    if not access.can_reopen_enrolment(by, enrolment):
        raise PermissionDenied(_("Bara enhetschefen kan återöppna en avslutad inskrivning."))
    current = _locked(enrolment, expected_version)
    if current.end_date is None:
        raise ValidationError(_("Inskrivningen är inte avslutad och kan inte återöppnas."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Ange skälet till att inskrivningen återöppnas.")})
    # Follow-ups are made after a closure and belong to it: once the closure is undone they no
    # longer say anything about the enrolment (an open enrolment has no follow-ups, and a later
    # closure gets its own 3/6/12-month follow-ups). They are moved off the follow-up table
    # into the reopening record, and each removal is written to the access log.
    followups = list(current.followups.order_by("months_after"))
    Reopening.objects.create(
        enrolment=current,
        reopened_by=by,
        reason=reason.strip(),
        previous_end_date=current.end_date,
        previous_closure_reason_id=current.closure_reason_id,
        removed_followups=[
            {
                "months_after": f.months_after,
                "status": f.status_id,
                "followup_date": f.followup_date.isoformat() if f.followup_date else None,
            }
            for f in followups
        ],
    )
    for followup in followups:
        audit.log_access(
            by, audit.Action.DELETE, obj=followup,
            reason=_("Efteruppföljning borttagen när inskrivningen återöppnades"),
        )
    Followup.objects.filter(pk__in=[f.pk for f in followups]).delete()
    return _save_version(
        current, expected_version, end_date=None, closure_reason=None, closure_note=""
    )


@dataclass
class FollowupSlot:
    """One of the 3/6/12-month follow-ups of a closed enrolment."""

    months: int
    due_date: dt.date
    recorded: Followup | None
    today: dt.date
    enrolment: Enrolment | None = None

    @property
    def is_due(self) -> bool:
        return self.recorded is None and self.due_date <= self.today

    @property
    def is_open_for_recording(self) -> bool:
        return self.due_date - dt.timedelta(days=FOLLOWUP_EARLY_DAYS) <= self.today


def followup_slots(enrolment: Enrolment, today: dt.date | None = None) -> list[FollowupSlot]:
    """Efteruppföljningar: due dates (closure date + 3, 6, 12 months) and what is recorded."""
    if enrolment.end_date is None:
        return []
    today = today or timezone.localdate()
    recorded = {f.months_after: f for f in enrolment.followups.select_related("status")}
    return [
        FollowupSlot(n, add_months(enrolment.end_date, n), recorded.get(n), today)
        for n in FOLLOWUP_MONTHS
    ]


@transaction.atomic
def record_followup(
    enrolment: Enrolment,
    *,
    by: User,
    months_after: int,
    status: FollowupStatus | None,
    followup_date: dt.date | None = None,
    today: dt.date | None = None,
) -> Followup:
    """Registrera efteruppföljning; recording the same interval again corrects it."""
    _require_work(by, enrolment)
    today = today or timezone.localdate()
    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    if enrolment.end_date is None:
        raise ValidationError(_("Efteruppföljning görs först när inskrivningen är avslutad."))
    followup_date = followup_date or today
    errors: dict[str, str] = {}
    if months_after not in FOLLOWUP_MONTHS:
        errors["months_after"] = _("Välj 3, 6 eller 12 månader.")
    if status is None:
        errors["status"] = _("Välj status vid uppföljningen.")
    if followup_date > today:
        errors["followup_date"] = _("Uppföljningsdatum kan inte ligga i framtiden.")
    elif months_after in FOLLOWUP_MONTHS:
        earliest = add_months(enrolment.end_date, months_after) - dt.timedelta(
            days=FOLLOWUP_EARLY_DAYS
        )
        if followup_date < earliest:
            errors["followup_date"] = _(
                "Uppföljningen efter %(n)d månader kan göras tidigast %(date)s."
            ) % {"n": months_after, "date": earliest.isoformat()}
    if errors:
        raise ValidationError(errors)
    followup, _created = Followup.objects.update_or_create(
        enrolment=enrolment,
        months_after=months_after,
        defaults={"status": status, "followup_date": followup_date},
    )
    return followup


def latest_end_date_due(today: dt.date, months: int) -> dt.date:
    """The last closure date whose follow-up after `months` is due by `today`.

    `add_months(end, months) <= today` holds exactly for closure dates up to this one, so the
    database can select due follow-ups with a plain `end_date <=` on an index.
    """
    latest = add_months(today, -months)
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        # On a month's last day every closure in the month `months` back has reached its date
        # (e.g. 31 August + 6 months is 28 February).
        latest = latest.replace(day=calendar.monthrange(latest.year, latest.month)[1])
    return latest


@dataclass
class DueFollowups:
    """Efteruppföljningar att göra: how many, and the oldest few."""

    count: int
    oldest: list[FollowupSlot]


def followups_due(
    enrolments: QuerySet[Enrolment], today: dt.date | None = None, limit: int = 10
) -> DueFollowups:
    """Follow-ups that are due and not recorded, over the closed enrolments of `enrolments`."""
    today = today or timezone.localdate()
    count = 0
    slots: list[FollowupSlot] = []
    for months in FOLLOWUP_MONTHS:
        due = enrolments.filter(
            end_date__isnull=False, end_date__lte=latest_end_date_due(today, months)
        ).exclude(followups__months_after=months)
        count += due.count()
        for e in due.select_related("person").order_by("end_date", "pk")[:limit]:
            slots.append(
                FollowupSlot(months, add_months(e.end_date, months), None, today, enrolment=e)
            )
    slots.sort(key=lambda s: (s.due_date, s.enrolment.pk, s.months))
    return DueFollowups(count, slots[:limit])


def closure_reasons() -> Iterable[ClosureReason]:
    """Every avslutsorsak with its definition, in the code list's order."""
    return ClosureReason.objects.order_by("sort_order", "code")
