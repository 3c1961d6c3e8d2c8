"""Pages of the assessments app: perform a kartläggning and read a completed one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from insats.audit import services as audit
from insats.core import access
from insats.core.forms import add_service_errors

from . import services
from .forms import AssessmentForm
from .models import Assessment, Instrument


@login_required
def perform(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    """Genomför kartläggning for an enrolment with an active instrument."""
    enrolment = get_object_or_404(
        access.visible_enrolments(request.user).select_related("person"), pk=enrolment_pk
    )
    if not access.can_work_on_enrolment(request.user, enrolment):
        raise PermissionDenied
    audit.log_access(request, audit.Action.READ, enrolment=enrolment)
    instruments = list(Instrument.objects.filter(active=True).order_by("name", "pk"))
    chosen = request.POST.get("instrument") or request.GET.get("instrument")
    instrument = next((i for i in instruments if str(i.pk) == chosen), None)
    if instrument is None and instruments:
        instrument = instruments[0]
    form = None
    if instrument is not None:
        form = AssessmentForm(
            request.POST or None,
            instrument=instrument,
            initial={"performed_on": timezone.localdate()},
        )
        if request.method == "POST" and form.is_valid():
            try:
                assessment = services.perform_assessment(
                    enrolment, instrument, form.answers(), request.user,
                    form.cleaned_data["performed_on"], form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                audit.log_access(request, audit.Action.CREATE, obj=assessment)
                messages.success(
                    request,
                    _("Kartläggningen är sparad: %(points)s poäng ger behovskategori %(cat)s.")
                    % {"points": assessment.total_score, "cat": assessment.need_category},
                )
                return redirect("assessments:detail", pk=assessment.pk)
    return render(
        request,
        "assessments/perform.html",
        {"enrolment": enrolment, "instrument": instrument, "instruments": instruments,
         "form": form},
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A completed kartläggning: the result and every answer."""
    assessment = get_object_or_404(
        Assessment.objects.select_related("enrolment__person", "enrolment__referral",
                                          "instrument", "performed_by")
        .filter(enrolment__in=access.visible_enrolments(request.user)),
        pk=pk,
    )
    audit.log_access(request, audit.Action.READ, obj=assessment)
    answers = assessment.answers.select_related("question", "option").order_by(
        "question__order", "question__pk"
    )
    return render(request, "assessments/detail.html", {
        "assessment": assessment, "answers": answers,
        "person": _person_shown(request.user, assessment.enrolment),
        "opens_enrolments": request.user.role in access.UNIT_ROLES,
    })


def _person_shown(user, enrolment):
    """The enrolment's person as `user` may see them: unit staff see the person record; a
    referrer only the person as they entered them in their referral (`referral_person`)."""
    if enrolment.referral_id is not None and not access.sees_person_records(user):
        return access.referral_person(user, enrolment.referral)
    return enrolment.person
