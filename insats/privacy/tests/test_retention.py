"""Gallring: rules per kind of record, the exact expiry day, dry run, the report, what is
deleted or anonymised and what is left, and indicators for past periods unchanged."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from insats.accounts.models import ProtectedIdentityGrant, Role
from insats.assessments.models import Answer, Assessment
from insats.audit.models import AccessLogEntry, Action
from insats.core import testing
from insats.enrolments.models import CaseNote, Enrolment, Followup, Reopening, ThreePartyMeeting
from insats.kpi.services import compute
from insats.measures.models import Attendance, Placement
from insats.persons.models import Person
from insats.plans.models import ActionPlan, Goal, PlanFollowup
from insats.privacy.models import RecordKind, RetentionAction, RetentionRule, RetentionRun
from insats.privacy.retention import (
    ANONYMISED_PREFIX,
    CLEARED_TEXT,
    coarsened_birth_date,
    run_retention,
    years_before,
)
from insats.referrals.models import Referral

from .builders import full_case

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat
NO_COUNTS = {
    "enrolments": 0, "case_notes": 0, "meetings": 0, "reopenings": 0, "assessments": 0,
    "plans": 0, "attendance_days": 0, "free_texts": 0, "rejected_referrals_deleted": 0,
    "rejected_referrals_anonymised": 0, "persons_anonymised": 0, "grants_deleted": 0,
    "attachments_deleted": 0, "orphaned_files_deleted": 0,
}


def only(*kinds: str) -> None:
    """Leave just these default rules active."""
    RetentionRule.objects.exclude(kind__in=kinds).update(active=False)


def case_file_rows(enrolment: Enrolment) -> dict[str, int]:
    return {
        "notes": CaseNote.objects.filter(enrolment=enrolment).count(),
        "meetings": ThreePartyMeeting.objects.filter(enrolment=enrolment).count(),
        "reopenings": Reopening.objects.filter(enrolment=enrolment).count(),
        "assessments": Assessment.objects.filter(enrolment=enrolment).count(),
        "answers": Answer.objects.filter(assessment__enrolment=enrolment).count(),
        "plans": ActionPlan.objects.filter(enrolment=enrolment).count(),
        "goals": Goal.objects.filter(plan__enrolment=enrolment).count(),
        "plan_followups": PlanFollowup.objects.filter(plan__enrolment=enrolment).count(),
        "attendance": Attendance.objects.filter(placement__enrolment=enrolment).count(),
    }


FULL = {"notes": 1, "meetings": 1, "reopenings": 1, "assessments": 1, "answers": 2,
        "plans": 1, "goals": 2, "plan_followups": 1, "attendance": 2}
EMPTY = dict.fromkeys(FULL, 0)


# --- Dates ----------------------------------------------------------------------------------


def test_years_before_and_leap_days():
    assert years_before(D("2025-01-01"), 5) == D("2020-01-01")
    assert years_before(D("2024-02-29"), 1) == D("2023-02-28")
    assert years_before(D("2024-02-29"), 4) == D("2020-02-29")


def test_the_default_rules():
    rules = {r.kind: (r.years_after_closure, r.action, r.active)
             for r in RetentionRule.objects.all()}
    assert rules == {"case_file": (5, "delete", True), "rejected_referral": (2, "delete", True),
                     "person": (5, "anonymise", True)}


@pytest.mark.parametrize(("today", "expired"), [
    # Closed 2019-12-31, kept 5 years: the cut-off is the same day 5 years before today and
    # only end dates before it expire, so 2024-12-31 keeps the file and 2025-01-01 removes it.
    ("2024-12-31", False),
    ("2025-01-01", True),
])
def test_case_file_expires_the_day_after_five_full_years(unit, coach, today, expired):
    only(RecordKind.CASE_FILE)
    case = full_case(unit, coach, end="2019-12-31")
    run = run_retention(D(today))
    assert case_file_rows(case.enrolment) == (EMPTY if expired else FULL)
    assert run.report["counts"]["enrolments"] == (1 if expired else 0)


@pytest.mark.parametrize(("today", "expired"), [("2025-02-28", False), ("2025-03-01", True)])
def test_a_leap_day_closure_expires_on_the_first_of_march(unit, coach, today, expired):
    only(RecordKind.CASE_FILE)
    case = full_case(unit, coach, start="2019-11-01", end="2020-02-29")
    run_retention(D(today))
    assert case_file_rows(case.enrolment) == (EMPTY if expired else FULL)


# --- What a case-file purge does --------------------------------------------------------------


def test_case_file_purge_report_and_what_is_kept(unit, coach):
    only(RecordKind.CASE_FILE)
    old = full_case(unit, coach, end="2019-12-31")
    recent = full_case(unit, coach, start="2020-01-10", end="2020-06-30", tag=" (ny)")
    ongoing = full_case(unit, coach, start="2018-01-10", end=None, tag=" (pågår)")
    Followup.objects.create(enrolment=old.enrolment, months_after=12, status_id="ARBETE")
    run = run_retention(D("2025-01-01"), run_by="test")
    assert run.report["counts"] == {
        **NO_COUNTS, "enrolments": 1, "case_notes": 1, "meetings": 1, "reopenings": 1,
        "assessments": 1, "plans": 1, "attendance_days": 2,
        # the placement's workplace/supervisor, the closure note, the referral's texts
        "free_texts": 3,
    }
    assert run.report["rules"] == [{"kind": "case_file", "years": 5, "action": "delete"}]
    assert (run.today, run.dry_run, run.run_by) == (D("2025-01-01"), False, "test")
    assert case_file_rows(old.enrolment) == EMPTY
    assert case_file_rows(recent.enrolment) == FULL
    assert case_file_rows(ongoing.enrolment) == {**FULL, "reopenings": 0}  # never closed
    # The enrolment row and what the statistics count stay.
    enrolment = Enrolment.objects.get(pk=old.enrolment.pk)
    assert (enrolment.start_date, enrolment.end_date, enrolment.closure_reason_id,
            enrolment.need_category, enrolment.plan_date, enrolment.unit_id) == (
        D("2019-03-01"), D("2019-12-31"), "ARBETE_UTAN_STOD", "AM2", D("2019-03-21"), unit.pk)
    assert enrolment.closure_note == ""
    assert Followup.objects.filter(enrolment=enrolment).count() == 2
    placement = Placement.objects.with_total_hours().get(pk=old.placement.pk)
    # 10 reported + 6.5 attended: the days are folded into the reported hours.
    assert (placement.reported_hours, placement.total_hours) == (Decimal("16.5"),
                                                                 Decimal("16.5"))
    assert (placement.workplace, placement.supervisor, placement.cost_sek) == (
        "", "", Decimal("12000"))
    referral = Referral.objects.get(pk=old.referral.pk)
    assert (referral.reason, referral.attachments_description) == (CLEARED_TEXT, "")
    assert Referral.objects.get(pk=recent.referral.pk).reason == "Behöver stöd mot arbete (ny)."
    # The person is a different rule: untouched here.
    assert Person.objects.get(pk=old.person.pk).first_name == "Amira"
    # A second run finds nothing left to do.
    assert run_retention(D("2025-01-01")).report["counts"] == NO_COUNTS


def test_a_dry_run_reports_the_same_and_changes_nothing(unit, coach):
    case = full_case(unit, coach, end="2019-12-31")
    dry = run_retention(D("2025-01-01"), dry_run=True)
    assert dry.dry_run is True
    assert case_file_rows(case.enrolment) == FULL
    assert Person.objects.get(pk=case.person.pk).first_name == "Amira"
    assert not AccessLogEntry.objects.exists()
    real = run_retention(D("2025-01-01"))
    assert real.report["counts"] == dry.report["counts"]
    assert real.report["counts"]["persons_anonymised"] == 1
    assert list(RetentionRun.objects.values_list("dry_run", flat=True)) == [False, True]


# --- Rules are configuration -------------------------------------------------------------------


def test_changing_the_years_and_turning_a_rule_off(unit, coach):
    only(RecordKind.CASE_FILE)
    case = full_case(unit, coach, start="2022-01-10", end="2022-06-30")
    run_retention(D("2025-01-01"))
    assert case_file_rows(case.enrolment) == FULL
    RetentionRule.objects.filter(kind=RecordKind.CASE_FILE).update(years_after_closure=2)
    RetentionRule.objects.filter(kind=RecordKind.CASE_FILE).update(active=False)
    run = run_retention(D("2025-01-01"))
    assert run.report["rules"] == [] and case_file_rows(case.enrolment) == FULL
    RetentionRule.objects.filter(kind=RecordKind.CASE_FILE).update(active=True)
    # 2 years before 2025-01-01 is 2023-01-01; closed 2022-06-30 is before it.
    run_retention(D("2025-01-01"))
    assert case_file_rows(case.enrolment) == EMPTY


def test_a_rule_only_takes_the_actions_its_kind_allows():
    rule = RetentionRule.objects.get(kind=RecordKind.PERSON)
    rule.action = RetentionAction.DELETE
    with pytest.raises(ValidationError) as caught:
        rule.full_clean()
    assert caught.value.message_dict["action"] == [
        "Åtgärden ”Radera” går inte för Personuppgifter (namn, personnummer, adress, kontakt). "
        "Möjliga: Avidentifiera."]
    rule = RetentionRule.objects.get(kind=RecordKind.REJECTED_REFERRAL)
    rule.action = RetentionAction.ANONYMISE
    rule.full_clean()
    rule.years_after_closure = 0
    with pytest.raises(ValidationError) as caught:
        rule.full_clean()
    assert "years_after_closure" in caught.value.message_dict


# --- Rejected referrals -------------------------------------------------------------------------


def _rejected(unit, received: str):
    sender = testing.make_user(Role.REMITTENT, None)
    return testing.make_referral(sender, unit, received_date=D(received),
                                 status=Referral.Status.REJECTED, reason="Vill ha hjälp.",
                                 attachments_description="Intyg",
                                 rejection_reason="Fel målgrupp.")


@pytest.mark.parametrize(("today", "deleted"), [("2024-06-15", False), ("2024-06-16", True)])
def test_rejected_referrals_are_deleted_after_two_years(unit, today, deleted):
    only(RecordKind.REJECTED_REFERRAL)
    referral = _rejected(unit, "2022-06-15")
    sent = testing.make_referral(testing.make_user(Role.REMITTENT, None), unit,
                                 received_date=D("2020-01-01"))
    run = run_retention(D(today))
    assert Referral.objects.filter(pk=referral.pk).exists() is not deleted
    assert Referral.objects.filter(pk=sent.pk).exists()  # still waiting: never a rejected one
    assert run.report["counts"]["rejected_referrals_deleted"] == (1 if deleted else 0)


def test_rejected_referrals_can_be_anonymised_instead(unit):
    only(RecordKind.REJECTED_REFERRAL)
    RetentionRule.objects.filter(kind=RecordKind.REJECTED_REFERRAL).update(
        action=RetentionAction.ANONYMISE)
    referral = _rejected(unit, "2022-06-15")
    run = run_retention(D("2024-06-16"))
    referral.refresh_from_db()
    assert (referral.reason, referral.attachments_description, referral.rejection_reason,
            referral.status, referral.received_date) == (
        CLEARED_TEXT, "", "", "rejected", D("2022-06-15"))
    assert run.report["counts"]["rejected_referrals_anonymised"] == 1
    assert run_retention(D("2024-06-16")).report["counts"]["rejected_referrals_anonymised"] == 0


# --- Persons --------------------------------------------------------------------------------------


def test_coarsened_birth_date_keeps_every_age():
    # Born 14 Feb, started 1 Mar 2019 (aged 29): 1 January of the birth year gives 29 too.
    assert coarsened_birth_date(D("1990-02-14"), [D("2019-03-01")]) == D("1990-01-01")
    # Born 15 June, started 1 Mar 2019 (aged 28): 1 Jan–1 Mar 1990 would make them 29 on
    # 1 Mar 2019, so the earliest day that keeps 28 is 2 March.
    assert coarsened_birth_date(D("1990-06-15"), [D("2019-03-01")]) == D("1990-03-02")
    # Two starts: the later one (10 Aug 2021, aged 31) is the binding one: 11 August.
    assert coarsened_birth_date(D("1990-09-20"), [D("2019-03-01"), D("2021-08-10")]) == D(
        "1990-08-11")
    assert coarsened_birth_date(D("1990-06-15"), []) == D("1990-01-01")


@pytest.mark.parametrize(("today", "anonymised"), [("2024-12-31", False), ("2025-01-01", True)])
def test_a_person_is_anonymised_five_years_after_the_last_closure(unit, coach, today,
                                                                  anonymised):
    only(RecordKind.PERSON)
    case = full_case(unit, coach, end="2019-12-31")
    ProtectedIdentityGrant.objects.create(user=coach, person=case.person, reason="Konsulent")
    run = run_retention(D(today))
    person = Person.objects.get(pk=case.person.pk)
    if not anonymised:
        assert person.first_name == "Amira" and run.report["counts"] == NO_COUNTS
        return
    assert (person.personnummer, person.first_name, person.last_name, person.address,
            person.phone, person.email, person.language) == ("", "", "", "", "", "", "")
    assert person.external_id.startswith(ANONYMISED_PREFIX)
    # Kept for the statistics: gender, education, born abroad, an age-keeping birth date.
    assert (person.gender, person.born_abroad, person.birth_date) == ("K", True,
                                                                     D("1990-01-01"))
    assert not ProtectedIdentityGrant.objects.exists()
    referral = Referral.objects.get(pk=case.referral.pk)
    assert (referral.referred_first_name, referral.referred_last_name,
            referral.referred_birth_date) == ("", "", None)
    assert case_file_rows(case.enrolment) == EMPTY  # the person's case files go with them
    assert run.report["counts"] == {
        **NO_COUNTS, "enrolments": 1, "case_notes": 1, "meetings": 1, "reopenings": 1,
        "assessments": 1, "plans": 1, "attendance_days": 2, "free_texts": 3,
        "persons_anonymised": 1, "grants_deleted": 1,
    }
    entry = AccessLogEntry.objects.get()
    assert (entry.username, entry.action, entry.person_id, entry.reason) == (
        "gallring", Action.UPDATE, person.pk, "Avidentifierad enligt gallringsregel")
    assert run_retention(D(today)).report["counts"]["persons_anonymised"] == 0


def test_persons_with_something_open_or_recent_are_kept(unit, coach):
    only(RecordKind.PERSON)
    ongoing = full_case(unit, coach, start="2015-01-10", end=None)
    recent = full_case(unit, coach, end="2019-12-31",
                       person=testing.make_person(first_name="Senare"))
    # The same person came back in 2021: the last closure (2021-05-31) counts.
    full_case(unit, coach, person=recent.person, start="2021-01-10", end="2021-05-31")
    waiting = testing.make_person(first_name="Väntar")
    testing.make_referral(testing.make_user(Role.REMITTENT, None), unit, waiting,
                          received_date=D("2018-01-01"))
    run = run_retention(D("2025-01-01"))
    assert run.report["counts"]["persons_anonymised"] == 0
    assert sorted(Person.objects.values_list("first_name", flat=True)) == [
        "Amira", "Senare", "Väntar"]
    assert ongoing.enrolment.end_date is None


# --- The command ------------------------------------------------------------------------------


def test_the_retention_command(unit, coach):
    case = full_case(unit, coach, end="2019-12-31")
    out = StringIO()
    call_command("retention", "--dry-run", "--today", "2025-01-01", stdout=out)
    text = out.getvalue()
    assert "Gallring (provkörning, inget ändrat) per 2025-01-01" in text
    assert "regel case_file: 5 år, delete" in text
    assert "Journalanteckningar raderade: 1" in text
    assert "Personer avidentifierade: 1" in text
    assert case_file_rows(case.enrolment) == FULL
    out = StringIO()
    call_command("retention", "--today", "2025-01-01", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["today"], report["dry_run"], report["counts"]["persons_anonymised"]) == (
        "2025-01-01", False, 1)
    assert RetentionRun.objects.filter(dry_run=False).get().run_by == "insats retention"
    with pytest.raises(CommandError, match="”2025-13-01” är inget giltigt datum"):
        call_command("retention", "--today", "2025-13-01")


# --- Indicators for past periods ------------------------------------------------------------------


INDICATORS = [
    ("deltagare", None), ("deltagare", "gender"), ("deltagare", "age_band"),
    ("deltagare", "need_category"), ("deltagare", "unit"), ("deltagare", "measure_category"),
    ("nya", "age_band"), ("avslutade", "gender"), ("andel_arbete_studier", "age_band"),
    ("median_veckor", None), ("plan_inom_3_man", "need_category"),
    ("ej_forsorjningsstod_12_man", None), ("kostnad_per_deltagare", "age_band"),
    ("kostnad_per_deltagare", "measure_category"),
]


def _figures(date_from: str, date_to: str) -> list:
    return [compute(code, D(date_from), D(date_to), by).as_json() for code, by in INDICATORS]


def test_indicators_for_past_periods_are_the_same_after_retention(unit, other_unit, coach):
    # People whose birthdays lie after the start date in the year: coarsening must keep their
    # age bands (29 → not 30, 19 → not 20).
    people = [
        testing.make_person(first_name="A", birth_date=D("1989-06-15"), gender="K"),
        testing.make_person(first_name="B", birth_date=D("1999-11-30"), gender="M"),
        testing.make_person(first_name="C", birth_date=D("1970-01-01"), gender="K"),
    ]
    cases = [
        full_case(unit, coach, person=people[0], start="2019-03-01", end="2019-12-31"),
        full_case(other_unit, coach, person=people[1], start="2019-05-20", end="2019-10-15"),
        full_case(unit, coach, person=people[2], start="2018-09-01", end="2019-06-30"),
    ]
    for case in cases:
        Followup.objects.create(enrolment=case.enrolment, months_after=12,
                                status_id="FORSORJNINGSSTOD" if case is cases[1] else "ARBETE")
    before = _figures("2019-01-01", "2019-12-31")
    before_2018 = _figures("2018-01-01", "2018-12-31")
    # Sanity: the figures are not trivially empty.
    assert before[0]["value"] == 3
    groups = {g["age_band"]: g["value"] for g in before[2]["groups"]}
    assert groups == {"-19": 1, "25-29": 1, "30-49": 1}
    run = run_retention(D("2025-06-01"))
    assert run.report["counts"]["persons_anonymised"] == 3
    assert run.report["counts"]["enrolments"] == 3
    assert not Person.objects.filter(first_name__in=["A", "B", "C"]).exists()
    assert _figures("2019-01-01", "2019-12-31") == before
    assert _figures("2018-01-01", "2018-12-31") == before_2018
