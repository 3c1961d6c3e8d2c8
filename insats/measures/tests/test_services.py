import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from insats.core import testing
from insats.measures import services
from insats.measures.models import Attendance, Measure, Placement

D = dt.date
MON = D(2024, 3, 4)  # ISO week 10
FEB1 = D(2024, 2, 1)


@pytest.fixture
def enrolment(unit, coach):
    person = testing.make_person(first_name="Anna", last_name="Andersson")
    return testing.make_enrolment(person=person, unit=unit, coach=coach, start_date=D(2024, 1, 15))


@pytest.fixture
def measure(db):
    return testing.make_measure(name="Second hand-butiken", capacity=2)


def place(enrolment, measure, start=FEB1, end=None, **kw):
    return services.place(enrolment, measure, start, end, "Butiken", "Kim", None, **kw)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (D(2024, 1, 14), None, "start_date"),  # before the enrolment
        (D(2024, 2, 1), D(2024, 1, 31), "end_date"),
    ],
)
def test_placement_dates_within_open_enrolment(enrolment, measure, start, end, field):
    with pytest.raises(ValidationError) as exc:
        place(enrolment, measure, start, end)
    assert field in exc.value.message_dict
    assert not Placement.objects.exists()


def test_placement_dates_within_closed_enrolment(unit, coach, measure):
    closed = testing.make_enrolment(unit=unit, coach=coach, start_date=D(2024, 1, 1),
                                    end_date=D(2024, 3, 31), closure_reason="ARBETE_UTAN_STOD")
    for start, end, field in [
        (D(2024, 4, 1), D(2024, 4, 2), "start_date"),
        (D(2024, 3, 1), D(2024, 4, 30), "end_date"),
        (D(2024, 3, 1), None, "end_date"),
    ]:
        with pytest.raises(ValidationError) as exc:
            place(closed, measure, start, end)
        assert field in exc.value.message_dict, (start, end)
    assert place(closed, measure, D(2024, 3, 1), D(2024, 3, 31)).end_date == D(2024, 3, 31)


def test_inactive_measure_refused(enrolment):
    measure = testing.make_measure(active=False)
    with pytest.raises(ValidationError) as exc:
        place(enrolment, measure)
    assert "measure" in exc.value.message_dict


def test_same_measure_overlapping_refused(enrolment, measure):
    place(enrolment, measure, D(2024, 2, 1), D(2024, 2, 29))
    with pytest.raises(ValidationError):
        place(enrolment, measure, D(2024, 2, 15))
    # Parallel placements in different measures are fine, and so is a later period.
    place(enrolment, testing.make_measure(), D(2024, 2, 15))
    place(enrolment, measure, D(2024, 3, 1))
    assert Placement.objects.filter(enrolment=enrolment).count() == 3


