"""Åtkomstlogg: writing entries (log_access, log_many) and following them up (logguppföljning).

Views call `log_access` with the object they are about to show or have just changed, and
`log_many` with the rows of a list they show. Within a request the entries wait on the request
and are written in one insert when the response is known (`AccessLogMiddleware`): a page that
ends in 403/404 wrote nothing, and a read that led to a change in the same request is recorded
as the change only. Without a request (a management command) the entry is written at once.

Every follow-up query is computed in the database; see `unusual_patterns`.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate
from django.http import HttpRequest
from django.utils import timezone

from insats.accounts.models import Role, User

from .models import CHANGE_ACTIONS, AccessLogEntry, Action  # noqa: F401 - audit.Action for views

# The request being served, so that code without it (start-page panels) can still log with
# the request's path and address. Set by the middleware.
current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "insats_audit_request", default=None
)
PENDING_ATTR = "_insats_access_log"
USER_AGENT_LENGTH = 120
PATH_LENGTH = 300

# Where an object's enrolment id is found, by model label; persons are then looked up in bulk.
ENROLMENT_PATHS = {
    "enrolments.enrolment": ("pk",),
    "enrolments.casenote": ("enrolment_id",),
    "enrolments.threepartymeeting": ("enrolment_id",),
    "enrolments.followup": ("enrolment_id",),
    "enrolments.reopening": ("enrolment_id",),
    "assessments.assessment": ("enrolment_id",),
    "plans.actionplan": ("enrolment_id",),
    "plans.goal": ("plan", "enrolment_id"),
    "plans.planfollowup": ("plan", "enrolment_id"),
    "measures.placement": ("enrolment_id",),
    "measures.attendance": ("placement", "enrolment_id"),
}


@dataclass
class Pending:
    """An entry waiting for the response (or about to be written)."""

    action: str
    object_type: str
    object_id: int | None
    person_id: int | None = None
    enrolment_id: int | None = None
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# --- Writing --------------------------------------------------------------------------------


def _http_request(actor) -> HttpRequest | None:
    """The Django request behind a Django or DRF request, else None."""
    if isinstance(actor, HttpRequest):
        return actor
    inner = getattr(actor, "_request", None)
    return inner if isinstance(inner, HttpRequest) else None


def _subject(obj: models.Model) -> Pending:
    label = obj._meta.label_lower
    if label == "persons.person":
        return Pending("", "person", obj.pk, person_id=obj.pk)
    if label == "referrals.referral":
        return Pending("", "referral", obj.pk, person_id=obj.person_id)
    if label == "referrals.referralattachment":
        return Pending("", "referralattachment", obj.pk, person_id=obj.referral.person_id)
    path = ENROLMENT_PATHS.get(label)
    if path is None:
        raise ValueError(f"No access-log subject for {label}")
    value: Any = obj
    for attr in path:
        value = getattr(value, attr)
    pending = Pending("", obj._meta.model_name, obj.pk, enrolment_id=value)
    if label == "enrolments.enrolment":
        pending.person_id = obj.person_id
    return pending


def _entry(action: str, *, person=None, enrolment=None, obj=None, reason: str = "") -> Pending:
    if obj is not None:
        pending = _subject(obj)
    elif enrolment is not None:
        pending = _subject(enrolment)
    elif person is not None:
        pending = _subject(person)
    else:
        raise ValueError("log_access needs a person, an enrolment or an object")
    if enrolment is not None:
        pending.enrolment_id = enrolment.pk
        pending.person_id = enrolment.person_id
    if person is not None:
        pending.person_id = person.pk
    pending.action = action
    pending.reason = reason[:300]
    return pending


def log_access(actor, action: str, *, person=None, enrolment=None, obj=None,
               reason: str = "", object_type: str | None = None) -> None:
    """Log one access (`action` from `Action`) to a person's data.

    `actor` is the request (Django or DRF), or a User / a system name (str) outside requests.
    Name the object with `obj`, or give the `person` / `enrolment` it belongs to;
    `object_type` overrides the logged type (e.g. "accesslog", "extract").
    """
    entry = _entry(action, person=person, enrolment=enrolment, obj=obj, reason=reason)
    if object_type:
        entry.object_type = object_type
    _queue(actor, [entry])


def system_actor(command: str) -> str:
    """The name logged for a management command: the command and the operating-system user
    who ran it, e.g. "export_data (insats)" (there is no signed-in user on the server)."""
    import getpass

    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        os_user = "okänd"
    return f"{command} ({os_user})"[:150]


def log_system(actor: str, action: str, *, object_type: str, person_id: int | None = None,
               object_id: int | None = None, reason: str = "") -> None:
    """Log something done outside a request by a system actor (see `system_actor`): a bulk
    export or import, a lookup in the log, a grant. `person_id` may name a person who no longer
    exists (the log keeps plain ids)."""
    write(None, actor, [Pending(action, object_type, object_id, person_id=person_id,
                                reason=reason[:300])])


def log_many(actor, action: str, objects: Iterable[models.Model], *, reason: str = "") -> None:
    """Log each of `objects` shown in a list (one entry per row, one insert)."""
    _queue(actor, [_entry(action, obj=obj, reason=reason) for obj in objects])


def _queue(actor, entries: list[Pending]) -> None:
    if not entries:
        return
    request = _http_request(actor)
    if request is None and isinstance(actor, User):
        # Code without the request (a start-page panel) inside a request of the same user.
        candidate = current_request.get()
        if candidate is not None and getattr(candidate, "user", None) == actor:
            request = candidate
    if request is not None and hasattr(request, PENDING_ATTR):
        getattr(request, PENDING_ATTR).extend(entries)
        return
    if request is not None:
        write(request, request.user, entries)
    else:
        write(None, actor, entries)


def begin(request: HttpRequest) -> contextvars.Token:
    """Start collecting entries for a request (the middleware)."""
    setattr(request, PENDING_ATTR, [])
    return current_request.set(request)


def discard_changes(request: HttpRequest) -> None:
    """Forget the request's pending change entries: its writes were rolled back after all (a
    double submit that lost the race, `insats.core.submit_once`). What it read stays logged."""
    entries: list[Pending] = getattr(request, PENDING_ATTR, [])
    entries[:] = [e for e in entries if e.action not in CHANGE_ACTIONS]


def finish(request: HttpRequest, status: int, token: contextvars.Token) -> None:
    """Write the request's entries now that the response status is known.

    Changes are written when the request succeeded (below 400). Reads are written unless the
    page refused (401/403/404/405) or failed (5xx): a form shown again with its errors (400,
    409) still showed the data. A read of something changed in the same request is dropped.
    """
    current_request.reset(token)
    entries: list[Pending] = getattr(request, PENDING_ATTR, [])
    if not entries:
        return
    shown = status < 400 or status in (400, 409, 412, 422)
    keep = [e for e in entries if (e.action in CHANGE_ACTIONS and status < 400)
            or (e.action not in CHANGE_ACTIONS and shown)]
    write(request, getattr(request, "user", None), keep)


def _fill_persons(entries: list[Pending]) -> None:
    from insats.enrolments.models import Enrolment

    missing = {e.enrolment_id for e in entries if e.person_id is None and e.enrolment_id}
    if not missing:
        return
    persons = dict(Enrolment.objects.filter(pk__in=missing).values_list("pk", "person_id"))
    for entry in entries:
        if entry.person_id is None and entry.enrolment_id:
            entry.person_id = persons.get(entry.enrolment_id)


def _deduplicate(entries: list[Pending]) -> list[Pending]:
    changed = {(e.person_id, e.enrolment_id) for e in entries if e.action in CHANGE_ACTIONS}
    seen: set[tuple] = set()
    result = []
    for entry in entries:
        if entry.action not in CHANGE_ACTIONS and (entry.person_id, entry.enrolment_id) in changed:
            continue
        key = (entry.action, entry.object_type, entry.object_id, entry.person_id)
        if key in seen:
            continue
        seen.add(key)
        result.append(entry)
    return result


def _caseload_persons(user, person_ids: set[int]) -> set[int] | None:
    """Persons in a coach's own caseload (None: the user has no personal caseload)."""
    from insats.enrolments.models import Enrolment

    if not isinstance(user, User) or user.role != Role.COACH:
        return None
    return set(
        Enrolment.objects.filter(person_id__in=person_ids, coach_id=user.pk)
        .values_list("person_id", flat=True)
    )


