"""Pages of the referrals app: send a referral, the allocation queue, and the referrer's list."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from insats.accounts.models import Role, User
from insats.audit import services as audit
from insats.core import access
from insats.persons.forms import add_service_errors
from insats.persons.views import person_from_token

from . import services
from .forms import (
    AllocationForm,
    AllocationRoutineForm,
    AttachmentForm,
    ReferralForm,
    RejectForm,
)
from .models import Referral

PAGE_SIZE = 50
ROUTINE_HISTORY = 20


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """Ny remiss: the person by personnummer (matched or registered) and the assignment."""
    user = request.user
    if not access.can_send_referrals(user):
        raise PermissionDenied
    token = request.POST.get("person") or request.GET.get("person") or ""
    registered = person_from_token(token) if token else None
    form = ReferralForm(
        request.POST or None,
        request.FILES or None,
        user=user,
        registered_person=registered,
        initial={"person": token} if registered else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.create_referral(
                sender=user,
                unit=data["unit"],
                referral_source=data["referral_source"],
                reason=data["reason"],
                person=registered,
                person_data=None if registered else form.person_data(),
                income_source=data.get("income_source"),
                attachments_description=data.get("attachments_description", ""),
                wanted_tags=data.get("wanted_tags") or [],
                received_date=data.get("received_date"),
                attachments=data.get("attachments") or [],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.CREATE, obj=referral)
            sent = _("Remissen är skickad till %(unit)s.") % {"unit": data["unit"]}
            messages.success(request, sent)
            if access.can_allocate(user):
                return redirect("referrals:queue")
            return redirect("referrals:mine")
    return render(request, "referrals/create.html", {"form": form, "registered": registered})


@login_required
def add_attachments(request: HttpRequest, pk: int) -> HttpResponse:
    """Lägg till bilagor: the sender adds files to their own referral until it is allocated."""
    user = request.user
    if not access.can_send_referrals(user):
        raise PermissionDenied
    referral = get_object_or_404(
        access.visible_referrals(user).select_related("unit", "person"), pk=pk
    )
    if referral.sender_id != user.pk:
        raise PermissionDenied
    audit.log_access(request, audit.Action.READ, obj=referral)
    if referral.status != Referral.Status.SENT:
        messages.info(request, _("Remissen är redan fördelad eller avvisad; bilagor kan inte "
                                 "längre läggas till."))
        return redirect("referrals:mine")
    posted = request.method == "POST"
    form = AttachmentForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            added = services.add_attachments(
                referral, by=user, files=form.cleaned_data["attachments"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.UPDATE, obj=referral)
            messages.success(request, ngettext(
                "%(n)d bilaga är tillagd till remissen.",
                "%(n)d bilagor är tillagda till remissen.",
                len(added),
            ) % {"n": len(added)})
            return redirect("referrals:mine")
    return render(request, "referrals/attachments.html", {
        "referral": referral,
        "person": access.referral_person(user, referral),
        "attachments": referral.attachments.all(),
        "form": form,
    })


def _ascii_name(name: str) -> str:
    """A plain-ASCII stand-in for clients that do not read filename* (RFC 6266)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = "".join(c for c in plain if c.isprintable() and c not in '"\\;')
    return plain.strip() or "bilaga"


def content_disposition(name: str) -> str:
    """`attachment` with the name both as ASCII and, exactly, as UTF-8 (RFC 5987)."""
    return (f'attachment; filename="{_ascii_name(name)}"; '
            f"filename*=UTF-8''{quote(name, safe='')}")


