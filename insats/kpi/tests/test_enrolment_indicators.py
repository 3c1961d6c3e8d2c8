"""Enrolment indicators on small, hand-computed data sets."""

import pytest
from django.core.exceptions import ValidationError

from insats.codes.models import ReferralSource
from insats.core import testing
from insats.core.dates import AddMonths
from insats.enrolments.models import Enrolment
from insats.kpi import definitions, services
from insats.kpi.tests.factories import d, make_followup

pytestmark = pytest.mark.django_db


def kpi(code, date_from, date_to, by=None):
    return services.compute(code, d(date_from), d(date_to), by=by)


def groups(result):
    return {g.key: (g.value, g.numerator, g.denominator) for g in result.groups}


# --- Calendar months -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "deadline"),
    [
        ("2023-11-30", "2024-02-29"),  # leap-year February
        ("2024-11-30", "2025-02-28"),
        ("2024-01-31", "2024-04-30"),
        ("2024-03-31", "2024-06-30"),
        ("2024-10-31", "2025-01-31"),  # across the year
        ("2024-12-31", "2025-03-31"),
        ("2024-01-15", "2024-04-15"),
        ("2024-02-29", "2024-05-29"),
    ],
)
def test_three_calendar_months_clamp_to_month_end(start, deadline):
    enrolment = testing.make_enrolment(start_date=d(start))
    annotated = Enrolment.objects.annotate(
        deadline=AddMonths("start_date", 3)
    ).get(pk=enrolment.pk)
    assert annotated.deadline == d(deadline)


def test_plan_within_three_months_at_month_ends():
    met = [("2023-11-30", "2024-02-29"), ("2024-01-31", "2024-04-30"), ("2024-01-15", "2024-04-15"),
           ("2023-08-31", "2023-11-30")]
    not_met = [("2023-11-30", "2024-03-01"), ("2024-01-31", "2024-05-01"), ("2024-01-15", None)]
    for start, plan in met + not_met:
        testing.make_enrolment(start_date=d(start), plan_date=d(plan) if plan else None)
    testing.make_enrolment(start_date=d("2024-02-01"), plan_date=d("2024-02-02"))  # after period

    result = kpi("plan_inom_3_man", "2023-08-01", "2024-01-31")
    assert (result.value, result.numerator, result.denominator) == (4 / 7, 4, 7)


# --- Participants, new, closed ---------------------------------------------------------------


@pytest.fixture
def march():
    """Period 2024-03-01–2024-03-31 with enrolments on and around its edges."""
    u1, u2 = testing.make_unit("U1"), testing.make_unit("U2")
    p1 = testing.make_person()
    a = testing.make_enrolment(p1, u1, start_date=d("2024-01-01"), end_date=d("2024-03-01"),
                               closure_reason="AVBROTT")
    b = testing.make_enrolment(p1, u2, start_date=d("2024-03-15"))
    testing.make_enrolment(unit=u1, start_date=d("2024-03-31"))  # starts on the last day
    testing.make_enrolment(unit=u1, start_date=d("2024-01-01"), end_date=d("2024-02-29"),
                           closure_reason="AVBROTT")  # ends the day before
    testing.make_enrolment(unit=u1, start_date=d("2024-04-01"))  # starts the day after
    p5 = testing.make_enrolment(unit=u1, start_date=d("2023-01-01"))
    work, course, jobsearch = (testing.make_measure(category=c)
                               for c in ("ARBETSTRANING", "KURS", "JOBBSOK"))
    testing.make_placement(a, work, start_date=d("2024-01-10"))
    testing.make_placement(b, course)
    testing.make_placement(p5, work, start_date=d("2023-02-01"))
    testing.make_placement(p5, work, start_date=d("2023-06-01"))
    testing.make_placement(p5, jobsearch, start_date=d("2023-09-01"))
    return {"a": a, "b": b}


def test_participants_are_distinct_persons_active_on_a_day_of_the_period(march):
    assert kpi("deltagare", "2024-03-01", "2024-03-31").value == 3
    assert kpi("nya", "2024-03-01", "2024-03-31").value == 2
    assert kpi("avslutade", "2024-03-01", "2024-03-31").value == 1


