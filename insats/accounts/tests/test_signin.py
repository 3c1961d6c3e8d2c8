"""Sign-in: lock-out, sign-in log, TOTP two-factor, admin 2FA, idle sign-out, admin login."""

from __future__ import annotations

import time

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from insats.accounts.models import Role, SignInEvent
from insats.core import testing
from insats.core.security.middleware import LAST_SEEN_KEY

LOGIN = "/konto/logga-in/"


def _post_login(client, username, password=testing.PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _code(device: TOTPDevice, offset: int = 0) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{code:06d}"


@pytest.mark.django_db
def test_sign_in_and_failure_are_logged(client, coach):
    assert _post_login(client, "coach", "fel").status_code == 200
    response = _post_login(client, "coach")
    assert response.status_code == 302
    kinds = list(SignInEvent.objects.order_by("pk").values_list("kind", "username", "method"))
    assert kinds == [("failure", "coach", "password"), ("success", "coach", "password")]
    assert SignInEvent.objects.last().ip == "127.0.0.1"
    client.post("/konto/logga-ut/")
    assert SignInEvent.objects.order_by("pk").last().kind == "logout"


@pytest.mark.django_db
@override_settings(INSATS_LOCKOUT_FAILURES=3, INSATS_LOCKOUT_MINUTES=15)
def test_lockout_after_failures_per_username_and_ip(client, coach):
    for _ in range(3):
        _post_login(client, "coach", "fel")
    response = _post_login(client, "coach")  # the right password, but locked
    assert response.status_code == 200
    assert "För många misslyckade inloggningsförsök" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert SignInEvent.objects.filter(kind="locked").exists()
    # Another address is not locked out by these attempts.
    response = _post_login(client, "coach", REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302


@pytest.mark.django_db
@override_settings(INSATS_LOCKOUT_FAILURES=3, INSATS_LOCKOUT_USER_FAILURES=6)
def test_lockout_of_one_username_attacked_from_many_addresses(client, coach):
    for n in range(6):  # two attempts from each of three addresses: no pair reaches 3
        _post_login(client, "coach", "fel", REMOTE_ADDR=f"10.0.1.{n // 2}")
    response = _post_login(client, "coach", REMOTE_ADDR="10.0.1.99")
    assert "För många misslyckade inloggningsförsök" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(INSATS_LOCKOUT_FAILURES=3, INSATS_LOCKOUT_IP_FAILURES=4)
def test_lockout_of_an_address_spraying_many_usernames(client, coach):
    for n in range(4):  # one password against four accounts
        _post_login(client, f"user{n}", "Sommar2024", REMOTE_ADDR="10.0.2.1")
    response = _post_login(client, "coach", REMOTE_ADDR="10.0.2.1")
    assert "För många misslyckade inloggningsförsök" in response.content.decode()
    # The colleague at another address signs in as usual.
    assert _post_login(client, "coach", REMOTE_ADDR="10.0.2.2").status_code == 302


@pytest.mark.django_db
@override_settings(INSATS_LOCKOUT_FAILURES=3)
def test_success_resets_the_failure_count(client, coach):
    _post_login(client, "coach", "fel")
    _post_login(client, "coach", "fel")
    assert _post_login(client, "coach").status_code == 302
    client.post("/konto/logga-ut/")
    _post_login(client, "coach", "fel")
    assert _post_login(client, "coach").status_code == 302


@pytest.mark.django_db
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_totp_enrolment_and_two_step_sign_in(client, coach):
    client.force_login(coach)
    page = client.get(reverse("accounts:otp_setup"))
    body = page.content.decode()
    assert "data:image/svg+xml;base64," in body
    device = TOTPDevice.objects.get(user=coach, confirmed=False)
    assert client.post(reverse("accounts:otp_setup"), {"token": "000000"}).status_code == 200
    assert client.post(reverse("accounts:otp_setup"), {"token": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    client.post("/konto/logga-ut/")

    # With a confirmed device the password alone does not sign in.
    response = _post_login(client, "coach")
    assert response["Location"] == reverse("accounts:otp_verify")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("accounts:otp_verify"), {"token": "123456"})
    assert "Fel engångskod" in wrong.content.decode()
    assert SignInEvent.objects.filter(kind="otp_failure").exists()
    device.refresh_from_db()
    response = client.post(reverse("accounts:otp_verify"), {"token": _code(device, 1)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(coach.pk)
    assert SignInEvent.objects.order_by("pk").last().method == "totp"


@pytest.mark.django_db
@override_settings(INSATS_REQUIRE_ADMIN_2FA=True)
def test_administrators_must_use_two_factors(client, admin_user):
    response = _post_login(client, "admin")
    assert response.status_code == 302
    response = client.get("/")
    assert response["Location"] == reverse("accounts:otp_setup")
    assert client.get("/admin/")["Location"] == reverse("accounts:otp_setup")
    assert client.get(reverse("accounts:otp_setup")).status_code == 200
    device = TOTPDevice.objects.get(user=admin_user)
    client.post(reverse("accounts:otp_setup"), {"token": _code(device)})
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
@override_settings(INSATS_REQUIRE_ADMIN_2FA=True)
def test_coaches_are_not_forced_to_use_two_factors(client, coach):
    _post_login(client, "coach")
    assert client.get("/").status_code == 200


@pytest.mark.django_db
@override_settings(INSATS_SESSION_IDLE_MINUTES=30)
def test_idle_session_is_signed_out(client, coach):
    _post_login(client, "coach")
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/inskrivningar/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    assert SignInEvent.objects.order_by("pk").last().kind == "expired"
    followed = client.get(response["Location"])
    assert "inaktivitet" in followed.content.decode()


@pytest.mark.django_db
def test_active_session_is_kept(client, coach):
    _post_login(client, "coach")
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_admin_site_signs_in_through_the_insats_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_sign_in_redirect_stays_on_this_site(client, coach):
    response = client.post(
        LOGIN, {"username": "coach", "password": testing.PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_non_admin_may_turn_two_factor_off_but_admin_may_not(client, coach, admin_user):
    for user, may in ((coach, True), (admin_user, False)):
        TOTPDevice.objects.create(user=user, name="Insats", confirmed=True)
        client.force_login(user)
        client.post(reverse("accounts:otp_setup"), {"action": "disable"})
        assert TOTPDevice.objects.filter(user=user).exists() is not may


def test_roles_are_complete():
    from insats.accounts.sso_config import ROLES

    assert set(ROLES) == set(Role.values)
