"""The demo's referrals keep the person as the sender entered them, and the demo board's goal
chain gets forecasts (prognos) and analyses for the demo's current year."""

import datetime as dt
from decimal import Decimal

import pytest

from insats.accounts.models import Role
from insats.codes.models import ClosureReason
from insats.core import access, testing
from insats.demo import data, services
from insats.demo.goals import ANALYSES, fill_current_year
from insats.goals import services as goals
from insats.goals.models import IndicatorYear
from insats.organisation.models import Administration, Board, Municipality
from insats.referrals.models import Referral

TODAY = dt.date(2026, 11, 22)
N = 60


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _forecasts():
    return sorted(IndicatorYear.objects.filter(forecast_text__gt="").values_list(
        "indicator__name", "year", "forecast_value", "forecast_text", "analysis"))


def test_demo_referrals_keep_the_person_as_entered(db):
    services.create_demo(persons=N, seed=7, today=TODAY)
    referrals = list(Referral.objects.select_related("person", "sender"))
    assert referrals
    for r in referrals:
        p = r.person
        assert (r.referred_personnummer, r.referred_first_name, r.referred_last_name,
                r.referred_birth_date) == (p.personnummer, p.first_name, p.last_name,
                                           p.birth_date), r.pk
    # So the referrer sees what they entered, also after staff correct the record.
    referral = next(r for r in referrals if r.sender and r.sender.role == Role.REMITTENT)
    entered = referral.person.first_name
    referral.person.first_name = "Rättat"
    referral.person.save()
    seen = access.referral_person(referral.sender, referral)
    assert seen.first_name == entered and seen.record is None


def test_demo_board_sees_forecasts_for_the_current_year(db):
    services.create_demo(persons=N, seed=7, today=TODAY)
    board = Board.objects.get(name=data.BOARD_NAME)
    rows = IndicatorYear.objects.filter(indicator__board_goal__board=board, year=TODAY.year,
                                        forecast_text__gt="").select_related("indicator")
    assert rows.exists()
    for row in rows:
        outcome = goals.indicator_status(row.indicator, TODAY.year, TODAY).outcome
        assert row.forecast_value == outcome.quantize(Decimal("0.01"))
        assert row.analysis == ANALYSES[row.indicator.kpi_code]
        assert row.forecast_text.startswith("Utfallet hittills i år, ")
    first = _forecasts()
    # Same seed and date, same forecasts.
    services.reset_case_data()
    IndicatorYear.objects.update(forecast_value=None, forecast_text="", analysis="")
    services.create_demo(persons=N, seed=7, today=TODAY)
    assert _forecasts() == first


@pytest.fixture
def board(db):
    municipality = Municipality.default()
    board = Board.objects.create(municipality=municipality, name="Testnämnden")
    administration = Administration.objects.create(board=board, name="Förvaltningen")
    unit = testing.make_unit("NAMND", municipality=municipality, administration=administration)
    work = ClosureReason.objects.get(code="ARBETE_UTAN_STOD")
    dropped = ClosureReason.objects.get(code="AVBROTT")
    # Seven enrolments started and closed in 2026: 3 to work (3/7 = 42.86 %), five with a plan
    # within three months (5/7 = 71.43 %).
    for n in range(7):
        testing.make_enrolment(
            unit=unit, start_date=dt.date(2026, 1, 10), end_date=dt.date(2026, 5, 1 + n),
            closure_reason=work if n < 3 else dropped,
            plan_date=dt.date(2026, 2, 1) if n < 5 else None,
        )
    goals.create_example_goals(board, [2025, 2026])
    return board


def test_forecast_is_the_outcome_so_far_and_its_text_follows_the_assessment(board):
    written = fill_current_year(board, dt.date(2026, 6, 30))
    by_code = {row.indicator.kpi_code: row for row in written}
    # Target 45 %, tolerance 10 % of it: 42.86 % ≥ 40.5 % is delvis uppfyllt.
    work = by_code["andel_arbete_studier"]
    assert work.forecast_value == Decimal("0.43")
    assert work.forecast_text.startswith(
        "Utfallet hittills i år, 43 %, ligger nära målvärdet 45 %. Prognosen är att målet "
        "delvis nås")
    assert work.analysis == ANALYSES["andel_arbete_studier"]
    # Target 90 %: 71.43 % < 81 % is ej uppfyllt.
    plan = by_code["plan_inom_3_man"]
    assert plan.forecast_value == Decimal("0.71")
    assert plan.forecast_text.startswith(
        "Utfallet hittills i år, 71 %, når inte målvärdet 90 %.")
    # No 12-month follow-ups yet: no outcome, no forecast. Indicators without a target
    # (median time) and external ones get none either.
    assert set(by_code) == {"andel_arbete_studier", "plan_inom_3_man"}
    untouched = IndicatorYear.objects.filter(indicator__board_goal__board=board, year=2026) \
        .exclude(indicator__kpi_code__in=by_code)
    assert untouched.count() == 3
    assert not untouched.exclude(analysis="").exists()
    # Last year's rows are left as they were.
    assert not IndicatorYear.objects.filter(year=2025, forecast_text__startswith="Utfallet") \
        .exists()


def test_nothing_is_written_without_rows_for_the_year(board):
    assert fill_current_year(board, dt.date(2027, 6, 30)) == []
    assert not IndicatorYear.objects.filter(year=2027).exists()