def test_full_measure_refused_unless_override(unit, measure):
    for _ in range(2):
        place(testing.make_enrolment(unit=unit, start_date=D(2024, 1, 1)), measure)
    newcomer = testing.make_enrolment(unit=unit, start_date=D(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        place(newcomer, measure, D(2024, 2, 10))
    message = exc.value.message_dict["allow_over_capacity"][0]
    assert "fullbelagd 2024-02-10: 2 av 2 platser" in message
    placement = place(newcomer, measure, D(2024, 2, 10), allow_over_capacity=True)
    assert placement.pk
    # A place freed by an ended placement can be taken without override.
    ended = Placement.objects.filter(measure=measure).first()
    services.end_placement(ended, D(2024, 2, 20), None)
    later = testing.make_enrolment(unit=unit, start_date=D(2024, 1, 1))
    with pytest.raises(ValidationError):
        place(later, measure, D(2024, 3, 1))  # still 2 running: the overbooked one stays
    services.end_placement(Placement.objects.filter(measure=measure)[1], D(2024, 2, 25), None)
    assert place(later, measure, D(2024, 3, 1)).pk  # now one place is free again


def test_free_places_annotation(unit, measure, django_assert_num_queries):
    e1, e2, e3 = (testing.make_enrolment(unit=unit, start_date=D(2024, 1, 1)) for _ in range(3))
    testing.make_placement(e1, measure, start_date=D(2024, 1, 1))
    testing.make_placement(e2, measure, start_date=D(2024, 1, 1), end_date=D(2024, 2, 29))
    testing.make_placement(e3, measure, start_date=D(2024, 4, 1))
    unlimited = testing.make_measure(capacity=None)
    testing.make_placement(e1, unlimited, start_date=D(2024, 1, 1))
    with django_assert_num_queries(1):
        rows = {m.pk: (m.occupied, m.free_places)
                for m in Measure.objects.with_free_places(D(2024, 3, 15))}
    assert rows[measure.pk] == (1, 1)
    assert rows[unlimited.pk] == (1, None)
    assert Measure.objects.with_free_places(D(2024, 2, 29)).get(pk=measure.pk).free_places == 0
    over = Measure.objects.with_free_places(D(2024, 1, 1)).get(pk=measure.pk)
    assert over.free_places == 0
    Measure.objects.filter(pk=measure.pk).update(capacity=1)
    assert Measure.objects.with_free_places(D(2024, 1, 1)).get(pk=measure.pk).free_places == -1


def test_end_placement(enrolment, measure):
    placement = place(enrolment, measure)
    with pytest.raises(ValidationError):
        services.end_placement(placement, D(2024, 1, 31), None)
    services.record_attendance(placement, D(2024, 2, 5), "6", "", None)
    with pytest.raises(ValidationError) as exc:
        services.end_placement(placement, D(2024, 2, 4), None)
    assert "2024-02-05" in exc.value.message_dict["end_date"][0]
    services.end_placement(placement, D(2024, 2, 5), None)
    assert Placement.objects.get(pk=placement.pk).end_date == D(2024, 2, 5)


def test_update_placement_keeps_attendance_inside(enrolment, measure):
    placement = place(enrolment, measure)
    services.record_attendance(placement, D(2024, 2, 5), "6", "", None)
    with pytest.raises(ValidationError) as exc:
        services.update_placement(placement, start_date=D(2024, 2, 6), end_date=None,
                                  workplace="", supervisor="", by=None)
    assert "start_date" in exc.value.message_dict
    services.update_placement(placement, start_date=D(2024, 2, 1), end_date=D(2024, 3, 1),
                              workplace=" Lagret ", supervisor="Kim", by=None)
    assert Placement.objects.get(pk=placement.pk).workplace == "Lagret"


@pytest.mark.parametrize(
    ("day", "hours", "reason", "field"),
    [
        (D(2024, 1, 31), "4", "", "date"),  # before the placement
        (MON, "25", "", "hours"),
        (MON, "-1", "", "hours"),
        (MON, "7.1", "", "hours"),  # not a quarter hour
        (MON, "0", "", "absence_reason"),  # an absence needs a reason
        (MON, "", "", "absence_reason"),
        (MON, "4", "nonsense", "absence_reason"),
        (MON, "sju", "", "hours"),
        (D(2099, 1, 5), "4", "", "hours"),  # hours on a day that has not been
    ],
)
def test_attendance_validation(enrolment, measure, day, hours, reason, field):
    placement = place(enrolment, measure)
    with pytest.raises(ValidationError) as exc:
        services.record_attendance(placement, day, hours, reason, None)
    assert field in exc.value.message_dict
    assert not Attendance.objects.exists()


def test_attendance_upsert_and_total_hours(enrolment, measure, coach):
    placement = place(enrolment, measure)
    Placement.objects.filter(pk=placement.pk).update(reported_hours=Decimal("10.5"))
    services.record_attendance(placement, MON, "7,5", "", coach)
    services.record_attendance(placement, MON, Decimal("6.25"), "", coach)  # replaces
    services.record_attendance(placement, MON + dt.timedelta(days=1), 0, "sick", coach)
    services.record_attendance(placement, D(2099, 1, 1), 0, "vacation", coach)  # planned leave
    assert Attendance.objects.filter(placement=placement).count() == 3
    assert services.total_hours(placement) == Decimal("16.75")
    annotated = Placement.objects.with_total_hours().get(pk=placement.pk)
    assert annotated.attended_hours == Decimal("6.25")
    other = place(enrolment, testing.make_measure())
    assert services.total_hours(other) == Decimal("0")
    assert services.clear_attendance(placement, MON, coach) is True
    assert services.total_hours(placement) == Decimal("10.5")


def cells(placement, values):
    return [
        services.GridCell(placement, MON + dt.timedelta(days=i), hours, reason)
        for i, (hours, reason) in enumerate(values)
    ]


def test_week_grid_all_or_nothing(unit, coach, measure, enrolment):
    bertil = testing.make_enrolment(
        person=testing.make_person(first_name="Bertil", last_name="Berg"), unit=unit,
        start_date=D(2024, 1, 1),
    )
    p1 = place(enrolment, measure)
    p2 = place(bertil, measure)
    services.record_attendance(p1, MON, "3", "", coach)
    good = cells(p1, [("6", ""), ("6,5", ""), ("0", "sick"), ("", ""), ("4", "")])
    bad = cells(p2, [("6", ""), ("0", ""), ("7.3", ""), ("", ""), ("", "")])
    with pytest.raises(ValidationError) as exc:
        services.save_week_grid(measure, MON, good + bad, coach)
    errors = exc.value.message_dict
    assert set(errors) == {services.cell_key(p2.pk, D(2024, 3, 5)),
                           services.cell_key(p2.pk, D(2024, 3, 6))}
    tuesday = errors[services.cell_key(p2.pk, D(2024, 3, 5))][0]
    assert tuesday.startswith("Bertil Berg, tisdag 2024-03-05: ")
    assert "frånvaroorsak" in tuesday
    # Nothing written: Anna's Monday is still 3 hours and no other rows exist.
    assert list(Attendance.objects.values_list("placement", "date", "hours")) == [
        (p1.pk, MON, Decimal("3.00"))
    ]
    fixed = cells(p2, [("6", ""), ("0", "vab"), ("7,25", ""), ("", ""), ("", "")])
    written = services.save_week_grid(measure, MON, good + fixed, coach)
    assert written == 7
    assert services.total_hours(p1) == Decimal("16.5")
    assert services.total_hours(p2) == Decimal("13.25")
    # An emptied cell clears the day.
    services.save_week_grid(measure, MON, cells(p1, [("", "")]), coach)
    assert not Attendance.objects.filter(placement=p1, date=MON).exists()


def test_week_grid_rejects_foreign_cells(enrolment, measure, coach):
    placement = place(enrolment, testing.make_measure())
    with pytest.raises(ValidationError) as exc:
        services.save_week_grid(measure, MON, cells(placement, [("4", "")]), coach)
    assert "hör inte till insatsen" in str(exc.value)
    with pytest.raises(ValidationError):
        services.save_week_grid(measure, MON + dt.timedelta(days=1), [], coach)
