"""The enrolments behind a figure: only those the user may see (insats.core.access)."""

import datetime as dt

import pytest
from django.urls import reverse

from insats.accounts.models import Role
from insats.core import testing
from insats.kpi.services import enrolments_behind

D = dt.date


@pytest.fixture
def enrolments(unit, other_unit):
    mine = testing.make_enrolment(
        testing.make_person(first_name="Alva", gender="K"), unit, start_date=D(2024, 3, 1)
    )
    theirs = testing.make_enrolment(
        testing.make_person(first_name="Bertil", gender="M"), other_unit,
        start_date=D(2024, 3, 5), end_date=D(2024, 6, 1), closure_reason="ARBETE_UTAN_STOD",
    )
    return mine, theirs


def _drill(client, user, code="deltagare", **params):
    client.force_login(user)
    params.setdefault("year", 2024)
    return client.get(reverse("insights:drilldown", args=[code]), params)


def _listed(response):
    page = response.context["page"]
    return {e.pk for e in page.object_list} if page is not None else set()


def test_coach_sees_own_unit_only(client, coach, enrolments):
    mine, theirs = enrolments
    response = _drill(client, coach)
    assert response.status_code == 200
    assert _listed(response) == {mine.pk}
    assert response.context["total_behind"] == 2
    html = response.content.decode()
    assert "Alva" in html and "Bertil" not in html
    assert reverse("enrolments:detail", args=[mine.pk]) in html


def test_coach_of_other_unit_sees_nothing_of_this_group(client, enrolments, other_unit):
    mine, _theirs = enrolments
    other_coach = testing.make_user(Role.COACH, other_unit)
    # Women in 2024: only Alva, who belongs to the first unit.
    response = _drill(client, other_coach, dim="gender", key="K")
    assert response.status_code == 200
    assert response.context["total_behind"] == 1
    assert _listed(response) == set()
    assert "Alva" not in response.content.decode()


def test_controller_sees_the_figure_but_no_persons(client, controller, enrolments):
    response = _drill(client, controller)
    assert response.status_code == 200
    assert response.context["page"] is None
    html = response.content.decode()
    assert "Alva" not in html and "Bertil" not in html
    assert "inte tillgång till personuppgifter" in html
    assert response.context["value_text"] == "2"


def test_admin_sees_no_persons(client, admin_user, enrolments):
    response = _drill(client, admin_user)
    assert response.status_code == 200 and response.context["page"] is None


def test_enhetschef_list_matches_kpi_population_within_unit(client, enhetschef, enrolments):
    mine, _theirs = enrolments
    behind = enrolments_behind("nya", D(2024, 3, 1), D(2024, 3, 31))
    response = _drill(client, enhetschef, code="nya", month=3)
    assert set(behind.values_list("pk", flat=True)) == {e.pk for e in enrolments}
    assert _listed(response) == {mine.pk}


def test_remittent_is_forbidden(client, remittent, enrolments):
    assert _drill(client, remittent).status_code == 403


@pytest.mark.parametrize("params", [
    {"year": "x"}, {"year": 1999}, {"year": 2999}, {"month": 13}, {"dim": "planet", "key": "x"},
    {"dim": "gender", "key": "Q"}, {"dim": "gender"},
])
def test_bad_parameters_are_not_found(client, enhetschef, enrolments, params):
    assert _drill(client, enhetschef, **params).status_code == 404


def test_summer_job_figures_have_no_enrolments_behind(client, enhetschef):
    assert _drill(client, enhetschef, code="ferie_sokande").status_code == 404
    assert _drill(client, enhetschef, code="okand").status_code == 404
