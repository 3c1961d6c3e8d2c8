import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from insats.accounts.models import Role
from insats.core import testing
from insats.surveys import services
from insats.surveys.models import Survey, SurveyInvitation, SurveyResponse

from .conftest import closed_enrolment
from .test_services import answers_for

pytestmark = pytest.mark.django_db


def post_answers(client, invitation, survey, **kw):
    data = {f"q{k}": v for k, v in answers_for(survey, **kw).items()}
    return client.post(reverse("surveys:public", args=[invitation.token]), data)


@pytest.fixture
def invitation(closed, coach):
    return services.offer_participant_survey(closed, coach)


def test_public_page_without_login_is_accessible_and_anonymous(client, invitation, closed):
    response = client.get(reverse("surveys:public", args=[invitation.token]))
    assert response.status_code == 200
    html = response.content.decode()
    person = closed.person
    # No name and no link back to the case (the token itself may contain any characters).
    for personal in (person.first_name + " " + person.last_name, person.last_name,
                     closed.coach.last_name, reverse("enrolments:detail", args=[closed.pk])):
        assert personal not in html
    assert "Jobbspår vård" in html  # what the survey is about, not who
    # Every closed question is a fieldset with the question as legend; radios have labels.
    radio_questions = [q for q in invitation.survey.questions.all() if q.kind != "text"]
    assert html.count("<fieldset") == len(radio_questions)
    for q in radio_questions:
        assert re.search(rf"<legend>{re.escape(q.text)}", html)
    for radio_id in re.findall(r'<input type="radio"[^>]*id="([^"]+)"', html):
        assert f'<label for="{radio_id}">' in html
    text_q = invitation.survey.questions.get(kind="text")
    assert f'<label for="id_q{text_q.pk}">' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_submit_once_then_friendly_message(client, invitation, participant_survey):
    response = post_answers(client, invitation, participant_survey)
    assert response.status_code == 302 and response["Location"] == reverse(
        "surveys:public_thanks")
    assert "Tack för dina svar" in client.get(response["Location"]).content.decode()
    again = post_answers(client, invitation, participant_survey)
    assert again.status_code == 200
    assert "Du har redan svarat" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    assert "Du har redan svarat" in client.get(
        reverse("surveys:public", args=[invitation.token])).content.decode()


def test_missing_answers_show_errors_linked_to_the_first_radio(client, invitation,
                                                                participant_survey):
    response = client.post(reverse("surveys:public", args=[invitation.token]), {})
    html = response.content.decode()
    assert response.status_code == 200 and 'class="error-summary"' in html
    first = participant_survey.questions.order_by("order").first()
    assert f'href="#id_q{first.pk}_0"' in html
    assert f'aria-describedby="id_q{first.pk}_error"' in html
    assert not SurveyResponse.objects.exists()


def test_expired_and_unknown_links(client, invitation):
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = client.get(reverse("surveys:public", args=[invitation.token]))
    assert response.status_code == 200 and "Tiden för att svara" in response.content.decode()
    missing = client.get(reverse("surveys:public", args=["finns-inte"]))
    assert missing.status_code == 404 and "Vi hittar ingen enkät" in missing.content.decode()


def test_code_entry_leads_to_the_survey(client, invitation):
    url = reverse("surveys:public_start")
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": invitation.code.lower().replace("-", "")})
    assert response["Location"] == reverse("surveys:public", args=[invitation.token])
    wrong = client.post(url, {"code": "AAAA-AAAA"})
    assert "Vi hittar ingen enkät" in wrong.content.decode()


def test_enrolment_page_offers_the_survey(client, coach, closed):
    client.force_login(coach)
    page = client.get(reverse("enrolments:detail", args=[closed.pk])).content.decode()
    assert "Deltagarenkät" in page and "Erbjud enkät" in page
    response = client.post(reverse("surveys:offer", args=[closed.pk]), follow=True)
    invitation = SurveyInvitation.objects.get(enrolment=closed)
    html = response.content.decode()
    assert invitation.code in html and invitation.token in html
    assert "Erbjud enkät" not in html  # offered once per closure
    slip = client.get(reverse("surveys:slip", args=[closed.pk])).content.decode()
    assert invitation.code in slip and closed.person.last_name not in slip


def test_offer_for_open_enrolment_is_explained(client, coach, unit):
    enrolment = testing.make_enrolment(unit=unit, coach=coach)
    client.force_login(coach)
    page = client.get(reverse("enrolments:detail", args=[enrolment.pk])).content.decode()
    assert "Erbjud enkät" not in page
    response = client.post(reverse("surveys:offer", args=[enrolment.pk]), follow=True)
    assert "när inskrivningen är avslutad" in response.content.decode()
    assert not SurveyInvitation.objects.exists()


