"""Pages of the plans app: establish and edit the genomförandeplan, goals and follow-ups.

Every object is looked up within the user's visible enrolments (404 otherwise) and changes
need `can_work_on_enrolment` (403 otherwise).
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
from django.views.decorators.http import require_POST

from insats.audit import services as audit
from insats.core import access
from insats.core.forms import add_service_errors
from insats.core.security.params import id_param
from insats.enrolments.models import Enrolment

from . import services
from .forms import FollowupForm, GoalEditForm, GoalForm, PlanEditForm, PlanForm
from .models import ActionPlan, Goal


def _workable_enrolment(request: HttpRequest, pk: int) -> Enrolment:
    enrolment = get_object_or_404(
        access.visible_enrolments(request.user).select_related("person"), pk=pk
    )
    if not access.can_work_on_enrolment(request.user, enrolment):
        raise PermissionDenied
    audit.log_access(request, audit.Action.READ, enrolment=enrolment)
    return enrolment


def _workable_plan(request: HttpRequest, pk: int) -> ActionPlan:
    plan = get_object_or_404(
        ActionPlan.objects.select_related("enrolment__person").filter(
            enrolment__in=access.visible_enrolments(request.user)
        ),
        pk=pk,
    )
    if not access.can_work_on_enrolment(request.user, plan.enrolment):
        raise PermissionDenied
    audit.log_access(request, audit.Action.READ, obj=plan)
    return plan


def _workable_goal(request: HttpRequest, pk: int) -> Goal:
    goal = get_object_or_404(
        Goal.objects.select_related("plan__enrolment__person").filter(
            plan__enrolment__in=access.visible_enrolments(request.user)
        ),
        pk=pk,
    )
    if not access.can_work_on_enrolment(request.user, goal.plan.enrolment):
        raise PermissionDenied
    audit.log_access(request, audit.Action.READ, obj=goal)
    return goal


def _enrolment_url(enrolment_id: int) -> str:
    return reverse("enrolments:detail", args=[enrolment_id]) + "#plan"


@login_required
def create(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    """Upprätta genomförandeplan for an enrolment."""
    enrolment = _workable_enrolment(request, enrolment_pk)
    if ActionPlan.objects.filter(enrolment=enrolment).exists():
        return redirect("plans:edit", pk=enrolment.plan.pk)
    deadline = services.first_plan_deadline(enrolment.start_date)
    form = PlanForm(request.POST or None, initial={"established_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.establish_plan(
                enrolment,
                established_on=data["established_on"],
                summary=data["summary"],
                next_followup_on=data["next_followup_on"],
                shared_with_referrer=data["shared_with_referrer"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.CREATE, obj=plan)
            messages.success(request, _("Genomförandeplanen är upprättad."))
            return redirect(_enrolment_url(enrolment.pk))
    return render(
        request, "plans/plan_form.html",
        {"form": form, "enrolment": enrolment, "deadline": deadline, "plan": None},
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Ändra genomförandeplan; a save based on an outdated version is refused and the user's
    input is kept on the page so nothing typed is lost."""
    plan = _workable_plan(request, pk)
    initial = {
        "established_on": plan.established_on,
        "summary": plan.summary,
        "next_followup_on": plan.next_followup_on,
        "shared_with_referrer": plan.shared_with_referrer,
        "version": plan.version,
    }
    form = PlanEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_plan(
                plan,
                data["version"],
                established_on=data["established_on"],
                summary=data["summary"],
                next_followup_on=data["next_followup_on"],
                shared_with_referrer=data["shared_with_referrer"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.UPDATE, obj=plan)
            messages.success(request, _("Genomförandeplanen är sparad."))
            return redirect(_enrolment_url(plan.enrolment_id))
    return render(
        request, "plans/plan_form.html",
        {"form": form, "enrolment": plan.enrolment, "plan": plan, "deadline": None},
    )


@login_required
def goal_add(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Lägg till mål eller delmål."""
    plan = _workable_plan(request, plan_pk)
    initial = {}
    parent_pk = id_param(request.GET.get("parent"))
    if parent_pk is not None:
        initial["parent"] = parent_pk
    form = GoalForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            goal = services.add_goal(
                plan, text=data["text"], responsible=data["responsible"], due_on=data["due_on"],
                parent=data["parent"], by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.CREATE, obj=goal)
            messages.success(request, _("Målet är tillagt."))
            return redirect(_enrolment_url(plan.enrolment_id))
    return render(request, "plans/goal_form.html", {"form": form, "plan": plan, "goal": None})


@login_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Ändra mål/delmål."""
    goal = _workable_goal(request, pk)
    initial = {
        "text": goal.text, "responsible": goal.responsible, "due_on": goal.due_on,
        "achieved": goal.achieved, "version": goal.version,
    }
    form = GoalEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_goal(
                goal, data["version"], text=data["text"], responsible=data["responsible"],
                due_on=data["due_on"], achieved=data["achieved"], by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.UPDATE, obj=goal)
            messages.success(request, _("Målet är sparat."))
            return redirect(_enrolment_url(goal.plan.enrolment_id))
    return render(request, "plans/goal_form.html", {"form": form, "plan": goal.plan, "goal": goal})


@login_required
@require_POST
def goal_achieved(request: HttpRequest, pk: int) -> HttpResponse:
    """Markera mål som uppnått eller ej uppnått (a one-click button on the enrolment page)."""
    goal = _workable_goal(request, pk)
    achieved = request.POST.get("achieved") == "1"
    try:
        services.set_goal_achieved(
            goal, achieved, request.user, id_param(request.POST.get("version"))
        )
    except ValidationError as exc:
        # The button sits on the enrolment page: show why nothing was saved there.
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_enrolment_url(goal.plan.enrolment_id))
    audit.log_access(request, audit.Action.UPDATE, obj=goal)
    if achieved:
        messages.success(request, _("Målet är markerat som uppnått."))
    else:
        messages.success(request, _("Målet är markerat som ej uppnått."))
    return redirect(_enrolment_url(goal.plan.enrolment_id))


@login_required
def followup_add(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """Registrera planuppföljning."""
    plan = _workable_plan(request, plan_pk)
    form = FollowupForm(
        request.POST or None,
        initial={"held_on": timezone.localdate(), "version": plan.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            followup = services.record_plan_followup(
                plan, data["held_on"], data["note"], request.user, data["version"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.CREATE, obj=followup)
            messages.success(request, _("Uppföljningen är registrerad."))
            return redirect(_enrolment_url(plan.enrolment_id))
    return render(request, "plans/followup_form.html", {"form": form, "plan": plan})
