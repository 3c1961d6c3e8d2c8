"""Registerutdrag (GDPR art. 15) for an authorised user: the unit's enhetschef, or an
administrator who states a reason. Making one is logged in the access log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insats.accounts.models import Role
from insats.core import access
from insats.core.forms import add_service_errors
from insats.persons.models import Person

from . import extract
from .forms import ExtractForm

NOT_FOUND = _("Det finns ingen person med det id:t eller personnumret som du får göra "
              "registerutdrag för.")


def _require_extract_role(request: HttpRequest) -> None:
    if request.user.role not in (Role.ENHETSCHEF, Role.ADMIN):
        raise PermissionDenied


def _find(user, text: str) -> Person | None:
    text = text.strip()
    persons = access.extractable_persons(user)
    if text.isascii() and text.isdigit() and len(text) < 10:
        return persons.filter(pk=int(text)).first()
    from insats.persons.services import normalise_personnummer

    number = normalise_personnummer(text)
    return persons.filter(personnummer=number).first() if number else None


@login_required
def extract_view(request: HttpRequest) -> HttpResponse:
    """Registerutdrag: choose the person and the format; the file is the answer."""
    _require_extract_role(request)
    initial = {"person": request.GET.get("person", "")}
    form = ExtractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = _find(request.user, data["person"])
        except ValidationError as exc:
            form.add_error("person", exc.messages[0])
            person = None
        else:
            if person is None:
                form.add_error("person", NOT_FOUND)
        if person is not None:
            try:
                content = extract.produce(request.user, person, reason=data["reason"],
                                          request=request)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _file(content, person, data["format"])
    return render(request, "privacy/extract.html", {
        "form": form, "needs_reason": access.extract_needs_reason(request.user),
    })


def _file(content: dict, person: Person, fmt: str) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        response = HttpResponse(extract.as_json(content), content_type="application/json")
        name = f"registerutdrag-{person.pk}-{stamp}.json"
    else:
        response = HttpResponse(extract.as_pdf(content), content_type="application/pdf")
        name = f"registerutdrag-{person.pk}-{stamp}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
