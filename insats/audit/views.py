"""Logguppföljning: the enhetschef (their unit's staff) and the administrator follow up the log.

Every query starts from `access.visible_access_log(user)`. Looking up who has opened a person
is itself a read of that person's data and is logged.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insats.core import access
from insats.persons.models import Person

from . import services
from .forms import PeriodForm, PersonLookupForm, UserLookupForm

PAGE_SIZE = 100
PATTERN_ROWS = 50


def _require_follow_up(request: HttpRequest) -> None:
    if not access.can_follow_up_access_log(request.user):
        raise PermissionDenied


def _period(qs, form):
    if not form.is_bound or not form.is_valid():
        return qs
    return services.between(qs, form.cleaned_data.get("fran"), form.cleaned_data.get("till"))


def _query(form, *names) -> str:
    """The form's valid values as a query string, for the page links."""
    if not form.is_bound or not form.is_valid():
        return ""
    values = {n: form.cleaned_data.get(n) for n in names}
    return urlencode({k: v for k, v in values.items() if v})


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Avvikande mönster in the period, and the lookups per person and per user."""
    _require_follow_up(request)
    form = PeriodForm(request.GET or None)
    entries = _period(access.visible_access_log(request.user), form)
    patterns = services.unusual_patterns(entries)
    start, end = services.office_hours()
    return render(request, "audit/index.html", {
        "form": form,
        "patterns": patterns,
        "protected": Paginator(patterns.protected_opens, PATTERN_ROWS).get_page(1),
        "outside_hours": Paginator(patterns.outside_hours, PATTERN_ROWS).get_page(1),
        "office_start": f"{start:02d}:00", "office_end": f"{end:02d}:00",
        "person_form": PersonLookupForm(), "user_form": UserLookupForm(),
    })


NO_SUCH_PERSON = gettext_lazy(
    "Det finns ingen sådan person i Insats med loggade åtkomster som du kan följa upp."
)


def _find_person(user, text: str) -> Person | None:
    """The person named by an id or a personnummer, among the persons of the user's
    municipality only (`access.follow_up_persons`): the lookup never tells whether someone
    exists elsewhere."""
    text = text.strip()
    persons = access.follow_up_persons(user)
    if text.isascii() and text.isdigit() and len(text) < 10:
        return persons.filter(pk=int(text)).first()
    from insats.persons.services import normalise_personnummer

    number = normalise_personnummer(text)
    return persons.filter(personnummer=number).first() if number else None


@login_required
def person(request: HttpRequest) -> HttpResponse:
    """Vem har öppnat personen: every logged access to one person by the staff followed up.

    A person outside the user's municipality, and a protected person the user may not see who
    has no entries to show, get the same answer as a person who does not exist."""
    _require_follow_up(request)
    form = PersonLookupForm(request.GET or None)
    found, page = None, None
    if form.is_valid():
        try:
            found = _find_person(request.user, form.cleaned_data["person"])
        except ValidationError as exc:
            form.add_error("person", exc.messages[0])
    entries = None
    if found is not None:
        entries = services.for_person(_period(access.visible_access_log(request.user), form),
                                      found.pk)
        if not access.may_reveal_person(request.user, found) and not entries.exists():
            found = None
    if form.is_valid() and found is None and not form.errors:
        form.add_error("person", NO_SUCH_PERSON)
    if found is not None:
        services.log_access(request, services.Action.READ, person=found,
                            object_type="accesslog", reason=_("Logguppföljning"))
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(request, "audit/person.html", {
        "form": form, "person": found, "page": page,
        # Names only for those who may see the person anyway; others see the id.
        "show_name": found is not None
        and access.visible_persons(request.user).filter(pk=found.pk).exists(),
        "extra_query": _query(form, "person", "fran", "till"),
    })


@login_required
def user(request: HttpRequest) -> HttpResponse:
    """Vad har användaren öppnat: one member of staff's logged accesses, with dates."""
    _require_follow_up(request)
    form = UserLookupForm(request.GET or None)
    page = None
    if form.is_valid():
        entries = services.for_user(_period(access.visible_access_log(request.user), form),
                                    form.cleaned_data["anvandare"].strip())
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(request, "audit/user.html", {
        "form": form, "page": page,
        "extra_query": _query(form, "anvandare", "fran", "till"),
    })
