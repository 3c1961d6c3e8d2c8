import pytest
from django.urls import reverse

from insats.core import testing
from insats.persons.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def amina(unit):
    person = testing.make_person(first_name="Amina", last_name="Ali", personnummer="199001011239")
    testing.make_enrolment(person=person, unit=unit)
    return person


def test_search_finds_a_person_of_the_unit_in_any_form(client, coach, amina):
    client.force_login(coach)
    html = client.get(reverse("persons:search"), {"q": "9001011239"}).content.decode()
    assert "Amina Ali" in html
    assert "19900101-1239" in html


def test_search_leaves_out_other_units(client, coach, other_unit):
    person = testing.make_person(first_name="Bo", last_name="Berg")
    testing.make_enrolment(person=person, unit=other_unit)
    client.force_login(coach)
    html = client.get(reverse("persons:search"), {"q": "Berg"}).content.decode()
    assert "Bo Berg" not in html
    assert client.get(reverse("persons:detail", args=[person.pk])).status_code == 404


def test_protected_identity_has_a_badge_and_no_address(client, unit):
    user = testing.make_user("coach", unit, may_see_protected_identity=True)
    person = testing.make_person(protected_identity=True, address="Hemliga gatan 1")
    testing.make_enrolment(person=person, unit=unit)
    client.force_login(user)
    html = client.get(reverse("persons:search"), {"q": person.last_name}).content.decode()
    assert "Skyddad identitet" in html
    html = client.get(reverse("persons:detail", args=[person.pk])).content.decode()
    assert "Skyddad identitet" in html
    assert "Hemliga gatan" not in html
    html = client.get(reverse("persons:edit", args=[person.pk])).content.decode()
    assert "Hemliga gatan" not in html


def test_controller_sees_no_person_pages(client, controller, amina):
    client.force_login(controller)
    assert client.get(reverse("persons:search"), {"q": "Amina"}).status_code == 403
    assert client.get(reverse("persons:detail", args=[amina.pk])).status_code == 403


def test_detail_renders_for_unit_roles(client, coach, samordnare, enhetschef, amina):
    for user in (coach, samordnare, enhetschef):
        client.force_login(user)
        response = client.get(reverse("persons:detail", args=[amina.pk]))
        assert response.status_code == 200
        assert "19900101-1239" in response.content.decode()


def test_create_shows_swedish_errors_naming_the_field(client, samordnare):
    client.force_login(samordnare)
    response = client.post(
        reverse("persons:create"),
        {"personnummer": "900101-1234", "first_name": "", "last_name": "Ali", "gender": "K"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Förnamn: Det här fältet är obligatoriskt." in html
    assert not Person.objects.exists()
    response = client.post(
        reverse("persons:create"),
        {"personnummer": "900101-1234", "first_name": "A", "last_name": "Ali", "gender": "K"},
    )
    assert "Personnummer eller samordningsnummer: Personnumrets kontrollsiffra stämmer inte." in (
        response.content.decode()
    )


def test_create_refuses_duplicate_and_then_goes_on_to_the_referral(client, samordnare, amina):
    client.force_login(samordnare)
    response = client.post(
        reverse("persons:create"),
        {"personnummer": "19900101-1239", "first_name": "A", "last_name": "B", "gender": "K"},
    )
    assert "Det finns redan en person med personnumret 19900101-1239" in response.content.decode()
    response = client.post(
        reverse("persons:create"),
        {"birth_date": "2000-02-02", "first_name": "Ny", "last_name": "Person", "gender": "M"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("referrals:create"))
    follow = client.get(response["Location"])
    assert "Ny Person" in follow.content.decode()


def test_edit_saves_and_remittent_may_not_edit(client, coach, remittent, unit, amina):
    client.force_login(coach)
    response = client.post(
        reverse("persons:edit", args=[amina.pk]),
        {"personnummer": "9001011239", "first_name": "Amina", "last_name": "Said", "gender": "K"},
    )
    assert response.status_code == 302
    amina.refresh_from_db()
    assert amina.last_name == "Said"
    referral = testing.make_referral(remittent, unit, person=amina)
    assert referral.person == amina
    client.force_login(remittent)
    assert client.get(reverse("persons:edit", args=[amina.pk])).status_code == 403


def test_edit_over_a_later_change_is_refused(client, coach, amina):
    client.force_login(coach)
    url = reverse("persons:edit", args=[amina.pk])
    html = client.get(url).content.decode()
    assert 'type="hidden" name="updated_at"' in html
    seen = amina.updated_at.isoformat()
    amina.phone = "070-123 45 67"
    amina.save()
    response = client.post(
        url,
        {"personnummer": "9001011239", "first_name": "Amina", "last_name": "Said",
         "gender": "K", "updated_at": seen},
    )
    assert "har ändrats av någon annan" in response.content.decode()
    amina.refresh_from_db()
    assert amina.last_name == "Ali" and amina.phone == "070-123 45 67"
    response = client.post(
        url,
        {"personnummer": "9001011239", "first_name": "Amina", "last_name": "Said",
         "gender": "K", "updated_at": amina.updated_at.isoformat()},
    )
    assert response.status_code == 302
