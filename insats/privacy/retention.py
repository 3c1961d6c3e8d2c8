"""Gallring: delete or anonymise records whose retention period has run out.

What is removed (per `RetentionRule`):

* **case_file** — for enrolments closed more than N years ago: case notes, three-party
  meetings, reopenings, assessments with answers, the action plan with goals and plan
  follow-ups, and attendance days (their hours are first added to the placement's reported
  hours, so hour totals stay the same); free text on the enrolment, its placements and its
  referral is cleared, and the referral's attached files (bilagor) are deleted, row and file.
* **rejected_referral** — referrals rejected (counted from the date they came in) more than N
  years ago: deleted, or their free text cleared; their attached files go either way.
* **person** — persons with no open enrolment and no referral waiting, whose last enrolment
  closed (or last referral came in, or, with neither, who were registered) more than N years
  ago: personnummer, names, address, phone, e-mail, language and the external id are cleared,
  their case files go as above, grants to see them are removed. The birth date is moved to the
  earliest day of the birth year that gives the same age at every enrolment start. The files
  attached to any of their referrals are deleted.

Attached files are removed from disk when the run commits (never by a dry run). Every run also
removes stored attachment files that have no row (left by a transaction rolled back after the
upload was written), once they are a day old.

What is never touched: enrolment rows (dates, unit, source, need category, plan date, closure
reason), placements' measure, dates, cost and hours, efteruppföljningar, gender, and survey
responses — so every indicator for a past period is the same before and after (a test checks
this). The access log is kept (its thinning is a database administrator's task).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, DecimalField, F, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from insats.accounts.models import ProtectedIdentityGrant
from insats.assessments.models import Assessment
from insats.audit import services as audit
from insats.enrolments.models import CaseNote, Enrolment, Reopening, ThreePartyMeeting
from insats.measures.models import Attendance, Placement
from insats.persons.models import Person
from insats.plans.models import ActionPlan
from insats.referrals import services as referral_services
from insats.referrals.models import Referral, ReferralAttachment

from .models import RecordKind, RetentionAction, RetentionRule, RetentionRun

ANONYMISED_PREFIX = "gallrad-"
CLEARED_TEXT = "Gallrad."
SYSTEM_ACTOR = "gallring"
HOURS = DecimalField(max_digits=9, decimal_places=2)

# Labels of the report's counts, in the order they are printed.
COUNT_LABELS = {
    "enrolments": "Inskrivningar vars akt gallrades",
    "case_notes": "Journalanteckningar raderade",
    "meetings": "Trepartssamtal raderade",
    "reopenings": "Återöppningar raderade",
    "assessments": "Kartläggningar raderade",
    "plans": "Genomförandeplaner raderade",
    "attendance_days": "Närvarodagar raderade (timmarna finns kvar på placeringen)",
    "free_texts": "Fritexter tömda",
    "rejected_referrals_deleted": "Avvisade remisser raderade",
    "rejected_referrals_anonymised": "Avvisade remisser avidentifierade",
    "persons_anonymised": "Personer avidentifierade",
    "grants_deleted": "Behörigheter till skyddad identitet borttagna",
    "attachments_deleted": "Bifogade filer till remisser raderade",
    "orphaned_files_deleted": "Lagrade filer utan bilaga raderade",
}


@dataclass
class RetentionReport:
    today: dt.date
    dry_run: bool
    counts: Counter = field(default_factory=Counter)
    rules: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "dry_run": self.dry_run,
            "rules": self.rules,
            "counts": {key: self.counts.get(key, 0) for key in COUNT_LABELS},
        }


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _date_number(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _age(on: dt.date, birth: dt.date) -> int:
    """Whole years, computed like the indicators do (insats.kpi.queries.age_at)."""
    return (_date_number(on) - _date_number(birth)) // 10000


def coarsened_birth_date(birth: dt.date, start_dates: list[dt.date]) -> dt.date:
    """The earliest day of the birth year that gives the same age at every date in
    `start_dates`: 1 January unless a birthday falls between that and a start date."""
    day = dt.date(birth.year, 1, 1)
    wanted = [(_age(s, birth), s) for s in start_dates]
    while day < birth and any(_age(s, day) != age for age, s in wanted):
        day += dt.timedelta(days=1)
    return day


# --- Case files ---------------------------------------------------------------------------------


def _delete(qs) -> int:
    """Rows of the model itself deleted (cascaded children are not counted)."""
    _total, per_model = qs.delete()
    return per_model.get(qs.model._meta.label, 0)


def purge_case_files(enrolment_ids: list[int], counts: Counter) -> None:
    """Gallra akten of these enrolments (see the module docstring for what goes)."""
    if not enrolment_ids:
        return
    counts["enrolments"] += len(enrolment_ids)
    counts["case_notes"] += _delete(CaseNote.objects.filter(enrolment_id__in=enrolment_ids))
    counts["meetings"] += _delete(
        ThreePartyMeeting.objects.filter(enrolment_id__in=enrolment_ids)
    )
    counts["reopenings"] += _delete(Reopening.objects.filter(enrolment_id__in=enrolment_ids))
    counts["assessments"] += _delete(Assessment.objects.filter(enrolment_id__in=enrolment_ids))
    counts["plans"] += _delete(ActionPlan.objects.filter(enrolment_id__in=enrolment_ids))
    placements = Placement.objects.filter(enrolment_id__in=enrolment_ids)
    attended = (
        Attendance.objects.filter(placement=OuterRef("pk")).order_by().values("placement")
        .annotate(total=Sum("hours")).values("total")
    )
    # Fold the days into reported_hours first: the placement's hours (and any figure built on
    # them) stay the same once the days are gone.
    Placement.objects.filter(
        pk__in=Attendance.objects.filter(placement__in=placements).values("placement_id")
    ).update(
        reported_hours=Coalesce(F("reported_hours"), Value(0, output_field=HOURS))
        + Subquery(attended, output_field=HOURS)
    )
    counts["attendance_days"] += _delete(Attendance.objects.filter(placement__in=placements))
    counts["free_texts"] += placements.filter(~Q(workplace="") | ~Q(supervisor="")).update(
        workplace="", supervisor=""
    )
    counts["free_texts"] += Enrolment.objects.filter(pk__in=enrolment_ids).exclude(
        closure_note=""
    ).update(closure_note="")
    counts["free_texts"] += Referral.objects.filter(enrolment__pk__in=enrolment_ids).exclude(
        reason=CLEARED_TEXT, attachments_description="", override_reason="", rejection_reason=""
    ).update(reason=CLEARED_TEXT, attachments_description="", override_reason="",
             rejection_reason="")
    counts["attachments_deleted"] += referral_services.delete_attachments(
        ReferralAttachment.objects.filter(referral__enrolment__pk__in=enrolment_ids)
    )


def with_case_file(enrolments) -> list[int]:
    """The enrolments among `enrolments` that still have something a purge would remove."""
    closed = enrolments.values("pk")
    sources = [
        CaseNote.objects.filter(enrolment__in=closed).values_list("enrolment_id"),
        ThreePartyMeeting.objects.filter(enrolment__in=closed).values_list("enrolment_id"),
        Reopening.objects.filter(enrolment__in=closed).values_list("enrolment_id"),
        Assessment.objects.filter(enrolment__in=closed).values_list("enrolment_id"),
        ActionPlan.objects.filter(enrolment__in=closed).values_list("enrolment_id"),
        Attendance.objects.filter(placement__enrolment__in=closed)
        .values_list("placement__enrolment_id"),
        Placement.objects.filter(enrolment__in=closed).exclude(workplace="", supervisor="")
        .values_list("enrolment_id"),
        Enrolment.objects.filter(pk__in=closed).exclude(closure_note="").values_list("pk"),
        Referral.objects.filter(enrolment__in=closed).exclude(
            reason=CLEARED_TEXT, attachments_description="", override_reason="",
            rejection_reason="",
        ).values_list("enrolment"),
        ReferralAttachment.objects.filter(referral__enrolment__in=closed)
        .values_list("referral__enrolment"),
    ]
    found: set[int] = set()
    for source in sources:
        found.update(pk for (pk,) in source.order_by().distinct())
    return sorted(found)


# --- Rejected referrals ---------------------------------------------------------------------------


def _rejected_referrals(cutoff: dt.date, action: str, counts: Counter) -> None:
    expired = Referral.objects.filter(status=Referral.Status.REJECTED, received_date__lt=cutoff)
    counts["attachments_deleted"] += referral_services.delete_attachments(
        ReferralAttachment.objects.filter(referral__in=expired)
    )
    if action == RetentionAction.DELETE:
        counts["rejected_referrals_deleted"] += _delete(expired)
        return
    counts["rejected_referrals_anonymised"] += expired.exclude(
        reason=CLEARED_TEXT, attachments_description="", rejection_reason=""
    ).update(reason=CLEARED_TEXT, attachments_description="", override_reason="",
             rejection_reason="")


# --- Persons --------------------------------------------------------------------------------------


def expired_persons(cutoff: dt.date) -> list[Person]:
    """Persons not yet anonymised, with nothing open, whose last activity was before `cutoff`:
    their last closure and their last referral, or, with neither, their registration."""
    registered_before = dt.datetime.combine(cutoff, dt.time.min,
                                            tzinfo=timezone.get_current_timezone())
    return list(
        Person.objects.exclude(external_id__startswith=ANONYMISED_PREFIX)
        .annotate(
            open_enrolments=Count("enrolments", filter=Q(enrolments__end_date__isnull=True),
                                  distinct=True),
            waiting=Count("referrals", filter=Q(referrals__status=Referral.Status.SENT),
                          distinct=True),
            last_end=Max("enrolments__end_date"),
            last_referral=Max("referrals__received_date"),
        )
        .filter(open_enrolments=0, waiting=0)
        .filter(Q(last_end__isnull=True) | Q(last_end__lt=cutoff))
        .filter(Q(last_referral__isnull=True) | Q(last_referral__lt=cutoff))
        .filter(Q(last_end__isnull=False) | Q(last_referral__isnull=False)
                | Q(created_at__lt=registered_before))
        .order_by("pk")
    )


def anonymise_persons(persons: list[Person], counts: Counter) -> None:
    """Avidentifiera: clear identity, keep what the statistics count (gender, an age-keeping
    birth date, education, born abroad, newly arrived)."""
    if not persons:
        return
    ids = [p.pk for p in persons]
    purge_case_files(with_case_file(Enrolment.objects.filter(person_id__in=ids)), counts)
    starts: dict[int, list[dt.date]] = {}
    for person_id, start in Enrolment.objects.filter(person_id__in=ids).values_list(
        "person_id", "start_date"
    ):
        starts.setdefault(person_id, []).append(start)
    for person in persons:
        person.birth_date = coarsened_birth_date(person.birth_date, starts.get(person.pk, []))
        person.external_id = f"{ANONYMISED_PREFIX}{uuid.uuid4().hex}"
        for name in ("personnummer", "first_name", "last_name", "address", "phone", "email",
                     "language"):
            setattr(person, name, "")
    Person.objects.bulk_update(
        persons,
        ["birth_date", "external_id", "personnummer", "first_name", "last_name", "address",
         "phone", "email", "language"],
        batch_size=500,
    )
    # The person as a referrer entered them on the referral goes with the identity, and so do
    # the files sent with any of their referrals (certificates, assessments).
    Referral.objects.filter(person_id__in=ids).update(
        referred_personnummer="", referred_first_name="", referred_last_name="",
        referred_birth_date=None,
    )
    counts["attachments_deleted"] += referral_services.delete_attachments(
        ReferralAttachment.objects.filter(referral__person_id__in=ids)
    )
    counts["grants_deleted"] += _delete(ProtectedIdentityGrant.objects.filter(person_id__in=ids))
    counts["persons_anonymised"] += len(persons)
    audit.write(None, SYSTEM_ACTOR, [
        audit.Pending(audit.Action.UPDATE, "person", p.pk, person_id=p.pk,
                      reason="Avidentifierad enligt gallringsregel")
        for p in persons
    ])


# --- The run ---------------------------------------------------------------------------------


def _rules() -> dict[str, RetentionRule]:
    return {rule.kind: rule for rule in RetentionRule.objects.filter(active=True)}


def _apply(report: RetentionReport) -> None:
    # Looked for first: the files of attachments the rules below delete leave with their rows
    # (after commit) and must not be counted again as files without a row.
    orphans = referral_services.orphaned_files()
    rules = _rules()
    report.rules = [
        {"kind": r.kind, "years": r.years_after_closure, "action": r.action}
        for r in rules.values()
    ]
    rule = rules.get(RecordKind.CASE_FILE)
    if rule is not None:
        cutoff = years_before(report.today, rule.years_after_closure)
        expired = Enrolment.objects.filter(end_date__lt=cutoff)
        purge_case_files(with_case_file(expired), report.counts)
    rule = rules.get(RecordKind.REJECTED_REFERRAL)
    if rule is not None:
        cutoff = years_before(report.today, rule.years_after_closure)
        _rejected_referrals(cutoff, rule.action, report.counts)
    rule = rules.get(RecordKind.PERSON)
    if rule is not None:
        cutoff = years_before(report.today, rule.years_after_closure)
        anonymise_persons(expired_persons(cutoff), report.counts)
    report.counts["orphaned_files_deleted"] += referral_services.remove_orphaned_files(
        found=orphans
    )


def run_retention(today: dt.date | None = None, *, dry_run: bool = False,
                  run_by: str = "") -> RetentionRun:
    """Run every active rule in one transaction and record the run.

    A dry run does the same work inside a savepoint that is rolled back, so its report shows
    exactly what a real run would do and nothing changes.
    """
    report = RetentionReport(today or timezone.localdate(), dry_run)
    with transaction.atomic():
        with transaction.atomic():
            _apply(report)
            if dry_run:
                transaction.set_rollback(True)
        return RetentionRun.objects.create(
            today=report.today, dry_run=dry_run, run_by=run_by[:150], report=report.as_json()
        )
