"""Sign-in rules shared by every way in: the sign-in log and the brute-force lock-out.

Lock-out (spärr), three limits within the same window of INSATS_LOCKOUT_MINUTES:

* INSATS_LOCKOUT_FAILURES failed attempts (wrong password or wrong one-time code) for one
  username from one IP address lock that pair; a successful sign-in starts the count afresh.
  Locking on the pair (not the username alone) keeps an attacker from locking a colleague out
  from elsewhere with a handful of attempts.
* INSATS_LOCKOUT_USER_FAILURES failed attempts for one username from any addresses lock the
  username (guessing one account's password from many machines). Set well above the pair
  limit, so locking a colleague out takes a deliberate attack that the sign-in log shows.
* INSATS_LOCKOUT_IP_FAILURES failed attempts from one address, whatever the usernames, lock
  that address (password spraying: one common password tried against many accounts).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SignInEvent, User

FAILURE_KINDS = (SignInEvent.Kind.FAILURE, SignInEvent.Kind.OTP_FAILURE, SignInEvent.Kind.LOCKED)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address; behind a reverse proxy that sets X-Forwarded-For, the last hop
    it added (only when INSATS_TRUST_X_FORWARDED_FOR is on, since clients can forge it)."""
    if request is None:
        return None
    if getattr(settings, "INSATS_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def record_event(
    request: HttpRequest | None,
    kind: str,
    username: str,
    user: User | None = None,
    method: str = "",
) -> SignInEvent:
    agent = request.META.get("HTTP_USER_AGENT", "")[:200] if request is not None else ""
    return SignInEvent.objects.create(
        kind=kind,
        username=(username or "")[:150],
        user=user if user is not None and user.pk else None,
        ip=client_ip(request),
        method=method,
        user_agent=agent,
    )


def lockout_failures() -> int:
    return int(getattr(settings, "INSATS_LOCKOUT_FAILURES", 5))


def lockout_minutes() -> int:
    return int(getattr(settings, "INSATS_LOCKOUT_MINUTES", 15))


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=lockout_minutes())


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def failures_for_username(username: str) -> int:
    """Failed attempts for the username from any address, after its last success."""
    events = SignInEvent.objects.filter(username__iexact=username, at__gte=_window_start())
    return _failures_after_last_success(events)


def failures_from_ip(ip: str | None) -> int:
    """Failed attempts from the address for any usernames inside the window."""
    if not ip:
        return 0
    return SignInEvent.objects.filter(
        ip=ip, at__gte=_window_start(), kind__in=FAILURE_KINDS
    ).count()


def _failures_after_last_success(events) -> int:
    last_success = (
        events.filter(kind=SignInEvent.Kind.SUCCESS).order_by("-at").values_list("at", flat=True)
    ).first()
    failures = events.filter(kind__in=FAILURE_KINDS)
    if last_success is not None:
        failures = failures.filter(at__gt=last_success)
    return failures.count()


def recent_failures(username: str, ip: str | None) -> int:
    """Failed attempts for username+IP inside the window and after the last success."""
    events = SignInEvent.objects.filter(username__iexact=username, ip=ip, at__gte=_window_start())
    return _failures_after_last_success(events)


def is_locked(request: HttpRequest | None, username: str) -> bool:
    if not username:
        return False
    ip = client_ip(request)
    return (
        recent_failures(username, ip) >= lockout_failures()
        or failures_for_username(username) >= _limit("INSATS_LOCKOUT_USER_FAILURES", 30)
        or failures_from_ip(ip) >= _limit("INSATS_LOCKOUT_IP_FAILURES", 50)
    )


def locked_message() -> str:
    return _(
        "För många misslyckade inloggningsförsök. Inloggningen är spärrad i %(minutes)s minuter."
    ) % {"minutes": lockout_minutes()}
