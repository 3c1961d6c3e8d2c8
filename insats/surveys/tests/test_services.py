import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from insats.accounts.models import Role, User
from insats.core import testing
from insats.enrolments.models import Enrolment
from insats.persons.models import Person
from insats.surveys import services
from insats.surveys.models import (
    QuestionKind,
    ResponseMeasure,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyOffer,
    SurveyQuestion,
    SurveyResponse,
    normalise_code,
)

from .conftest import NOW, closed_enrolment

pytestmark = pytest.mark.django_db


def answers_for(survey: Survey, scale: int = 4, yes: bool = True, text: str = "") -> dict:
    result = {}
    for q in survey.questions.all():
        if q.kind == QuestionKind.SCALE:
            result[q.pk] = str(scale)
        elif q.kind == QuestionKind.YESNO:
            result[q.pk] = "1" if yes else "0"
        elif q.kind == QuestionKind.CHOICE:
            result[q.pk] = q.option_list[0]
        else:
            result[q.pk] = text
    return result


def test_default_surveys_from_the_data_migration(participant_survey, employer_survey):
    texts = list(participant_survey.questions.values_list("text", flat=True))
    assert len(texts) == 5
    assert "Insatsen har hjälpt mig närmare arbete eller studier." in texts
    assert "Jag blev bemött med respekt." in texts
    kinds = list(participant_survey.questions.values_list("kind", flat=True))
    assert kinds == ["scale", "scale", "scale", "yesno", "text"]
    assert employer_survey.questions.count() == 4


def test_offer_creates_invitation_with_closure_context(closed, coach, measure,
                                                       participant_survey):
    invitation = services.offer_participant_survey(closed, coach, now=NOW)
    assert invitation.survey == participant_survey
    assert invitation.enrolment == closed
    assert invitation.unit == closed.unit
    assert invitation.period_month == dt.date(2025, 3, 1)
    assert list(invitation.measures.all()) == [measure]
    assert invitation.expires_at == NOW + dt.timedelta(days=participant_survey.valid_days)
    assert len(invitation.token) >= 32 and len(invitation.code) == 9
    assert SurveyOffer.objects.get(enrolment=closed).offered_by == coach


def test_offer_refused_for_open_enrolment_twice_and_for_others(unit, coach, closed):
    open_enrolment = testing.make_enrolment(unit=unit, coach=coach)
    with pytest.raises(ValidationError, match="avslutad"):
        services.offer_participant_survey(open_enrolment, coach, now=NOW)
    services.offer_participant_survey(closed, coach, now=NOW)
    with pytest.raises(ValidationError, match="erbjöds redan"):
        services.offer_participant_survey(closed, coach, now=NOW)
    assert SurveyInvitation.objects.count() == 1
    other_coach = testing.make_user(Role.COACH, unit)
    with pytest.raises(PermissionDenied):
        services.offer_participant_survey(closed, other_coach, now=NOW)


def test_offer_without_an_active_survey_is_explained(closed, coach, participant_survey):
    Survey.objects.filter(pk=participant_survey.pk).update(active=False)
    with pytest.raises(ValidationError) as exc:
        services.offer_participant_survey(closed, coach, now=NOW)
    assert "ingen aktiv deltagarenkät" in exc.value.message_dict["survey"][0]
    assert not SurveyOffer.objects.exists()


def test_answer_is_stored_apart_from_identity(closed, coach, measure, participant_survey):
    invitation = services.offer_participant_survey(closed, coach, now=NOW)
    response = services.submit_response(
        invitation.token, answers_for(participant_survey, text="Bra handledare"),
        now=NOW + dt.timedelta(days=2),
    )
    assert response.unit == closed.unit and response.period_month == dt.date(2025, 3, 1)
    assert list(response.measures.values_list("measure_id", "category_id")) == [
        (measure.pk, "MATCHNING")
    ]
    assert response.answers.count() == 5
    spent = SurveyInvitation.objects.get(pk=invitation.pk)
    assert spent.used
    assert spent.enrolment is None and spent.created_by is None and spent.unit is None
    assert spent.period_month is None and not spent.measures.exists()
    # The offer stays (once per closure) but says nothing about the answer.
    assert SurveyOffer.objects.filter(enrolment=closed).exists()


