"""YouthApplication.municipality, step 1: the column, nullable, filled for the existing rows.

Every existing application gets the default municipality: the one units created by an import
belong to (`Municipality.default()`: the one with INSATS_MUNICIPALITY_CODE, else the first
municipality, else one created from INSATS_MUNICIPALITY_CODE / INSATS_MUNICIPALITY_NAME). Step 2 (0003) makes the
column required; it is a migration of its own because PostgreSQL refuses to ALTER a table in the
transaction that has just updated its foreign keys (pending deferred trigger events).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_municipality(apps, schema_editor):
    YouthApplication = apps.get_model("youth", "YouthApplication")
    Municipality = apps.get_model("organisation", "Municipality")
    applications = YouthApplication.objects.using(schema_editor.connection.alias)
    if not applications.filter(municipality__isnull=True).exists():
        return
    # The rule of Municipality.default(); historical models have no custom methods.
    municipalities = Municipality.objects.using(schema_editor.connection.alias)
    municipality = (
        municipalities.filter(code=settings.INSATS_DEFAULT_MUNICIPALITY_CODE).first()
        or municipalities.order_by("pk").first()
    )
    if municipality is None:
        municipality = municipalities.create(
            code=settings.INSATS_DEFAULT_MUNICIPALITY_CODE,
            name=settings.INSATS_DEFAULT_MUNICIPALITY_NAME,
        )
    applications.filter(municipality__isnull=True).update(municipality=municipality)


class Migration(migrations.Migration):

    dependencies = [
        ("organisation", "0001_initial"),
        ("youth", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="youthapplication",
            name="municipality",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="youth_applications",
                to="organisation.municipality",
                verbose_name="kommun",
            ),
        ),
        migrations.RunPython(fill_municipality, migrations.RunPython.noop, elidable=False),
    ]
