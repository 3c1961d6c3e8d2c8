"""`insats api_token`: create, rotate and revoke an integration's API key."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from insats.accounts.models import Role
from insats.audit.models import AccessLogEntry
from insats.core import testing

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def signs_in(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/persons/").status_code == 200


@pytest.fixture
def integration(unit):
    return testing.make_user(Role.SAMORDNARE, unit, username="integration")


def test_create_prints_the_key_once_and_logs_it(integration):
    key, message = run("integration")
    assert key == Token.objects.get(user=integration).key and len(key) == 40
    assert "Spara den nu, den visas inte igen" in message and key not in message
    assert signs_in(key)
    entry = AccessLogEntry.objects.get(object_type="apitoken")
    assert (entry.action, entry.object_id, entry.person_id) == ("create", integration.pk, None)
    assert entry.username.startswith("api_token (")
    assert entry.reason == "API-nyckel skapad för integration"
    # A second run does not show or replace the key.
    with pytest.raises(CommandError, match="har redan en API-nyckel .* --rotate"):
        run("integration")
    assert Token.objects.get(user=integration).key == key


def test_rotate_replaces_the_key(integration):
    old, _ = run("integration")
    new, message = run("integration", "--rotate")
    assert new != old and Token.objects.get(user=integration).key == new
    assert "ersatt med en ny" in message
    assert not signs_in(old) and signs_in(new)
    assert list(AccessLogEntry.objects.filter(object_type="apitoken")
                .order_by("pk").values_list("action", flat=True)) == ["create", "update"]


def test_rotate_without_a_key_creates_one(integration):
    key, _ = run("integration", "--rotate")
    assert Token.objects.get(user=integration).key == key


def test_revoke_removes_the_key(integration):
    key, _ = run("integration")
    out, message = run("integration", "--revoke")
    assert out == "" and "är borttagen" in message
    assert not Token.objects.filter(user=integration).exists()
    assert not signs_in(key)
    assert AccessLogEntry.objects.filter(object_type="apitoken", action="delete").count() == 1
    with pytest.raises(CommandError, match="har ingen API-nyckel att ta bort"):
        run("integration", "--revoke")


def test_unknown_or_inactive_user_is_refused(integration):
    with pytest.raises(CommandError, match="ingen användare med användarnamnet 'nobody'"):
        run("nobody")
    integration.is_active = False
    integration.save()
    with pytest.raises(CommandError, match="inaktiverat"):
        run("integration")
    assert not Token.objects.exists()
    assert not AccessLogEntry.objects.filter(object_type="apitoken").exists()


def test_rotate_and_revoke_together_is_an_error(integration):
    with pytest.raises(CommandError):
        run("integration", "--rotate", "--revoke")
