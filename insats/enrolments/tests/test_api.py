import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from insats.core import testing

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def enrolment(unit, coach):
    return testing.make_enrolment(unit=unit, coach=coach, start_date=dt.date(2024, 1, 15))


def test_token_authenticated_coach_lists_own_unit(api, coach, enrolment, other_unit):
    testing.make_enrolment(unit=other_unit)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=coach).key}")
    body = api.get("/api/v1/enrolments/").json()
    assert [e["id"] for e in body["results"]] == [enrolment.pk]
    assert body["results"][0]["unit"] == "AME"
    assert api.get("/api/v1/enrolments/", {"status": "avslutade"}).json()["results"] == []


@pytest.mark.parametrize("role", ["controller", "admin_user", "remittent"])
def test_roles_without_case_access_get_nothing(api, request, role, enrolment):
    api.force_authenticate(request.getfixturevalue(role))
    assert api.get("/api/v1/enrolments/").json()["results"] == []
    assert api.get(f"/api/v1/enrolments/{enrolment.pk}/").status_code == 404


def test_other_unit_gets_404(api, other_unit, enrolment):
    api.force_authenticate(testing.make_user("coach", other_unit))
    assert api.get(f"/api/v1/enrolments/{enrolment.pk}/").status_code == 404
    response = api.post(f"/api/v1/enrolments/{enrolment.pk}/close/", {})
    assert response.status_code == 404


def test_close_action(api, coach, enrolment):
    api.force_authenticate(coach)
    url = f"/api/v1/enrolments/{enrolment.pk}/close/"
    response = api.post(url, {"version": 1, "end_date": "2024-06-01", "closure_reason": "OVRIGT"})
    assert response.status_code == 400
    assert "ska kommenteras" in response.json()["note"][0]
    response = api.post(url, {"version": 1, "end_date": "2024-06-01", "closure_reason": "NOPE"})
    assert response.status_code == 400 and "closure_reason" in response.json()
    response = api.post(
        url, {"version": 1, "end_date": "2024-06-01", "closure_reason": "STUDIER_REGULJARA"}
    )
    assert response.status_code == 200
    assert response.json()["closure_reason"] == "STUDIER_REGULJARA"
    assert response.json()["version"] == 2
    # The same request again carries a stale version and changes nothing.
    response = api.post(
        url, {"version": 1, "end_date": "2024-05-01", "closure_reason": "AVBROTT"}
    )
    assert response.status_code == 400
    assert "ändrats av någon annan" in response.json()["version"][0]
    enrolment.refresh_from_db()
    assert enrolment.closure_reason_id == "STUDIER_REGULJARA"


def test_colleague_may_not_close(api, unit, enrolment):
    api.force_authenticate(testing.make_user("coach", unit))
    response = api.post(
        f"/api/v1/enrolments/{enrolment.pk}/close/",
        {"version": 1, "end_date": "2024-06-01", "closure_reason": "AVBROTT"},
    )
    assert response.status_code == 403


def test_reopen_action_needs_enhetschef(api, coach, enhetschef, unit):
    closed = testing.make_enrolment(unit=unit, coach=coach, end_date=dt.date(2024, 3, 1),
                                    closure_reason="AVBROTT")
    url = f"/api/v1/enrolments/{closed.pk}/reopen/"
    api.force_authenticate(coach)
    assert api.post(url, {"version": 1, "reason": "x"}).status_code == 403
    api.force_authenticate(enhetschef)
    response = api.post(url, {"version": 1, "reason": "Fel orsak"})
    assert response.status_code == 200
    assert response.json()["end_date"] is None


def test_followups_action(api, coach, unit):
    closed = testing.make_enrolment(unit=unit, coach=coach, end_date=dt.date(2024, 1, 31),
                                    closure_reason="AVBROTT")
    api.force_authenticate(coach)
    url = f"/api/v1/enrolments/{closed.pk}/followups/"
    response = api.post(url, {"months_after": 3, "status": "ARBETE", "followup_date": "2024-05-01"})
    assert response.status_code == 201
    response = api.post(url, {"months_after": 5, "status": "ARBETE"})
    assert response.status_code == 400 and "months_after" in response.json()
    assert api.get(url).json() == [
        {"months_after": 3, "status": "ARBETE", "followup_date": "2024-05-01"}
    ]
