"""The data-quality rules (insats.insights.quality) on small, hand-computed data sets.

Every rule is evaluated on a fixed `today`, so each boundary is a date written out below.
"""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from insats.accounts.models import Role
from insats.core import testing
from insats.enrolments.models import CaseNote, Enrolment, Followup, ThreePartyMeeting
from insats.insights import quality
from insats.kpi import services as kpi
from insats.measures.models import Attendance
from insats.plans.models import ActionPlan, PlanFollowup

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def ids(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def closed(unit, start, end, reason="ARBETE_UTAN_STOD", **kw) -> Enrolment:
    return testing.make_enrolment(
        unit=unit, start_date=D(start), end_date=D(end), closure_reason=reason, **kw
    )


def make_plan(enrolment: Enrolment, established_on: str) -> ActionPlan:
    """A plan as the plans app leaves it: the plan and the enrolment's first-plan date."""
    day = D(established_on)
    Enrolment.objects.filter(pk=enrolment.pk).update(plan_date=day)
    enrolment.refresh_from_db()
    return ActionPlan.objects.create(
        enrolment=enrolment, established_on=day, next_followup_on=day + dt.timedelta(days=90)
    )


def row(code: str, obj, today: str, user=None) -> dict:
    return quality.describe(quality.RULES[code], obj, D(today), user)


def only_row(code: str, today: str, user=None) -> dict:
    rows = list(quality.list_rows(quality.RULES[code], Enrolment.objects.all(), D(today)))
    assert len(rows) == 1
    return row(code, rows[0], today, user)


def counts(code: str, today: str) -> dict[str, int]:
    return quality.RULES[code].counts(Enrolment.objects.all(), D(today))


# --- Plan missing after three calendar months ------------------------------------------------


@pytest.mark.parametrize(
    ("start", "deadline", "day_after"),
    [
        ("2024-01-31", "2024-04-30", "2024-05-01"),  # April is shorter than January
        ("2023-11-30", "2024-02-29", "2024-03-01"),  # leap-year February
        ("2022-11-30", "2023-02-28", "2023-03-01"),  # ordinary February
        ("2024-10-31", "2025-01-31", "2025-02-01"),  # across the year end
    ],
)
def test_open_enrolment_without_plan_listed_from_the_day_after_the_deadline(
    unit, start, deadline, day_after
):
    e = testing.make_enrolment(unit=unit, start_date=D(start))
    assert ids(quality.plan_missing(Enrolment.objects.all(), D(deadline))) == set()
    assert ids(quality.plan_missing(Enrolment.objects.all(), D(day_after))) == {e.pk}
    r = only_row("plan_saknas", day_after)
    assert deadline in r["facts"]
    assert r["fix_url"] == reverse("plans:create", args=[e.pk])
    assert counts("plan_saknas", day_after) == {unit.code: 1}


def test_plan_on_the_deadline_day_is_in_time_the_day_after_is_listed(unit):
    on_time = testing.make_enrolment(unit=unit, start_date=D("2024-01-31"))
    make_plan(on_time, "2024-04-30")
    late = testing.make_enrolment(unit=unit, start_date=D("2024-01-31"))
    late_plan = make_plan(late, "2024-05-01")
    # Leap year: 30 November + 3 months = 29 February.
    leap_on_time = testing.make_enrolment(unit=unit, start_date=D("2023-11-30"))
    make_plan(leap_on_time, "2024-02-29")
    leap_late = testing.make_enrolment(unit=unit, start_date=D("2023-11-30"))
    make_plan(leap_late, "2024-03-01")

    assert ids(quality.plan_missing(Enrolment.objects.all(), D("2024-06-30"))) == {
        late.pk, leap_late.pk,
    }
    r = row("plan_saknas", quality.plan_missing(Enrolment.objects.filter(pk=late.pk),
                                                D("2024-06-30")).get(), "2024-06-30")
    assert "2024-05-01" in r["facts"] and "2024-04-30" in r["facts"]
    assert r["fix_url"] == reverse("plans:edit", args=[late_plan.pk])


def test_closed_enrolment_without_plan_listed_when_it_went_on_past_the_deadline(
    unit, enhetschef, coach
):
    # Start 31 January 2024: the plan was due by 30 April.
    within = closed(unit, "2024-01-31", "2024-04-30")  # closed on the deadline: owed no plan
    past = closed(unit, "2024-01-31", "2024-05-01")  # one day past it without a plan
    in_time = closed(unit, "2024-01-31", "2024-08-31", plan_date=D("2024-04-30"))
    late = closed(unit, "2024-01-31", "2024-08-31", plan_date=D("2024-05-01"))  # imported date

    listed = quality.plan_missing(Enrolment.objects.all(), D("2024-12-01"))
    assert ids(listed) == {past.pk, late.pk}
    assert counts("plan_saknas", "2024-12-01") == {unit.code: 2}

    past_row = listed.get(pk=past.pk)
    assert past_row.plan_deadline == D("2024-04-30")
    as_chef = row("plan_saknas", past_row, "2024-12-01", enhetschef)
    assert "avslutades 2024-05-01 utan plan" in as_chef["facts"]
    assert as_chef["fix_url"] == reverse("enrolments:reopen", args=[past.pk])
    as_coach = row("plan_saknas", past_row, "2024-12-01", coach)
    assert as_coach["fix_url"] == reverse("enrolments:detail", args=[past.pk]) + "#plan"
    late_row = row("plan_saknas", listed.get(pk=late.pk), "2024-12-01", enhetschef)
    assert late_row["fix_url"] == reverse("enrolments:detail", args=[late.pk]) + "#plan"
    assert {within.pk, in_time.pk}.isdisjoint(ids(listed))


def test_plan_rule_lists_exactly_the_enrolments_that_miss_the_indicator(unit):
    """Of enrolments started in a period that all went on past their deadline, those listed are
    the indicator's denominator minus its numerator."""
    closed(unit, "2024-01-31", "2024-09-30")  # no plan
    closed(unit, "2024-01-31", "2024-09-30", plan_date=D("2024-04-30"))
    closed(unit, "2024-01-15", "2024-09-30", plan_date=D("2024-04-16"))
    testing.make_enrolment(unit=unit, start_date=D("2024-01-20"), plan_date=D("2024-04-20"))
    testing.make_enrolment(unit=unit, start_date=D("2024-01-20"))  # open, no plan
    result = kpi.compute("plan_inom_3_man", D("2024-01-01"), D("2024-01-31"))
    assert (result.numerator, result.denominator) == (2, 5)
    listed = quality.plan_missing(Enrolment.objects.all(), D("2024-10-01")).count()
    assert listed == result.denominator - result.numerator == 3


# --- Follow-ups overdue ----------------------------------------------------------------------


def test_followups_due_exactly_on_3_6_and_12_months_after_closure(unit):
    # Closed 31 January 2024: due 30 April 2024, 31 July 2024 and 31 January 2025.
    e = closed(unit, "2023-10-01", "2024-01-31")
    listed = lambda today: ids(quality.followups_overdue(Enrolment.objects.all(), D(today)))  # noqa: E731
    assert listed("2024-04-29") == set()
    assert counts("efteruppfoljning_forsenad", "2024-04-29") == {}
    assert listed("2024-04-30") == {e.pk}
    assert counts("efteruppfoljning_forsenad", "2024-04-30") == {unit.code: 1}
    assert counts("efteruppfoljning_forsenad", "2024-07-30") == {unit.code: 1}
    assert counts("efteruppfoljning_forsenad", "2024-07-31") == {unit.code: 2}
    assert counts("efteruppfoljning_forsenad", "2025-01-30") == {unit.code: 2}
    assert counts("efteruppfoljning_forsenad", "2025-01-31") == {unit.code: 3}

    r = only_row("efteruppfoljning_forsenad", "2025-01-31")
    assert "efter 3, 6, 12 månader" in r["facts"]
    assert r["fix_url"] == reverse("enrolments:followup", args=[e.pk])

    Followup.objects.create(enrolment=e, months_after=3, status_id="ARBETE")
    Followup.objects.create(enrolment=e, months_after=6, status_id="ARBETE")
    assert counts("efteruppfoljning_forsenad", "2025-01-30") == {}
    assert listed("2025-01-30") == set()
    assert counts("efteruppfoljning_forsenad", "2025-01-31") == {unit.code: 1}
    assert "efter 12 månader" in only_row("efteruppfoljning_forsenad", "2025-01-31")["facts"]


def test_six_month_followup_after_an_august_closure_is_due_on_29_february(unit):
    closed(unit, "2023-05-01", "2023-08-31")  # + 3 months = 30 Nov, + 6 months = 29 Feb 2024
    assert counts("efteruppfoljning_forsenad", "2024-02-28") == {unit.code: 1}
    assert counts("efteruppfoljning_forsenad", "2024-02-29") == {unit.code: 2}


def test_open_enrolments_owe_no_followup(unit):
    testing.make_enrolment(unit=unit, start_date=D("2022-01-01"))
    assert counts("efteruppfoljning_forsenad", "2024-06-30") == {}


# --- Placements outside their enrolment --------------------------------------------------------


def test_placement_starting_before_the_enrolment(unit):
    e = testing.make_enrolment(unit=unit, start_date=D("2024-01-15"))
    before = testing.make_placement(e, start_date=D("2024-01-14"))
    testing.make_placement(e, start_date=D("2024-01-15"))  # on the start day: fine
    assert ids(quality.placements_outside(Enrolment.objects.all())) == {before.pk}
    assert counts("placering_utanfor", "2024-06-30") == {unit.code: 1}
    r = only_row("placering_utanfor", "2024-06-30")
    assert "2024-01-14 – pågår" in r["facts"] and "2024-01-15 – pågår" in r["facts"]
    assert r["fix_url"] == reverse("enrolments:detail", args=[e.pk]) + "#insatser"


def test_placement_ending_after_or_running_past_a_closed_enrolment(unit):
    e = closed(unit, "2024-01-15", "2024-03-31")
    testing.make_placement(e, start_date=D("2024-02-01"), end_date=D("2024-03-31"))  # fine
    after = testing.make_placement(e, start_date=D("2024-02-01"), end_date=D("2024-04-01"))
    running = testing.make_placement(e, start_date=D("2024-02-01"), end_date=None)
    open_e = testing.make_enrolment(unit=unit, start_date=D("2024-01-15"))
    testing.make_placement(open_e, start_date=D("2024-02-01"), end_date=None)  # fine: still open

    listed = quality.placements_outside(Enrolment.objects.all())
    assert ids(listed) == {after.pk, running.pk}
    assert counts("placering_utanfor", "2024-06-30") == {unit.code: 2}
    r = row("placering_utanfor", listed.get(pk=after.pk), "2024-06-30")
    assert r["fix_url"] == reverse("measures:placement_end", args=[after.pk])
    assert r["enrolment"] == e


# --- No activity for 60 days ---------------------------------------------------------------------

# On 30 June 2024 the day 60 days back is 1 May: activity on 2 May (59 days ago) is recent
# enough, activity on 1 May (60 days ago) is not.
TODAY = "2024-06-30"
DAY_60 = D("2024-05-01")
DAY_59 = D("2024-05-02")


def inactive_ids() -> set[int]:
    return ids(quality.inactive(Enrolment.objects.all(), D(TODAY)))


def test_start_date_counts_as_the_first_activity(unit):
    sixty = testing.make_enrolment(unit=unit, start_date=DAY_60)
    testing.make_enrolment(unit=unit, start_date=DAY_59)
    closed(unit, "2024-01-01", "2024-02-01")  # closed: not an open case
    assert inactive_ids() == {sixty.pk}
    r = only_row("ingen_aktivitet", TODAY)
    assert r["facts"] == "Senaste aktivitet 2024-05-01 (60 dagar sedan)."
    assert r["fix_url"] == reverse("enrolments:detail", args=[sixty.pk]) + "#journal"


def _attendance(e, day, author):
    placement = testing.make_placement(e, start_date=e.start_date)
    Attendance.objects.create(placement=placement, date=day, hours=4)


def _note(e, day, author):
    note = CaseNote.objects.create(enrolment=e, author=author, text="Samtal.")
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=STOCKHOLM)
    CaseNote.objects.filter(pk=note.pk).update(created_at=noon)


