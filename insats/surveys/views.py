"""Pages of the surveys app.

The public answer pages (/enkat/…) need no sign-in and show no personal data: the one-time
token or the short code is the only key. Staff pages: offering the participant survey from a
closed enrolment (access through visible enrolments, 404 otherwise), employer invitations, and
results with small-cell suppression.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from insats.accounts.signin import client_ip
from insats.core import access
from insats.core.forms import add_service_errors
from insats.enrolments.models import Enrolment

from . import services
from .forms import CodeForm, EmployerInvitationForm, OfferForm, ResponseForm, ResultsFilterForm
from .models import SurveyInvitation

# --- Public pages (no sign-in) ----------------------------------------------------------------


@never_cache
def public_start(request: HttpRequest) -> HttpResponse:
    """Svara på enkät: the participant types the code from their slip."""
    form = CodeForm(request.POST if request.method == "POST" else None)
    ip = client_ip(request)
    if request.method == "POST" and services.code_tries_exhausted(ip):
        form.is_valid()
        form.add_error("code", _(
            "För många felaktiga koder har skrivits från den här uppkopplingen. Vänta en kvart "
            "och försök igen, eller fråga den som gav dig lappen."
        ))
        return render(request, "surveys/public_start.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        invitation = services.invitation_by_code(form.cleaned_data["code"])
        if invitation is not None:
            return redirect("surveys:public", token=invitation.token)
        services.record_wrong_code(ip)
        form.add_error("code", services.state_error(services.UNKNOWN).messages[0])
    return render(request, "surveys/public_start.html", {"form": form})


def _closed(request: HttpRequest, state: str, status: int = 200) -> HttpResponse:
    return render(request, "surveys/public_closed.html",
                  {"state": state, "message": services.state_error(state).messages[0]},
                  status=status)


@never_cache
def public(request: HttpRequest, token: str) -> HttpResponse:
    """The survey itself, answered once. Double submit and expired links get a clear message
    and nothing is stored twice."""
    invitation = (
        SurveyInvitation.objects.select_related("survey").filter(token=token).first()
    )
    state = services.invitation_state(invitation)
    if state:
        return _closed(request, state, 404 if state == services.UNKNOWN else 200)
    questions = list(invitation.survey.questions.order_by("order", "pk"))
    form = ResponseForm(questions, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_response(token, form.answers())
        except ValidationError as exc:
            if getattr(exc, "code", None) in (services.USED, services.EXPIRED):
                return _closed(request, exc.code)
            add_service_errors(form, exc)
        else:
            return redirect("surveys:public_thanks")
    return render(request, "surveys/public.html", {
        "survey": invitation.survey, "form": form,
        "measures": [m.name for m in invitation.measures.all()],
    })


@never_cache
def public_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/public_thanks.html")


# --- Offer at closure (enrolment page) ------------------------------------------------------


def _enrolment(request: HttpRequest, pk: int) -> Enrolment:
    if request.user.role not in access.UNIT_ROLES:
        raise PermissionDenied
    return get_object_or_404(
        access.visible_enrolments(request.user).select_related("unit", "person"), pk=pk
    )


def _section_url(enrolment: Enrolment) -> str:
    return reverse("enrolments:detail", args=[enrolment.pk]) + "#enkat"


@login_required
@require_POST
def offer(request: HttpRequest, pk: int) -> HttpResponse:
    """Erbjud enkät: creates the invitation; the section then shows its link and code."""
    enrolment = _enrolment(request, pk)
    form = OfferForm(request.POST)
    survey = form.cleaned_data["survey"] if form.is_valid() else None
    try:
        invitation = services.offer_participant_survey(enrolment, request.user, survey=survey)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _(
            "Enkäten är erbjuden. Ge deltagaren koden %(code)s eller länken."
        ) % {"code": invitation.code})
    return redirect(_section_url(enrolment))


@login_required
def slip(request: HttpRequest, pk: int) -> HttpResponse:
    """Lapp till deltagaren: survey address and code, to print and hand over."""
    enrolment = _enrolment(request, pk)
    invitation = services.pending_for_enrolment(enrolment).first()
    if invitation is None:
        messages.info(request, _("Det finns ingen obesvarad enkätinbjudan att skriva ut."))
        return redirect(_section_url(enrolment))
    return render(request, "surveys/slip.html", {
        "invitation": invitation, "enrolment": enrolment,
        "link": request.build_absolute_uri(reverse("surveys:public", args=[invitation.token])),
        "start": request.build_absolute_uri(reverse("surveys:public_start")),
    })


# --- Employer surveys -----------------------------------------------------------------------


@login_required
def employer(request: HttpRequest) -> HttpResponse:
    """Arbetsgivarenkäter: invite an employer to answer about a measure (jobbspår)."""
    user = request.user
    if not access.can_create_employer_survey(user):
        raise PermissionDenied
    services.clear_expired_invitations()
    form = EmployerInvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.create_employer_invitation(
                survey=form.cleaned_data["survey"], measure=form.cleaned_data["measure"],
                employer_name=form.cleaned_data["employer_name"], by=user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _(
                "Inbjudan till %(employer)s är skapad med koden %(code)s."
            ) % {"employer": invitation.employer_name, "code": invitation.code})
            return redirect("surveys:employer")
    invitations = [
        (inv, request.build_absolute_uri(reverse("surveys:public", args=[inv.token])))
        for inv in services.employer_invitations_of_unit(user.unit_id)
    ]
    return render(request, "surveys/employer.html", {
        "form": form, "invitations": invitations,
        "start": request.build_absolute_uri(reverse("surveys:public_start")),
    })


# --- Results --------------------------------------------------------------------------------


@login_required
def results(request: HttpRequest) -> HttpResponse:
    """Enkätresultat per survey, question, measure and unit; small cells are suppressed."""
    user = request.user
    if not access.can_see_survey_results(user):
        raise PermissionDenied
    services.clear_expired_invitations()
    first, last = ResultsFilterForm.default_period(timezone.localdate())
    data = request.GET if request.GET else {"date_from": first, "date_to": last}
    form = ResultsFilterForm(data)
    surveys = []
    if form.is_valid():
        survey = form.cleaned_data.get("survey")
        surveys = services.results_for(
            user, form.cleaned_data.get("date_from"), form.cleaned_data.get("date_to"),
            survey.pk if survey else None,
        )
    return render(request, "surveys/results.html", {
        "form": form, "surveys": surveys, "min_cell": services.min_cell(),
        "free_text": access.can_read_survey_free_text(user),
    })
