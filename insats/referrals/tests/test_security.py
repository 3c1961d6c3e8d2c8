"""Findings of the access audit: what a referrer sees of a person, the municipality border of
referrals, the suggestion the samordnare saw, and the unit's allocation routine."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from insats.accounts.models import Role
from insats.codes.models import ReferralSource
from insats.core import access, testing
from insats.enrolments.models import Enrolment
from insats.organisation.models import Municipality
from insats.persons.models import Person
from insats.referrals import services
from insats.referrals.models import AllocationRoutineChange, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def ekb(db):
    return ReferralSource.objects.get(code="EKB")


@pytest.fixture
def known_person(other_unit):
    """A person already in Insats, enrolled at another unit, with contact details."""
    person = testing.make_person(
        personnummer="199001011239", first_name="Amina", last_name="Verkligsdotter",
        address="Hemgatan 7", phone="070-1234567", email="amina@example.se",
    )
    testing.make_enrolment(person, other_unit, external_id="E-ANNAN")
    return person


@pytest.fixture
def far_unit(db):
    other_municipality = Municipality.objects.create(code="9998", name="Grannkommunen")
    return testing.make_unit("FJARRAN", name="Fjärran enhet", municipality=other_municipality)


# --- 1. A referrer sees the person only inside their own referral ---------------------------


def _send(remittent, unit, source, **person):
    data = {"personnummer": "900101-1239", "first_name": "Påhittat", "last_name": "Namn"}
    data.update(person)
    return services.create_referral(sender=remittent, unit=unit, referral_source=source,
                                    reason="Stöd mot arbete.", person_data=data)


def test_a_matched_referral_does_not_open_the_person_record(client, api, remittent, unit, ekb,
                                                            known_person):
    referral = _send(remittent, unit, ekb)
    assert referral.person == known_person
    assert (referral.referred_personnummer, referral.referred_first_name,
            referral.referred_last_name) == ("199001011239", "Påhittat", "Namn")
    assert referral.referred_birth_date == dt.date(1990, 1, 1)
    assert not access.visible_persons(remittent).exists()
    # Only the referral is theirs; the enrolment elsewhere stays out of sight.
    assert list(access.visible_referrals(remittent)) == [referral]
    assert not access.visible_enrolments(remittent).exists()

    client.force_login(remittent)
    assert client.get(reverse("persons:detail", args=[known_person.pk])).status_code == 403
    assert client.get(reverse("persons:search"), {"q": "900101-1239"}).status_code == 403
    mine = client.get(reverse("referrals:mine")).content.decode()
    assert "Påhittat Namn" in mine and "19900101-1239" in mine
    for secret in ("Verkligsdotter", "Amina", "Hemgatan", "070-1234567", "amina@example"):
        assert secret not in mine

    api.force_authenticate(remittent)
    assert api.get(f"/api/v1/persons/{known_person.pk}/").status_code == 404
    assert api.get("/api/v1/persons/", {"search": "900101-1239"}).json()["results"] == []
    body = api.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert body["person"] == {"id": None, "personnummer": "19900101-1239",
                              "first_name": "Påhittat", "last_name": "Namn",
                              "protected_identity": None}


def test_the_api_answer_to_a_new_referral_shows_only_what_was_sent(api, remittent, unit,
                                                                   known_person):
    known_person.protected_identity = True
    known_person.save()
    api.force_authenticate(remittent)
    response = api.post("/api/v1/referrals/", {
        "unit": unit.code, "personnummer": "900101-1239", "first_name": "Påhittat",
        "last_name": "Namn", "referral_source": "EKB", "reason": "Stöd mot arbete.",
    }, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["person"]["first_name"] == "Påhittat"
    # Not even whether the matched person has protected identity.
    assert response.json()["person"]["protected_identity"] is None
    assert "Verkligsdotter" not in response.content.decode()
    # ... and the referral can be followed like any other (a 404 here would tell).
    detail = api.get(f"/api/v1/referrals/{response.json()['id']}/")
    assert detail.status_code == 200 and detail.json()["person"]["first_name"] == "Påhittat"
    assert len(api.get("/api/v1/referrals/").json()["results"]) == 1


def test_staff_still_see_the_person_record_of_their_referrals(api, remittent, samordnare, unit,
                                                              ekb, known_person):
    referral = _send(remittent, unit, ekb)
    assert access.referral_person(samordnare, referral).record == known_person
    api.force_authenticate(samordnare)
    body = api.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert body["person"]["id"] == known_person.pk
    assert body["person"]["last_name"] == "Verkligsdotter"


def test_referrer_follows_status_and_plan_of_their_enrolment_only(client, remittent, unit, ekb,
                                                                  samordnare, coach,
                                                                  known_person):
    referral = _send(remittent, unit, ekb)
    enrolment = services.allocate_referral(referral, by=samordnare, coach=coach,
                                           start_date=dt.date.today())
    assert list(access.visible_enrolments(remittent)) == [enrolment]
    assert not access.visible_enrolments(remittent).filter(external_id="E-ANNAN").exists()
    client.force_login(remittent)
    html = client.get(reverse("referrals:mine")).content.decode()
    assert "Inskriven sedan" in html and str(coach) in html
    assert "Verkligsdotter" not in html


def test_a_new_person_registered_by_a_referral_is_not_opened_to_the_referrer(remittent, unit,
                                                                             ekb):
    referral = _send(remittent, unit, ekb, personnummer="8503152343", first_name="Ny")
    assert Person.objects.get(pk=referral.person_id).first_name == "Ny"
    assert not access.visible_persons(remittent).exists()
    assert str(access.referral_person(remittent, referral)) == "Ny Namn"


# --- 2. The municipality border, for the page and the API alike -----------------------------


def test_service_refuses_a_unit_in_another_municipality(remittent, far_unit, ekb):
    with pytest.raises(ValidationError) as exc:
        _send(remittent, far_unit, ekb)
    assert exc.value.message_dict["unit"] == [
        "Enheten Fjärran enhet hör inte till din kommun. Välj en mottagande enhet i din kommun."
    ]
    assert not Referral.objects.exists() and not Person.objects.exists()


def test_a_sender_without_municipality_may_send_nowhere(remittent, unit, ekb):
    remittent.municipality = None
    remittent.save()
    with pytest.raises(ValidationError) as exc:
        _send(remittent, unit, ekb)
    assert "unit" in exc.value.message_dict


def test_api_refuses_a_unit_in_another_municipality(api, remittent, far_unit):
    api.force_authenticate(remittent)
    response = api.post("/api/v1/referrals/", {
        "unit": far_unit.code, "personnummer": "900101-1239", "first_name": "A",
        "last_name": "B", "referral_source": "EKB", "reason": "Stöd.",
    }, format="json")
    assert response.status_code == 400
    assert response.json()["unit"] == ["Det finns ingen enhet med koden FJARRAN i din kommun."]
    assert not Referral.objects.exists()


def test_referral_form_offers_only_units_of_the_own_municipality(client, remittent, unit,
                                                                 far_unit):
    client.force_login(remittent)
    html = client.get(reverse("referrals:create")).content.decode()
    assert "Arbetsmarknadsenheten" in html and "Fjärran enhet" not in html


# --- 5. The suggestion the samordnare saw ---------------------------------------------------


@pytest.fixture
def two_coaches(unit):
    first = testing.make_user(Role.COACH, unit, first_name="Först", last_name="A")
    second = testing.make_user(Role.COACH, unit, first_name="Sen", last_name="B")
    testing.make_enrolment(unit=unit, coach=second)
    return first, second


def test_choosing_the_shown_suggestion_needs_no_reason_after_caseloads_change(
    remittent, samordnare, unit, two_coaches
):
    first, second = two_coaches
    referral = testing.make_referral(remittent, unit)
    shown = services.suggest_coach(referral).coach
    assert shown == first  # 0 open enrolments against 1
    # Meanwhile two enrolments go to `first`: now `second` would be suggested.
    testing.make_enrolment(unit=unit, coach=first)
    testing.make_enrolment(unit=unit, coach=first)
    assert services.suggest_coach(referral).coach == second
    services.allocate_referral(referral, by=samordnare, coach=first, shown_suggestion=shown,
                               start_date=dt.date(2024, 2, 1))
    referral.refresh_from_db()
    assert (referral.suggested_coach, referral.allocated_to) == (first, first)
    assert referral.override_reason == ""


def test_choosing_other_than_the_shown_suggestion_needs_a_reason(remittent, samordnare, unit,
                                                                 two_coaches):
    first, second = two_coaches
    referral = testing.make_referral(remittent, unit)
    with pytest.raises(ValidationError) as exc:
        services.allocate_referral(referral, by=samordnare, coach=second, shown_suggestion=first,
                                   start_date=dt.date(2024, 2, 1))
    assert exc.value.message_dict["override_reason"] == [
        "Ange skäl till att du väljer en annan konsulent än den föreslagna (Först A)."
    ]
    services.allocate_referral(referral, by=samordnare, coach=second, shown_suggestion=first,
                               override_reason="Känner personen sedan tidigare.",
                               start_date=dt.date(2024, 2, 1))
    referral.refresh_from_db()
    assert (referral.suggested_coach, referral.allocated_to) == (first, second)
    assert referral.override_reason == "Känner personen sedan tidigare."


def test_a_shown_suggestion_outside_the_unit_is_refused(remittent, samordnare, unit, other_unit,
                                                        two_coaches):
    first, _ = two_coaches
    stranger = testing.make_user(Role.COACH, other_unit)
    referral = testing.make_referral(remittent, unit)
    with pytest.raises(ValidationError) as exc:
        services.allocate_referral(referral, by=samordnare, coach=stranger,
                                   shown_suggestion=stranger, start_date=dt.date(2024, 2, 1))
    assert "suggested_coach" in exc.value.message_dict
    assert not Enrolment.objects.filter(referral=referral).exists()


def test_allocate_page_carries_the_shown_suggestion(client, remittent, samordnare, unit,
                                                    two_coaches):
    first, second = two_coaches
    referral = testing.make_referral(remittent, unit)
    client.force_login(samordnare)
    url = reverse("referrals:allocate", args=[referral.pk])
    html = client.get(url).content.decode()
    assert f'name="suggested_coach" value="{first.pk}"' in html
    testing.make_enrolment(unit=unit, coach=first)
    testing.make_enrolment(unit=unit, coach=first)
    response = client.post(url, {"coach": first.pk, "start_date": "2024-02-01",
                                 "suggested_coach": first.pk})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.suggested_coach == first and referral.allocated_to == first


def test_api_allocation_compares_with_the_suggestion_sent(api, remittent, samordnare, unit,
                                                          two_coaches):
    first, second = two_coaches
    referral = testing.make_referral(remittent, unit)
    api.force_authenticate(samordnare)
    assert api.get(f"/api/v1/referrals/{referral.pk}/suggestion/").json()["coach"] == first.pk
    testing.make_enrolment(unit=unit, coach=first)
    testing.make_enrolment(unit=unit, coach=first)
    response = api.post(f"/api/v1/referrals/{referral.pk}/allocate/",
                        {"coach": first.pk, "suggested_coach": first.pk,
                         "start_date": "2024-02-01"}, format="json")
    assert response.status_code == 201, response.json()


# --- 6. The allocation routine, edited by the unit's enhetschef ------------------------------


def test_enhetschef_edits_the_routine_with_history(client, enhetschef, samordnare, unit):
    client.force_login(enhetschef)
    url = reverse("referrals:routine")
    page = client.get(url)
    assert page.status_code == 200
    version = page.context["form"]["version"].value()
    assert version == services.routine_version("")
    response = client.post(url, {"allocation_routine": "Fördelning på tisdagsmötet.",
                                 "version": version})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.allocation_routine == "Fördelning på tisdagsmötet."
    change = AllocationRoutineChange.objects.get()
    assert (change.unit, change.changed_by, change.text) == (
        unit, enhetschef, "Fördelning på tisdagsmötet.")
    queue = client.get(reverse("referrals:queue")).content.decode()
    assert "tisdagsmötet" in queue
    assert f"Senast ändrad av {enhetschef}, {change.changed_at:%Y-%m-%d}." in queue
    assert reverse("referrals:routine") in queue
    client.force_login(samordnare)
    queue = client.get(reverse("referrals:queue")).content.decode()
    assert "Senast ändrad av" in queue and reverse("referrals:routine") not in queue
    assert client.get(url).status_code == 403


def test_a_stale_routine_form_is_refused(client, enhetschef, unit):
    unit.allocation_routine = "Gammal rutin."
    unit.save()
    client.force_login(enhetschef)
    url = reverse("referrals:routine")
    stale = client.get(url).context["form"]["version"].value()
    services.update_allocation_routine(unit, by=enhetschef, text="Ny rutin från kollega.",
                                       expected_version=stale)
    response = client.post(url, {"allocation_routine": "Min ändring.", "version": stale})
    assert response.status_code == 200
    assert "har ändrats av någon annan" in response.content.decode()
    unit.refresh_from_db()
    assert unit.allocation_routine == "Ny rutin från kollega."
    assert AllocationRoutineChange.objects.count() == 1


def test_only_own_unit_and_the_municipality_admin_may_edit(enhetschef, samordnare, coach,
                                                           admin_user, unit, other_unit,
                                                           far_unit):
    assert access.can_edit_allocation_routine(enhetschef, unit)
    assert not access.can_edit_allocation_routine(enhetschef, other_unit)
    assert not access.can_edit_allocation_routine(samordnare, unit)
    assert not access.can_edit_allocation_routine(coach, unit)
    assert set(access.editable_routine_units(admin_user)) == {unit, other_unit}
    with pytest.raises(PermissionDenied):
        services.update_allocation_routine(other_unit, by=enhetschef, text="x",
                                           expected_version=services.routine_version(""))
    with pytest.raises(PermissionDenied):
        services.update_allocation_routine(far_unit, by=admin_user, text="x",
                                           expected_version=services.routine_version(""))


def test_admin_chooses_the_unit(client, admin_user, unit, far_unit):
    client.force_login(admin_user)
    url = reverse("referrals:routine")
    html = client.get(url).content.decode()
    assert "Arbetsmarknadsenheten" in html and "Fjärran enhet" not in html
    assert client.get(url, {"enhet": far_unit.code}).status_code == 404
    response = client.post(url, {"enhet": unit.code, "allocation_routine": "Rutin.",
                                 "version": services.routine_version("")})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.allocation_routine == "Rutin."
