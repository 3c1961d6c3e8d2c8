"""Shared data for the board report's tests, small enough to compute every figure by hand."""

import datetime as dt
from decimal import Decimal as D

import pytest

from insats.core import testing
from insats.goals import services as goal_services
from insats.goals.models import BoardGoal, GoalIndicator
from insats.measures.models import Measure
from insats.organisation.models import Administration, Board, Municipality
from insats.surveys.models import Audience, ResponseMeasure, Survey, SurveyAnswer, SurveyResponse


def _measure(code, name, **kw):
    """The measure with the code (the cost and survey data share A and B)."""
    return Measure.objects.filter(code=code).first() or testing.make_measure(code, name=name, **kw)


@pytest.fixture
def board(unit):
    """The board whose administration holds `unit` (the report counts the board's units)."""
    board = Board.objects.create(municipality=Municipality.default(), name="Arbetsmarknadsnämnden")
    unit.administration = Administration.objects.create(board=board, name="AMF")
    unit.save(update_fields=["administration"])
    goal_services.create_example_goals(board, [2024])
    return board


@pytest.fixture
def three_closures(board, unit):
    """Three enrolments started and closed in 2024, two to work: every figure rests on 3."""
    for index, reason in enumerate(("ARBETE_UTAN_STOD", "ARBETE_UTAN_STOD", "AVBROTT")):
        testing.make_enrolment(unit=unit, start_date=dt.date(2024, 2, 1),
                               end_date=dt.date(2024, 6, 1 + index), closure_reason=reason)
    goal = BoardGoal.objects.filter(board=board).first()
    GoalIndicator.objects.create(board_goal=goal, name="Nya inskrivningar", kpi_code="nya",
                                 order=9)


@pytest.fixture
def cost_world(board, unit):
    """Three measures without a unit cost (cost = direct cost), one placement per person, all
    started in 2024:

    - A: 6 persons × 1 000 kr = 6 000 kr; 5 of them closed to work in 2024;
    - B: 2 persons × 500 kr = 1 000 kr (too few: hidden);
    - C: 5 persons × 400 kr = 2 000 kr (the smallest shown cost: hidden as well, else
      9 000 − 6 000 − 2 000 would give B).
    13 persons and 9 000 kr in all.
    """
    measures = {
        "A": _measure("A", "Arbetsträning A"),
        "B": _measure("B", "Liten B"),
        "C": _measure("C", "Mellan C", category="JOBBSOK"),
    }
    for code, n, cost in (("A", 6, "1000"), ("B", 2, "500"), ("C", 5, "400")):
        for index in range(n):
            work = code == "A" and index < 5
            enrolment = testing.make_enrolment(
                unit=unit, start_date=dt.date(2024, 3, 1),
                end_date=dt.date(2024, 10, 1) if work else None,
                closure_reason="ARBETE_UTAN_STOD" if work else None,
            )
            testing.make_placement(enrolment, measures[code], start_date=dt.date(2024, 3, 1),
                                   end_date=dt.date(2024, 9, 30), cost_sek=D(cost))
    return measures


def _respond(survey, unit, measure, answers, month=dt.date(2024, 5, 1)):
    response = SurveyResponse.objects.create(survey=survey, audience=survey.audience, unit=unit,
                                             period_month=month)
    ResponseMeasure.objects.create(response=response, measure=measure,
                                   category_id=measure.category_id)
    for question, value in answers.items():
        SurveyAnswer.objects.create(response=response, question=question, value=value)


@pytest.fixture
def survey_world(board, unit, other_unit):
    """Participant survey, first (scale) and fourth (yes/no) question. Measure A: six answers
    5, 4, 4, 3, 5, 3 (mean 4,0) and four of six yes; measure B: two answers 2, 2. One answer at
    a unit outside the board, and one in 2023, are left out."""
    survey = Survey.objects.get(audience=Audience.PARTICIPANT)
    scale, yesno = survey.questions.get(order=1), survey.questions.get(order=4)
    a = _measure("A", "Arbetsträning A")
    b = _measure("B", "Liten B")
    for value, yes in zip((5, 4, 4, 3, 5, 3), (1, 1, 1, 1, 0, 0), strict=True):
        _respond(survey, unit, a, {scale: value, yesno: yes})
    for _ in range(2):
        _respond(survey, unit, b, {scale: 2, yesno: 0})
    _respond(survey, other_unit, a, {scale: 1, yesno: 0})
    _respond(survey, unit, a, {scale: 1, yesno: 0}, month=dt.date(2023, 12, 1))
    return scale, yesno