def test_person_with_two_enrolments_counts_once_in_the_latest_enrolments_group(march):
    result = kpi("deltagare", "2024-03-01", "2024-03-31", by="unit")
    assert groups(result) == {"U1": (2, None, None), "U2": (1, None, None)}
    behind = services.enrolments_behind("deltagare", d("2024-03-01"), d("2024-03-31"),
                                        group=("unit", "U2"))
    assert list(behind) == [march["b"]]


def test_measure_category_counts_every_category_of_the_enrolment(march):
    result = kpi("deltagare", "2024-03-01", "2024-03-31", by="measure_category")
    # Placements count whatever their dates; a person counts once per category.
    assert groups(result) == {
        "ARBETSTRANING": (2, None, None), "JOBBSOK": (1, None, None), "KURS": (1, None, None),
    }
    assert [g.key for g in result.groups] == ["ARBETSTRANING", "JOBBSOK", "KURS"]
    nya = kpi("nya", "2024-03-01", "2024-03-31", by="measure_category")
    assert groups(nya) == {"KURS": (1, None, None)}  # b only; the other new one has none


def test_age_bands_at_start_date_edges():
    born = {
        "2004-06-16": "-19", "2004-07-01": "-19",
        "2004-06-15": "20-24", "2004-05-20": "20-24", "1999-06-16": "20-24",
        "1999-06-15": "25-29", "1994-06-16": "25-29",
        "1994-06-15": "30-49", "1974-06-16": "30-49",
        "1974-06-15": "50-",
    }
    for birth in born:
        testing.make_enrolment(testing.make_person(birth_date=d(birth)), start_date=d("2024-06-15"))
    result = kpi("nya", "2024-06-01", "2024-06-30", by="age_band")
    assert [(g.key, g.value) for g in result.groups] == [
        ("-19", 2), ("20-24", 3), ("25-29", 2), ("30-49", 2), ("50-", 1),
    ]


def test_age_band_of_a_participant_comes_from_the_enrolment():
    person = testing.make_person(birth_date=d("2000-05-10"))
    testing.make_enrolment(person, start_date=d("2020-05-09"), end_date=d("2020-06-01"),
                           closure_reason="AVBROTT")  # age 19
    testing.make_enrolment(person, start_date=d("2020-09-01"))  # age 20
    assert groups(kpi("deltagare", "2020-01-01", "2020-12-31", by="age_band")) == {
        "20-24": (1, None, None)
    }
    assert groups(kpi("nya", "2020-01-01", "2020-12-31", by="age_band")) == {
        "-19": (1, None, None), "20-24": (1, None, None),
    }


# --- Closure outcomes and time enrolled ----------------------------------------------------------


@pytest.fixture
def closed_2024():
    women, man = testing.make_person(gender="K"), testing.make_person(gender="M")
    for person, start, end, reason in [
        (women, "2023-12-04", "2024-01-01", "ARBETE_UTAN_STOD"),  # 28 days, first day
        (man, "2024-12-01", "2024-12-31", "STUDIER_REGULJARA"),  # 30 days, last day
        (women, "2024-06-20", "2024-06-30", "AVBROTT"),  # 10 days
        (women, "2024-01-01", "2024-07-01", "ATER_BESTALLARE"),  # 182 days
        (women, "2023-01-01", "2023-12-31", "ARBETE_UTAN_STOD"),  # before the period
        (man, "2024-06-01", "2025-01-01", "ARBETE_UTAN_STOD"),  # after the period
    ]:
        testing.make_enrolment(person, start_date=d(start), end_date=d(end), closure_reason=reason)
    testing.make_enrolment(man, start_date=d("2024-02-01"))  # still open


def test_share_to_work_or_studies(closed_2024):
    result = kpi("andel_arbete_studier", "2024-01-01", "2024-12-31", by="gender")
    assert (result.value, result.numerator, result.denominator) == (0.5, 2, 4)
    assert groups(result) == {"K": (1 / 3, 1, 3), "M": (1.0, 1, 1)}


