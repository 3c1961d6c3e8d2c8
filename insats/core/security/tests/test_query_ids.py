"""Odd ids in query strings are ignored, never a server error (found by fuzzing the API)."""

import datetime as dt

import pytest

from insats.core import testing
from insats.plans.services import establish_plan

ODD_VALUES = ["²", "9" * 40, "-1", "abc", ""]


@pytest.mark.parametrize("value", ODD_VALUES)
def test_caseload_coach_filter(client, enhetschef, value):
    client.force_login(enhetschef)
    response = client.get("/inskrivningar/", {"omfattning": "enhet", "konsulent": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ODD_VALUES)
def test_placement_and_goal_forms(client, coach, unit, value):
    enrolment = testing.make_enrolment(unit=unit, coach=coach, start_date=dt.date(2026, 1, 5))
    plan = establish_plan(
        enrolment, established_on=dt.date(2026, 1, 20), summary="Arbete", by=coach
    )
    client.force_login(coach)
    placement = client.get(f"/insatser/placering/ny/{enrolment.pk}/", {"measure": value})
    goal = client.get(f"/planer/{plan.pk}/mal/nytt/", {"parent": value})
    assert (placement.status_code, goal.status_code) == (200, 200)
