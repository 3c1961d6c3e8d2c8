"""Double submits: a form's one-time token succeeds once; writes and token commit together."""

import re

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponseRedirect, HttpResponseServerError
from django.urls import reverse

from insats.core import testing
from insats.core.models import FormSubmission
from insats.core.submit_once import FIELD, SubmitOnceMiddleware
from insats.enrolments.models import CaseNote

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolment(unit, coach):
    return testing.make_enrolment(unit=unit, coach=coach)


def token_on(client, url: str) -> str:
    html = client.get(url).content.decode()
    tokens = re.findall(rf'name="{FIELD}" value="([^"]+)"', html)
    assert tokens, "every POST form carries a submit token"
    return tokens[0]


def test_every_rendered_post_form_gets_its_own_token(client, coach, enrolment):
    client.force_login(coach)
    url = reverse("enrolments:detail", args=[enrolment.pk])
    html = client.get(url).content.decode()
    forms = html.count('name="csrfmiddlewaretoken"')
    tokens = re.findall(rf'name="{FIELD}" value="([^"]+)"', html)
    assert forms >= 1 and len(tokens) == forms
    assert len(set(tokens)) == len(tokens)
    assert token_on(client, url) not in tokens  # a new render, a new token


def test_second_submit_of_the_same_form_writes_nothing(client, coach, enrolment):
    client.force_login(coach)
    detail = reverse("enrolments:detail", args=[enrolment.pk])
    token = token_on(client, detail)
    url = reverse("enrolments:add_note", args=[enrolment.pk])
    first = client.post(url, {"text": "Samtal om praktik", FIELD: token})
    assert first.status_code == 302
    again = client.post(url, {"text": "Samtal om praktik", FIELD: token})
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert CaseNote.objects.filter(enrolment=enrolment).count() == 1
    page = client.get(again["Location"]).content.decode()
    assert "Formuläret var redan skickat. Inget har sparats en gång till." in page
    # A fresh render of the form may of course be sent again.
    client.post(url, {"text": "Nästa samtal", FIELD: token_on(client, detail)})
    assert CaseNote.objects.filter(enrolment=enrolment).count() == 2


def test_form_with_errors_keeps_its_token_usable(client, coach, enrolment):
    client.force_login(coach)
    token = token_on(client, reverse("enrolments:detail", args=[enrolment.pk]))
    url = reverse("enrolments:add_note", args=[enrolment.pk])
    assert client.post(url, {"text": "", FIELD: token}).status_code == 400
    assert not FormSubmission.objects.exists()
    assert client.post(url, {"text": "Rättad", FIELD: token}).status_code == 302
    assert CaseNote.objects.get(enrolment=enrolment).text == "Rättad"


def test_htmx_form_is_protected_too(client, coach, enrolment):
    client.force_login(coach)
    detail = reverse("enrolments:detail", args=[enrolment.pk])
    token = token_on(client, detail)
    url = reverse("enrolments:add_note", args=[enrolment.pk])
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver" + detail}
    assert client.post(url, {"text": "Via htmx", FIELD: token}, **headers).status_code == 200
    again = client.post(url, {"text": "Via htmx", FIELD: token}, **headers)
    assert again["HX-Redirect"] == "http://testserver" + detail
    assert CaseNote.objects.filter(enrolment=enrolment).count() == 1


def test_foreign_current_url_is_not_followed(client, coach, enrolment):
    client.force_login(coach)
    token = token_on(client, reverse("enrolments:detail", args=[enrolment.pk]))
    url = reverse("enrolments:add_note", args=[enrolment.pk])
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "https://evil.example/"}
    client.post(url, {"text": "x", FIELD: token}, **headers)
    assert FormSubmission.objects.get(token=token).location == url


def test_server_error_rolls_the_writes_back(rf, coach, enrolment):
    """A view that wrote and then failed leaves nothing behind (no partial writes)."""

    def view_that_fails_after_writing(request):
        CaseNote.objects.create(enrolment=enrolment, author=coach, text="halv")
        return HttpResponseServerError()

    request = rf.post("/inskrivningar/", {FIELD: "t" * 32})
    request.user = coach
    response = SubmitOnceMiddleware(view_that_fails_after_writing)(request)
    assert response.status_code == 500
    assert not CaseNote.objects.exists()
    assert not FormSubmission.objects.exists()


def test_requests_without_token_pass_through(client, coach, enrolment):
    client.force_login(coach)
    url = reverse("enrolments:add_note", args=[enrolment.pk])
    client.post(url, {"text": "a"})
    client.post(url, {"text": "a"})
    assert CaseNote.objects.count() == 2  # API-style clients decide for themselves
    assert not FormSubmission.objects.exists()


def test_a_form_sent_from_an_ended_session_can_be_sent_again_after_signing_in(
    client, coach, enrolment
):
    client.force_login(coach)
    token = token_on(client, reverse("enrolments:detail", args=[enrolment.pk]))
    client.logout()  # the session ended (another tab, idle time-out)
    url = reverse("enrolments:add_note", args=[enrolment.pk])
    response = client.post(url, {"text": "Viktigt samtal", FIELD: token})
    assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]
    assert not FormSubmission.objects.exists()
    client.force_login(coach)
    assert client.post(url, {"text": "Viktigt samtal", FIELD: token}).status_code == 302
    assert CaseNote.objects.get(enrolment=enrolment).text == "Viktigt samtal"


def test_the_loser_of_a_double_submit_race_logs_no_change(rf, coach, enrolment):
    """Two requests with one token at once: the other committed first, so this one's writes
    are rolled back and its change entries must not reach the access log."""
    from insats.audit import services as audit

    token = "r" * 32

    def view_racing_the_other_request(request):
        CaseNote.objects.create(enrolment=enrolment, author=coach, text="dubbel")
        entries = getattr(request, audit.PENDING_ATTR)
        entries.append(audit.Pending(audit.Action.CREATE, "casenote", 1))
        entries.append(audit.Pending(audit.Action.READ, "enrolment", 1))
        # The other request's token (in a real race committed meanwhile by another request).
        FormSubmission.objects.create(token=token, path="/", location="/klar/")
        return HttpResponseRedirect("/klar/")

    request = rf.post("/inskrivningar/", {FIELD: token})
    request.user = coach
    request.session = {}
    request._messages = FallbackStorage(request)
    token_of_request = audit.begin(request)
    try:
        response = SubmitOnceMiddleware(view_racing_the_other_request)(request)
    finally:
        audit.current_request.reset(token_of_request)  # no request leaks into other tests
    assert response.status_code == 302
    assert not CaseNote.objects.filter(text="dubbel").exists()
    assert [e.action for e in getattr(request, audit.PENDING_ATTR)] == [audit.Action.READ]
