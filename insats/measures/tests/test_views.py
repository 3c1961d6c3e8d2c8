import datetime as dt
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from insats.accounts.models import Role
from insats.core import testing
from insats.measures import services
from insats.measures.models import Attendance, Placement

D = dt.date
MON = D(2024, 3, 4)


@pytest.fixture
def enrolment(unit, coach):
    person = testing.make_person(first_name="Anna", last_name="Andersson")
    return testing.make_enrolment(person=person, unit=unit, coach=coach, start_date=D(2024, 1, 15))


@pytest.fixture
def measure(db):
    return testing.make_measure(name="Snickeriet", capacity=1, category="ARBETSTRANING")


def test_catalogue_filter_and_free_places(client, controller, measure):
    testing.make_measure(name="Jobbklubben", category="JOBBSOK", capacity=5)
    testing.make_measure(name="Nedlagd", active=False)
    client.force_login(controller)
    html = client.get("/insatser/").content.decode()
    assert "Snickeriet" in html and "Jobbklubben" in html and "Nedlagd" not in html
    html = client.get("/insatser/?category=JOBBSOK").content.decode()
    assert "Jobbklubben" in html and "Snickeriet" not in html
    assert "Nedlagd" in client.get("/insatser/?inactive=1").content.decode()


def test_detail_shows_placements_only_to_unit_staff(client, coach, controller, enrolment,
                                                    measure, other_unit):
    testing.make_placement(enrolment, measure, start_date=D(2024, 2, 1))
    foreign = testing.make_enrolment(
        person=testing.make_person(first_name="Okänd", last_name="Utomstående"),
        unit=other_unit, start_date=D(2024, 1, 1),
    )
    testing.make_placement(foreign, testing.make_measure(capacity=3), start_date=D(2024, 2, 1))
    Placement.objects.filter(enrolment=foreign).update(measure=measure)
    client.force_login(coach)
    html = client.get(f"/insatser/{measure.pk}/").content.decode()
    assert "Anna Andersson" in html and "Utomstående" not in html
    client.force_login(controller)
    html = client.get(f"/insatser/{measure.pk}/").content.decode()
    assert "Anna" not in html and "Pågående placeringar" not in html