def _meeting(e, day, author):
    ThreePartyMeeting.objects.create(
        enrolment=e, date=day, participants="K, D, R", created_by=author
    )


def _plan(e, day, author):
    ActionPlan.objects.create(enrolment=e, established_on=day, next_followup_on=day)


def _plan_followup(e, day, author):
    plan = ActionPlan.objects.create(
        enrolment=e, established_on=e.start_date, next_followup_on=e.start_date
    )
    PlanFollowup.objects.create(plan=plan, held_on=day, note="Uppföljt.", by=author)


def _placement(e, day, author):
    testing.make_placement(e, start_date=day)


ACTIVITY = {
    "närvaro": _attendance,
    "journalanteckning": _note,
    "trepartssamtal": _meeting,
    "plan fastställd": _plan,
    "planuppföljning": _plan_followup,
    "placering startad": _placement,
}


@pytest.mark.parametrize("kind", list(ACTIVITY))
def test_activity_59_days_ago_is_recent_60_is_not(unit, coach, kind):
    recent = testing.make_enrolment(unit=unit, start_date=D("2024-01-15"))
    ACTIVITY[kind](recent, DAY_59, coach)
    old = testing.make_enrolment(unit=unit, start_date=D("2024-01-15"))
    ACTIVITY[kind](old, DAY_60, coach)
    assert inactive_ids() == {old.pk}
    listed = quality.inactive(Enrolment.objects.all(), D(TODAY)).get()
    assert listed.last_activity == DAY_60
    assert counts("ingen_aktivitet", TODAY) == {unit.code: 1}


