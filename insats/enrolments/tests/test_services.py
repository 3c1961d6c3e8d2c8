import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from insats.codes.models import ClosureReason, FollowupStatus
from insats.core import testing
from insats.enrolments import services
from insats.enrolments.models import Enrolment, Reopening

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 6, 30)


def reason(code: str) -> ClosureReason:
    return ClosureReason.objects.get(code=code)


@pytest.fixture
def enrolment(unit, coach):
    return testing.make_enrolment(unit=unit, coach=coach, start_date=dt.date(2024, 1, 15))


def close(enrolment, by, **kw):
    values = {
        "expected_version": enrolment.version,
        "end_date": dt.date(2024, 6, 1),
        "closure_reason": reason("ARBETE_UTAN_STOD"),
        "today": TODAY,
    }
    values.update(kw)
    return services.close_enrolment(enrolment, by=by, **values)


def test_add_months_keeps_month_ends():
    assert services.add_months(dt.date(2024, 8, 31), 6) == dt.date(2025, 2, 28)
    assert services.add_months(dt.date(2024, 1, 15), -3) == dt.date(2023, 10, 15)


def test_latest_end_date_due_matches_add_months_exactly():
    ends = [dt.date(2023, 1, 1) + dt.timedelta(days=i) for i in range(800)]
    for today in (dt.date(2024, 2, 29), dt.date(2024, 2, 28), dt.date(2024, 3, 30),
                  dt.date(2024, 4, 30), dt.date(2024, 12, 31), dt.date(2024, 7, 15)):
        for months in services.FOLLOWUP_MONTHS:
            latest = services.latest_end_date_due(today, months)
            for end in ends:
                assert (services.add_months(end, months) <= today) == (end <= latest), (
                    today, months, end
                )


def test_close_sets_reason_and_bumps_version(enrolment, coach):
    closed = close(enrolment, coach)
    assert closed.end_date == dt.date(2024, 6, 1)
    assert closed.closure_reason.code == "ARBETE_UTAN_STOD"
    assert closed.version == enrolment.version + 1


@pytest.mark.parametrize(
    ("kw", "field", "text"),
    [
        ({"end_date": dt.date(2024, 1, 1)}, "end_date", "före startdatum"),
        ({"end_date": dt.date(2024, 7, 1)}, "end_date", "framtiden"),
        ({"end_date": None}, "end_date", "Ange slutdatum"),
        ({"closure_reason": None}, "closure_reason", "Välj en avslutsorsak"),
        ({"closure_reason": "OVRIGT", "note": "  "}, "note", "Övrigt ska kommenteras"),
    ],
)
def test_closure_rules(enrolment, coach, kw, field, text):
    if isinstance(kw.get("closure_reason"), str):
        kw["closure_reason"] = reason(kw["closure_reason"])
    with pytest.raises(ValidationError) as exc:
        close(enrolment, coach, **kw)
    assert text in exc.value.message_dict[field][0]
    enrolment.refresh_from_db()
    assert enrolment.end_date is None and enrolment.version == 1


def test_closure_cannot_predate_the_plan(enrolment, coach):
    """Start 2024-01-15, plan 2024-03-01: closing as of 2024-02-20 would leave a plan made
    after the enrolment ended (and an export the importer refuses)."""
    Enrolment.objects.filter(pk=enrolment.pk).update(plan_date=dt.date(2024, 3, 1))
    enrolment.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        close(enrolment, coach, end_date=dt.date(2024, 2, 20))
    assert "genomförandeplanen fastställdes (2024-03-01)" in exc.value.message_dict["end_date"][0]
    assert close(enrolment, coach, end_date=dt.date(2024, 3, 1)).end_date == dt.date(2024, 3, 1)


def test_other_reason_with_note_is_accepted(enrolment, coach):
    closed = close(enrolment, coach, closure_reason=reason("OVRIGT"), note="Flyttat utomlands")
    assert closed.closure_note == "Flyttat utomlands"


def test_every_reason_has_the_interchange_definition():
    assert "lönesubvention" in reason("ARBETE_UTAN_STOD").definition_sv
    assert list(services.closure_reasons())[0].code == "ARBETE_UTAN_STOD"


def test_open_placements_end_with_the_enrolment(enrolment, coach):
    running = testing.make_placement(enrolment, start_date=dt.date(2024, 2, 1))
    planned_past = testing.make_placement(
        enrolment, start_date=dt.date(2024, 2, 1), end_date=dt.date(2024, 8, 1)
    )
    done = testing.make_placement(
        enrolment, start_date=dt.date(2024, 2, 1), end_date=dt.date(2024, 3, 1)
    )
    close(enrolment, coach)
    for placement, expected in (
        (running, dt.date(2024, 6, 1)),
        (planned_past, dt.date(2024, 6, 1)),
        (done, dt.date(2024, 3, 1)),
    ):
        placement.refresh_from_db()
        assert placement.end_date == expected


def test_a_placement_after_the_end_date_stops_the_closure(enrolment, coach):
    later = testing.make_placement(enrolment, start_date=dt.date(2024, 6, 10))
    running = testing.make_placement(enrolment, start_date=dt.date(2024, 2, 1))
    with pytest.raises(ValidationError) as exc:
        close(enrolment, coach)
    assert "börjar efter slutdatumet" in exc.value.message_dict["end_date"][0]
    assert str(later.measure) in exc.value.message_dict["end_date"][0]
    running.refresh_from_db()
    assert running.end_date is None


