"""How the person is named on the placement and attendance pages: the protected-identity badge
for staff, and for a referrer only the person as they entered them in their referral."""

import datetime as dt

import pytest
from django.urls import reverse

from insats.accounts.models import ProtectedIdentityGrant
from insats.core import testing
from insats.measures.models import Attendance

pytestmark = pytest.mark.django_db
BADGE = '<span class="badge protected">Skyddad identitet</span>'


@pytest.fixture
def protected_case(unit, coach):
    person = testing.make_person(first_name="Eva", last_name="Skyddadsdotter",
                                 protected_identity=True)
    ProtectedIdentityGrant.objects.create(user=coach, person=person, reason="Ansvarig")
    enrolment = testing.make_enrolment(person, unit, coach=coach, start_date=dt.date(2024, 1, 15))
    placement = testing.make_placement(enrolment, start_date=dt.date(2024, 2, 1))
    return enrolment, placement


@pytest.mark.parametrize("page", ["placement_end", "placement_attendance", "placement_create"])
def test_single_person_pages_show_the_protected_badge(client, coach, protected_case, page):
    enrolment, placement = protected_case
    client.force_login(coach)
    arg = enrolment.pk if page == "placement_create" else placement.pk
    html = client.get(reverse(f"measures:{page}", args=[arg])).content.decode()
    assert "Eva Skyddadsdotter" in html
    assert html.count(BADGE) == 1


def test_no_badge_for_a_person_without_protected_identity(client, coach, unit):
    enrolment = testing.make_enrolment(testing.make_person(first_name="Anna"), unit, coach=coach)
    placement = testing.make_placement(enrolment)
    client.force_login(coach)
    html = client.get(reverse("measures:placement_attendance", args=[placement.pk])).content
    assert BADGE not in html.decode()


@pytest.fixture
def referred_case(unit, coach, remittent):
    """A referral sent as "Kalle Karlsson"; staff later corrected the record's name."""
    person = testing.make_person(first_name="Karl", last_name="Karlsson-Berg")
    referral = testing.make_referral(
        remittent, unit, person, referred_first_name="Kalle", referred_last_name="Karlsson",
        referred_personnummer="199001012380", referred_birth_date=dt.date(1990, 1, 1),
    )
    enrolment = testing.make_enrolment(person, unit, coach=coach, referral=referral,
                                       start_date=dt.date(2024, 3, 4))
    measure = testing.make_measure(name="Snickeriet")
    placement = testing.make_placement(enrolment, measure, start_date=dt.date(2024, 3, 4))
    Attendance.objects.create(placement=placement, date=dt.date(2024, 3, 5), hours=4)
    return placement


def _pages(placement):
    grid = (reverse("measures:attendance_grid")
            + f"?measure={placement.measure_id}&week=2024-W10")
    return [reverse("measures:placement_attendance", args=[placement.pk]), grid]


def test_a_referrer_sees_the_name_they_entered_not_the_record(client, remittent,
                                                               referred_case):
    client.force_login(remittent)
    for url in _pages(referred_case):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "Kalle Karlsson" in html, url
        assert "Karlsson-Berg" not in html and "Karl " not in html, url
        # The enrolment page is for the unit's staff: no link a referrer would get 403 from.
        assert reverse("enrolments:detail", args=[referred_case.enrolment_id]) not in html, url


def test_the_measure_page_names_the_referrers_participant_as_entered(client, remittent,
                                                                    referred_case):
    client.force_login(remittent)
    # The participant list shows the placements running today (this one has no end date).
    html = client.get(reverse("measures:detail", args=[referred_case.measure_id])).content.decode()
    assert "Kalle Karlsson" in html and "Karlsson-Berg" not in html
    assert reverse("enrolments:detail", args=[referred_case.enrolment_id]) not in html


def test_staff_still_see_the_person_record(client, coach, referred_case):
    client.force_login(coach)
    for url in _pages(referred_case):
        html = client.get(url).content.decode()
        assert "Karl Karlsson-Berg" in html and "Kalle" not in html, url