def test_placement_create_full_and_override(client, coach, enrolment, measure, unit):
    testing.make_placement(testing.make_enrolment(unit=unit, start_date=D(2024, 1, 1)), measure,
                           start_date=D(2024, 1, 1))
    client.force_login(coach)
    url = f"/insatser/placering/ny/{enrolment.pk}/"
    assert client.get(url).status_code == 200
    data = {"measure": measure.pk, "start_date": "2024-02-01", "workplace": "Verkstaden",
            "supervisor": "Kim"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "fullbelagd" in response.content.decode()
    assert not Placement.objects.filter(enrolment=enrolment).exists()
    response = client.post(url, {**data, "allow_over_capacity": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"/inskrivningar/{enrolment.pk}/#insatser"
    placement = Placement.objects.get(enrolment=enrolment)
    assert placement.created_by == coach and placement.workplace == "Verkstaden"


def test_placement_end_and_attendance_pages(client, coach, enrolment, measure):
    placement = testing.make_placement(enrolment, measure, start_date=D(2024, 2, 1))
    client.force_login(coach)
    url = f"/insatser/placering/{placement.pk}/narvaro/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"date": "2024-02-05", "hours": "0", "absence_reason": ""})
    assert "Ange frånvaroorsak" in response.content.decode()
    response = client.post(url, {"date": "2024-02-05", "hours": "7,5", "absence_reason": ""})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "7,5" in html
    attendance = Attendance.objects.get()
    client.post(f"/insatser/narvaro/{attendance.pk}/ta-bort/")
    assert not Attendance.objects.exists()
    response = client.post(f"/insatser/placering/{placement.pk}/avsluta/",
                           {"end_date": "2024-01-01"})
    assert "före placeringens startdatum" in response.content.decode()
    response = client.post(f"/insatser/placering/{placement.pk}/avsluta/",
                           {"end_date": "2024-02-29"})
    assert response.status_code == 302
    assert Placement.objects.get().end_date == D(2024, 2, 29)


def test_grid_page_all_or_nothing(client, coach, unit, enrolment, measure):
    colleague_case = testing.make_enrolment(
        person=testing.make_person(first_name="Bertil", last_name="Berg"), unit=unit,
        coach=testing.make_user(Role.COACH, unit), start_date=D(2024, 1, 1),
    )
    p1 = testing.make_placement(enrolment, measure, start_date=D(2024, 2, 1))
    p2 = testing.make_placement(colleague_case, measure, start_date=D(2024, 3, 6))
    services.record_attendance(p2, D(2024, 3, 6), "5", "", None)
    client.force_login(coach)
    url = f"/insatser/narvaro/?measure={measure.pk}&week=2024-W10"
    html = client.get(url).content.decode()
    assert "Anna Andersson" in html and "Bertil Berg" in html
    assert f'name="h-{p1.pk}-2024-03-04"' in html
    assert f'name="h-{p2.pk}-2024-03-06"' not in html  # a colleague's case: read-only
    assert "Föregående vecka" in html and "2024-W09" in html and "2024-W11" in html
    data = {"measure": measure.pk, "week": "2024-W10"}
    for i, (h, r) in enumerate([("6", ""), ("0", ""), ("", ""), ("", ""), ("4", "")]):
        day = (MON + dt.timedelta(days=i)).isoformat()
        data[f"h-{p1.pk}-{day}"] = h
        data[f"r-{p1.pk}-{day}"] = r
    data[f"h-{p2.pk}-2024-03-06"] = "8"  # ignored: not the coach's case
    response = client.post("/insatser/narvaro/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Anna Andersson, tisdag 2024-03-05" in html and "inget har sparats" in html
    assert 'value="6"' in html  # the user's input is kept
    assert not Attendance.objects.filter(placement=p1).exists()
    data[f"r-{p1.pk}-2024-03-05"] = "sick"
    response = client.post("/insatser/narvaro/", data)
    assert response.status_code == 302
    assert services.total_hours(p1) == Decimal("10")
    assert services.total_hours(p2) == Decimal("5")


def test_grid_without_measure_and_for_controller(client, coach, controller):
    client.force_login(coach)
    assert client.get("/insatser/narvaro/?week=nonsense").status_code == 200
    client.force_login(controller)
    assert client.get("/insatser/narvaro/").status_code == 403


def test_permissions(client, coach, unit, other_unit, measure, enrolment):
    foreign = testing.make_enrolment(unit=other_unit, start_date=D(2024, 1, 1))
    foreign_p = testing.make_placement(foreign, measure, start_date=D(2024, 2, 1))
    colleague = testing.make_enrolment(unit=unit, coach=testing.make_user(Role.COACH, unit),
                                       start_date=D(2024, 1, 1))
    colleague_p = testing.make_placement(colleague, testing.make_measure(),
                                         start_date=D(2024, 2, 1))
    client.force_login(coach)
    assert client.get(f"/insatser/placering/ny/{foreign.pk}/").status_code == 404
    assert client.get(f"/insatser/placering/{foreign_p.pk}/narvaro/").status_code == 404
    assert client.get(f"/insatser/placering/{foreign_p.pk}/avsluta/").status_code == 404
    assert client.get(f"/insatser/placering/ny/{colleague.pk}/").status_code == 403
    assert client.get(f"/insatser/placering/{colleague_p.pk}/avsluta/").status_code == 403
    page = client.get(f"/insatser/placering/{colleague_p.pk}/narvaro/")
    assert page.status_code == 200 and "Registrera en dag" not in page.content.decode()
    response = client.post(f"/insatser/placering/{colleague_p.pk}/narvaro/",
                           {"date": "2024-02-05", "hours": "4"})
    assert response.status_code == 403


def test_enrolment_section(enrolment, measure):
    placement = testing.make_placement(enrolment, measure, start_date=D(2024, 2, 1),
                                       reported_hours=Decimal("12.50"))
    services.record_attendance(placement, D(2024, 2, 5), "4", "", None)
    html = render_to_string("measures/_enrolment_section.html",
                            {"enrolment": enrolment, "can_work": True})
    assert "<h2" in html and "Snickeriet" in html and "16,5" in html
    assert f"/insatser/placering/ny/{enrolment.pk}/" in html
    readonly = render_to_string("measures/_enrolment_section.html",
                                {"enrolment": enrolment, "can_work": False})
    assert "Ny placering" not in readonly and "/avsluta/" not in readonly