def test_no_foreign_key_from_answers_to_identity():
    identity = {Person, Enrolment, User, SurveyInvitation, SurveyOffer}
    for model in (SurveyResponse, SurveyAnswer, ResponseMeasure):
        related = {f.related_model for f in model._meta.get_fields()
                   if isinstance(f, models.Field) and f.is_relation}
        assert not related & identity, model
        names = {f.name for f in model._meta.get_fields()}
        assert not {"created_at", "submitted_at", "person", "enrolment"} & names


def test_token_is_one_time(closed, coach, participant_survey):
    invitation = services.offer_participant_survey(closed, coach, now=NOW)
    services.submit_response(invitation.token, answers_for(participant_survey), now=NOW)
    with pytest.raises(ValidationError) as exc:
        services.submit_response(invitation.token, answers_for(participant_survey), now=NOW)
    assert exc.value.code == services.USED
    assert SurveyResponse.objects.count() == 1
    assert SurveyAnswer.objects.count() == 4  # the optional free text was left empty


def test_expired_invitation_refused_and_cleared(closed, coach, participant_survey):
    invitation = services.offer_participant_survey(closed, coach, now=NOW)
    later = invitation.expires_at + dt.timedelta(seconds=1)
    with pytest.raises(ValidationError) as exc:
        services.submit_response(invitation.token, answers_for(participant_survey), now=later)
    assert exc.value.code == services.EXPIRED
    assert not SurveyResponse.objects.exists()
    assert services.clear_expired_invitations(now=NOW) == 0
    assert services.clear_expired_invitations(now=later) == 1
    cleared = SurveyInvitation.objects.get(pk=invitation.pk)
    assert cleared.enrolment is None and cleared.created_by is None and not cleared.used


def test_unknown_token_and_code():
    with pytest.raises(ValidationError) as exc:
        services.submit_response("nope", {})
    assert exc.value.code == services.UNKNOWN
    assert services.invitation_by_code("ABCD-EFGH") is None


def test_code_is_found_however_it_is_typed(closed, coach):
    invitation = services.offer_participant_survey(closed, coach, now=NOW)
    typed = invitation.code.replace("-", " ").lower()
    assert normalise_code(typed) == invitation.code
    assert services.invitation_by_code(typed) == invitation


def test_invalid_answers_are_keyed_by_question_and_nothing_written(closed, coach,
                                                                   participant_survey):
    invitation = services.offer_participant_survey(closed, coach, now=NOW)
    questions = list(participant_survey.questions.all())
    answers = answers_for(participant_survey)
    answers[questions[0].pk] = "7"
    answers[questions[1].pk] = ""
    answers[questions[3].pk] = "kanske"
    with pytest.raises(ValidationError) as exc:
        services.submit_response(invitation.token, answers, now=NOW)
    errors = exc.value.message_dict
    assert set(errors) == {f"q{questions[0].pk}", f"q{questions[1].pk}", f"q{questions[3].pk}"}
    assert not SurveyResponse.objects.exists()
    assert not SurveyInvitation.objects.get(pk=invitation.pk).used


def test_employer_invitation(unit, coach, samordnare, measure, employer_survey):
    with pytest.raises(ValidationError) as exc:
        services.create_employer_invitation(measure=None, employer_name=" ", by=coach, now=NOW)
    assert set(exc.value.message_dict) == {"measure", "employer_name"}
    with pytest.raises(PermissionDenied):
        services.create_employer_invitation(measure=measure, employer_name="Förskolan Ek",
                                            by=samordnare, now=NOW)
    invitation = services.create_employer_invitation(
        measure=measure, employer_name="Förskolan Ek", by=coach, now=NOW
    )
    assert invitation.unit == unit and invitation.period_month == dt.date(2025, 3, 1)
    assert list(services.employer_invitations_of_unit(unit.pk, now=NOW)) == [invitation]
    response = services.submit_response(invitation.token, answers_for(employer_survey),
                                        now=NOW)
    assert response.audience == "employer"
    assert list(response.measures.values_list("measure_id", flat=True)) == [measure.pk]
    assert SurveyInvitation.objects.get(pk=invitation.pk).employer_name == ""


def _responses(survey, unit, measure, scales, start=NOW):
    """One answered invitation per value in `scales`, in `unit` about `measure`."""
    coach = testing.make_user(Role.COACH, unit)
    for value in scales:
        enrolment = closed_enrolment(unit, coach, measure, end=dt.date(2025, 2, 10))
        invitation = services.offer_participant_survey(enrolment, coach, now=start)
        services.submit_response(invitation.token, answers_for(survey, scale=value,
                                                               yes=value >= 3), now=start)


