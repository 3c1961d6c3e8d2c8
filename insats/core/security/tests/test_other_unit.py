"""A coach of one unit gets 403/404 — never data — for another unit's person, through search,
the API's search and lists, pages and drill-downs (measure participants, attendance grid)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from insats.core import access
from insats.core.security.testworld import QUEUED_SURNAMES, SURNAMES, build_world

OTHERS = [SURNAMES["B"], SURNAMES["C"], QUEUED_SURNAMES["B"], QUEUED_SURNAMES["C"]]


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def coach_client(world):
    client = Client()
    client.force_login(world.users["coach"])
    return client


@pytest.mark.parametrize("letter", ["B", "C"])
def test_search_finds_nothing_of_another_unit(world, coach_client, letter):
    person = world.objects["person"][letter]
    for query in (SURNAMES[letter], person.last_name[:6]):
        page = coach_client.get(reverse("persons:search"), {"q": query}).content.decode()
        api = coach_client.get("/api/v1/persons/", {"search": query}).json()
        assert api["count"] == 0
        assert reverse("persons:detail", args=[person.pk]) not in page


def test_lists_hold_only_the_own_unit(world, coach_client):
    for url in ("/api/v1/persons/", "/api/v1/enrolments/", "/api/v1/referrals/",
                "/api/v1/placements/", "/api/v1/attendance/", reverse("enrolments:caseload"),
                reverse("enrolments:caseload") + "?scope=unit"):
        body = coach_client.get(url).content.decode()
        assert not [name for name in OTHERS if name in body], url


@pytest.mark.parametrize("letter", ["B", "C"])
def test_drill_downs_show_no_participant_of_another_unit(world, coach_client, letter):
    measure = world.objects["measure"][letter]
    pages = [
        reverse("measures:detail", args=[measure.pk]),
        reverse("measures:attendance_grid") + f"?measure={measure.pk}",
    ]
    for url in pages:
        response = coach_client.get(url)
        assert response.status_code in (200, 403, 404)
        assert SURNAMES[letter] not in response.content.decode(), url


@pytest.mark.parametrize("letter", ["B", "C"])
def test_objects_of_another_unit_are_not_found(world, coach_client, letter):
    objects = world.objects
    for url in (
        reverse("persons:detail", args=[objects["person"][letter].pk]),
        reverse("enrolments:detail", args=[objects["enrolment"][letter].pk]),
        reverse("plans:edit", args=[objects["plan"][letter].pk]),
        reverse("assessments:detail", args=[objects["assessment"][letter].pk]),
        f"/api/v1/persons/{objects['person'][letter].pk}/",
        f"/api/v1/enrolments/{objects['enrolment'][letter].pk}/",
        f"/api/v1/placements/{objects['placement'][letter].pk}/",
    ):
        response = coach_client.get(url)
        assert response.status_code in (403, 404), url
        assert SURNAMES[letter] not in response.content.decode(), url


def test_misconfigured_user_in_another_municipality_sees_nothing(world):
    """A unit role whose unit lies outside the user's municipality sees nothing at all."""
    coach = world.users["coach"]
    coach.municipality = world.units["C"].municipality
    coach.save(update_fields=["municipality"])
    assert not access.visible_enrolments(coach).exists()
    assert not access.visible_persons(coach).exists()
    assert not access.visible_referrals(coach).exists()
