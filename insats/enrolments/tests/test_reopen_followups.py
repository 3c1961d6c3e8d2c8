"""Follow-ups belong to a closure: reopening removes them from the enrolment (keeping a snapshot
in the reopening record and the access log), so export/import and the indicators only see the
follow-ups of the enrolment's current closure."""

import datetime as dt

import pytest

from insats.audit.models import AccessLogEntry
from insats.codes.models import ClosureReason, FollowupStatus
from insats.core import testing
from insats.enrolments import services
from insats.enrolments.models import Enrolment, Followup, Reopening
from insats.interchange.services import export_folder, import_folder
from insats.interchange.tests.test_roundtrip import assert_same_files
from insats.kpi import services as kpi
from insats.persons.models import Person

pytestmark = pytest.mark.django_db


def close(enrolment, by, end_date, today, code="ARBETE_UTAN_STOD"):
    return services.close_enrolment(
        enrolment, by=by, expected_version=enrolment.version, end_date=end_date,
        closure_reason=ClosureReason.objects.get(code=code), today=today,
    )


@pytest.fixture
def reopened(unit, coach, enhetschef):
    """Closed 2022-06-01, 3- and 12-month follow-ups recorded, then reopened."""
    enrolment = testing.make_enrolment(
        unit=unit, coach=coach, external_id="E-REOPEN", start_date=dt.date(2022, 1, 15)
    )
    closed = close(enrolment, coach, dt.date(2022, 6, 1), dt.date(2022, 6, 30))
    services.record_followup(
        closed, by=coach, months_after=3, status=FollowupStatus.objects.get(code="ARBETE"),
        followup_date=dt.date(2022, 9, 5), today=dt.date(2022, 9, 5),
    )
    services.record_followup(
        closed, by=coach, months_after=12,
        status=FollowupStatus.objects.get(code="FORSORJNINGSSTOD"),
        followup_date=dt.date(2023, 6, 1), today=dt.date(2023, 6, 1),
    )
    closed.refresh_from_db()
    return services.reopen_enrolment(
        closed, by=enhetschef, expected_version=closed.version, reason="Avslutad för tidigt"
    )


def test_reopening_moves_the_followups_into_the_reopening_record(reopened, enhetschef):
    assert Followup.objects.filter(enrolment=reopened).count() == 0
    record = Reopening.objects.get(enrolment=reopened)
    assert record.removed_followups == [
        {"months_after": 3, "status": "ARBETE", "followup_date": "2022-09-05"},
        {"months_after": 12, "status": "FORSORJNINGSSTOD", "followup_date": "2023-06-01"},
    ]
    deleted = AccessLogEntry.objects.filter(action="delete", object_type="followup")
    assert deleted.count() == 2
    assert {e.enrolment_id for e in deleted} == {reopened.pk}
    assert {e.person_id for e in deleted} == {reopened.person_id}
    assert {e.username for e in deleted} == {enhetschef.username}
    assert all("återöppnades" in e.reason for e in deleted)


def test_reopening_without_followups_records_an_empty_snapshot(unit, coach, enhetschef):
    enrolment = testing.make_enrolment(unit=unit, coach=coach, start_date=dt.date(2024, 1, 15))
    closed = close(enrolment, coach, dt.date(2024, 3, 1), dt.date(2024, 3, 2))
    services.reopen_enrolment(closed, by=enhetschef, expected_version=closed.version,
                              reason="Fel person")
    assert Reopening.objects.get().removed_followups == []
    assert not AccessLogEntry.objects.filter(object_type="followup").exists()


