"""The board report's key tables and goal outcomes count the board's own units only.

Municipality A has board X (unit x1) and board Y (unit y1); municipality B board Z (unit z1).
Closed in 2024, women only: X 6 enrolments, 3 to work; Y 7, all to work; Z 8, none to work.
Every total is 5 or more, so nothing in the totals is suppressed.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from insats.core import testing
from insats.goals import services as goal_services
from insats.organisation.models import Administration, Board, Municipality
from insats.reports import services

pytestmark = pytest.mark.django_db


def _board(municipality, name, unit_code, closed, to_work):
    board = Board.objects.create(municipality=municipality, name=name)
    administration = Administration.objects.create(board=board, name=f"Förvaltning {name}")
    unit = testing.make_unit(unit_code, municipality=municipality, administration=administration)
    for index in range(closed):
        testing.make_enrolment(
            testing.make_person(gender="K"), unit, start_date=dt.date(2024, 1, 10),
            end_date=dt.date(2024, 3, 1 + index),
            closure_reason="ARBETE_UTAN_STOD" if index < to_work else "AVBROTT",
        )
    goal_services.create_example_goals(board, [2024])
    return board


@pytest.fixture
def boards():
    a = Municipality.default()
    b = Municipality.objects.create(code="9999", name="Bkommun")
    return {
        "x": _board(a, "Nämnd X", "X1", 6, 3),
        "y": _board(a, "Nämnd Y", "Y1", 7, 7),
        "z": _board(b, "Nämnd Z", "Z1", 8, 0),
    }


def _report(board):
    return services.build_report(board, dt.date(2024, 1, 1), dt.date(2024, 12, 31),
                                 "verksamhetsberattelse", today=dt.date(2025, 2, 1))


def _total(report, code):
    table = next(t for t in report.tables if t.code == code)
    return next(r for r in table.rows if r.is_total)


def _work_outcome(report):
    statuses = [s for c in report.goals for g in c.board_goals for s in g.statuses]
    return next(s for s in statuses if s.indicator.kpi_code == "andel_arbete_studier").outcome


@pytest.mark.parametrize(("name", "closed", "share"), [
    ("x", 6, 0.5), ("y", 7, 1.0), ("z", 8, 0.0),
])
def test_key_tables_and_goals_count_the_boards_units(boards, name, closed, share):
    report = _report(boards[name])
    assert _total(report, "avslutade").value.value == closed
    assert _total(report, "deltagare").value.value == closed
    work = _total(report, "andel_arbete_studier")
    assert work.value.value == pytest.approx(share)
    assert work.base.value == closed
    assert _work_outcome(report) == D(str(share))


def test_key_tables_without_scope_count_everything(boards):
    tables = services.key_tables(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    closed = next(t for t in tables if t.code == "avslutade")
    assert next(r for r in closed.rows if r.is_total).value.value == 21


def test_summer_job_outcomes_count_the_boards_municipality(boards):
    """Applications belong to a municipality, not to a board: boards X and Y (A) count A's,
    board Z (B) counts B's. A: 3 started in 2024 (and one in 2023); B: 1 started, 1 not."""
    from insats.goals.models import BoardGoal, GoalIndicator
    from insats.kpi.tests.factories import make_application

    a, b = boards["x"].municipality, boards["z"].municipality
    for season, status, municipality in (
        ("2024-SOMMAR", "BORJAT", a), ("2024-SOMMAR", "GENOMFORT", a),
        ("2024-HOST", "AVBROTT", a), ("2023-SOMMAR", "BORJAT", a),
        ("2024-SOMMAR", "BORJAT", b), ("2024-SOMMAR", "TACKAT_NEJ", b),
    ):
        make_application(season, status, municipality=municipality)
    for board in boards.values():
        GoalIndicator.objects.create(board_goal=BoardGoal.objects.filter(board=board).first(),
                                     name="Påbörjade feriejobb", kpi_code="ferie_borjat",
                                     order=9)
    expected = {"x": 3, "y": 3, "z": 1}
    for name, started in expected.items():
        statuses = [s for c in _report(boards[name]).goals for g in c.board_goals
                    for s in g.statuses]
        outcome = next(s for s in statuses if s.indicator.kpi_code == "ferie_borjat").outcome
        assert outcome == D(started), name
