import datetime as dt

import pytest
from django.urls import reverse

from insats.accounts.models import Role, Tag
from insats.core import testing
from insats.enrolments.models import Enrolment
from insats.plans.models import ActionPlan, Goal
from insats.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_queue_shows_waiting_referrals_and_the_allocation_routine(
    client, samordnare, remittent, unit, other_unit
):
    unit.allocation_routine = "Fördelning sker på tisdagsmötet efter arbetsbelastning."
    unit.save()
    person = testing.make_person(first_name="Väntande", last_name="Person")
    testing.make_referral(remittent, unit, person=person)
    testing.make_referral(remittent, other_unit, person=testing.make_person(first_name="Annan"))
    client.force_login(samordnare)
    html = client.get(reverse("referrals:queue")).content.decode()
    assert "Väntande Person" in html
    assert "Annan" not in html
    assert "tisdagsmötet" in html


def test_queue_is_for_samordnare_and_chef_only(client, coach, remittent, controller):
    for user in (coach, remittent, controller):
        client.force_login(user)
        assert client.get(reverse("referrals:queue")).status_code == 403


def test_allocate_page_shows_reasoning_and_allocates(client, samordnare, remittent, unit, coach):
    referral = testing.make_referral(remittent, unit)
    client.force_login(samordnare)
    html = client.get(reverse("referrals:allocate", args=[referral.pk])).content.decode()
    assert "föreslås" in html
    assert "Föreslagen" in html
    response = client.post(
        reverse("referrals:allocate", args=[referral.pk]),
        {"coach": coach.pk, "start_date": "2024-02-01", "override_reason": ""},
    )
    assert response.status_code == 302
    assert Enrolment.objects.get(referral=referral).coach == coach
    # A second submit of the same form is turned away without a second enrolment.
    response = client.post(
        reverse("referrals:allocate", args=[referral.pk]),
        {"coach": coach.pk, "start_date": "2024-02-01"},
    )
    assert response.status_code == 302
    assert Enrolment.objects.filter(referral=referral).count() == 1


def test_override_without_reason_is_a_swedish_form_error(
    client, samordnare, remittent, unit, coach
):
    other = testing.make_user(Role.COACH, unit)
    testing.make_enrolment(unit=unit, coach=other)
    referral = testing.make_referral(remittent, unit)
    client.force_login(samordnare)
    response = client.post(
        reverse("referrals:allocate", args=[referral.pk]),
        {"coach": other.pk, "start_date": "2024-02-01"},
    )
    html = response.content.decode()
    assert "Skäl till avsteg från förslaget: Ange skäl" in html
    assert not Enrolment.objects.filter(referral=referral).exists()


def test_other_units_referral_is_404(client, samordnare, remittent, other_unit):
    referral = testing.make_referral(remittent, other_unit)
    client.force_login(samordnare)
    assert client.get(reverse("referrals:allocate", args=[referral.pk])).status_code == 404


def test_remittent_sends_a_referral(client, remittent, unit):
    tag = Tag.objects.create(kind=Tag.Kind.LANGUAGE, name="Somaliska")
    client.force_login(remittent)
    assert client.get(reverse("referrals:create")).status_code == 200
    response = client.post(
        reverse("referrals:create"),
        {
            "unit": unit.pk, "personnummer": "900101-1239", "first_name": "Amina",
            "last_name": "Ali", "referral_source": "EKB", "reason": "Behöver stöd.",
            "wanted_tags": [tag.pk],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:mine")
    referral = Referral.objects.get()
    assert referral.sender == remittent and referral.received_date == dt.date.today()
    assert list(referral.wanted_tags.all()) == [tag]


def test_referral_form_errors_name_the_field(client, remittent, unit):
    client.force_login(remittent)
    response = client.post(
        reverse("referrals:create"),
        {"unit": unit.pk, "personnummer": "900101-1234", "first_name": "A", "last_name": "B",
         "referral_source": "EKB", "reason": "x"},
    )
    assert "Personnummer eller samordningsnummer: Personnumrets kontrollsiffra" in (
        response.content.decode()
    )
    assert not Referral.objects.exists()


def test_referrer_sees_only_own_referrals_and_shared_plan(client, remittent, unit, coach):
    other_sender = testing.make_user(Role.REMITTENT, None)
    shared = testing.make_referral(remittent, unit, person=testing.make_person(first_name="Delad"))
    hidden = testing.make_referral(remittent, unit, person=testing.make_person(first_name="Dold"))
    testing.make_referral(other_sender, unit, person=testing.make_person(first_name="Främmande"))
    for referral, share in ((shared, True), (hidden, False)):
        referral.status = Referral.Status.ALLOCATED
        referral.save()
        enrolment = testing.make_enrolment(
            person=referral.person, unit=unit, referral=referral, coach=coach
        )
        plan = ActionPlan.objects.create(
            enrolment=enrolment, established_on=dt.date(2024, 2, 1),
            next_followup_on=dt.date(2024, 5, 1), shared_with_referrer=share,
        )
        Goal.objects.create(plan=plan, text=f"Mål för {referral.person.first_name}")
    client.force_login(remittent)
    html = client.get(reverse("referrals:mine")).content.decode()
    assert "Delad" in html and "Dold" in html
    assert "Främmande" not in html
    assert "Mål för Delad" in html
    assert "Mål för Dold" not in html
    assert "Planen är inte delad med dig." in html
    assert str(coach) in html


def test_home_panels_for_samordnare_and_remittent(client, samordnare, remittent, unit):
    testing.make_referral(remittent, unit)
    client.force_login(samordnare)
    html = client.get(reverse("core:home")).content.decode()
    assert "1 remiss väntar på fördelning." in html
    client.force_login(remittent)
    html = client.get(reverse("core:home")).content.decode()
    assert "Mina remisser" in html and "Inkommen" in html


def test_rejected_referral_shows_the_reason_to_the_referrer(client, samordnare, remittent, unit):
    referral = testing.make_referral(remittent, unit)
    client.force_login(samordnare)
    url = reverse("referrals:reject", args=[referral.pk])
    response = client.post(url, {"rejection_reason": ""})
    assert "Skäl till avvisning: Det här fältet är obligatoriskt." in response.content.decode()
    assert client.post(url, {"rejection_reason": "Hör till Jobbtorget"}).status_code == 302
    client.force_login(remittent)
    html = client.get(reverse("referrals:mine")).content.decode()
    assert "Avvisad" in html and "Hör till Jobbtorget" in html
