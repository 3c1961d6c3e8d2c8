"""An example kartläggning instrument so that a fresh instance can assess from day one.

Administrators edit or replace it in the admin; nothing in the code depends on its content.
Higher points mean more support needed. Possible totals are 0–17.
"""

from django.db import migrations

NAME = "Kartläggning arbetsförmåga"

QUESTIONS = [
    (
        "Hur ser arbetslivserfarenheten ut?",
        "Räkna all avlönad anställning, även deltid och timanställning.",
        [
            ("Flera års erfarenhet på svensk arbetsmarknad", 0),
            ("Viss erfarenhet: kortare anställningar eller praktik", 1),
            ("Erfarenhet enbart från ett annat land", 2),
            ("Ingen arbetslivserfarenhet", 3),
        ],
    ),
    (
        "Vilken utbildning har personen?",
        "Högsta avslutade utbildning, i Sverige eller utomlands.",
        [
            ("Eftergymnasial utbildning", 0),
            ("Fullständig gymnasieutbildning", 1),
            ("Grundskola eller ofullständig gymnasieutbildning", 2),
            ("Saknar fullständig grundskola", 3),
        ],
    ),
    (
        "Hur är kunskaperna i svenska?",
        "Bedöm förmågan att förstå instruktioner och göra sig förstådd på en arbetsplats.",
        [
            ("Goda: klarar arbete och utbildning på svenska", 0),
            ("Fungerar i vardagen, behöver stöd i arbetslivet", 1),
            ("Begränsade: behöver tolk eller språkstöd", 3),
        ],
    ),
    (
        "Hur påverkar hälsan förmågan att arbeta?",
        "Utgå från personens egen beskrivning och eventuella intyg.",
        [
            ("Ingen begränsning", 0),
            ("Viss begränsning: kan arbeta heltid med anpassning", 1),
            ("Kan arbeta deltid", 2),
            ("Betydande begränsning: arbetsförmågan behöver utredas", 3),
        ],
    ),
    (
        "Hur länge har personen varit utan arbete eller studier?",
        "Sammanhängande tid fram till kartläggningen.",
        [
            ("Mindre än sex månader", 0),
            ("Sex månader till två år", 1),
            ("Mer än två år", 3),
        ],
    ),
    (
        "Finns praktiska hinder, t.ex. barnomsorg, bostad, resor eller skulder?",
        "Hinder som gör det svårt att ta ett arbete eller delta i en insats.",
        [
            ("Inga hinder", 0),
            ("Enstaka hinder som personen själv kan lösa", 1),
            ("Flera hinder som behöver stöd för att lösas", 2),
        ],
    ),
]

BANDS = [(0, 4, "AM1"), (5, 10, "AM2"), (11, 17, "AM3")]


def create_instrument(apps, schema_editor):
    Instrument = apps.get_model("assessments", "Instrument")
    Question = apps.get_model("assessments", "Question")
    AnswerOption = apps.get_model("assessments", "AnswerOption")
    ScoringBand = apps.get_model("assessments", "ScoringBand")
    if Instrument.objects.filter(name=NAME).exists():
        return
    instrument = Instrument.objects.create(
        name=NAME,
        description=(
            "Exempelinstrument: sex frågor om förutsättningar för arbete. Summan avgör "
            "behovskategori: 0–4 AM1 (litet stöd), 5–10 AM2 (stöd), 11–17 AM3 (extra stöd). "
            "En administratör kan ändra frågor, poäng och gränser."
        ),
        active=True,
    )
    for q_order, (text, help_text, options) in enumerate(QUESTIONS, start=1):
        question = Question.objects.create(
            instrument=instrument, order=q_order, text=text, help_text=help_text
        )
        for o_order, (label, score) in enumerate(options, start=1):
            AnswerOption.objects.create(question=question, order=o_order, label=label, score=score)
    for low, high, category in BANDS:
        ScoringBand.objects.create(
            instrument=instrument, min_score=low, max_score=high, need_category=category
        )


def remove_instrument(apps, schema_editor):
    Instrument = apps.get_model("assessments", "Instrument")
    Assessment = apps.get_model("assessments", "Assessment")
    unused = Instrument.objects.filter(name=NAME).exclude(
        pk__in=Assessment.objects.values("instrument_id")
    )
    for instrument in unused:
        instrument.bands.all().delete()
        for question in instrument.questions.all():
            question.options.all().delete()
        instrument.questions.all().delete()
        instrument.delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(create_instrument, remove_instrument)]
