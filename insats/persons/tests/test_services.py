import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from insats.core import testing
from insats.persons import services
from insats.persons.models import Person

pytestmark = pytest.mark.django_db


def data(**kw):
    values = {"first_name": "Amina", "last_name": "Ali", "gender": "K"}
    values.update(kw)
    return values


def test_register_derives_birth_date_and_stores_canonical_number():
    person = services.register_person(data(personnummer="900101-1239"))
    assert person.personnummer == "199001011239"
    assert person.birth_date == dt.date(1990, 1, 1)


def test_duplicate_in_another_typed_form_is_refused_clearly():
    services.register_person(data(personnummer="9001011239"))
    with pytest.raises(ValidationError) as exc:
        services.register_person(data(personnummer="19900101-1239", first_name="Annan"))
    assert "redan en person med personnumret 19900101-1239" in exc.value.message_dict[
        "personnummer"
    ][0]
    assert Person.objects.count() == 1


def test_without_personnummer_a_birth_date_is_required():
    with pytest.raises(ValidationError) as exc:
        services.register_person(data())
    assert "födelsedatum" in exc.value.message_dict["birth_date"][0]
    person = services.register_person(data(birth_date=dt.date(2001, 5, 5)))
    assert person.personnummer == ""


def test_invalid_check_digit_is_reported_on_the_field():
    with pytest.raises(ValidationError) as exc:
        services.register_person(data(personnummer="900101-1234"))
    assert "kontrollsiffra" in exc.value.message_dict["personnummer"][0]


def test_update_refuses_another_persons_number():
    testing.make_person(personnummer="199001011239")
    other = testing.make_person()
    with pytest.raises(ValidationError) as exc:
        services.update_person(other, {"personnummer": "900101-1239"})
    assert "personnummer" in exc.value.message_dict
    other.refresh_from_db()
    assert other.personnummer == ""


def test_search_by_name_and_any_form_of_personnummer():
    amina = testing.make_person(first_name="Amina", last_name="Ali", personnummer="199001011239")
    testing.make_person(first_name="Bo", last_name="Berg")
    qs = Person.objects.all()
    assert list(services.search_persons(qs, "amina ali")) == [amina]
    assert list(services.search_persons(qs, "900101-1239")) == [amina]
    assert list(services.search_persons(qs, "199001011239")) == [amina]
    assert list(services.search_persons(qs, "1239")) == [amina]
    assert not services.search_persons(qs, "").exists()
