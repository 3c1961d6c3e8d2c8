"""Single sign-on settings built from environment variables (read by insats/settings.py).

Pure functions of the environment, with no model imports, so settings can call them. Each kind
of single sign-on is enabled only when its variables are set; nothing is contacted at start-up.

OpenID Connect (mozilla-django-oidc):
    INSATS_OIDC_CLIENT_ID, INSATS_OIDC_CLIENT_SECRET, INSATS_OIDC_AUTHORIZATION_ENDPOINT,
    INSATS_OIDC_TOKEN_ENDPOINT, INSATS_OIDC_USERINFO_ENDPOINT, INSATS_OIDC_JWKS_ENDPOINT
    (required for RS*/ES* signatures), INSATS_OIDC_SIGN_ALGO (RS256), INSATS_OIDC_SCOPES
    ("openid email profile"), INSATS_OIDC_USERNAME_CLAIM (preferred_username).
SAML 2 (djangosaml2 / pysaml2, needs the xmlsec1 program):
    INSATS_SAML_ENTITY_ID, INSATS_SAML_BASE_URL (https://insats.kommun.se), and the identity
    provider's metadata as INSATS_SAML_METADATA_URL or INSATS_SAML_METADATA_FILE; optionally
    INSATS_SAML_KEY_FILE and INSATS_SAML_CERT_FILE to sign requests, INSATS_SAML_USERNAME_ATTRIBUTE
    (uid).
Both:
    INSATS_SSO_ROLE_MAP   e.g. "grp-coach=coach,grp-ame-chef=enhetschef" (group → role; the
                          first listed group the user is a member of decides the role)
    INSATS_SSO_GROUPS_CLAIM (groups)  claim/attribute that lists the user's groups
    INSATS_SSO_UNIT_CLAIM   (insats_unit)  claim/attribute with the unit code (enhetskod)
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

ROLES = ("coach", "samordnare", "remittent", "enhetschef", "controller", "admin")


def parse_role_map(text: str) -> dict[str, str]:
    """'grp-coach=coach, grp-chef=enhetschef' → {'grp-coach': 'coach', ...}, order kept."""
    mapping: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        group, sep, role = item.rpartition("=")
        group, role = group.strip(), role.strip()
        if not sep or not group or role not in ROLES:
            raise ImproperlyConfigured(
                f"INSATS_SSO_ROLE_MAP: '{item}' ska vara grupp=roll med en roll bland "
                f"{', '.join(ROLES)}."
            )
        mapping[group] = role
    return mapping


def sso_settings(env: Mapping[str, str]) -> dict:
    return {
        "INSATS_SSO_ROLE_MAP": parse_role_map(env.get("INSATS_SSO_ROLE_MAP", "")),
        "INSATS_SSO_GROUPS_CLAIM": env.get("INSATS_SSO_GROUPS_CLAIM", "groups"),
        "INSATS_SSO_UNIT_CLAIM": env.get("INSATS_SSO_UNIT_CLAIM", "insats_unit"),
    }


OIDC_REQUIRED = (
    "INSATS_OIDC_CLIENT_ID",
    "INSATS_OIDC_CLIENT_SECRET",
    "INSATS_OIDC_AUTHORIZATION_ENDPOINT",
    "INSATS_OIDC_TOKEN_ENDPOINT",
    "INSATS_OIDC_USERINFO_ENDPOINT",
)


def oidc_settings(env: Mapping[str, str]) -> dict:
    """mozilla-django-oidc settings, or {"INSATS_OIDC_ENABLED": False} when not configured."""
    if not env.get("INSATS_OIDC_CLIENT_ID"):
        return {"INSATS_OIDC_ENABLED": False}
    missing = [name for name in OIDC_REQUIRED if not env.get(name)]
    algo = env.get("INSATS_OIDC_SIGN_ALGO", "RS256")
    if algo.startswith(("RS", "ES")) and not env.get("INSATS_OIDC_JWKS_ENDPOINT"):
        missing.append("INSATS_OIDC_JWKS_ENDPOINT")
    if missing:
        raise ImproperlyConfigured(
            "OpenID Connect är delvis konfigurerat; saknas: " + ", ".join(missing)
        )
    settings = {
        "INSATS_OIDC_ENABLED": True,
        "OIDC_RP_CLIENT_ID": env["INSATS_OIDC_CLIENT_ID"],
        "OIDC_RP_CLIENT_SECRET": env["INSATS_OIDC_CLIENT_SECRET"],
        "OIDC_OP_AUTHORIZATION_ENDPOINT": env["INSATS_OIDC_AUTHORIZATION_ENDPOINT"],
        "OIDC_OP_TOKEN_ENDPOINT": env["INSATS_OIDC_TOKEN_ENDPOINT"],
        "OIDC_OP_USER_ENDPOINT": env["INSATS_OIDC_USERINFO_ENDPOINT"],
        "OIDC_RP_SIGN_ALGO": algo,
        "OIDC_RP_SCOPES": env.get("INSATS_OIDC_SCOPES", "openid email profile"),
        "OIDC_USE_PKCE": True,
        "OIDC_CREATE_USER": True,
        "OIDC_TIMEOUT": 10,
        "INSATS_OIDC_USERNAME_CLAIM": env.get("INSATS_OIDC_USERNAME_CLAIM", "preferred_username"),
        "LOGIN_REDIRECT_URL_FAILURE": "/konto/logga-in/?sso=fel",
    }
    if env.get("INSATS_OIDC_JWKS_ENDPOINT"):
        settings["OIDC_OP_JWKS_ENDPOINT"] = env["INSATS_OIDC_JWKS_ENDPOINT"]
    return settings


def saml_settings(env: Mapping[str, str]) -> dict:
    """djangosaml2 settings (SAML_CONFIG etc.), or {"INSATS_SAML_ENABLED": False}."""
    metadata_url = env.get("INSATS_SAML_METADATA_URL", "")
    metadata_file = env.get("INSATS_SAML_METADATA_FILE", "")
    if not (metadata_url or metadata_file):
        return {"INSATS_SAML_ENABLED": False}
    missing = [n for n in ("INSATS_SAML_ENTITY_ID", "INSATS_SAML_BASE_URL") if not env.get(n)]
    if missing:
        raise ImproperlyConfigured("SAML är delvis konfigurerat; saknas: " + ", ".join(missing))
    xmlsec = env.get("INSATS_SAML_XMLSEC_BINARY") or shutil.which("xmlsec1")
    if not xmlsec:
        raise ImproperlyConfigured("SAML kräver programmet xmlsec1 (Debian-paketet xmlsec1).")
    base = env["INSATS_SAML_BASE_URL"].rstrip("/")
    metadata: dict = {}
    if metadata_file:
        metadata["local"] = [metadata_file]
    if metadata_url:
        metadata["remote"] = [{"url": metadata_url}]
    sp: dict = {
        "name": "Insats",
        "endpoints": {
            "assertion_consumer_service": [
                (f"{base}/konto/saml2/acs/", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")
            ],
            "single_logout_service": [
                (f"{base}/konto/saml2/ls/", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"),
                (
                    f"{base}/konto/saml2/ls/post/",
                    "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
                ),
            ],
        },
        "allow_unsolicited": False,
        "authn_requests_signed": bool(env.get("INSATS_SAML_KEY_FILE")),
        "want_assertions_signed": True,
        "want_response_signed": False,
        "name_id_format": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    }
    config: dict = {
        "xmlsec_binary": xmlsec,
        "entityid": env["INSATS_SAML_ENTITY_ID"],
        "allow_unknown_attributes": True,
        "service": {"sp": sp},
        "metadata": metadata,
        "debug": False,
    }
    if env.get("INSATS_SAML_KEY_FILE") and env.get("INSATS_SAML_CERT_FILE"):
        config["key_file"] = env["INSATS_SAML_KEY_FILE"]
        config["cert_file"] = env["INSATS_SAML_CERT_FILE"]
        config["encryption_keypairs"] = [
            {"key_file": env["INSATS_SAML_KEY_FILE"], "cert_file": env["INSATS_SAML_CERT_FILE"]}
        ]
    username_attribute = env.get("INSATS_SAML_USERNAME_ATTRIBUTE", "uid")
    return {
        "INSATS_SAML_ENABLED": True,
        "SAML_CONFIG": config,
        "SAML_DJANGO_USER_MAIN_ATTRIBUTE": "username",
        "SAML_USE_NAME_ID_AS_USERNAME": False,
        "SAML_CREATE_UNKNOWN_USER": True,
        "SAML_ATTRIBUTE_MAPPING": {
            username_attribute: ("username",),
            "mail": ("email",),
            "givenName": ("first_name",),
            "sn": ("last_name",),
        },
        "SAML_SESSION_COOKIE_NAME": "saml_session",
        "SAML_DEFAULT_BINDING": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
        "ACS_DEFAULT_REDIRECT_URL": "/",
    }
