import datetime as dt

import pytest
from rest_framework.test import APIClient

from insats.accounts.models import Role
from insats.core import testing
from insats.measures import services
from insats.measures.models import Attendance, Placement

D = dt.date


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def enrolment(unit, coach):
    return testing.make_enrolment(unit=unit, coach=coach, start_date=D(2024, 1, 15))


@pytest.fixture
def measure(db):
    return testing.make_measure(code="SNICK", capacity=1)


def test_placement_crud_and_end(api, coach, enrolment, measure):
    api.force_authenticate(coach)
    response = api.post("/api/v1/placements/", {
        "enrolment": enrolment.pk, "measure": "SNICK", "start_date": "2024-02-01",
        "workplace": "Verkstaden",
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["measure"] == "SNICK" and body["total_hours"] == "0.00"
    pk = body["id"]
    response = api.patch(f"/api/v1/placements/{pk}/", {"supervisor": "Kim"}, format="json")
    assert response.status_code == 200 and response.json()["supervisor"] == "Kim"
    response = api.post(f"/api/v1/placements/{pk}/end/", {"end_date": "2024-01-01"},
                        format="json")
    assert response.status_code == 400 and "end_date" in response.json()
    response = api.post(f"/api/v1/placements/{pk}/end/", {"end_date": "2024-03-31"},
                        format="json")
    assert response.status_code == 200 and response.json()["end_date"] == "2024-03-31"
    assert api.get(f"/api/v1/placements/?enrolment={enrolment.pk}").json()["count"] == 1


def test_full_measure_via_api(api, coach, enrolment, measure, unit):
    testing.make_placement(testing.make_enrolment(unit=unit, start_date=D(2024, 1, 1)), measure,
                           start_date=D(2024, 1, 1))
    api.force_authenticate(coach)
    payload = {"enrolment": enrolment.pk, "measure": "SNICK", "start_date": "2024-02-01"}
    response = api.post("/api/v1/placements/", payload, format="json")
    assert response.status_code == 400
    assert "fullbelagd" in response.json()["allow_over_capacity"][0]
    response = api.post("/api/v1/placements/", {**payload, "allow_over_capacity": True},
                        format="json")
    assert response.status_code == 201


def test_attendance_api(api, coach, enrolment, measure):
    placement = testing.make_placement(enrolment, measure, start_date=D(2024, 2, 1))
    api.force_authenticate(coach)
    response = api.post("/api/v1/attendance/", {
        "placement": placement.pk, "date": "2024-02-05", "hours": "7.50",
    }, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    response = api.post("/api/v1/attendance/", {
        "placement": placement.pk, "date": "2024-02-06", "hours": "0",
    }, format="json")
    assert response.status_code == 400 and "absence_reason" in response.json()
    response = api.patch(f"/api/v1/attendance/{pk}/", {"hours": "6.25"}, format="json")
    assert response.status_code == 200 and response.json()["hours"] == "6.25"
    assert Attendance.objects.get().hours == 6.25
    listed = api.get(f"/api/v1/attendance/?placement={placement.pk}&from=2024-02-01").json()
    assert listed["count"] == 1
    assert api.get("/api/v1/attendance/?from=igår").status_code == 400
    placement_body = api.get(f"/api/v1/placements/{placement.pk}/").json()
    assert placement_body["total_hours"] == "6.25"


def test_api_visibility_and_write_permissions(api, coach, unit, other_unit, measure):
    foreign = testing.make_enrolment(unit=other_unit, start_date=D(2024, 1, 1))
    foreign_p = testing.make_placement(foreign, measure, start_date=D(2024, 2, 1))
    services.record_attendance(foreign_p, D(2024, 2, 5), "4", "", None)
    colleague = testing.make_enrolment(unit=unit, coach=testing.make_user(Role.COACH, unit),
                                       start_date=D(2024, 1, 1))
    colleague_p = testing.make_placement(colleague, testing.make_measure(),
                                         start_date=D(2024, 2, 1))
    api.force_authenticate(coach)
    assert api.get(f"/api/v1/placements/{foreign_p.pk}/").status_code == 404
    assert [p["id"] for p in api.get("/api/v1/placements/").json()["results"]] == [colleague_p.pk]
    assert api.get("/api/v1/attendance/").json()["count"] == 0
    response = api.post("/api/v1/placements/", {
        "enrolment": foreign.pk, "measure": "SNICK", "start_date": "2024-02-01",
    }, format="json")
    assert response.status_code == 400 and "enrolment" in response.json()
    response = api.post(f"/api/v1/placements/{colleague_p.pk}/end/", {"end_date": "2024-02-02"},
                        format="json")
    assert response.status_code == 403
    response = api.post("/api/v1/attendance/", {
        "placement": colleague_p.pk, "date": "2024-02-05", "hours": "4",
    }, format="json")
    assert response.status_code == 403
    response = api.post("/api/v1/placements/", {
        "enrolment": colleague.pk, "measure": "SNICK", "start_date": "2024-02-01",
    }, format="json")
    assert response.status_code == 403
    assert Placement.objects.count() == 2


def test_api_for_controller_and_anonymous(api, controller, enrolment, measure):
    testing.make_placement(enrolment, measure, start_date=D(2024, 2, 1))
    assert api.get("/api/v1/placements/").status_code in (401, 403)
    api.force_authenticate(controller)
    assert api.get("/api/v1/placements/").json()["count"] == 0
