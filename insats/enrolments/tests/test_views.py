import datetime as dt

import pytest
from django.urls import reverse

from insats.core import testing
from insats.enrolments.models import CaseNote, Enrolment, ThreePartyMeeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolment(unit, coach):
    person = testing.make_person(first_name="Amina", last_name="Ali", personnummer="199001011239")
    return testing.make_enrolment(person=person, unit=unit, coach=coach)


def test_caseload_shows_own_by_default_and_unit_on_request(client, coach, unit, enrolment):
    colleagues = testing.make_enrolment(unit=unit, person=testing.make_person(first_name="Kollega"))
    client.force_login(coach)
    html = client.get(reverse("enrolments:caseload")).content.decode()
    assert "Amina Ali" in html and "19900101-1239" in html
    assert "Kollega" not in html
    html = client.get(reverse("enrolments:caseload"), {"omfattning": "enhet"}).content.decode()
    assert "Kollega" in html
    assert colleagues.person.display_personnummer in html or "–" in html


def test_caseload_marks_protected_identity(client, unit):
    chef = testing.make_user("enhetschef", unit, may_see_protected_identity=True)
    testing.make_enrolment(unit=unit, person=testing.make_person(protected_identity=True))
    client.force_login(chef)
    assert "Skyddad identitet" in client.get(reverse("enrolments:caseload")).content.decode()


def test_caseload_is_one_query_for_the_rows(client, coach, unit, django_assert_max_num_queries):
    for _ in range(5):
        testing.make_enrolment(unit=unit, coach=coach)
    client.force_login(coach)
    # session, user, count, rows, coaches for the filter, the access log (protected-identity
    # check, own persons, one bulk insert), session save: a constant, never a query per row.
    with django_assert_max_num_queries(11):
        client.get(reverse("enrolments:caseload"))
    for _ in range(10):
        testing.make_enrolment(unit=unit, coach=coach)
    with django_assert_max_num_queries(11):
        client.get(reverse("enrolments:caseload"))


def test_caseload_paginates_fifty_per_page(client, coach, unit):
    person = testing.make_person()
    for i in range(51):
        testing.make_enrolment(unit=unit, coach=coach, person=person,
                               start_date=dt.date(2020, 1, 1) + dt.timedelta(days=i))
    client.force_login(coach)
    html = client.get(reverse("enrolments:caseload")).content.decode()
    assert "Sida 1 av 2" in html
    assert "2020-01-01" not in html
    assert "2020-01-01" in client.get(reverse("enrolments:caseload"), {"sida": 2}).content.decode()


def test_detail_renders_for_unit_roles(client, coach, samordnare, enhetschef, enrolment):
    for user in (coach, samordnare, enhetschef):
        client.force_login(user)
        response = client.get(reverse("enrolments:detail", args=[enrolment.pk]))
        assert response.status_code == 200
        assert "Trepartssamtal" in response.content.decode()


def test_other_units_coach_gets_404(client, other_unit, enrolment):
    stranger = testing.make_user("coach", other_unit)
    client.force_login(stranger)
    assert client.get(reverse("enrolments:detail", args=[enrolment.pk])).status_code == 404
    assert client.get(reverse("enrolments:close", args=[enrolment.pk])).status_code == 404


def test_controller_and_remittent_see_no_case_pages(client, controller, remittent, enrolment):
    for user in (controller, remittent):
        client.force_login(user)
        assert client.get(reverse("enrolments:caseload")).status_code == 403
        assert client.get(reverse("enrolments:detail", args=[enrolment.pk])).status_code == 403


def test_notes_and_meetings_are_added(client, coach, enrolment):
    client.force_login(coach)
    response = client.post(reverse("enrolments:add_note", args=[enrolment.pk]), {"text": "Bra"})
    assert response.status_code == 302
    response = client.post(
        reverse("enrolments:add_meeting", args=[enrolment.pk]),
        {"date": "2024-02-01", "participants": "Amina, konsulent, socialsekreterare"},
    )
    assert response.status_code == 302
    assert CaseNote.objects.get().text == "Bra"
    assert ThreePartyMeeting.objects.get().participants.startswith("Amina")
    response = client.post(reverse("enrolments:add_note", args=[enrolment.pk]), {"text": ""})
    assert response.status_code == 400
    assert "Ny journalanteckning: Det här fältet är obligatoriskt." in response.content.decode()


