"""Skyddad identitet: visible only to users granted it; the address is never shown anywhere."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from insats.accounts.models import ProtectedIdentityGrant
from insats.core import access
from insats.core.security.testworld import PROTECTED_ADDRESS, PROTECTED_SURNAME, build_world


def _pages(world) -> list[str]:
    person, enrolment = world.protected_person, world.protected_enrolment
    return [
        reverse("persons:search") + f"?q={PROTECTED_SURNAME[:8]}",  # echoed, so a prefix
        reverse("persons:detail", args=[person.pk]),
        reverse("persons:edit", args=[person.pk]),
        reverse("enrolments:caseload"),
        reverse("enrolments:detail", args=[enrolment.pk]),
        reverse("referrals:queue"),
        reverse("referrals:mine"),
        "/api/v1/persons/",
        f"/api/v1/persons/{person.pk}/",
        "/api/v1/enrolments/",
        f"/api/v1/enrolments/{enrolment.pk}/",
        "/api/v1/referrals/",
        "/",
    ]


def _bodies(client, urls):
    for url in urls:
        response = client.get(url)
        yield url, response.status_code, response.content.decode("utf-8", "replace")


@pytest.mark.django_db
def test_protected_person_hidden_without_grant():
    world = build_world()
    coach = world.users["coach"]
    assert not access.visible_persons(coach).filter(pk=world.protected_person.pk).exists()
    assert not access.visible_enrolments(coach).filter(pk=world.protected_enrolment.pk).exists()
    client = Client()
    client.force_login(coach)
    for url, status, body in _bodies(client, _pages(world)):
        assert PROTECTED_SURNAME not in body, url
        assert PROTECTED_ADDRESS not in body, url
        assert status < 500, url


@pytest.mark.django_db
@pytest.mark.parametrize("grant", ["all", "person"])
def test_protected_person_visible_with_grant_but_never_the_address(grant):
    world = build_world()
    coach = world.users["coach"]
    if grant == "all":
        coach.may_see_protected_identity = True
        coach.save(update_fields=["may_see_protected_identity"])
    else:
        ProtectedIdentityGrant.objects.create(user=coach, person=world.protected_person)
    assert access.visible_persons(coach).filter(pk=world.protected_person.pk).exists()
    client = Client()
    client.force_login(coach)
    seen = []
    for url, status, body in _bodies(client, _pages(world)):
        assert status < 500, url
        assert PROTECTED_ADDRESS not in body, url
        if PROTECTED_SURNAME in body:
            seen.append(url)
    assert reverse("persons:detail", args=[world.protected_person.pk]) in seen
    assert f"/api/v1/persons/{world.protected_person.pk}/" in seen


@pytest.mark.django_db
def test_a_grant_for_one_person_does_not_open_another():
    world = build_world()
    coach = world.users["coach"]
    from insats.core import testing

    other = testing.make_person(last_name="Annanskyddad", protected_identity=True)
    testing.make_enrolment(other, world.units["A"], coach=coach)
    ProtectedIdentityGrant.objects.create(user=coach, person=world.protected_person)
    visible = set(access.visible_persons(coach).values_list("pk", flat=True))
    assert world.protected_person.pk in visible and other.pk not in visible


@pytest.mark.django_db
def test_grant_does_not_cross_units():
    """A grant opens protected identity, not another unit's caseload."""
    world = build_world()
    coach_b_person = world.objects["person"]["B"]
    coach = world.users["coach"]
    ProtectedIdentityGrant.objects.create(user=coach, person=coach_b_person)
    assert not access.visible_persons(coach).filter(pk=coach_b_person.pk).exists()


@pytest.mark.django_db
def test_interchange_export_never_contains_an_address(tmp_path):
    from insats.interchange.services.exporter import export_folder

    build_world()
    export_folder(tmp_path)
    for path in tmp_path.rglob("*.csv"):
        text = path.read_text(encoding="utf-8")
        assert PROTECTED_ADDRESS not in text, path.name
        assert "Storgatan" not in text, path.name
        assert "address" not in text.splitlines()[0], path.name
