"""Every list of persons marks a person with protected identity (persons/_badge.html)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from insats.accounts.models import ProtectedIdentityGrant
from insats.core import testing

pytestmark = pytest.mark.django_db

BADGE = '<span class="badge protected">Skyddad identitet</span>'


@pytest.fixture
def people(coach):
    """A protected person the coach has been granted access to, and an ordinary one."""
    protected = testing.make_person(first_name="Sara", last_name="Skyddad",
                                    protected_identity=True)
    ProtectedIdentityGrant.objects.create(user=coach, person=protected)
    plain = testing.make_person(first_name="Olle", last_name="Öppen", protected_identity=False)
    return protected, plain


def _row(html: str, name: str) -> str:
    """The table row that shows `name`."""
    start = html.index(name)
    return html[html.rindex("<tr", 0, start):html.index("</tr>", start)]


def test_start_page_plan_panel_marks_protected_person(client, unit, coach, people):
    protected, plain = people
    start = timezone.localdate() - dt.timedelta(days=120)  # first plan overdue
    for person in people:
        testing.make_enrolment(person=person, unit=unit, coach=coach, start_date=start)
    client.force_login(coach)
    html = client.get("/").content.decode()
    assert "Genomförandeplaner att upprätta eller följa upp" in html
    assert BADGE in _row(html, "Sara Skyddad")
    assert BADGE not in _row(html, "Olle Öppen")


def test_attendance_grid_and_measure_page_mark_protected_person(client, unit, coach, people):
    measure = testing.make_measure(name="Snickeriet", capacity=5)
    for person in people:
        enrolment = testing.make_enrolment(person=person, unit=unit, coach=coach,
                                           start_date=dt.date(2024, 1, 15))
        testing.make_placement(enrolment, measure, start_date=dt.date(2024, 2, 1))
    client.force_login(coach)
    grid = client.get(
        reverse("measures:attendance_grid"), {"measure": measure.pk, "week": "2024-W10"}
    ).content.decode()
    assert BADGE in _row(grid, "Sara Skyddad</a>")
    assert BADGE not in _row(grid, "Olle Öppen</a>")
    detail = client.get(reverse("measures:detail", args=[measure.pk])).content.decode()
    assert BADGE in _row(detail, "Sara Skyddad")
    assert BADGE not in _row(detail, "Olle Öppen")


def test_drilldown_marks_protected_person(client, unit, coach, people):
    for person in people:
        testing.make_enrolment(person=person, unit=unit, start_date=dt.date(2024, 3, 1))
    client.force_login(coach)
    html = client.get(
        reverse("insights:drilldown", args=["deltagare"]), {"year": 2024}
    ).content.decode()
    assert BADGE in _row(html, "Sara Skyddad")
    assert BADGE not in _row(html, "Olle Öppen")


def test_plan_pages_mark_protected_person(client, unit, coach, people):
    protected, _plain = people
    enrolment = testing.make_enrolment(person=protected, unit=unit, coach=coach,
                                       start_date=timezone.localdate() - dt.timedelta(days=10))
    client.force_login(coach)
    html = client.get(reverse("plans:create", args=[enrolment.pk])).content.decode()
    assert "Sara Skyddad" + BADGE in html.replace(" " + BADGE, BADGE)
