"""Single sign-on: configuration from the environment, role mapping, and OpenID Connect
against a fake identity provider on the loopback interface."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from insats.accounts.models import Role, SignInEvent, User
from insats.accounts.sso import Identity, SSORefused, provision, role_for_groups
from insats.accounts.sso_config import oidc_settings, parse_role_map, saml_settings

ROLE_MAP = {"grp-coach": "coach", "grp-ame-chef": "enhetschef", "grp-admin": "admin"}


def test_role_map_is_parsed_in_order():
    assert parse_role_map("grp-coach=coach, grp-ame-chef=enhetschef") == {
        "grp-coach": "coach",
        "grp-ame-chef": "enhetschef",
    }
    assert parse_role_map("") == {}
    with pytest.raises(ImproperlyConfigured, match="grupp=roll"):
        parse_role_map("grp-x=kung")


def test_first_listed_group_decides_the_role():
    assert role_for_groups(["grp-ame-chef", "grp-coach"], ROLE_MAP) == "coach"
    assert role_for_groups(["annat"], ROLE_MAP) is None


def test_oidc_is_off_unless_configured_and_complete():
    assert oidc_settings({}) == {"INSATS_OIDC_ENABLED": False}
    with pytest.raises(ImproperlyConfigured, match="INSATS_OIDC_TOKEN_ENDPOINT"):
        oidc_settings({"INSATS_OIDC_CLIENT_ID": "insats"})


def test_saml_configuration_is_built_from_the_environment(tmp_path):
    assert saml_settings({}) == {"INSATS_SAML_ENABLED": False}
    metadata = tmp_path / "idp.xml"
    metadata.write_text(IDP_METADATA, encoding="utf-8")
    built = saml_settings(
        {
            "INSATS_SAML_METADATA_FILE": str(metadata),
            "INSATS_SAML_ENTITY_ID": "https://insats.kommun.example/konto/saml2/metadata/",
            "INSATS_SAML_BASE_URL": "https://insats.kommun.example",
        }
    )
    assert built["INSATS_SAML_ENABLED"]
    from saml2.config import SPConfig

    config = SPConfig().load(built["SAML_CONFIG"])
    assert config.entityid == "https://insats.kommun.example/konto/saml2/metadata/"
    acs = config.getattr("endpoints", "sp")["assertion_consumer_service"]
    assert acs[0][0] == "https://insats.kommun.example/konto/saml2/acs/"
    assert "https://idp.kommun.example/idp" in config.metadata.identity_providers()


@pytest.mark.django_db
@override_settings(INSATS_SSO_ROLE_MAP=ROLE_MAP)
def test_provision_creates_and_updates_users(unit):
    user = provision(Identity("anna", ("grp-coach",), unit.code, "anna@kommun.example"))
    assert (user.role, user.unit, user.municipality) == (Role.COACH, unit, unit.municipality)
    assert not user.has_usable_password()
    user = provision(Identity("anna", ("grp-admin",), ""))
    assert (user.role, user.unit, user.is_superuser) == (Role.ADMIN, None, True)
    with pytest.raises(SSORefused):
        provision(Identity("bo", ("okänd",), unit.code))
    with pytest.raises(SSORefused, match="kräver en enhet"):
        provision(Identity("bo", ("grp-coach",), "FINNS-INTE"))
    assert not User.objects.filter(username="bo").exists()


# --- OpenID Connect against a fake identity provider --------------------------------------------

CLIENT_SECRET = "hemlig-klientnyckel-för-test-0123456789"


class FakeIdP:
    """Token and userinfo endpoints on 127.0.0.1; the id_token is signed with HS256."""

    def __init__(self, claims: dict):
        self.claims = claims
        self.nonce = None
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, payload):
                body = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # token endpoint
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                assert form["client_id"] == ["insats"]
                assert form["code"] == ["kod-123"]
                id_token = jwt.encode(
                    {"sub": "u-1", "nonce": idp.nonce, "aud": "insats", "iss": "fake"},
                    CLIENT_SECRET,
                    algorithm="HS256",
                )
                self._json({"id_token": id_token, "access_token": "at-1", "token_type": "Bearer"})

            def do_GET(self):  # userinfo endpoint
                assert self.headers["Authorization"] == "Bearer at-1"
                self._json(idp.claims)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def settings(self) -> dict:
        env = {
            "INSATS_OIDC_CLIENT_ID": "insats",
            "INSATS_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "INSATS_OIDC_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "INSATS_OIDC_TOKEN_ENDPOINT": f"{self.url}/token",
            "INSATS_OIDC_USERINFO_ENDPOINT": f"{self.url}/userinfo",
            "INSATS_OIDC_SIGN_ALGO": "HS256",
        }
        return {
            **oidc_settings(env),
            "AUTHENTICATION_BACKENDS": [
                "insats.accounts.backends.LockoutModelBackend",
                "insats.accounts.backends.InsatsOIDCBackend",
            ],
            "ROOT_URLCONF": "insats.accounts.tests.oidc_urls",
            "INSATS_SSO_ROLE_MAP": ROLE_MAP,
            "INSATS_SSO_GROUPS_CLAIM": "groups",
            "INSATS_SSO_UNIT_CLAIM": "insats_unit",
        }

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _sign_in_through(client, idp: FakeIdP):
    start = client.get("/konto/oidc/authenticate/")
    assert start.status_code == 302
    location = urlparse(start["Location"])
    assert location.netloc == urlparse(idp.url).netloc
    query = parse_qs(location.query)
    idp.nonce = query["nonce"][0]
    assert query["code_challenge_method"] == ["S256"]
    return client.get(f"/konto/oidc/callback/?code=kod-123&state={query['state'][0]}")


@pytest.mark.django_db
def test_oidc_sign_in_maps_groups_to_role_and_unit(client, unit):
    idp = FakeIdP(
        {"sub": "u-1", "preferred_username": "anna.a", "email": "anna@kommun.example",
         "given_name": "Anna", "family_name": "Andersson", "groups": ["grp-coach", "alla"],
         "insats_unit": unit.code}
    )
    try:
        with override_settings(**idp.settings()):
            response = _sign_in_through(client, idp)
            assert response.status_code == 302, response.content
            assert not response["Location"].startswith("/konto/logga-in/")
            user = User.objects.get(username="anna.a")
            assert (user.role, user.unit, user.last_name) == (Role.COACH, unit, "Andersson")
            assert client.session["_auth_user_id"] == str(user.pk)
            event = SignInEvent.objects.get(kind="success")
            assert (event.username, event.method) == ("anna.a", "oidc")
            assert client.session["insats_auth_method"] == "oidc"
    finally:
        idp.close()


@pytest.mark.django_db
def test_oidc_user_without_a_mapped_group_is_refused(client, unit):
    idp = FakeIdP({"sub": "u-2", "preferred_username": "okand", "groups": ["annat"]})
    try:
        with override_settings(**idp.settings()):
            response = _sign_in_through(client, idp)
            assert response["Location"].startswith("/konto/logga-in/?sso=fel")
            assert "_auth_user_id" not in client.session
            assert not User.objects.filter(username="okand").exists()
    finally:
        idp.close()


IDP_METADATA = """<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    entityID="https://idp.kommun.example/idp">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="https://idp.kommun.example/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""