def test_case_note_counts_on_its_local_day(unit, coach):
    """A note written at 00:30 in Stockholm on 2 May is 22:30 UTC on 1 May; it is 2 May's."""
    just_after = testing.make_enrolment(unit=unit, start_date=D("2024-01-15"))
    note = CaseNote.objects.create(enrolment=just_after, author=coach, text="Tidigt.")
    CaseNote.objects.filter(pk=note.pk).update(
        created_at=dt.datetime(2024, 5, 2, 0, 30, tzinfo=STOCKHOLM)
    )
    just_before = testing.make_enrolment(unit=unit, start_date=D("2024-01-15"))
    note = CaseNote.objects.create(enrolment=just_before, author=coach, text="Sent.")
    CaseNote.objects.filter(pk=note.pk).update(
        created_at=dt.datetime(2024, 5, 1, 23, 30, tzinfo=STOCKHOLM)
    )
    assert inactive_ids() == {just_before.pk}
    assert quality.inactive(Enrolment.objects.all(), D(TODAY)).get().last_activity == DAY_60


def test_latest_of_several_activities_is_shown(unit, coach):
    e = testing.make_enrolment(unit=unit, start_date=D("2024-01-15"))
    _meeting(e, D("2024-03-01"), coach)
    _note(e, D("2024-04-10"), coach)
    _plan(e, D("2024-02-01"), coach)
    assert quality.inactive(Enrolment.objects.all(), D(TODAY)).get().last_activity == D(
        "2024-04-10"
    )