def test_offer_and_slip_permissions(client, closed, other_unit, remittent, controller):
    other_coach = testing.make_user(Role.COACH, other_unit)
    client.force_login(other_coach)
    assert client.post(reverse("surveys:offer", args=[closed.pk])).status_code == 404
    assert client.get(reverse("surveys:slip", args=[closed.pk])).status_code == 404
    for user in (remittent, controller):
        client.force_login(user)
        assert client.post(reverse("surveys:offer", args=[closed.pk])).status_code == 403
    assert not SurveyInvitation.objects.exists()


def test_employer_page(client, coach, samordnare, measure):
    url = reverse("surveys:employer")
    client.force_login(samordnare)
    assert client.get(url).status_code == 403
    client.force_login(coach)
    survey = services.active_surveys("employer").first()
    response = client.post(url, {"survey": survey.pk, "measure": measure.pk,
                                 "employer_name": "Förskolan Ek"}, follow=True)
    invitation = SurveyInvitation.objects.get(employer_name="Förskolan Ek")
    html = response.content.decode()
    assert invitation.code in html and "Förskolan Ek" in html
    empty = client.post(url, {"survey": survey.pk})
    assert "Ange arbetsgivarens namn" in empty.content.decode()
    assert SurveyInvitation.objects.count() == 1


def _answered(unit, measure, survey, count, text=""):
    coach = testing.make_user(Role.COACH, unit)
    for i in range(count):
        enrolment = closed_enrolment(unit, coach, measure)
        invitation = services.offer_participant_survey(enrolment, coach)
        services.submit_response(invitation.token,
                                 answers_for(survey, scale=3 + i % 3, text=text))


def test_results_page_permissions_suppression_and_free_text(
    client, unit, other_unit, measure, participant_survey, coach, enhetschef, controller,
    admin_user, remittent, samordnare,
):
    _answered(unit, measure, participant_survey, 5, text="Handledaren Kim var toppen")
    _answered(other_unit, testing.make_measure(name="Städ"), participant_survey, 2)
    url = reverse("surveys:results") + "?date_from=2025-01-01&date_to=2025-12-31"
    for user in (coach, samordnare, remittent):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(controller)
    html = client.get(url).content.decode()
    assert "Totalt" in html and "Jobbspår vård" in html
    assert "färre än 5 svar" in html  # Städ and Jobbtorget have 2 answers
    assert "Handledaren Kim" not in html  # free text never for the controller
    client.force_login(admin_user)
    assert "Handledaren Kim" not in client.get(url).content.decode()
    client.force_login(enhetschef)
    html = client.get(url).content.decode()
    assert "Handledaren Kim" in html
    assert "Jobbtorget" not in html  # an enhetschef sees their own unit's responses


def test_results_filter_errors(client, controller):
    client.force_login(controller)
    response = client.get(reverse("surveys:results"),
                          {"date_from": "2025-05-01", "date_to": "2025-01-01"})
    assert "Slutdatum kan inte vara före startdatum" in response.content.decode()


def test_admin_configures_surveys_with_inline_questions(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:surveys_survey_add")
    assert client.get(url).status_code == 200
    data = {
        "name": "Kort enkät", "audience": "participant", "active": "on", "intro": "",
        "valid_days": "14",
        "questions-TOTAL_FORMS": "1", "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0", "questions-MAX_NUM_FORMS": "1000",
        "questions-0-order": "1", "questions-0-text": "Hur hittade du oss?",
        "questions-0-kind": "choice", "questions-0-options": "Bara ett",
        "questions-0-required": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "minst två svarsalternativ" in response.content.decode()
    data["questions-0-options"] = "Via Arbetsförmedlingen\nVia socialtjänsten"
    assert client.post(url, data).status_code == 302
    survey = Survey.objects.get(name="Kort enkät")
    assert survey.questions.get().option_list == ["Via Arbetsförmedlingen", "Via socialtjänsten"]


def test_guessing_codes_is_stopped_after_ten_wrong_tries(client, invitation):
    url = reverse("surveys:public_start")
    for _ in range(10):
        assert client.post(url, {"code": "AAAA-AAAA"}).status_code == 200
    refused = client.post(url, {"code": invitation.code})  # even the right code now waits
    assert refused.status_code == 429 and "För många felaktiga koder" in refused.content.decode()
    other_address = client.post(url, {"code": invitation.code}, REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 302
