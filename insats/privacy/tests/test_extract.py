"""Registerutdrag (GDPR art. 15): complete, protected addresses, who may make one, logged, and
the PDF renders with the person's data in it."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from insats.accounts.models import ProtectedIdentityGrant, Role
from insats.audit import services as audit
from insats.audit.models import AccessLogEntry, Action
from insats.core import testing
from insats.privacy import extract

from .builders import full_case

pytestmark = pytest.mark.django_db
URL = "/integritet/registerutdrag/"


@pytest.fixture
def case(unit, coach):
    first = full_case(unit, coach)
    first.person.personnummer = "199002142389"
    first.person.save()
    second = full_case(unit, coach, person=first.person, start="2021-02-01", end=None,
                       tag=" (andra)")
    ProtectedIdentityGrant.objects.create(user=coach, person=first.person,
                                          reason="Ansvarig konsulent")
    audit.log_access(coach, Action.READ, person=first.person)
    return first, second


def _post(client, user, person, fmt="json", reason=""):
    client.force_login(user)
    return client.post(URL, {"person": str(person), "format": fmt, "reason": reason})


def test_the_url_is_the_named_route():
    assert reverse("privacy:extract") == URL


def test_json_extract_holds_everything_on_the_person(client, enhetschef, coach, case):
    first, second = case
    response = _post(client, enhetschef, first.person.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == (
        f'attachment; filename="registerutdrag-{first.person.pk}-{dt.date.today()}.json"')
    data = json.loads(response.content)
    assert data["format_version"] == 1
    assert data["generated_by"] == "Enhetschef " + enhetschef.last_name
    person = data["person"]
    assert {k: person[k] for k in ("personnummer", "first_name", "last_name", "birth_date",
                                   "gender", "address", "phone", "email", "language",
                                   "municipality_code", "born_abroad", "newly_arrived",
                                   "protected_identity")} == {
        "personnummer": "19900214-2389", "first_name": "Amira", "last_name": "Registersson",
        "birth_date": "1990-02-14", "gender": "Kvinna", "address": "Storgatan 1, 123 45 Orten",
        "phone": "070-1234567", "email": "amira@example.se", "language": "arabiska",
        "municipality_code": "0183", "born_abroad": True, "newly_arrived": False,
        "protected_identity": None,  # not known
    }
    # Both enrolments, in start order, each with its whole case file.
    closed, open_ = data["enrolments"]
    assert (closed["start_date"], closed["end_date"]) == ("2019-03-01", "2019-12-31")
    assert (open_["start_date"], open_["end_date"]) == ("2021-02-01", None)
    assert closed["unit"] == "Arbetsmarknadsenheten"
    assert closed["closure_note"] == "Fick jobb på lagret."
    assert closed["closure_reason"].startswith("Arbete utan subvention")
    assert [m["notes"] for m in closed["meetings"]] == ["Trepartssamtal om mål"]
    assert [n["text"] for n in closed["case_notes"]] == ["Journalanteckning om hälsan"]
    assert [n["text"] for n in open_["case_notes"]] == ["Journalanteckning om hälsan (andra)"]
    assert [r["reason"] for r in closed["reopenings"]] == ["Avslutad av misstag"]
    assert [(f["months_after"], f["followup_date"]) for f in closed["followups"]] == [
        (6, "2020-07-01")]
    (assessment,) = closed["assessments"]
    assert (assessment["instrument"], assessment["total_score"], assessment["need_category"],
            assessment["comment"]) == ("Testinstrument", 4, "AM2", "Kartläggningskommentar")
    assert assessment["answers"] == [
        {"question": "Hur ser din vardag ut?", "answer": "Bra", "score": 1},
        {"question": "Har du arbetat tidigare?", "answer": "Svårt", "score": 3},
    ]
    plan = closed["plan"]
    assert plan["summary"] == "Planens övergripande mål"
    assert plan["established_on"] == "2019-03-21"
    assert [(g["text"], g["due_on"], [s["text"] for s in g["subgoals"]])
            for g in plan["goals"]] == [("Praktik inom lager", "2019-05-30", ["Truckkort"])]
    assert plan["goals"][0]["subgoals"][0]["achieved"] is True
    assert [f["note"] for f in plan["followups"]] == ["Uppföljning av planen"]
    (placement,) = closed["placements"]
    assert (placement["workplace"], placement["supervisor"], Decimal(placement["hours"])) == (
        "Lagret AB", "Handledare Hansson", Decimal("16.5"))  # 10 reported + 6.5 attended
    assert [(a["date"], Decimal(a["hours"]), a["absence_reason"])
            for a in placement["attendance"]] == [
        ("2019-04-01", Decimal("6.5"), ""), ("2019-04-02", Decimal(0), "Sjuk")]
    assert [(r["received_date"], r["reason"], r["attachments"], r["status"])
            for r in data["referrals"]] == [
        ("2019-02-19", "Behöver stöd mot arbete.", "Utredning bifogad", "Fördelad"),
        ("2021-01-22", "Behöver stöd mot arbete (andra).", "Utredning bifogad (andra)",
         "Fördelad"),
    ]
    assert (data["referrals"][0]["referred_first_name"],
            data["referrals"][0]["referred_last_name"],
            data["referrals"][0]["referred_birth_date"]) == ("Amira", "Registersson",
                                                             "1990-02-14")
    assert [(g["user"], g["reason"]) for g in data["protected_identity_grants"]] == [
        ("Coach " + coach.last_name, "Ansvarig konsulent")]
    # Who has read the data: the coach's read before the extract was made.
    assert [(e["user"], e["action"], e["object"]) for e in data["access_log"]] == [
        ("coach", "Läst", f"person {first.person.pk}")]


def test_making_the_extract_is_logged(client, enhetschef, case):
    first, _second = case
    _post(client, enhetschef, first.person.pk)
    entry = AccessLogEntry.objects.get(action=Action.EXTRACT)
    assert (entry.username, entry.person_id, entry.object_type, entry.path, entry.method) == (
        "chef", first.person.pk, "extract", URL, "POST")
    # The next extract lists the first one among the accesses.
    data = json.loads(_post(client, enhetschef, first.person.pk).content)
    assert [e["action"] for e in data["access_log"]] == ["Läst", "Registerutdrag"]


@pytest.mark.parametrize("role", [Role.COACH, Role.SAMORDNARE, Role.CONTROLLER,
                                  Role.REMITTENT])
def test_other_roles_may_not_make_an_extract(client, unit, case, role):
    first, _second = case
    user = testing.make_user(role, unit if role in (Role.COACH, Role.SAMORDNARE) else None)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert _post(client, user, first.person.pk).status_code == 403
    assert not AccessLogEntry.objects.filter(action=Action.EXTRACT).exists()


def test_anonymous_users_are_sent_to_sign_in(client, case):
    response = client.post(URL, {"person": str(case[0].person.pk), "format": "json"})
    assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]


def test_an_enhetschef_of_another_unit_finds_nobody(client, other_unit, case):
    first, _second = case
    chef = testing.make_user(Role.ENHETSCHEF, other_unit)
    response = _post(client, chef, first.person.pk)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Det finns ingen person med det id:t" in html and "Registersson" not in html
    # By personnummer as well.
    response = _post(client, chef, "19900214-2389")
    assert "Det finns ingen person med det id:t" in response.content.decode()
    assert not AccessLogEntry.objects.filter(action=Action.EXTRACT).exists()


def test_finding_the_person_by_personnummer(client, enhetschef, case):
    response = _post(client, enhetschef, "19900214-2389")
    assert json.loads(response.content)["person"]["id"] == case[0].person.pk


def test_an_administrator_must_give_a_reason(client, admin_user, case):
    first, _second = case
    response = _post(client, admin_user, first.person.pk)
    assert response["Content-Type"].startswith("text/html")
    assert "Ange skälet till registerutdraget." in response.content.decode()
    assert not AccessLogEntry.objects.filter(action=Action.EXTRACT).exists()
    response = _post(client, admin_user, first.person.pk, reason="Begäran 2026-03-02, dnr 12")
    data = json.loads(response.content)
    assert data["reason"] == "Begäran 2026-03-02, dnr 12"
    entry = AccessLogEntry.objects.get(action=Action.EXTRACT)
    assert (entry.username, entry.reason) == ("admin", "Begäran 2026-03-02, dnr 12")


def test_protected_address_is_in_the_extract_for_those_who_may_make_it(client, unit, coach,
                                                                      enhetschef, admin_user):
    case = full_case(unit, coach)
    person = case.person
    person.protected_identity = True
    person.address = "Hemlig väg 7"
    person.save()
    # The unit's chief without a grant does not see the person at all.
    response = _post(client, enhetschef, person.pk)
    assert "Det finns ingen person med det id:t" in response.content.decode()
    assert "Hemlig väg 7" not in response.content.decode()
    # With a grant the extract is made, with the address (it is for the data subject).
    ProtectedIdentityGrant.objects.create(user=enhetschef, person=person, reason="Utdrag")
    data = json.loads(_post(client, enhetschef, person.pk).content)
    assert (data["person"]["protected_identity"], data["person"]["address"]) == (
        True, "Hemlig väg 7")
    entry = AccessLogEntry.objects.get(action=Action.EXTRACT)
    assert entry.protected_person is True
    data = json.loads(_post(client, admin_user, person.pk, reason="Begäran").content)
    assert data["person"]["address"] == "Hemlig väg 7"


def _pdf_text_and_pages(content: bytes) -> tuple[str, list]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(content)
    texts, images = [], []
    for index in range(len(pdf)):
        page = pdf[index]
        width, height = page.get_size()
        assert abs(width - 595.28) < 0.5 and abs(height - 841.89) < 0.5  # A4 in points
        texts.append(page.get_textpage().get_text_bounded())
        images.append(page.render(scale=1).to_pil())
    return "\n".join(texts), images


def test_the_pdf_extract_renders_with_the_persons_data(client, enhetschef, case):
    first, _second = case
    response = _post(client, enhetschef, first.person.pk, fmt="pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith(f'-{dt.date.today()}.pdf"')
    assert response.content.startswith(b"%PDF-")
    text, images = _pdf_text_and_pages(response.content)
    flat = " ".join(text.split())
    for expected in ("Registerutdrag", "Amira Registersson", "19900214-2389",
                     "Storgatan 1, 123 45 Orten", "Journalanteckning om hälsan",
                     "Journalanteckning om hälsan (andra)", "Trepartssamtal om mål",
                     "Kartläggning Testinstrument 2019-03-08", "Praktik inom lager",
                     "Truckkort", "Lagret AB", "Behöver stöd mot arbete.",
                     "Vilka som har läst eller ändrat uppgifterna", "coach"):
        assert expected in flat, expected
    assert f"1 / {len(images)}" in flat  # the page footer
    # Every page has ink on it.
    for image in images:
        grey = image.convert("L")
        assert grey.getextrema()[0] < 100
    buffer = io.BytesIO()
    images[0].save(buffer, format="PNG")
    assert buffer.tell() > 1000


def test_collect_and_as_json_outside_a_request(enhetschef, case):
    first, _second = case
    data = extract.produce(enhetschef, first.person, reason="")
    decoded = json.loads(extract.as_json(data))
    assert decoded["person"]["first_name"] == "Amira"
    assert len(decoded["enrolments"]) == 2
    # Logged at once (no request), so it is already in the log.
    assert AccessLogEntry.objects.filter(action=Action.EXTRACT, person_id=first.person.pk,
                                         username="chef", path="").count() == 1
