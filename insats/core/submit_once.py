"""Server-side protection against double submits of HTML forms.

The JavaScript that disables a form's buttons after a click helps, but a replayed request, a
second tab or the browser's back button and resend get past it. So each rendered POST form
carries a one-time token (the project's ``{% csrf_token %}`` adds it, see
``templatetags/submit_once.py``), and ``SubmitOnceMiddleware`` lets a token succeed only once:

* the view runs in a transaction; when it answers with a redirect (success, by the
  post/redirect/get convention every form view here follows), or an htmx form is answered in
  place with 2xx, the token is stored in the same transaction, so the writes and the token
  commit together or not at all;
* a later request with a stored token does not reach the view: the user is sent where the first
  submit led, with a message that nothing was saved twice;
* a form answered with errors (re-rendered, 200 or 400) stores nothing, so the corrected form
  can be sent;
* a server error (5xx) rolls the view's writes back: no partial writes.

Requests without a token (the REST API, htmx requests without a form, tests posting plain data)
pass through unchanged.
"""

from __future__ import annotations

import datetime as dt
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from insats.audit import services as audit

FIELD = "_submission"
# Paths whose repeat is harmless and expected (switching language back and forth).
EXEMPT_PREFIXES = ("/i18n/",)
KEEP = dt.timedelta(days=2)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _success_location(request: HttpRequest, response: HttpResponse) -> str | None:
    """Where a successful submit led, or None when the form was answered with errors or the
    user was sent to sign in (a session that ended: the form must work after signing in)."""
    if response.status_code in (301, 302, 303) and response.has_header("Location"):
        location = response["Location"]
        if urlsplit(location).path == resolve_url(settings.LOGIN_URL):
            return None
        return location
    if getattr(request, "htmx", False) and 200 <= response.status_code < 300:
        # An htmx form is answered in place (form errors are 400); the page stays the same.
        current = request.headers.get("HX-Current-URL", "")
        safe = url_has_allowed_host_and_scheme(current, {request.get_host()})
        return current if current and safe else request.path
    return None


def _duplicate(request: HttpRequest, location: str) -> HttpResponse:
    messages.info(
        request,
        _("Formuläret var redan skickat. Inget har sparats en gång till."),
    )
    if getattr(request, "htmx", False):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = location
        return response
    return HttpResponseRedirect(location)


class _Rollback(Exception):
    def __init__(self, response: HttpResponse):
        self.response = response


class SubmitOnceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = self._token(request)
        if token is None:
            return self.get_response(request)
        from .models import FormSubmission

        prior = FormSubmission.objects.filter(token=token).values_list("location", flat=True)
        if prior:
            return _duplicate(request, prior[0])
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if response.status_code >= 500:
                    raise _Rollback(response)
                location = _success_location(request, response)
                if location is not None:
                    self._record(request, token, location)
                return response
        except _Rollback as rollback:
            return rollback.response
        except IntegrityError:
            # The same form arrived twice at once; the other request committed first, and
            # this one's writes are gone, so are its change entries in the access log.
            audit.discard_changes(request)
            location = FormSubmission.objects.filter(token=token).values_list(
                "location", flat=True
            )
            return _duplicate(request, location[0] if location else request.path)

    @staticmethod
    def _token(request: HttpRequest) -> str | None:
        if request.method != "POST" or request.path.startswith(EXEMPT_PREFIXES):
            return None
        token = request.POST.get(FIELD, "")
        return token[:64] or None

    @staticmethod
    def _record(request: HttpRequest, token: str, location: str) -> None:
        from .models import FormSubmission

        user = getattr(request, "user", None)
        FormSubmission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
        FormSubmission.objects.create(
            token=token,
            user_id=user.pk if user is not None and user.is_authenticated else None,
            path=request.path[:500],
            location=location[:1000],
        )
