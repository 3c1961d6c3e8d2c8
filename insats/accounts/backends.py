"""Authentication backends: local passwords with lock-out, OpenID Connect and SAML."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import signin
from .sso import Identity, SSORefused, as_list, provision

log = logging.getLogger(__name__)


class LockoutModelBackend(ModelBackend):
    """Username and password, refused outright while the username+IP pair is locked out.

    Raising PermissionDenied stops every later backend and makes Django send
    user_login_failed, so the attempt is logged like any other failure.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and signin.is_locked(request, username):
            raise PermissionDenied(signin.locked_message())
        return super().authenticate(request, username=username, password=password, **kwargs)


try:
    from mozilla_django_oidc.auth import OIDCAuthenticationBackend
except ImportError:  # pragma: no cover - the package is in requirements.lock
    OIDCAuthenticationBackend = object  # type: ignore[assignment,misc]


class InsatsOIDCBackend(OIDCAuthenticationBackend):
    """OpenID Connect: the user is found by username claim, role and unit come from claims."""

    def _identity(self, claims: dict) -> Identity:
        username_claim = settings.INSATS_OIDC_USERNAME_CLAIM
        return Identity(
            username=str(claims.get(username_claim) or claims.get("sub") or "")[:150],
            groups=tuple(as_list(claims.get(settings.INSATS_SSO_GROUPS_CLAIM))),
            unit_code=str(claims.get(settings.INSATS_SSO_UNIT_CLAIM) or ""),
            email=str(claims.get("email") or ""),
            first_name=str(claims.get("given_name") or ""),
            last_name=str(claims.get("family_name") or ""),
        )

    def verify_claims(self, claims):
        return bool(self._identity(claims).username)

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=self._identity(claims).username)

    def create_user(self, claims):
        return self._provision(claims)

    def update_user(self, user, claims):
        return self._provision(claims)

    def _provision(self, claims):
        try:
            return provision(self._identity(claims))
        except SSORefused as exc:
            log.warning("OIDC sign-in refused: %s", exc)
            # mozilla-django-oidc turns this into a failed sign-in.
            from django.core.exceptions import SuspiciousOperation

            raise SuspiciousOperation(str(exc)) from exc


try:
    from djangosaml2.backends import Saml2Backend
except ImportError:  # pragma: no cover
    Saml2Backend = object  # type: ignore[assignment,misc]


class InsatsSaml2Backend(Saml2Backend):
    """SAML 2: after djangosaml2 has matched the user, role and unit come from attributes."""

    def _identity(self, user, attributes: dict) -> Identity:
        def first(name: str) -> str:
            values = as_list(attributes.get(name))
            return values[0] if values else ""

        return Identity(
            username=user.username,
            groups=tuple(as_list(attributes.get(settings.INSATS_SSO_GROUPS_CLAIM))),
            unit_code=first(settings.INSATS_SSO_UNIT_CLAIM),
            email=first("mail"),
            first_name=first("givenName"),
            last_name=first("sn"),
        )

    def is_authorized(self, attributes, attribute_mapping, idp_entityid, assertion_info, **kw):
        from .sso import role_for_groups

        groups = as_list(attributes.get(settings.INSATS_SSO_GROUPS_CLAIM))
        return role_for_groups(groups) is not None

    def _update_user(self, user, attributes, attribute_mapping, force_save=False):
        user = super()._update_user(user, attributes, attribute_mapping, force_save=True)
        try:
            return provision(self._identity(user, attributes))
        except SSORefused as exc:
            log.warning("SAML sign-in refused: %s", exc)
            raise PermissionDenied(str(exc)) from exc