def test_results_aggregate_and_suppress_small_groups(unit, other_unit, measure,
                                                     participant_survey):
    other_measure = testing.make_measure(name="Städ")
    _responses(participant_survey, unit, measure, [5, 4, 4, 3, 2, 5])
    _responses(participant_survey, other_unit, other_measure, [1, 2])
    [(survey, questions)] = services.question_results(SurveyResponse.objects.all())
    first = questions[0]
    assert first.total.n == 8 and not first.total.suppressed
    assert first.total.mean == pytest.approx(26 / 8)
    measures = {c.label: c for c in first.groups["measure"]}
    assert measures["Jobbspår vård"].n == 6 and not measures["Jobbspår vård"].suppressed
    assert measures["Jobbspår vård"].mean == pytest.approx(23 / 6)
    assert measures["Städ"].n == 2 and measures["Städ"].suppressed
    units = {c.label: c for c in first.groups["unit"]}
    # Units partition the answers: the 2 would follow from total minus 6, so both are hidden.
    assert units["Jobbtorget"].suppressed and units["Arbetsmarknadsenheten"].suppressed


def test_results_summary_shape(unit, measure, participant_survey):
    _responses(participant_survey, unit, measure, [5, 4, 4, 3, 2])
    rows = services.results_summary(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert rows, "expected rows"
    expected_keys = {"survey", "survey_id", "audience", "question", "question_id",
                     "question_order", "kind", "group_kind", "group", "group_code", "answers",
                     "mean", "shares", "counts", "suppressed"}
    for row in rows:
        assert set(row) == expected_keys
        assert row["kind"] != "text"  # free text is never in published output
        assert row["group_kind"] in ("measure", "unit")
    by = {(r["question_order"], r["group_kind"]): r for r in rows}
    scale = by[(1, "measure")]
    assert scale["group"] == "Jobbspår vård" and scale["group_code"] == "JOBBSPAR-TEST"
    assert scale["answers"] == 5 and scale["mean"] == 3.6 and not scale["suppressed"]
    assert sum(scale["counts"].values()) == 5
    yesno = by[(4, "unit")]
    assert yesno["mean"] is None and yesno["group"] == "Arbetsmarknadsenheten"
    assert yesno["shares"] == {"Ja": 0.8, "Nej": 0.2}
    assert services.results_summary(dt.date(2024, 1, 1), dt.date(2024, 12, 31)) == []
    _responses(participant_survey, unit, testing.make_measure(name="Liten"), [3])
    small = [r for r in services.results_summary(None, None) if r["group"] == "Liten"]
    assert small and all(r["suppressed"] and r["answers"] == 1 for r in small)


def test_question_options_validated_and_answered_questions_protected(unit, measure,
                                                                     participant_survey):
    choice = SurveyQuestion(survey=participant_survey, order=9, text="Hur hittade du oss?",
                            kind=QuestionKind.CHOICE, options="Via AF")
    with pytest.raises(ValidationError) as exc:
        choice.full_clean()
    assert "minst två" in exc.value.message_dict["options"][0]
    choice.options = "Via AF\nVia socialtjänsten"
    choice.full_clean()
    choice.save()
    _responses(participant_survey, unit, measure, [4])
    choice.refresh_from_db()
    choice.options = "Via socialtjänsten\nAnnat"
    with pytest.raises(ValidationError, match="redan har svar"):
        choice.full_clean()
    answered = participant_survey.questions.get(order=1)
    answered.kind = QuestionKind.TEXT
    answered.options = ""
    with pytest.raises(ValidationError) as exc:
        answered.full_clean()
    assert "kind" in exc.value.message_dict


def test_demo_responses_go_through_the_services(unit, coach, enhetschef, measure):
    for _ in range(6):
        closed_enrolment(unit, coach, measure)
    testing.make_enrolment(unit=unit, coach=coach)  # open: not offered
    counts = services.create_demo_responses(7, answer_share=0.5, employer_invitations=4)
    assert counts["offered"] == 6 and SurveyOffer.objects.count() == 6
    assert SurveyResponse.objects.filter(audience="participant").count() == counts["answered"]
    assert counts["employer_offered"] == 4
    assert SurveyInvitation.objects.filter(used=True, enrolment__isnull=False).count() == 0
    again = services.create_demo_responses(7)
    assert again["offered"] == 0  # each closure is offered once
