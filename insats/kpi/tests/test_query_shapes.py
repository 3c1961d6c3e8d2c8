"""The faster query shapes (benchmarks/kpi_benchmark.py) keep the definitions' rules."""

import pytest
from django.db.models import IntegerField, Value

from insats.core import testing
from insats.enrolments.models import Enrolment
from insats.kpi import definitions, queries, services
from insats.kpi.tests.factories import d, make_followup

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, "-19"), (19, "-19"), (20, "20-24"), (24, "20-24"), (25, "25-29"), (29, "25-29"),
     (30, "30-49"), (49, "30-49"), (50, "50-"), (97, "50-")],
)
def test_age_band_bounds(age, band):
    testing.make_enrolment()
    annotated = Enrolment.objects.annotate(
        band=queries.age_band(Value(age, output_field=IntegerField()))
    ).get()
    assert annotated.band == band


def test_participant_on_a_start_date_tie_counts_in_the_later_registered_enrolment():
    u1, u2 = testing.make_unit("U1"), testing.make_unit("U2")
    person = testing.make_person()
    testing.make_enrolment(person, u2, start_date=d("2024-02-01"))
    later = testing.make_enrolment(person, u1, start_date=d("2024-02-01"))
    result = services.compute("deltagare", d("2024-01-01"), d("2024-12-31"), by="unit")
    assert [(g.key, g.value) for g in result.groups] == [("U1", 1)]
    behind = services.enrolments_behind(
        "deltagare", d("2024-01-01"), d("2024-12-31"), group=("unit", "U1")
    )
    assert list(behind) == [later]


def test_participant_groups_match_the_enrolments_behind_them():
    """The ranked row set of `deltagare` and the drill-down pick the same enrolment per person."""
    units = [testing.make_unit(f"U{n}") for n in range(3)]
    measures = [testing.make_measure(category=c) for c in ("KURS", "JOBBSOK")]
    for n in range(6):
        person = testing.make_person(gender="KM"[n % 2], birth_date=d(f"{1970 + 7 * n}-06-15"))
        for m in range(n % 3 + 1):
            enrolment = testing.make_enrolment(
                person, units[(n + m) % 3], start_date=d(f"2024-0{m + 1}-1{n}"),
                need_category=["AM1", "AM2", ""][m],
            )
            testing.make_placement(enrolment, measures[(n + m) % 2], start_date=d("2024-07-01"))
    period = ("2024-01-01", "2024-12-31")
    for dimension in definitions.ENROLMENT_DIMENSIONS:
        result = services.compute("deltagare", d(period[0]), d(period[1]), by=dimension)
        assert result.groups, dimension
        for group in result.groups:
            behind = services.enrolments_behind(
                "deltagare", d(period[0]), d(period[1]), group=(dimension, group.key)
            )
            persons = set(behind.values_list("person_id", flat=True))
            assert len(persons) == group.value, (dimension, group.key)


def test_followup_share_denominators_match_the_enrolments_behind_them():
    """The joined 12-month follow-up and the drill-down's EXISTS select the same enrolments."""
    statuses = ["ARBETE", "FORSORJNINGSSTOD", "OKAND", "STUDIER", "FORSORJNINGSSTOD"]
    for n, status in enumerate(statuses):
        enrolment = testing.make_enrolment(
            start_date=d("2022-01-01"), end_date=d(f"2023-0{n + 1}-15"), closure_reason="AVBROTT",
            need_category=["AM1", "AM2"][n % 2],
        )
        make_followup(enrolment, 12, status)
        make_followup(enrolment, 3, "FORSORJNINGSSTOD")  # other intervals do not count
    testing.make_enrolment(start_date=d("2022-01-01"), end_date=d("2023-07-01"),
                           closure_reason="AVBROTT")  # no follow-up
    result = services.compute(
        "ej_forsorjningsstod_12_man", d("2023-01-01"), d("2023-12-31"), by="need_category"
    )
    assert (result.numerator, result.denominator) == (2, 4)
    for group in result.groups:
        behind = services.enrolments_behind(
            "ej_forsorjningsstod_12_man", d("2023-01-01"), d("2023-12-31"),
            group=("need_category", group.key),
        )
        assert behind.count() == group.denominator
