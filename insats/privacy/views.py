"""Registerutdrag (GDPR art. 15) for an authorised user: the unit's enhetschef, or an
administrator who states a reason. Making one is logged in the access log.

Behörighet till skyddad identitet per person: an administrator's page over the grants
(`grants_view`), calling insats/privacy/grants.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insats.accounts.models import ProtectedIdentityGrant, Role, User
from insats.audit import services as audit
from insats.core import access
from insats.core.forms import add_service_errors
from insats.core.security.params import id_param
from insats.persons.models import Person

from . import extract, grants
from .forms import ExtractForm, GrantForm, RevokeForm

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


# --- Behörighet till skyddad identitet per person (insats/privacy/grants.py) -----------------

STALE_GRANT = _("Behörigheten finns inte längre – den kan redan ha tagits bort. Listan visar "
                "behörigheterna som de är nu.")


def _require_admin(request: HttpRequest) -> None:
    if request.user.role != Role.ADMIN:
        raise PermissionDenied


def _municipality_grants(admin: User):
    """The grants of the users of the administrator's municipality (none without one)."""
    if admin.municipality_id is None:
        return ProtectedIdentityGrant.objects.none()
    return (ProtectedIdentityGrant.objects
            .filter(user__municipality_id=admin.municipality_id)
            .select_related("user", "user__unit", "person", "granted_by")
            .order_by("person_id", "user__username"))


def _grantable_users(admin: User):
    """Active users of the administrator's municipality whose role lets them see persons."""
    if admin.municipality_id is None:
        return User.objects.none()
    return (User.objects.filter(municipality_id=admin.municipality_id, is_active=True,
                                role__in=access.CASE_ROLES)
            .select_related("unit").order_by("username"))


def _grant(request: HttpRequest, form: GrantForm) -> bool:
    data = form.cleaned_data
    person = access.grantable_persons(request.user).filter(pk=data["person"]).first()
    if person is None:
        form.add_error("person", _("Det finns ingen person med id %(id)s.")
                       % {"id": data["person"]})
        return False
    try:
        grants.grant(data["user"], person, reason=data["reason"], actor=request.user,
                     granted_by=request.user, request=request)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    messages.success(request, _("%(user)s har nu behörighet till person %(id)s.")
                     % {"user": data["user"].username, "id": person.pk})
    return True


@login_required
def grants_view(request: HttpRequest) -> HttpResponse:
    """Behörighet till skyddad identitet: the grants per person of the municipality's users,
    and forms to grant and revoke. Every change is made (and logged, with its reason) by
    insats/privacy/grants.py; showing the list is logged per person."""
    _require_admin(request)
    admin = request.user
    users = _grantable_users(admin)
    grant_form = GrantForm(users=users)
    revoke_form, revoke_pk, page_errors = None, None, []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "grant":
            grant_form = GrantForm(request.POST, users=users)
            if grant_form.is_valid() and _grant(request, grant_form):
                return redirect("privacy:grants")
        elif action == "revoke":
            revoke_pk = id_param(request.POST.get("grant"))
            grant = (_municipality_grants(admin).filter(pk=revoke_pk).first()
                     if revoke_pk is not None else None)
            if grant is None:
                page_errors.append(STALE_GRANT)
            else:
                revoke_form = RevokeForm(request.POST, prefix=f"r{grant.pk}")
                if revoke_form.is_valid():
                    try:
                        grants.revoke(grant.user, grant.person,
                                      reason=revoke_form.cleaned_data["reason"], actor=admin,
                                      request=request)
                    except ValidationError as exc:
                        add_service_errors(revoke_form, exc)
                    else:
                        messages.success(
                            request, _("Behörigheten för %(user)s till person %(id)s är "
                                       "borttagen.")
                            % {"user": grant.user.username, "id": grant.person_id})
                        return redirect("privacy:grants")
    rows = []
    for grant in _municipality_grants(admin):
        form = revoke_form if grant.pk == revoke_pk else RevokeForm(prefix=f"r{grant.pk}")
        rows.append({"grant": grant, "form": form})
    if revoke_form is not None and revoke_pk not in {row["grant"].pk for row in rows}:
        # Revoked by someone else meanwhile: the form's row is gone, so say it above the list.
        page_errors.extend(revoke_form.non_field_errors() or [STALE_GRANT])
    for row in rows:
        audit.log_access(request, audit.Action.READ, person=row["grant"].person,
                         object_type=grants.OBJECT_TYPE,
                         reason="Lista över behörigheter till skyddad identitet")
    everyone = (User.objects.filter(municipality_id=admin.municipality_id,
                                    may_see_protected_identity=True, is_active=True)
                .order_by("username") if admin.municipality_id else User.objects.none())
    return render(request, "privacy/grants.html", {
        "grant_form": grant_form, "rows": rows, "page_errors": page_errors,
        "show_names": admin.may_see_protected_identity, "everyone": everyone,
    })
