"""Fills in the definitions of the closure reasons that had none (ATER_AF_MAL_UPPNATT,
ATER_AF_MAL_EJ_UPPNATT, FLYTTAT, FORALDRALEDIG, PENSION, AVLIDEN) in databases loaded before
they were written: every closure reason's definition is set from codes/data/closure_reasons.csv.
"""

from django.db import migrations


def update_definitions(apps, schema_editor):
    from insats.codes.loader import read_rows

    ClosureReason = apps.get_model("codes", "ClosureReason")
    for row in read_rows("ClosureReason"):
        ClosureReason.objects.filter(code=row["code"]).update(definition_sv=row["definition_sv"])


class Migration(migrations.Migration):
    dependencies = [("codes", "0002_load_code_lists")]

    operations = [migrations.RunPython(update_definitions, migrations.RunPython.noop)]
