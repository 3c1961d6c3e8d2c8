"""The default participant survey (deltagarenkät vid avslut) and employer survey for jobbspår.
Administrators can change them, add questions or add other surveys."""

from django.db import migrations

SATISFACTION = "\n".join([
    "Mycket missnöjd", "Ganska missnöjd", "Varken nöjd eller missnöjd", "Ganska nöjd",
    "Mycket nöjd",
])

PARTICIPANT = {
    "name": "Deltagarenkät vid avslut",
    "intro": "Du har varit med i en insats hos oss. Nu vill vi veta vad du tycker. "
    "Det tar ungefär tre minuter att svara.",
    "questions": [
        ("scale", "Hur nöjd är du med insatsen som helhet?", SATISFACTION, True),
        ("scale", "Insatsen har hjälpt mig närmare arbete eller studier.", "", True),
        ("scale", "Jag blev bemött med respekt.", "", True),
        ("yesno", "Skulle du rekommendera insatsen till någon annan?", "", True),
        ("text", "Vill du berätta något mer? Vad var bra? Vad kan vi göra bättre?", "", False),
    ],
}

EMPLOYER = {
    "name": "Arbetsgivarenkät jobbspår",
    "intro": "Ni har tagit emot deltagare i ett jobbspår. Vi vill veta hur samarbetet har "
    "fungerat. Svaren redovisas per jobbspår, utan ert namn.",
    "questions": [
        ("scale", "Hur nöjda är ni med samarbetet med arbetsmarknadsenheten?", SATISFACTION,
         True),
        ("scale", "Deltagarna var väl förberedda för arbetsuppgifterna.", "", True),
        ("yesno", "Kan ni tänka er att anställa någon av deltagarna?", "", True),
        ("text", "Vad kan vi göra bättre i jobbspåret?", "", False),
    ],
}


def create(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    SurveyQuestion = apps.get_model("surveys", "SurveyQuestion")
    for audience, spec in (("participant", PARTICIPANT), ("employer", EMPLOYER)):
        if Survey.objects.filter(audience=audience).exists():
            continue
        survey = Survey.objects.create(
            name=spec["name"], audience=audience, intro=spec["intro"], active=True,
            valid_days=30,
        )
        for order, (kind, text, options, required) in enumerate(spec["questions"], start=1):
            SurveyQuestion.objects.create(
                survey=survey, order=order, kind=kind, text=text, options=options,
                required=required,
            )


def remove(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    Survey.objects.filter(
        name__in=[PARTICIPANT["name"], EMPLOYER["name"]], responses__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
