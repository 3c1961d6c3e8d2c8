import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.template.loader import render_to_string

from insats.accounts.models import Role
from insats.assessments import services
from insats.assessments.models import Assessment, Instrument, ScoringBand
from insats.core import testing
from insats.enrolments.models import Enrolment

D = dt.date


@pytest.fixture
def instrument(db):
    return Instrument.objects.get(name="Kartläggning arbetsförmåga")


def answers_for(instrument, pick):
    """Answer each question with the option at index `pick(question_number)`."""
    result = {}
    for n, question in enumerate(instrument.questions.all()):
        options = list(question.options.all())
        result[question.pk] = options[min(pick(n), len(options) - 1)].pk
    return result


def test_example_instrument_is_created_by_migration(instrument):
    questions = list(instrument.questions.all())
    assert len(questions) == 6
    assert all(3 <= q.options.count() <= 4 for q in questions)
    assert services.score_range(instrument) == (0, 17)
    assert services.coverage_gaps(instrument) == []
    assert [b.need_category for b in instrument.bands.all()] == ["AM1", "AM2", "AM3"]


@pytest.mark.parametrize(
    ("pick", "total", "category"),
    [(lambda n: 0, 0, "AM1"), (lambda n: 1, 6, "AM2"), (lambda n: 9, 17, "AM3")],
)
def test_score_answers_bands(instrument, pick, total, category):
    assert services.score_answers(instrument, answers_for(instrument, pick)) == (total, category)


def test_band_edges_follow_admin_configuration(instrument):
    # All answers worth 1 point except the last question at 0 → total 4, inside AM1 (0–4).
    answers = answers_for(instrument, lambda n: 1 if n < 4 else 0)
    assert services.score_answers(instrument, answers) == (4, "AM1")
    ScoringBand.objects.filter(instrument=instrument, need_category="AM1").update(max_score=3)
    ScoringBand.objects.filter(instrument=instrument, need_category="AM2").update(min_score=4)
    assert services.score_answers(instrument, answers) == (4, "AM2")


def test_unanswered_question_is_named(instrument):
    answers = answers_for(instrument, lambda n: 0)
    third = instrument.questions.all()[2]
    del answers[third.pk]
    with pytest.raises(ValidationError) as exc:
        services.score_answers(instrument, answers)
    message = exc.value.message_dict[services.question_field(third)][0]
    assert message == f"Fråga 3 (”{third.text}”) är inte besvarad."


def test_option_of_other_question_is_refused(instrument):
    answers = answers_for(instrument, lambda n: 0)
    first, second = instrument.questions.all()[:2]
    answers[first.pk] = second.options.first().pk
    with pytest.raises(ValidationError) as exc:
        services.score_answers(instrument, answers)
    assert services.question_field(first) in exc.value.message_dict


def test_total_without_band_is_an_error(instrument):
    ScoringBand.objects.filter(instrument=instrument, need_category="AM3").delete()
    with pytest.raises(ValidationError) as exc:
        services.score_answers(instrument, answers_for(instrument, lambda n: 9))
    assert "täcker totalpoängen 17" in exc.value.message_dict[NON_FIELD_ERRORS][0]
    assert services.coverage_gaps(instrument) == [(11, 17)]


def test_validate_bands():
    Band = services.Band
    services.validate_bands([Band(0, 4, "AM1"), Band(5, 10, "AM2"), Band(11, 17, "AM3")])
    with pytest.raises(ValidationError) as exc:
        services.validate_bands([Band(0, 5, "AM1"), Band(5, 10, "AM2")])
    assert "överlappar" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.validate_bands([Band(6, 4, "AM1")])


def test_admin_refuses_overlapping_bands(client, admin_user, instrument):
    client.force_login(admin_user)
    url = f"/admin/assessments/instrument/{instrument.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["active"] = "on"
    for formset in response.context["inline_admin_formsets"]:
        fs = formset.formset
        prefix = fs.prefix
        data[f"{prefix}-TOTAL_FORMS"] = str(fs.total_form_count())
        data[f"{prefix}-INITIAL_FORMS"] = str(fs.initial_form_count())
        for i, f in enumerate(fs.forms):
            for name, field in f.fields.items():
                value = f.initial.get(name, field.initial)
                if value is None or value is False:
                    continue
                data[f"{prefix}-{i}-{name}"] = getattr(value, "pk", value)
    band_prefix = next(
        fs.formset.prefix for fs in response.context["inline_admin_formsets"]
        if fs.formset.model is ScoringBand
    )
    data[f"{band_prefix}-1-min_score"] = "3"  # AM2 from 3 overlaps AM1 0–4
    response = client.post(url, data)
    assert response.status_code == 200
    assert "överlappar" in response.content.decode()
    assert instrument.bands.get(need_category="AM2").min_score == 5
    data[f"{band_prefix}-1-min_score"] = "5"
    response = client.post(url, data)
    assert response.status_code == 302
    assert site.is_registered(Instrument)


