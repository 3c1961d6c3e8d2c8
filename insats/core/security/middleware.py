"""Security middleware: Content-Security-Policy, sign-out after inactivity, and two-factor
sign-in required of administrators."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

DEFAULT_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def csp_header(policy: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())


class ContentSecurityPolicyMiddleware:
    """Send a strict Content-Security-Policy on every response (no inline script or style).

    Pages may set `response["Content-Security-Policy"]` themselves; it is then left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.header = csp_header(getattr(settings, "INSATS_CSP", DEFAULT_CSP))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


LAST_SEEN_KEY = "insats_last_seen"
SIGNED_IN_KEY = "insats_signed_in_at"


class IdleSessionMiddleware:
    """Sign out a session that has been idle longer than INSATS_SESSION_IDLE_MINUTES, and any
    session older than SESSION_COOKIE_AGE (INSATS_SESSION_SECONDS, 8 h) counted from sign-in.

    SESSION_SAVE_EVERY_REQUEST renews the cookie's expiry on every request, so without the
    second check an active session would never end; the time of the first signed-in request is
    kept in the session and is not renewed.

    Runs after AuthenticationMiddleware. Token-authenticated API calls carry no session and are
    not affected. The sign-out is written to the sign-in log.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            idle_seconds = int(getattr(settings, "INSATS_SESSION_IDLE_MINUTES", 30)) * 60
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - int(last_seen) > idle_seconds:
                return self._expire(request)
            signed_in = int(request.session.setdefault(SIGNED_IN_KEY, now))
            if now - signed_in > int(settings.SESSION_COOKIE_AGE):
                return self._expire(request, absolute=True)
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    def _expire(self, request: HttpRequest, absolute: bool = False) -> HttpResponse:
        from insats.accounts.models import SignInEvent
        from insats.accounts.signin import record_event

        record_event(request, SignInEvent.Kind.EXPIRED, request.user.get_username(), request.user)
        request._insats_expired = True  # the sign-out is logged as expired, not as a logout
        logout(request)
        minutes = int(getattr(settings, "INSATS_SESSION_IDLE_MINUTES", 30))
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse(
                {"detail": _("Sessionen har gått ut. Logga in igen.")}, status=401
            )
        if absolute:
            text = _("Du har loggats ut eftersom en inloggning gäller i högst %(minutes)s "
                     "minuter. Logga in igen.") % {
                "minutes": int(settings.SESSION_COOKIE_AGE) // 60}
        else:
            text = _("Du har loggats ut efter %(minutes)s minuters inaktivitet.") % {
                "minutes": minutes}
        messages.info(request, text)
        login_url = reverse(settings.LOGIN_URL)
        return redirect(f"{login_url}?next={request.path}")


AUTH_METHOD_KEY = "insats_auth_method"
# Methods that already include a second factor: TOTP here, or the identity provider's own.
STRONG_METHODS = {"totp", "oidc", "saml"}


class AdminTwoFactorMiddleware:
    """Administrators must have signed in with two factors; otherwise they are sent to set up
    (or enter) their TOTP code before anything else. Off when INSATS_REQUIRE_ADMIN_2FA is false.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(settings, "INSATS_REQUIRE_ADMIN_2FA", True) and self._needs_second_factor(
            request
        ):
            allowed = {
                reverse("accounts:otp_setup"),
                reverse("accounts:logout"),
            }
            static = "/" + settings.STATIC_URL.lstrip("/")
            if request.path not in allowed and not request.path.startswith((static, "/i18n/")):
                messages.warning(
                    request,
                    _("Administratörer måste använda tvåfaktorsinloggning. Aktivera den nedan."),
                )
                return redirect("accounts:otp_setup")
        return self.get_response(request)

    @staticmethod
    def _needs_second_factor(request: HttpRequest) -> bool:
        from insats.accounts.models import Role

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if user.role != Role.ADMIN and not user.is_staff and not user.is_superuser:
            return False
        return request.session.get(AUTH_METHOD_KEY) not in STRONG_METHODS
