"""How the person is named on the assessment pages: the protected-identity badge for staff, and
for a referrer only the person as they entered them in their referral."""

import datetime as dt

import pytest
from django.urls import reverse

from insats.accounts.models import ProtectedIdentityGrant
from insats.assessments import services
from insats.assessments.models import Instrument
from insats.core import testing

pytestmark = pytest.mark.django_db
BADGE = '<span class="badge protected">Skyddad identitet</span>'


@pytest.fixture
def instrument(db):
    return Instrument.objects.get(name="Kartläggning arbetsförmåga")


def _assess(enrolment, instrument, coach):
    answers = {q.pk: q.options.first().pk for q in instrument.questions.all()}
    return services.perform_assessment(enrolment, instrument, answers, coach,
                                       enrolment.start_date + dt.timedelta(days=5))


def test_protected_badge_on_perform_and_detail(client, unit, coach, instrument):
    person = testing.make_person(first_name="Eva", last_name="Skyddadsdotter",
                                 protected_identity=True)
    ProtectedIdentityGrant.objects.create(user=coach, person=person, reason="Ansvarig")
    enrolment = testing.make_enrolment(person, unit, coach=coach, start_date=dt.date(2024, 1, 15))
    assessment = _assess(enrolment, instrument, coach)
    client.force_login(coach)
    for url in (reverse("assessments:perform", args=[enrolment.pk]),
                reverse("assessments:detail", args=[assessment.pk])):
        html = client.get(url).content.decode()
        assert "Eva Skyddadsdotter" in html and html.count(BADGE) == 1, url


def test_a_referrer_sees_the_name_they_entered_not_the_record(client, unit, coach, remittent,
                                                               instrument):
    person = testing.make_person(first_name="Karl", last_name="Karlsson-Berg")
    referral = testing.make_referral(remittent, unit, person, referred_first_name="Kalle",
                                     referred_last_name="Karlsson")
    enrolment = testing.make_enrolment(person, unit, coach=coach, referral=referral,
                                       start_date=dt.date(2024, 1, 15))
    url = reverse("assessments:detail", args=[_assess(enrolment, instrument, coach).pk])
    client.force_login(remittent)
    html = client.get(url).content.decode()
    assert "<dd>Kalle Karlsson" in html and "Karlsson-Berg" not in html
    assert reverse("enrolments:detail", args=[enrolment.pk]) not in html
    assert reverse("referrals:mine") in html
    client.force_login(coach)
    html = client.get(url).content.decode()
    assert "<dd>Karl Karlsson-Berg" in html and "Kalle" not in html