def test_colleague_may_read_but_not_write(client, unit, enrolment):
    colleague = testing.make_user("coach", unit)
    client.force_login(colleague)
    html = client.get(reverse("enrolments:detail", args=[enrolment.pk])).content.decode()
    assert "Spara anteckning" not in html
    response = client.post(reverse("enrolments:add_note", args=[enrolment.pk]), {"text": "x"})
    assert response.status_code == 403


def test_close_page_shows_each_definition_where_it_is_chosen(client, coach, enrolment):
    client.force_login(coach)
    html = client.get(reverse("enrolments:close", args=[enrolment.pk])).content.decode()
    assert 'aria-describedby="reason_ARBETE_UTAN_STOD_def"' in html
    assert 'id="reason_ARBETE_UTAN_STOD_def"' in html
    assert "utan lönesubvention, minst 1 månad planerad" in html


def test_close_and_stale_version_via_form(client, coach, enhetschef, enrolment):
    client.force_login(coach)
    url = reverse("enrolments:close", args=[enrolment.pk])
    response = client.post(
        url, {"version": 1, "closure_reason": "OVRIGT", "end_date": "2024-06-01"}
    )
    assert "Kommentar till avslut: Avslutsorsaken Övrigt ska kommenteras" in (
        response.content.decode()
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(version=2)
    response = client.post(
        url, {"version": 1, "closure_reason": "ARBETE_UTAN_STOD", "end_date": "2024-06-01"}
    )
    assert "har ändrats av någon annan" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.end_date is None
    response = client.post(
        url, {"version": 2, "closure_reason": "ARBETE_UTAN_STOD", "end_date": "2024-06-01"}
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.end_date == dt.date(2024, 6, 1)


def test_reopen_page_only_for_enhetschef(client, coach, enhetschef, unit):
    closed = testing.make_enrolment(unit=unit, coach=coach, end_date=dt.date(2024, 3, 1),
                                    closure_reason="AVBROTT")
    url = reverse("enrolments:reopen", args=[closed.pk])
    client.force_login(coach)
    assert client.get(url).status_code == 403
    client.force_login(enhetschef)
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": closed.version, "reason": "Fel orsak"})
    assert response.status_code == 302
    closed.refresh_from_db()
    assert closed.end_date is None and closed.reopenings.get().reason == "Fel orsak"


def test_followup_page_and_coach_panel(client, coach, unit):
    closed = testing.make_enrolment(unit=unit, coach=coach, end_date=dt.date(2024, 1, 31),
                                    closure_reason="AVBROTT")
    client.force_login(coach)
    html = client.get(reverse("core:home")).content.decode()
    assert "Mitt ärendeläge" in html
    assert "3 månader, skulle göras 2024-04-30" in html
    url = reverse("enrolments:followup", args=[closed.pk])
    assert "Att göra" in client.get(url).content.decode()
    response = client.post(url, {"months_after": 3, "status": "ARBETE",
                                 "followup_date": "2024-05-02"})
    assert response.status_code == 302
    assert closed.followups.get().status_id == "ARBETE"


def test_edit_form_is_optimistically_locked(client, samordnare, coach, enrolment):
    client.force_login(samordnare)
    url = reverse("enrolments:edit", args=[enrolment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": 1, "coach": coach.pk, "need_category": "AM3"})
    assert response.status_code == 302
    response = client.post(url, {"version": 1, "coach": coach.pk, "need_category": "AM1"})
    assert "har ändrats av någon annan" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.need_category == "AM3"


def test_note_with_htmx_returns_the_journal_section(client, coach, enrolment):
    client.force_login(coach)
    url = reverse("enrolments:add_note", args=[enrolment.pk])
    response = client.post(url, {"text": "Via htmx"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Via htmx" in html and "Anteckningen är sparad." in html
    response = client.post(url, {"text": ""}, HTTP_HX_REQUEST="true")
    assert "Det här fältet är obligatoriskt." in response.content.decode()
    assert CaseNote.objects.count() == 1