def _client_ip(request: HttpRequest | None) -> str | None:
    from insats.accounts.signin import client_ip

    return client_ip(request) if request is not None else None


def write(request: HttpRequest | None, actor, entries: list[Pending]) -> int:
    """Insert `entries` for `actor` (a User, or a system name such as "gallring")."""
    from insats.persons.models import Person

    if not entries:
        return 0
    _fill_persons(entries)
    entries = _deduplicate(entries)
    person_ids = {e.person_id for e in entries if e.person_id}
    protected = set(
        Person.objects.filter(pk__in=person_ids, protected_identity=True)
        .values_list("pk", flat=True)
    )
    user = actor if isinstance(actor, User) and actor.is_authenticated else None
    caseload = _caseload_persons(user, person_ids)
    common = {
        "user": user,
        "username": user.username if user else str(actor or "")[:150],
        "role": user.role if user else "",
        "unit_id": user.unit_id if user else None,
        "path": request.path[:PATH_LENGTH] if request is not None else "",
        "method": request.method or "" if request is not None else "",
        "ip": _client_ip(request),
        "user_agent": (request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]
                       if request is not None else ""),
    }
    rows = [
        AccessLogEntry(
            action=e.action, object_type=e.object_type, object_id=e.object_id,
            person_id=e.person_id, enrolment_id=e.enrolment_id, reason=e.reason,
            protected_person=e.person_id in protected,
            outside_caseload=caseload is not None and e.person_id is not None
            and e.person_id not in caseload,
            **common,
        )
        for e in entries
    ]
    AccessLogEntry.objects.bulk_create(rows)
    return len(rows)


