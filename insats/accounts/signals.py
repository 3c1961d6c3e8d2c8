"""Every sign-in, failed attempt and sign-out goes to the sign-in log (SignInEvent)."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from insats.core.security.middleware import AUTH_METHOD_KEY, SIGNED_IN_KEY

from . import signin
from .models import SignInEvent

BACKEND_METHODS = {
    "insats.accounts.backends.InsatsOIDCBackend": "oidc",
    "insats.accounts.backends.InsatsSaml2Backend": "saml",
}


@receiver(user_logged_in, dispatch_uid="insats_signin_success")
def _logged_in(sender, request, user, **kwargs):
    method = getattr(request, "_insats_auth_method", None) or BACKEND_METHODS.get(
        getattr(user, "backend", ""), "password"
    )
    if request is not None and hasattr(request, "session"):
        request.session[AUTH_METHOD_KEY] = method
        # The absolute session limit counts from here (IdleSessionMiddleware).
        request.session[SIGNED_IN_KEY] = int(time.time())
    signin.record_event(request, SignInEvent.Kind.SUCCESS, user.get_username(), user, method)


@receiver(user_login_failed, dispatch_uid="insats_signin_failure")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    kind = SignInEvent.Kind.FAILURE
    if username and signin.is_locked(request, username):
        kind = SignInEvent.Kind.LOCKED
    signin.record_event(request, kind, username, method="password")


@receiver(user_logged_out, dispatch_uid="insats_signout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None and not getattr(request, "_insats_expired", False):
        signin.record_event(request, SignInEvent.Kind.LOGOUT, user.get_username(), user)
