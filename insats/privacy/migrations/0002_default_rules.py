"""Default gallringsregler. The municipality's dokumenthanteringsplan decides; these are a
starting point an administrator changes in the admin (see docs/privacy.md for the reasoning).
"""

from django.db import migrations

DEFAULTS = [
    # Case files: five years after closure, as for social services records (SoL 12 kap. 1 §
    # is the usual model for AME case files).
    ("case_file", 5, "delete"),
    # A rejected referral never became a case: two years after it came in.
    ("rejected_referral", 2, "delete"),
    # Identity: anonymised with the case file; the statistics keep the enrolment rows.
    ("person", 5, "anonymise"),
]
BASIS = "Förval i Insats; ersätt med beslut i dokumenthanteringsplanen."


def add_defaults(apps, schema_editor):
    rule = apps.get_model("privacy", "RetentionRule")
    for kind, years, action in DEFAULTS:
        rule.objects.get_or_create(
            kind=kind, defaults={"years_after_closure": years, "action": action, "basis": BASIS}
        )


def remove_defaults(apps, schema_editor):
    apps.get_model("privacy", "RetentionRule").objects.filter(basis=BASIS).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
