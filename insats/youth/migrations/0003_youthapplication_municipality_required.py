"""YouthApplication.municipality, step 2: required (0002 filled every existing row)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("youth", "0002_youthapplication_municipality"),
    ]

    operations = [
        migrations.AlterField(
            model_name="youthapplication",
            name="municipality",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="youth_applications",
                to="organisation.municipality",
                verbose_name="kommun",
            ),
        ),
    ]