def test_stale_version_is_refused_and_nothing_is_written(enrolment, coach, enhetschef):
    services.update_enrolment(enrolment, by=enhetschef, expected_version=1, need_category="AM2")
    with pytest.raises(ValidationError) as exc:
        close(enrolment, coach, expected_version=1)
    assert "ändrats av någon annan" in exc.value.message_dict["version"][0]
    enrolment.refresh_from_db()
    assert enrolment.end_date is None and enrolment.version == 2


def test_only_own_caseload_may_be_closed(enrolment, unit):
    colleague = testing.make_user("coach", unit)
    with pytest.raises(PermissionDenied):
        close(enrolment, colleague)


def test_reopen_only_by_enhetschef_and_recorded(enrolment, coach, samordnare, enhetschef):
    closed = close(enrolment, coach)
    for user in (coach, samordnare):
        with pytest.raises(PermissionDenied):
            services.reopen_enrolment(closed, by=user, expected_version=closed.version,
                                      reason="Fel")
    with pytest.raises(ValidationError) as exc:
        services.reopen_enrolment(closed, by=enhetschef, expected_version=closed.version,
                                  reason="")
    assert "reason" in exc.value.message_dict
    reopened = services.reopen_enrolment(
        closed, by=enhetschef, expected_version=closed.version, reason="Avslutad av misstag"
    )
    assert reopened.end_date is None and reopened.closure_reason is None
    record = Reopening.objects.get()
    assert record.reopened_by == enhetschef
    assert record.previous_end_date == dt.date(2024, 6, 1)
    assert record.previous_closure_reason.code == "ARBETE_UTAN_STOD"
    assert record.reason == "Avslutad av misstag"


def test_only_unit_coaches_may_take_over(enrolment, coach, samordnare, other_unit):
    outsider = testing.make_user("coach", other_unit)
    with pytest.raises(ValidationError) as exc:
        services.update_enrolment(enrolment, by=samordnare, expected_version=1, coach=outsider)
    assert "coach" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.update_enrolment(enrolment, by=coach, expected_version=1, coach=None)


def test_notes_and_meetings(enrolment, coach):
    note = services.add_case_note(enrolment, by=coach, text=" Första samtalet. ")
    assert note.text == "Första samtalet." and note.author == coach
    with pytest.raises(ValidationError):
        services.add_case_note(enrolment, by=coach, text="")
    meeting = services.add_meeting(
        enrolment, by=coach, date=dt.date(2024, 1, 20), participants="Deltagare, konsulent"
    )
    assert meeting.created_by == coach
    with pytest.raises(ValidationError) as exc:
        services.add_meeting(enrolment, by=coach, date=dt.date(2024, 1, 20), participants="")
    assert "participants" in exc.value.message_dict


def test_followups_due_and_recorded(enrolment, coach):
    closed = close(enrolment, coach, end_date=dt.date(2024, 1, 31))
    slots = services.followup_slots(closed, today=dt.date(2024, 5, 1))
    assert [(s.months, s.due_date, s.is_due) for s in slots] == [
        (3, dt.date(2024, 4, 30), True),
        (6, dt.date(2024, 7, 31), False),
        (12, dt.date(2025, 1, 31), False),
    ]
    due = services.followups_due(Enrolment.objects.all(), today=dt.date(2024, 5, 1))
    assert due.count == 1
    assert [(s.enrolment.pk, s.months) for s in due.oldest] == [(closed.pk, 3)]
    status = FollowupStatus.objects.get(code="ARBETE")
    services.record_followup(closed, by=coach, months_after=3, status=status,
                             followup_date=dt.date(2024, 5, 1), today=dt.date(2024, 5, 1))
    assert services.followups_due(Enrolment.objects.all(), today=dt.date(2024, 5, 1)).count == 0
    # Recording the same interval again corrects it.
    other = FollowupStatus.objects.get(code="STUDIER")
    services.record_followup(closed, by=coach, months_after=3, status=other,
                             followup_date=dt.date(2024, 5, 1), today=dt.date(2024, 5, 1))
    assert closed.followups.get().status == other


def test_followup_rules(enrolment, coach):
    status = FollowupStatus.objects.get(code="ARBETE")
    with pytest.raises(ValidationError, match="avslutad"):
        services.record_followup(enrolment, by=coach, months_after=3, status=status)
    closed = close(enrolment, coach, end_date=dt.date(2024, 1, 31))
    with pytest.raises(ValidationError) as exc:
        services.record_followup(closed, by=coach, months_after=6, status=status,
                                 followup_date=dt.date(2024, 5, 1), today=dt.date(2024, 5, 1))
    assert "tidigast" in exc.value.message_dict["followup_date"][0]
    with pytest.raises(ValidationError) as exc:
        services.record_followup(closed, by=coach, months_after=3, status=status,
                                 followup_date=dt.date(2024, 5, 2), today=dt.date(2024, 5, 1))
    assert "framtiden" in exc.value.message_dict["followup_date"][0]