# --- Following up (logguppföljning) -----------------------------------------------------------


def visible_entries(user: User) -> QuerySet[AccessLogEntry]:
    """The entries `user` may follow up: decided in insats.core.access."""
    from insats.core.access import visible_access_log

    return visible_access_log(user)


def between(qs: QuerySet, date_from: dt.date | None, date_to: dt.date | None) -> QuerySet:
    """Entries on the days from `date_from` to `date_to` (local time, inclusive)."""
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min,
                                                  tzinfo=tz))
    return qs


def for_person(qs: QuerySet, person_id: int) -> QuerySet:
    """Who has opened this person (vem har öppnat personen)."""
    return qs.filter(person_id=person_id).order_by("-at", "-pk")


def for_user(qs: QuerySet, username: str) -> QuerySet:
    """What this user has opened (vad har användaren öppnat)."""
    return qs.filter(username=username).order_by("-at", "-pk")


def office_hours() -> tuple[int, int]:
    """Office hours as (first hour, hour after the last), e.g. (7, 18) = 07:00–17:59."""
    start, end = getattr(settings, "INSATS_AUDIT_OFFICE_HOURS", (7, 18))
    return int(start), int(end)


def outside_office_hours() -> Q:
    """Entries on a weekend or outside office hours (local time), as a database condition."""
    start, end = office_hours()
    return Q(weekday__gte=6) | Q(hour__lt=start) | Q(hour__gte=end)


@dataclass(frozen=True)
class UnusualPatterns:
    many_outside_caseload: list[dict]
    protected_opens: QuerySet
    outside_hours: QuerySet
    threshold: int


def unusual_patterns(qs: QuerySet, *, threshold: int | None = None) -> UnusualPatterns:
    """Avvikande mönster, all computed in SQL:

    * users who in one day opened more than `threshold` distinct persons outside their own
      caseload;
    * every access to a person with protected identity;
    * accesses at weekends or outside office hours.
    """
    if threshold is None:
        threshold = int(getattr(settings, "INSATS_AUDIT_OUTSIDE_CASELOAD_PER_DAY", 10))
    many = list(
        qs.filter(outside_caseload=True, person_id__isnull=False)
        .annotate(day=TruncDate("at"))
        .values("username", "day")
        .annotate(persons=Count("person_id", distinct=True))
        .filter(persons__gt=threshold)
        .order_by("-day", "-persons", "username")
    )
    protected = qs.filter(protected_person=True).order_by("-at", "-pk")
    hours = (
        qs.annotate(hour=ExtractHour("at"), weekday=ExtractIsoWeekDay("at"))
        .filter(outside_office_hours())
        .order_by("-at", "-pk")
    )
    return UnusualPatterns(many, protected, hours, threshold)


def as_dict(entry: AccessLogEntry) -> dict[str, Any]:
    """The machine-readable form of one entry (`insats audit_log --json`, register extracts)."""
    return {
        "at": timezone.localtime(entry.at).isoformat(),
        "username": entry.username,
        "role": entry.role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "person_id": entry.person_id,
        "enrolment_id": entry.enrolment_id,
        "path": entry.path,
        "method": entry.method,
        "ip": entry.ip,
        "outside_caseload": entry.outside_caseload,
        "reason": entry.reason,
    }

