import pytest
from django.test import override_settings

from insats.organisation.models import Municipality

pytestmark = pytest.mark.django_db


@override_settings(
    INSATS_DEFAULT_MUNICIPALITY_CODE="0136", INSATS_DEFAULT_MUNICIPALITY_NAME="Haninge"
)
def test_default_is_created_from_the_settings_in_an_empty_instance():
    Municipality.objects.all().delete()
    created = Municipality.default()
    assert (created.code, created.name) == ("0136", "Haninge")
    assert Municipality.default() == created


@override_settings(INSATS_DEFAULT_MUNICIPALITY_CODE="0136")
def test_default_is_the_configured_code_even_when_registered_later():
    Municipality.objects.all().delete()
    Municipality.objects.create(code="0188", name="Norrtälje")
    haninge = Municipality.objects.create(code="0136", name="Haninge")
    assert Municipality.default() == haninge


@override_settings(INSATS_DEFAULT_MUNICIPALITY_CODE="0000")
def test_a_single_municipality_under_another_code_is_not_split_in_two():
    Municipality.objects.all().delete()
    ystad = Municipality.objects.create(code="1286", name="Ystad")
    assert Municipality.default() == ystad
    assert Municipality.objects.count() == 1