# --- Closure with reason Övrigt and no note ------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "listed"),
    [("", True), ("   ", True), (" \n\t \r\n", True), ("Flyttade till annan kommun.", False),
     ("  x  ", False)],
)
def test_other_reason_needs_a_real_note(unit, note, listed):
    e = closed(unit, "2024-01-15", "2024-03-31", reason="OVRIGT", closure_note=note)
    assert (ids(quality.other_reason_without_note(Enrolment.objects.all())) == {e.pk}) is listed
    assert counts("ovrigt_utan_kommentar", TODAY) == ({unit.code: 1} if listed else {})


def test_other_reasons_need_no_note(unit):
    closed(unit, "2024-01-15", "2024-03-31", reason="FLYTTAT", closure_note="")
    testing.make_enrolment(unit=unit, start_date=D("2024-01-15"))
    assert counts("ovrigt_utan_kommentar", TODAY) == {}


def test_other_reason_row_offers_reopening_only_to_the_enhetschef(unit, enhetschef, samordnare):
    e = closed(unit, "2024-01-15", "2024-03-31", reason="OVRIGT", closure_note=" ")
    as_chef = only_row("ovrigt_utan_kommentar", TODAY, enhetschef)
    assert as_chef["fix_url"] == reverse("enrolments:reopen", args=[e.pk])
    assert "2024-03-31" in as_chef["facts"]
    as_samordnare = only_row("ovrigt_utan_kommentar", TODAY, samordnare)
    assert as_samordnare["fix_url"] == reverse("enrolments:detail", args=[e.pk])
    other_chef = testing.make_user(Role.ENHETSCHEF, testing.make_unit("ANNAN"))
    assert only_row("ovrigt_utan_kommentar", TODAY, other_chef)["fix_url"] == reverse(
        "enrolments:detail", args=[e.pk]
    )


# --- Counts per unit ---------------------------------------------------------------------------


def test_counts_are_per_unit_and_lists_follow_the_given_enrolments(unit, other_unit):
    mine = closed(unit, "2024-01-15", "2024-03-31", reason="OVRIGT")
    closed(other_unit, "2024-01-15", "2024-03-31", reason="OVRIGT")
    closed(other_unit, "2024-01-16", "2024-03-31", reason="OVRIGT")
    assert counts("ovrigt_utan_kommentar", TODAY) == {unit.code: 1, other_unit.code: 2}
    rule = quality.RULES["ovrigt_utan_kommentar"]
    assert ids(quality.list_rows(rule, Enrolment.objects.filter(unit=unit), D(TODAY))) == {
        mine.pk
    }
    assert len(quality.list_rows(rule, Enrolment.objects.all(), D(TODAY), other_unit.code)) == 2
    summaries = quality.summary(Enrolment.objects.all(), D(TODAY))
    assert quality.units_table(summaries) == sorted([unit.code, other_unit.code])


def test_a_user_without_a_municipality_counts_nothing(unit):
    """As on every statistics page: no municipality, no figures (never everything)."""
    from insats.insights.quality import counted_enrolments

    testing.make_enrolment(unit=unit)
    stray = testing.make_user(Role.CONTROLLER, None, username="utan-kommun")
    stray.municipality = None
    stray.save(update_fields=["municipality"])
    assert not counted_enrolments(stray).exists()
    assert counted_enrolments(None).count() == 1  # the nightly command counts everything
