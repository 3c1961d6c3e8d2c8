"""The migrations that give every summer-job application a municipality."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("youth", "0001_initial")]
AFTER = [("youth", "0003_youthapplication_municipality_required")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor._create_project_state(with_applied_migrations=True).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_applications_get_the_default_municipality():
    apps = migrate(BEFORE)
    try:
        Municipality = apps.get_model("organisation", "Municipality")
        YouthApplication = apps.get_model("youth", "YouthApplication")
        Municipality.objects.all().delete()
        first = Municipality.objects.create(code="1111", name="Första kommunen")
        Municipality.objects.create(code="2222", name="Andra kommunen")
        for n in range(3):
            YouthApplication.objects.create(
                external_id=f"Y{n}", birth_date=dt.date(2008, 1, 1), gender="K",
                season="2024-SOMMAR", status_id="ANSOKT",
            )
    finally:
        apps = migrate(AFTER)
    YouthApplication = apps.get_model("youth", "YouthApplication")
    # Municipality.default(): the first municipality.
    assert set(YouthApplication.objects.values_list("municipality__code", flat=True)) == {
        first.code}
    field = YouthApplication._meta.get_field("municipality")
    assert not field.null


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_a_municipality_the_configured_one_is_created(settings):
    apps = migrate(BEFORE)
    try:
        Municipality = apps.get_model("organisation", "Municipality")
        YouthApplication = apps.get_model("youth", "YouthApplication")
        Municipality.objects.all().delete()
        YouthApplication.objects.create(
            external_id="Y1", birth_date=dt.date(2008, 1, 1), gender="M",
            season="2024-SOMMAR", status_id="BORJAT",
        )
    finally:
        apps = migrate(AFTER)
    YouthApplication = apps.get_model("youth", "YouthApplication")
    application = YouthApplication.objects.select_related("municipality").get()
    assert (application.municipality.code, application.municipality.name) == (
        settings.INSATS_DEFAULT_MUNICIPALITY_CODE, settings.INSATS_DEFAULT_MUNICIPALITY_NAME)