def test_round_trip_after_reopening(reopened, tmp_path):
    export_folder(tmp_path / "first")
    followups = (tmp_path / "first" / "followups.csv").read_text(encoding="utf-8")
    assert followups.splitlines() == ["enrolment_id,months_after,status,followup_date"]
    # An empty instance, except for the unit and its staff (the import finds the unit by code).
    Enrolment.objects.all().delete()
    Person.objects.all().delete()
    result = import_folder(tmp_path / "first")
    assert result.ok, list(map(str, result.problems))
    assert Enrolment.objects.get(external_id="E-REOPEN").end_date is None
    export_folder(tmp_path / "second")
    assert_same_files(tmp_path / "first", tmp_path / "second")


def test_a_later_closure_is_not_counted_with_the_old_followups(reopened, coach):
    again = close(reopened, coach, dt.date(2023, 7, 10), dt.date(2024, 8, 1), code="AVBROTT")
    # The old 12-month follow-up (FORSORJNINGSSTOD) said nothing about this closure: nothing is
    # recorded for it yet, so the indicator has an empty denominator for 2023.
    result = kpi.compute("ej_forsorjningsstod_12_man", dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert (result.value, result.numerator, result.denominator) == (None, 0, 0)
    slots = services.followup_slots(again, today=dt.date(2024, 8, 1))
    assert [(s.months, s.due_date, s.recorded) for s in slots] == [
        (3, dt.date(2023, 10, 10), None),
        (6, dt.date(2024, 1, 10), None),
        (12, dt.date(2024, 7, 10), None),
    ]
    # A follow-up of the new closure counts: ARBETE is "not försörjningsstöd", 1 of 1.
    services.record_followup(
        again, by=coach, months_after=12, status=FollowupStatus.objects.get(code="ARBETE"),
        followup_date=dt.date(2024, 7, 15), today=dt.date(2024, 8, 1),
    )
    result = kpi.compute("ej_forsorjningsstod_12_man", dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert (result.value, result.numerator, result.denominator) == (1.0, 1, 1)


def test_register_extract_shows_the_removed_followups(reopened, enhetschef):
    from insats.privacy.extract import as_json, collect

    data = collect(reopened.person, by=enhetschef)
    (enrolment,) = data["enrolments"]
    assert enrolment["followups"] == []
    (reopening,) = enrolment["reopenings"]
    assert reopening["removed_followups"] == [
        {"months_after": 3, "status": "ARBETE", "followup_date": "2022-09-05"},
        {"months_after": 12, "status": "FORSORJNINGSSTOD", "followup_date": "2023-06-01"},
    ]
    assert b'"removed_followups"' in as_json(data)


def test_the_enrolment_page_lists_the_followups_removed_at_each_reopening(
        client, reopened, enhetschef):
    # A snapshot from elsewhere (an import) may hold a status no longer in the code list and a
    # follow-up without a date: shown as the code, without a date.
    Reopening.objects.create(
        enrolment=reopened, reopened_by=enhetschef, reason="Andra gången",
        previous_end_date=dt.date(2023, 8, 1),
        previous_closure_reason=ClosureReason.objects.get(code="AVBROTT"),
        removed_followups=[{"months_after": 6, "status": "GAMMAL_KOD", "followup_date": None}],
    )
    Reopening.objects.create(
        enrolment=reopened, reopened_by=enhetschef, reason="Tredje gången",
        previous_end_date=dt.date(2023, 9, 1),
        previous_closure_reason=ClosureReason.objects.get(code="AVBROTT"),
    )
    client.force_login(enhetschef)
    html = client.get(f"/inskrivningar/{reopened.pk}/").content.decode()
    first, second, third = (html.index(t) for t in (
        "Avslutad för tidigt", "Andra gången", "Tredje gången"))
    listed = ("Borttagna efteruppföljningar: 3 mån – I arbete (2022-09-05), "
              "12 mån – Har försörjningsstöd (2023-06-01)")
    assert first < html.index(listed) < second
    assert second < html.index("Borttagna efteruppföljningar: 6 mån – GAMMAL_KOD</li>") < third
    # A reopening that removed nothing lists nothing.
    assert html.count("Borttagna efteruppföljningar") == 2
