"""Goal outcomes count the board's own units only (Unit → Administration → Board), on the data
set of insats/kpi/tests/test_scope.py: board X holds a1 and a2, board Y a3 (both in
municipality A), board Z b1 (municipality B)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from insats.goals import services
from insats.goals.models import BoardGoal, CouncilGoal, GoalIndicator, IndicatorYear
from insats.kpi.tests.factories import make_two_municipalities
from insats.organisation.models import Board

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 1)


@pytest.fixture
def world():
    return make_two_municipalities()


def _indicator(board, kpi_code, target=None) -> GoalIndicator:
    council = CouncilGoal.objects.create(municipality=board.municipality, title="KF-mål")
    goal = BoardGoal.objects.create(board=board, council_goal=council, title="Nämndmål")
    indicator = GoalIndicator.objects.create(board_goal=goal, name=kpi_code, kpi_code=kpi_code)
    if target is not None:
        IndicatorYear.objects.create(indicator=indicator, year=2024, target_value=D(target))
    return indicator


def test_outcome_is_the_boards_units_only(world):
    # Closures 2024: X p1a1 (work) and p2a1 (not): 1/2; Y p3a3 (studies): 1/1; Z p4b1: 1/1.
    for board, share, persons in ((world["x"], D("0.5"), D(2)), (world["y"], D("1"), D(1)),
                                  (world["z"], D("1"), D(2))):
        work = services.indicator_status(_indicator(board, "andel_arbete_studier"), 2024, TODAY)
        assert work.outcome == share, board.name
        people = services.indicator_status(_indicator(board, "deltagare"), 2024, TODAY)
        assert people.outcome == persons, board.name


def test_board_overview_assesses_against_the_boards_own_outcome(world):
    _indicator(world["x"], "andel_arbete_studier", target="0.60")  # X: 0.5, more than 10 % short
    _indicator(world["y"], "andel_arbete_studier", target="0.60")  # Y: 1.0
    [x_section] = services.board_overview(world["x"], 2024, TODAY)
    [y_section] = services.board_overview(world["y"], 2024, TODAY)
    x_status = x_section.board_goals[0].statuses[0]
    y_status = y_section.board_goals[0].statuses[0]
    assert (x_status.outcome, x_status.computed) == (D("0.5"), "not_met")
    assert (y_status.outcome, y_status.computed) == (D("1"), "met")


def test_board_without_units_has_no_computed_outcome(world):
    lonely = Board.objects.create(municipality=world["muni_a"], name="Nämnd utan enheter")
    assert services.indicator_status(_indicator(lonely, "andel_arbete_studier"), 2024,
                                     TODAY).outcome is None
    assert services.indicator_status(_indicator(lonely, "deltagare"), 2024,
                                     TODAY).outcome == D(0)


def test_outcome_base_in_a_scope(world):
    assert services.outcome_base("andel_arbete_studier", 2024, TODAY,
                                 unit_ids=world["X"]) == 2
    assert services.outcome_base("median_veckor", 2024, TODAY, unit_ids=world["A"]) == 3
    assert services.outcome_base("andel_arbete_studier", 2024, TODAY) == 4