def test_median_weeks_even_and_odd(closed_2024):
    result = kpi("median_veckor", "2024-01-01", "2024-12-31", by="gender")
    assert result.value == pytest.approx((28 + 30) / 2 / 7)
    assert (result.numerator, result.denominator) == (None, None)
    assert groups(result) == {"K": (4.0, None, None), "M": (pytest.approx(30 / 7), None, None)}


def test_empty_period_gives_null_shares_and_zero_counts(closed_2024):
    for code in ("andel_arbete_studier", "plan_inom_3_man", "ej_forsorjningsstod_12_man"):
        result = kpi(code, "2010-01-01", "2010-12-31")
        assert (result.value, result.numerator, result.denominator) == (None, 0, 0)
    assert kpi("median_veckor", "2010-01-01", "2010-12-31").value is None
    assert kpi("deltagare", "2010-01-01", "2010-12-31").value == 0
    cost = kpi("kostnad_per_deltagare", "2010-01-01", "2010-12-31")
    assert (cost.value, cost.numerator, cost.denominator) == (None, 0.0, 0)


def test_followup_12_months_leaves_unknown_out():
    def closed(end, need=""):
        return testing.make_enrolment(start_date=d("2022-01-01"), end_date=d(end),
                                      closure_reason="AVBROTT", need_category=need)

    make_followup(closed("2023-01-01", "AM1"), 12, "ARBETE")
    make_followup(closed("2023-05-01"), 12, "FORSORJNINGSSTOD")
    make_followup(closed("2023-06-01", "AM3"), 12, "OKAND")
    make_followup(closed("2023-12-31", "AM1"), 12, "STUDIER")
    make_followup(closed("2023-07-01", "AM2"), 3, "FORSORJNINGSSTOD")  # not a 12-month one
    make_followup(closed("2022-12-31"), 12, "ARBETE")  # closed before the period
    both = closed("2023-08-01", "AM2")
    make_followup(both, 6, "FORSORJNINGSSTOD")
    make_followup(both, 12, "ARBETE")

    result = kpi("ej_forsorjningsstod_12_man", "2023-01-01", "2023-12-31", by="need_category")
    assert (result.value, result.numerator, result.denominator) == (0.75, 3, 4)
    assert [(g.key, g.value, g.numerator, g.denominator) for g in result.groups] == [
        ("", 0.0, 0, 1), ("AM1", 1.0, 2, 2), ("AM2", 1.0, 1, 1),
    ]


# --- Cost per participant -----------------------------------------------------------------------


def test_cost_per_participant_per_unit_and_measure_category():
    u1, u2 = testing.make_unit("U1"), testing.make_unit("U2")
    work, course, jobsearch = (testing.make_measure(category=c)
                               for c in ("ARBETSTRANING", "KURS", "JOBBSOK"))
    e1 = testing.make_enrolment(unit=u1, start_date=d("2024-01-10"))
    testing.make_placement(e1, work, start_date=d("2024-01-10"), cost_sek=1000)
    testing.make_placement(e1, course, start_date=d("2024-04-01"), cost_sek=500)  # after
    testing.make_placement(e1, jobsearch, start_date=d("2024-02-01"), cost_sek=None)
    e2 = testing.make_enrolment(unit=u2, start_date=d("2023-05-01"))
    testing.make_placement(e2, work, start_date=d("2023-06-01"), cost_sek=3000)  # before
    testing.make_placement(e2, course, start_date=d("2024-03-31"), cost_sek="2500.50")
    testing.make_enrolment(unit=u2, start_date=d("2024-02-01"))

    result = kpi("kostnad_per_deltagare", "2024-01-01", "2024-03-31", by="unit")
    assert (result.value, result.numerator, result.denominator) == (
        pytest.approx(3500.5 / 3), 3500.5, 3,
    )
    assert groups(result) == {"U1": (1000.0, 1000.0, 1), "U2": (1250.25, 2500.5, 2)}
    by_category = kpi("kostnad_per_deltagare", "2024-01-01", "2024-03-31", by="measure_category")
    assert groups(by_category) == {
        "ARBETSTRANING": (1750.25, 3500.5, 2),
        "JOBBSOK": (1000.0, 1000.0, 1),
        "KURS": (1750.25, 3500.5, 2),
    }


