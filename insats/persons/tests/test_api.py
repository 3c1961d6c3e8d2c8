import pytest
from rest_framework.test import APIClient

from insats.core import testing

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def amina(unit):
    person = testing.make_person(
        first_name="Amina", last_name="Ali", personnummer="199001011239", address="Storgatan 1"
    )
    testing.make_enrolment(person=person, unit=unit)
    return person


def test_coach_lists_and_searches_visible_persons(api, coach, amina, other_unit):
    testing.make_enrolment(unit=other_unit)
    api.force_authenticate(coach)
    body = api.get("/api/v1/persons/").json()
    assert [p["id"] for p in body["results"]] == [amina.pk]
    body = api.get("/api/v1/persons/", {"search": "900101-1239"}).json()
    assert body["results"][0]["personnummer"] == "19900101-1239"
    assert api.get(f"/api/v1/persons/{amina.pk}/").json()["address"] == "Storgatan 1"


def test_controller_and_admin_get_nothing(api, controller, admin_user, amina):
    for user in (controller, admin_user):
        api.force_authenticate(user)
        assert api.get("/api/v1/persons/").json()["results"] == []
        assert api.get(f"/api/v1/persons/{amina.pk}/").status_code == 404


def test_create_validates_personnummer_in_swedish(api, samordnare):
    api.force_authenticate(samordnare)
    response = api.post(
        "/api/v1/persons/",
        {"personnummer": "900101-1234", "first_name": "A", "last_name": "B", "gender": "K"},
    )
    assert response.status_code == 400
    assert response.json()["personnummer"] == ["Personnumrets kontrollsiffra stämmer inte."]
    response = api.post(
        "/api/v1/persons/",
        {"personnummer": "9001011239", "first_name": "A", "last_name": "B", "gender": "K"},
    )
    assert response.status_code == 201
    assert response.json()["birth_date"] == "1990-01-01"
    response = api.post(
        "/api/v1/persons/",
        {"personnummer": "19900101-1239", "first_name": "C", "last_name": "D", "gender": "M"},
    )
    assert response.status_code == 400
    assert "redan en person" in response.json()["personnummer"][0]


def test_remittent_and_controller_may_not_register(api, remittent, controller):
    for user in (remittent, controller):
        api.force_authenticate(user)
        response = api.post(
            "/api/v1/persons/",
            {"birth_date": "2000-01-01", "first_name": "A", "last_name": "B", "gender": "K"},
        )
        assert response.status_code == 403


def test_update_and_protected_address_never_shown(api, coach, amina):
    api.force_authenticate(coach)
    read = api.get(f"/api/v1/persons/{amina.pk}/").json()["updated_at"]
    response = api.patch(f"/api/v1/persons/{amina.pk}/",
                         {"last_name": "Said", "updated_at": read})
    assert response.status_code == 200
    assert response.json()["last_name"] == "Said"
    coach.may_see_protected_identity = True
    coach.save()
    amina.protected_identity = True
    amina.save()
    assert api.get(f"/api/v1/persons/{amina.pk}/").json()["address"] == ""


def test_missing_fields_are_swedish_errors(api, samordnare):
    api.force_authenticate(samordnare)
    response = api.post("/api/v1/persons/", {"personnummer": "9001011239", "first_name": "A"})
    assert response.status_code == 400
    assert response.json()["gender"] == ["Det här fältet är obligatoriskt."]
    response = api.post(
        "/api/v1/persons/", {"first_name": "A", "last_name": "B", "gender": "K"}
    )
    assert response.status_code == 400
    assert "födelsedatum" in response.json()["birth_date"][0]


def test_update_needs_the_updated_at_it_read(api, coach, amina):
    api.force_authenticate(coach)
    response = api.patch(f"/api/v1/persons/{amina.pk}/", {"last_name": "Said"})
    assert response.status_code == 400
    assert response.json()["updated_at"][0].startswith("Skicka med updated_at som du läste")
    amina.refresh_from_db()
    assert amina.last_name == "Ali"


def test_stale_update_is_refused_with_409_and_nothing_written(api, coach, samordnare, amina):
    api.force_authenticate(coach)
    read = api.get(f"/api/v1/persons/{amina.pk}/").json()
    # A colleague saves in between (through the API as well, with the value they read).
    colleague = APIClient()
    colleague.force_authenticate(samordnare)
    first = colleague.patch(f"/api/v1/persons/{amina.pk}/",
                            {"phone": "070-1234567", "updated_at": read["updated_at"]})
    assert first.status_code == 200
    assert first.json()["updated_at"] != read["updated_at"]
    for method in (api.patch, api.put):
        stale = method(f"/api/v1/persons/{amina.pk}/", {
            **{k: v for k, v in read.items() if k not in ("id", "external_id")},
            "last_name": "Said", "updated_at": read["updated_at"],
        }, format="json")
        assert stale.status_code == 409, stale.json()
        message = stale.json()["updated_at"][0]
        assert message.startswith("Personuppgifterna har ändrats av någon annan (senast ")
        assert "Ingenting har sparats. Hämta personen igen och gör om ändringen." in message
    amina.refresh_from_db()
    assert (amina.last_name, amina.phone) == ("Ali", "070-1234567")
    # With the current value the change goes through.
    fresh = api.patch(f"/api/v1/persons/{amina.pk}/",
                      {"last_name": "Said", "updated_at": first.json()["updated_at"]})
    assert fresh.status_code == 200 and fresh.json()["last_name"] == "Said"


def test_create_ignores_updated_at(api, samordnare):
    api.force_authenticate(samordnare)
    response = api.post("/api/v1/persons/", {
        "birth_date": "2000-01-01", "first_name": "A", "last_name": "B", "gender": "K",
        "updated_at": "2001-01-01T00:00:00Z",
    })
    assert response.status_code == 201
    assert not response.json()["updated_at"].startswith("2001")