def test_perform_assessment_sets_need_category(unit, coach, instrument):
    enrolment = testing.make_enrolment(unit=unit, coach=coach, start_date=D(2024, 1, 15))
    version = enrolment.version
    a = services.perform_assessment(
        enrolment, instrument, answers_for(instrument, lambda n: 9), coach, D(2024, 2, 1)
    )
    assert (a.total_score, a.need_category, a.answers.count()) == (17, "AM3", 6)
    enrolment.refresh_from_db()
    assert enrolment.need_category == "AM3" and enrolment.version == version + 1
    # An earlier assessment registered afterwards does not replace the latest result.
    services.perform_assessment(
        enrolment, instrument, answers_for(instrument, lambda n: 0), coach, D(2024, 1, 20)
    )
    assert Enrolment.objects.get(pk=enrolment.pk).need_category == "AM3"
    services.perform_assessment(
        enrolment, instrument, answers_for(instrument, lambda n: 0), coach, D(2024, 3, 1)
    )
    assert Enrolment.objects.get(pk=enrolment.pk).need_category == "AM1"


@pytest.mark.parametrize("day", [D(2024, 1, 14), D(2099, 1, 1)])
def test_perform_assessment_date_rules(unit, coach, instrument, day):
    enrolment = testing.make_enrolment(unit=unit, coach=coach, start_date=D(2024, 1, 15))
    with pytest.raises(ValidationError) as exc:
        services.perform_assessment(enrolment, instrument, answers_for(instrument, lambda n: 0),
                                    coach, day)
    assert "performed_on" in exc.value.message_dict
    assert not Assessment.objects.exists()


def test_unanswered_saves_nothing(unit, coach, instrument):
    enrolment = testing.make_enrolment(unit=unit, coach=coach)
    with pytest.raises(ValidationError):
        services.perform_assessment(enrolment, instrument, {}, coach, D(2024, 2, 1))
    assert not Assessment.objects.exists()
    assert Enrolment.objects.get(pk=enrolment.pk).need_category == ""


def test_inactive_instrument_refused(unit, coach, instrument):
    enrolment = testing.make_enrolment(unit=unit, coach=coach)
    instrument.active = False
    instrument.save()
    with pytest.raises(ValidationError) as exc:
        services.perform_assessment(enrolment, instrument, answers_for(instrument, lambda n: 0),
                                    coach, D(2024, 2, 1))
    assert "instrument" in exc.value.message_dict


def test_perform_page_flow(client, unit, coach, instrument):
    enrolment = testing.make_enrolment(unit=unit, coach=coach, start_date=D(2024, 1, 15))
    client.force_login(coach)
    url = f"/kartlaggning/ny/{enrolment.pk}/"
    page = client.get(url).content.decode()
    assert "<fieldset" in page and "<legend>1. Hur ser arbetslivserfarenheten ut?" in page
    data = {"performed_on": "2024-02-01", "instrument": instrument.pk}
    answers = answers_for(instrument, lambda n: 1)
    first = instrument.questions.first()
    for q, o in answers.items():
        if q != first.pk:
            data[services.question_field(q)] = o
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fråga 1 (”Hur ser arbetslivserfarenheten ut?”) är inte besvarad." in html
    second = instrument.questions.all()[1]
    kept = response.context["form"][services.question_field(second)].value()
    assert int(kept) == answers[second.pk]  # the user's other answers are kept
    assert not Assessment.objects.exists()
    data[services.question_field(first)] = answers[first.pk]
    response = client.post(url, data)
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/kartlaggning/{assessment.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "AM2 – stöd" in detail
    section = render_to_string(
        "assessments/_enrolment_section.html",
        {"enrolment": Enrolment.objects.get(pk=enrolment.pk), "can_work": True},
    )
    assert f"/kartlaggning/{assessment.pk}/" in section and "Gör kartläggning" in section


def test_permissions(client, unit, other_unit, coach, instrument):
    foreign = testing.make_enrolment(unit=other_unit)
    colleagues = testing.make_enrolment(unit=unit, coach=testing.make_user(Role.COACH, unit))
    client.force_login(coach)
    assert client.get(f"/kartlaggning/ny/{foreign.pk}/").status_code == 404
    assert client.get(f"/kartlaggning/ny/{colleagues.pk}/").status_code == 403
    other_coach = testing.make_user(Role.COACH, other_unit)
    a = services.perform_assessment(foreign, instrument, answers_for(instrument, lambda n: 0),
                                    other_coach, D(2024, 2, 1))
    assert client.get(f"/kartlaggning/{a.pk}/").status_code == 404
    section = render_to_string(
        "assessments/_enrolment_section.html", {"enrolment": colleagues, "can_work": False}
    )
    assert "Gör kartläggning" not in section