@login_required
def download_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """Hämta bilaga: only for those who may see the referral (insats.core.access); anyone
    else gets 404, never the file. Every download is logged as a read of personal data."""
    attachment = get_object_or_404(
        access.visible_referral_attachments(request.user).select_related("referral"), pk=pk
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Filen finns inte längre.")) from None
    audit.log_access(request, audit.Action.READ, obj=attachment)
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Remisser att fördela, with the unit's documented allocation routine beside them."""
    user = request.user
    if not access.can_allocate(user):
        raise PermissionDenied
    page = Paginator(services.queue(user), PAGE_SIZE).get_page(request.GET.get("sida"))
    audit.log_many(request, audit.Action.READ, page.object_list)
    unit = user.unit
    return render(request, "referrals/queue.html", {
        "page": page,
        "unit": unit,
        "can_edit_routine": unit is not None and access.can_edit_allocation_routine(user, unit),
        "routine_change": services.last_routine_change(unit) if unit else None,
    })


@login_required
def routine(request: HttpRequest) -> HttpResponse:
    """Ändra fördelningsrutin: the unit's enhetschef for their unit, an administrator for any
    unit of the municipality (chosen with ?enhet=CODE)."""
    user = request.user
    units = access.editable_routine_units(user)
    if user.role not in (Role.ENHETSCHEF, Role.ADMIN) or not units.exists():
        raise PermissionDenied
    code = request.POST.get("enhet") or request.GET.get("enhet") or ""
    if user.role == Role.ENHETSCHEF:
        unit = units.first()
    elif code:
        unit = get_object_or_404(units, code=code)
    else:
        return render(request, "referrals/routine.html", {"unit": None, "units": units})
    form = AllocationRoutineForm(
        request.POST or None,
        initial={
            "allocation_routine": unit.allocation_routine,
            "version": services.routine_version(unit.allocation_routine),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = services.update_allocation_routine(
                unit,
                by=user,
                text=form.cleaned_data["allocation_routine"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if change is None:
                messages.info(request, _("Fördelningsrutinen är oförändrad."))
            else:
                messages.success(request, _("Fördelningsrutinen är sparad."))
            if user.role == Role.ENHETSCHEF:
                return redirect("referrals:queue")
            return redirect(f"{reverse('referrals:routine')}?{urlencode({'enhet': unit.code})}")
    return render(request, "referrals/routine.html", {
        "unit": unit,
        "form": form,
        "history": unit.routine_changes.select_related("changed_by")[:ROUTINE_HISTORY],
    })


@login_required
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    """Fördela en remiss: the suggestion with its reasoning, and the samordnare's decision."""
    user = request.user
    if not access.can_allocate(user):
        raise PermissionDenied
    referral = get_object_or_404(
        access.visible_referrals(user).select_related(
            "person", "unit", "referral_source", "income_source", "sender"
        ),
        pk=pk,
    )
    audit.log_access(request, audit.Action.READ, obj=referral)
    if referral.status != Referral.Status.SENT:
        messages.info(request, _("Remissen är redan fördelad."))
        return redirect("referrals:queue")
    suggestion = services.suggest_coach(referral)
    coaches = User.objects.filter(
        unit_id=referral.unit_id, role=Role.COACH, is_active=True
    ).order_by("last_name", "first_name")
    form = AllocationForm(request.POST or None, coaches=coaches, suggested=suggestion.coach)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.allocate_referral(
                referral,
                by=user,
                coach=form.cleaned_data["coach"],
                start_date=form.cleaned_data["start_date"],
                override_reason=form.cleaned_data["override_reason"],
                shown_suggestion=form.cleaned_data.get("suggested_coach"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.CREATE, enrolment=enrolment)
            messages.success(
                request,
                _("Remissen är fördelad till %(coach)s och inskrivningen har startat.")
                % {"coach": enrolment.coach},
            )
            return redirect("referrals:queue")
    return render(
        request,
        "referrals/allocate.html",
        {
            "referral": referral,
            "suggestion": suggestion,
            "form": form,
        },
    )


@login_required
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Avvisa en remiss, with the reason the referrer will see."""
    user = request.user
    if not access.can_allocate(user):
        raise PermissionDenied
    referral = get_object_or_404(access.visible_referrals(user), pk=pk)
    audit.log_access(request, audit.Action.READ, obj=referral)
    if referral.status != Referral.Status.SENT:
        messages.info(request, _("Remissen är redan fördelad eller avvisad."))
        return redirect("referrals:queue")
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reject_referral(
                referral, by=user, reason=form.cleaned_data["rejection_reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.UPDATE, obj=referral)
            messages.success(request, _("Remissen är avvisad."))
            return redirect("referrals:queue")
    return render(request, "referrals/reject.html", {"referral": referral, "form": form})


def _goal_tree(plan) -> list[tuple]:
    goals = list(plan.goals.all())
    return [(g, [s for s in goals if s.parent_id == g.pk]) for g in goals if g.parent_id is None]


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Mina remisser: the referrer's own referrals, their status, coach and shared plan."""
    user = request.user
    if not access.can_send_referrals(user):
        raise PermissionDenied
    referrals = (
        access.visible_referrals(user)
        .filter(sender=user)
        .select_related("person", "unit", "allocated_to", "enrolment", "enrolment__plan",
                        "enrolment__coach", "enrolment__closure_reason")
        .prefetch_related("enrolment__plan__goals", "attachments")
        .order_by("-received_date", "-pk")
    )
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("sida"))
    audit.log_many(request, audit.Action.READ, page.object_list)
    rows = []
    for referral in page:
        enrolment = getattr(referral, "enrolment", None)
        plan = getattr(enrolment, "plan", None) if enrolment else None
        shared = plan is not None and plan.shared_with_referrer
        rows.append(
            {
                "referral": referral,
                # A referrer sees the person as they entered them, not the person record.
                "person": access.referral_person(user, referral),
                "enrolment": enrolment,
                "plan": plan if shared else None,
                "plan_hidden": plan is not None and not shared,
                "goals": _goal_tree(plan) if shared else [],
            }
        )
    return render(request, "referrals/mine.html", {"page": page, "rows": rows})