# --- Groups, drill-down, errors ---------------------------------------------------------------


def test_groups_add_up_to_the_total(march, closed_2024):
    testing.make_enrolment(start_date=d("2024-03-10"), need_category="AM2",
                           referral_source=ReferralSource.objects.get(code="AF"))
    for enrolment in Enrolment.objects.filter(end_date__isnull=False):
        make_followup(enrolment, 12, "ARBETE")
    dimensions = [dim for dim in definitions.ENROLMENT_DIMENSIONS if dim != "measure_category"]
    for code, indicator in definitions.INDICATORS.items():
        if indicator.population is not definitions.Population.ENROLMENTS:
            continue
        for dim in dimensions:
            result = kpi(code, "2024-01-01", "2024-12-31", by=dim)
            if indicator.kind is definitions.Kind.COUNT:
                assert sum(g.value for g in result.groups) == result.value, (code, dim)
            elif indicator.kind is not definitions.Kind.MEDIAN:
                assert sum(g.numerator for g in result.groups) == result.numerator, (code, dim)
                assert sum(g.denominator for g in result.groups) == result.denominator, (code, dim)


def test_enrolments_behind_a_share(closed_2024):
    behind = services.enrolments_behind("andel_arbete_studier", d("2024-01-01"), d("2024-12-31"),
                                        group=("gender", "K"))
    assert sorted(e.end_date.isoformat() for e in behind) == [
        "2024-01-01", "2024-06-30", "2024-07-01",
    ]
    assert services.enrolments_behind("avslutade", d("2024-01-01"), d("2024-12-31")).count() == 4


def test_errors_are_keyed_by_field():
    with pytest.raises(ValidationError) as exc:
        services.compute("okand", d("2024-01-01"), d("2024-12-31"))
    assert "kpi" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.compute("nya", d("2024-12-31"), d("2024-01-01"))
    assert "date_to" in exc.value.message_dict
    for by in ("kommun", "season"):
        with pytest.raises(ValidationError) as exc:
            services.compute("nya", d("2024-01-01"), d("2024-12-31"), by=by)
        assert "by" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.enrolments_behind("ferie_sokande", d("2024-01-01"), d("2024-12-31"))
    with pytest.raises(ValidationError) as exc:
        services.parse_date("20240101", "date_from")
    assert "date_from" in exc.value.message_dict


def test_single_day_period():
    testing.make_enrolment(start_date=d("2024-05-05"), end_date=d("2024-05-05"),
                           closure_reason="ARBETE_MED_STOD")
    assert kpi("deltagare", "2024-05-05", "2024-05-05").value == 1
    assert kpi("median_veckor", "2024-05-05", "2024-05-05").value == 0.0
    assert kpi("andel_arbete_studier", "2024-05-05", "2024-05-05").value == 1.0


def test_leap_day_birthday():
    leapling = testing.make_person(birth_date=d("2004-02-29"))
    testing.make_enrolment(leapling, start_date=d("2024-02-28"))
    testing.make_enrolment(testing.make_person(birth_date=d("2004-02-29")),
                           start_date=d("2024-02-29"))
    testing.make_enrolment(testing.make_person(birth_date=d("2003-02-28")),
                           start_date=d("2023-02-28"))  # 20 on the day
    result = kpi("nya", "2023-01-01", "2024-12-31", by="age_band")
    assert groups(result) == {"-19": (1, None, None), "20-24": (2, None, None)}


def test_enrolments_behind_cost_and_measure_category(march):
    behind = services.enrolments_behind("deltagare", d("2024-03-01"), d("2024-03-31"),
                                        group=("measure_category", "KURS"))
    assert list(behind) == [march["b"]]
    testing.make_placement(march["a"], start_date=d("2024-02-01"), cost_sek=100)
    cost = services.enrolments_behind("kostnad_per_deltagare", d("2024-02-01"), d("2024-02-29"))
    # a is both a participant and carries the cost; listed once.
    assert march["a"] in cost and cost.filter(pk=march["a"].pk).count() == 1
