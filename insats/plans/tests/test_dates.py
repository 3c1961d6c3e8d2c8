import datetime as dt

import pytest

from insats.core import testing
from insats.core.dates import AddMonths, add_months
from insats.enrolments.models import Enrolment
from insats.plans.services import first_plan_deadline, next_followup_deadline

D = dt.date


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2023, 11, 30), D(2024, 2, 29)),  # leap year February
        (D(2022, 11, 30), D(2023, 2, 28)),
        (D(2024, 1, 31), D(2024, 4, 30)),
        (D(2024, 3, 31), D(2024, 6, 30)),
        (D(2024, 10, 31), D(2025, 1, 31)),  # over the year end
        (D(2024, 1, 15), D(2024, 4, 15)),
        (D(2024, 2, 29), D(2024, 5, 29)),
    ],
)
def test_first_plan_deadline_clamps_to_month_end(start, expected):
    assert first_plan_deadline(start) == expected
    assert next_followup_deadline(start) == expected


def test_add_months_negative_and_zero():
    assert add_months(D(2024, 5, 31), -3) == D(2024, 2, 29)
    assert add_months(D(2024, 5, 31), 0) == D(2024, 5, 31)


@pytest.mark.django_db
def test_sql_add_months_agrees_with_python():
    unit = testing.make_unit()
    starts = [
        D(2023, 11, 30), D(2024, 1, 31), D(2024, 1, 30), D(2024, 1, 28), D(2024, 2, 29),
        D(2024, 3, 31), D(2024, 5, 31), D(2024, 8, 31), D(2024, 10, 31), D(2024, 11, 30),
        D(2025, 11, 29), D(2024, 12, 31), D(2024, 6, 1),
    ]
    for start in starts:
        testing.make_enrolment(unit=unit, start_date=start)
    rows = Enrolment.objects.annotate(deadline=AddMonths("start_date", 3)).values_list(
        "start_date", "deadline"
    )
    for start, deadline in rows:
        assert deadline == add_months(start, 3), start
    rows = Enrolment.objects.annotate(back=AddMonths("start_date", -1)).values_list(
        "start_date", "back"
    )
    for start, back in rows:
        assert back == add_months(start, -1), start
