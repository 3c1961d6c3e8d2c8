"""The admin cannot hand out API tokens, shows the sign-in log read-only, and a session ends
at the absolute limit however active it is."""

from __future__ import annotations

import time

import pytest
from django.test import override_settings
from rest_framework.authtoken.models import Token

from insats.accounts.models import SignInEvent
from insats.core import testing
from insats.core.security.middleware import LAST_SEEN_KEY, SIGNED_IN_KEY

pytestmark = pytest.mark.django_db
LOGIN = "/konto/logga-in/"


def test_the_admin_has_no_token_pages(client, admin_user, coach):
    token = Token.objects.create(user=coach)
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    for path in ("/admin/authtoken/", "/admin/authtoken/tokenproxy/",
                 "/admin/authtoken/tokenproxy/add/",
                 f"/admin/authtoken/tokenproxy/{coach.pk}/change/",
                 f"/admin/authtoken/token/{token.key}/change/"):
        assert client.get(path).status_code == 404, path
    assert token.key not in client.get("/admin/").content.decode()


def test_the_sign_in_log_is_read_only_in_the_admin(client, admin_user):
    event = SignInEvent.objects.create(kind="failure", username="okänd-användare",
                                       ip="192.0.2.7")
    client.force_login(admin_user)
    listing = client.get("/admin/accounts/signinevent/")
    assert listing.status_code == 200 and "okänd-användare" in listing.content.decode()
    detail = client.get(f"/admin/accounts/signinevent/{event.pk}/change/")
    assert detail.status_code == 200 and "192.0.2.7" in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert client.get("/admin/accounts/signinevent/add/").status_code == 403
    assert client.post(f"/admin/accounts/signinevent/{event.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/accounts/signinevent/{event.pk}/change/",
                       {"kind": "success", "username": "x"}).status_code == 403
    event.refresh_from_db()
    assert (event.kind, event.username) == ("failure", "okänd-användare")


@override_settings(SESSION_COOKIE_AGE=8 * 3600, INSATS_SESSION_IDLE_MINUTES=30)
def test_an_active_session_ends_eight_hours_after_sign_in(client, coach):
    client.post(LOGIN, {"username": "coach", "password": testing.PASSWORD})
    assert client.get("/").status_code == 200
    session = client.session
    now = int(time.time())
    # Signed in 8 h minus a minute ago and active all the time: still signed in.
    session[SIGNED_IN_KEY] = now - 8 * 3600 + 60
    session[LAST_SEEN_KEY] = now - 60
    session.save()
    assert client.get("/").status_code == 200
    # 8 h and one second after sign-in, although the last request was a minute ago: out.
    session = client.session
    session[SIGNED_IN_KEY] = now - 8 * 3600 - 1
    session[LAST_SEEN_KEY] = now - 60
    session.save()
    response = client.get("/inskrivningar/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    assert SignInEvent.objects.order_by("pk").last().kind == "expired"
    assert "högst 480 minuter" in client.get(response["Location"]).content.decode()


def test_signing_in_starts_the_clock_afresh(client, coach):
    before = int(time.time())
    client.post(LOGIN, {"username": "coach", "password": testing.PASSWORD})
    assert before <= client.session[SIGNED_IN_KEY] <= int(time.time())
