import pytest
from rest_framework.test import APIClient

from insats.accounts.models import Role
from insats.core import testing
from insats.enrolments.models import Enrolment
from insats.referrals.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def payload(unit, **kw):
    values = {
        "unit": unit.code, "personnummer": "900101-1239", "first_name": "Amina",
        "last_name": "Ali", "referral_source": "EKB", "reason": "Stöd mot arbete.",
    }
    values.update(kw)
    return values


def test_remittent_sends_and_sees_only_own(api, remittent, unit):
    api.force_authenticate(remittent)
    response = api.post("/api/v1/referrals/", payload(unit), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["person"]["personnummer"] == "19900101-1239"
    other = testing.make_user(Role.REMITTENT, None)
    testing.make_referral(other, unit)
    assert len(api.get("/api/v1/referrals/").json()["results"]) == 1


def test_invalid_personnummer_is_a_swedish_field_error(api, remittent, unit):
    api.force_authenticate(remittent)
    response = api.post("/api/v1/referrals/", payload(unit, personnummer="900101-1234"))
    assert response.status_code == 400
    assert response.json()["personnummer"] == ["Personnumrets kontrollsiffra stämmer inte."]
    assert not Referral.objects.exists()


def test_coach_and_controller_may_not_send(api, coach, controller, unit):
    for user in (coach, controller):
        api.force_authenticate(user)
        assert api.post("/api/v1/referrals/", payload(unit)).status_code == 403
    api.force_authenticate(controller)
    assert api.get("/api/v1/referrals/").json()["results"] == []


def test_suggestion_and_allocation(api, samordnare, coach, remittent, unit):
    referral = testing.make_referral(remittent, unit)
    api.force_authenticate(samordnare)
    body = api.get(f"/api/v1/referrals/{referral.pk}/suggestion/").json()
    assert body["coach"] == coach.pk
    assert body["candidates"][0]["open_enrolments"] == 0
    url = f"/api/v1/referrals/{referral.pk}/allocate/"
    response = api.post(url, {"coach": coach.pk, "start_date": "2024-02-01"})
    assert response.status_code == 201
    assert response.json()["referral"] == referral.pk
    response = api.post(url, {"coach": coach.pk})
    assert response.status_code == 400
    assert Enrolment.objects.filter(referral=referral).count() == 1


def test_coach_may_not_allocate(api, coach, remittent, unit):
    referral = testing.make_referral(remittent, unit)
    api.force_authenticate(coach)
    assert api.get(f"/api/v1/referrals/{referral.pk}/suggestion/").status_code == 403
    response = api.post(f"/api/v1/referrals/{referral.pk}/allocate/", {"coach": coach.pk})
    assert response.status_code == 403


def test_reject_action(api, samordnare, remittent, unit):
    referral = testing.make_referral(remittent, unit)
    api.force_authenticate(samordnare)
    url = f"/api/v1/referrals/{referral.pk}/reject/"
    assert api.post(url, {"rejection_reason": ""}).status_code == 400
    response = api.post(url, {"rejection_reason": "Fel enhet"})
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["rejection_reason"] == "Fel enhet"
