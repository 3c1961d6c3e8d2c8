"""Pages of the persons app: search, detail, register and edit."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from insats.audit import services as audit
from insats.core import access

from . import services
from .forms import PersonForm, add_service_errors

SEARCH_LIMIT = 50


PERSON_TOKEN_SALT = "insats.persons.registered"


def person_token(person) -> str:
    """A signed reference to a just-registered person, for the referral form."""
    return signing.dumps(person.pk, salt=PERSON_TOKEN_SALT)


def person_from_token(token: str, max_age: int = 3600):
    """The person a token from `person_token` names, or None when it is invalid or old."""
    from .models import Person

    try:
        pk = signing.loads(token, salt=PERSON_TOKEN_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return Person.objects.filter(pk=pk).first()


def _require_personal_data(request: HttpRequest) -> None:
    """Person records (search, personakt) are for a unit's staff; a remittent sees the person
    only inside their own referrals."""
    if not access.sees_person_records(request.user):
        raise PermissionDenied


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Sök person by name or personnummer in any typed form, among persons the user may see."""
    _require_personal_data(request)
    query = request.GET.get("q", "").strip()
    results = None
    truncated = False
    if query:
        found = services.search_persons(access.visible_persons(request.user), query)
        results = list(found.order_by("last_name", "first_name", "pk")[: SEARCH_LIMIT + 1])
        truncated = len(results) > SEARCH_LIMIT
        results = results[:SEARCH_LIMIT]
        # Count only the enrolments the user may see, and only for the rows shown.
        counts = dict(
            access.visible_enrolments(request.user)
            .filter(person_id__in=[p.pk for p in results])
            .order_by()
            .values("person_id")
            .annotate(n=Count("pk"))
            .values_list("person_id", "n")
        )
        for person in results:
            person.enrolment_count = counts.get(person.pk, 0)
        audit.log_many(request, audit.Action.SEARCH, results)
    return render(
        request,
        "persons/search.html",
        {
            "query": query,
            "results": results,
            "truncated": truncated,
            "limit": SEARCH_LIMIT,
            "can_register": access.can_register_person(request.user),
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Personakt: personal details and the enrolments and referrals the user may see."""
    _require_personal_data(request)
    person = get_object_or_404(access.visible_persons(request.user), pk=pk)
    audit.log_access(request, audit.Action.READ, person=person)
    enrolments = (
        access.visible_enrolments(request.user)
        .filter(person=person)
        .select_related("unit", "coach", "closure_reason")
        .order_by("-start_date", "-pk")
    )
    referrals = (
        access.visible_referrals(request.user)
        .filter(person=person)
        .select_related("unit", "referral_source")
        .order_by("-received_date", "-pk")
    )
    return render(
        request,
        "persons/detail.html",
        {
            "person": person,
            "enrolments": enrolments,
            "referrals": referrals,
            "can_edit": access.can_edit_person(request.user, person),
            "link_enrolments": True,
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """Registrera person; a personnummer that already exists is refused with a clear message."""
    if not access.can_register_person(request.user):
        raise PermissionDenied
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.register_person(form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.CREATE, person=person)
            messages.success(request, _("Personen är registrerad."))
            if access.visible_persons(request.user).filter(pk=person.pk).exists():
                return redirect("persons:detail", pk=person.pk)
            if access.can_send_referrals(request.user):
                # A new person is seen through a referral; go on to write it.
                # The person is handed over signed, so that the form cannot be pointed at
                # another person by editing the address.
                query = urlencode({"person": person_token(person)})
                return redirect(f"{reverse('referrals:create')}?{query}")
            messages.info(
                request,
                _("Personen blir synlig för dig när en remiss har fördelats till din enhet."),
            )
            return redirect("persons:search")
    return render(request, "persons/form.html", {"form": form, "person": None})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Ändra personuppgifter."""
    _require_personal_data(request)
    person = get_object_or_404(access.visible_persons(request.user), pk=pk)
    if not access.can_edit_person(request.user, person):
        raise PermissionDenied
    audit.log_access(request, audit.Action.READ, person=person)
    form = PersonForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(
                person,
                form.service_data(),
                expected_updated_at=form.cleaned_data.get("updated_at"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.UPDATE, person=person)
            messages.success(request, _("Personuppgifterna är sparade."))
            return redirect("persons:detail", pk=person.pk)
    return render(request, "persons/form.html", {"form": form, "person": person})
