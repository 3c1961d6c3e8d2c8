"""Pages of the enrolments app: caseload, the enrolment page, closure, reopening, follow-ups."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from insats.accounts.models import Role, User
from insats.audit import services as audit
from insats.codes.models import FollowupStatus
from insats.core import access
from insats.core.security.params import id_param
from insats.persons.forms import add_service_errors

from . import services
from .forms import CloseForm, EnrolmentForm, FollowupForm, MeetingForm, NoteForm, ReopenForm
from .models import Enrolment

PAGE_SIZE = 50
SCOPE_MINE, SCOPE_UNIT = "mina", "enhet"
STATUS_OPEN, STATUS_CLOSED, STATUS_ALL = "oppna", "avslutade", "alla"


def _require_unit_role(user: User) -> None:
    # The enrolment pages hold the case journal: for the unit's staff only. A referrer follows
    # their referrals on referrals:mine.
    if user.role not in access.UNIT_ROLES:
        raise PermissionDenied


def _enrolment(request: HttpRequest, pk: int) -> Enrolment:
    _require_unit_role(request.user)
    enrolment = get_object_or_404(
        access.visible_enrolments(request.user).select_related(
            "person", "unit", "coach", "referral", "referral__sender", "referral__referral_source",
            "referral_source", "income_at_start", "closure_reason",
        ),
        pk=pk,
    )
    audit.log_access(request, audit.Action.READ, enrolment=enrolment)
    return enrolment


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    """Ärenden: the coach's own caseload by default, or the whole unit."""
    user = request.user
    _require_unit_role(user)
    default_scope = SCOPE_MINE if user.role == Role.COACH else SCOPE_UNIT
    scope = request.GET.get("omfattning", default_scope)
    if scope not in (SCOPE_MINE, SCOPE_UNIT):
        scope = default_scope
    status = request.GET.get("status", STATUS_OPEN)
    if status not in (STATUS_OPEN, STATUS_CLOSED, STATUS_ALL):
        status = STATUS_OPEN
    coaches = User.objects.filter(unit_id=user.unit_id, role=Role.COACH).order_by(
        "last_name", "first_name"
    )
    coach_pk = id_param(request.GET.get("konsulent"))
    coach_id = str(coach_pk) if coach_pk is not None else ""
    qs = access.visible_enrolments(user)
    if scope == SCOPE_MINE:
        qs = qs.filter(coach=user)
    elif coach_pk is not None:
        qs = qs.filter(coach_id=coach_pk)
    if status == STATUS_OPEN:
        qs = qs.filter(end_date__isnull=True)
    elif status == STATUS_CLOSED:
        qs = qs.filter(end_date__isnull=False)
    # One query for the page: person, coach and plan come along in the same join.
    qs = qs.select_related("person", "coach", "plan").order_by("-start_date", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("sida"))
    audit.log_many(request, audit.Action.READ, page.object_list)
    params = {"omfattning": scope, "status": status}
    if scope == SCOPE_UNIT and coach_pk is not None:
        params["konsulent"] = coach_id
    return render(
        request,
        "enrolments/caseload.html",
        {
            "page": page,
            "scope": scope,
            "status": status,
            "coaches": coaches,
            "coach_id": coach_id,
            "extra_query": urlencode(params),
            "today": timezone.localdate(),
        },
    )


def _reopenings(enrolment: Enrolment) -> list:
    """The enrolment's reopenings, each with `removed`: the follow-ups the reopening took off
    the enrolment (its snapshot), as "3 mån – Arbete (2024-05-02)"-ready rows."""
    reopenings = list(
        enrolment.reopenings.select_related("reopened_by", "previous_closure_reason")
    )
    codes = {str(item.get("status") or "") for r in reopenings for item in r.removed_followups
             if isinstance(item, dict)}
    labels = dict(FollowupStatus.objects.filter(code__in=codes).values_list("code", "label_sv"))
    for reopening in reopenings:
        reopening.removed = [
            {
                "months": item.get("months_after"),
                # A code no longer in the list is shown as the code itself.
                "status": labels.get(str(item.get("status") or ""), item.get("status") or "–"),
                "date": item.get("followup_date") or "",
            }
            for item in reopening.removed_followups
            if isinstance(item, dict)
        ]
    return reopenings


def _detail_context(request: HttpRequest, enrolment: Enrolment, **forms) -> dict:
    user = request.user
    can_work = access.can_work_on_enrolment(user, enrolment)
    return {
        "enrolment": enrolment,
        "person": enrolment.person,
        "can_work": can_work,
        "can_reopen": enrolment.end_date is not None
        and access.can_reopen_enrolment(user, enrolment),
        "meetings": enrolment.meetings.select_related("created_by"),
        "notes": enrolment.notes.select_related("author"),
        "reopenings": _reopenings(enrolment),
        "followups": services.followup_slots(enrolment),
        "note_form": forms.get("note_form") or NoteForm(),
        "meeting_form": forms.get("meeting_form") or MeetingForm(),
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Inskrivningen: facts, referral, trepartssamtal, journal and the other apps' sections."""
    enrolment = _enrolment(request, pk)
    return render(request, "enrolments/detail.html", _detail_context(request, enrolment))


@login_required
@require_POST
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a journalanteckning; with htmx only the journal section is sent back."""
    enrolment = _enrolment(request, pk)
    form = NoteForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            note = services.add_case_note(enrolment, by=request.user,
                                          text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.CREATE, obj=note)
            saved = True
    if request.htmx:
        context = _detail_context(request, enrolment, note_form=None if saved else form)
        context["note_saved"] = saved
        # htmx swaps only 2xx answers, so errors come back as 200 with the form in place.
        return render(request, "enrolments/_journal.html", context)
    if saved:
        messages.success(request, _("Anteckningen är sparad."))
        return redirect(f"{enrolment.get_absolute_url()}#journal")
    context = _detail_context(request, enrolment, note_form=form)
    return render(request, "enrolments/detail.html", context, status=400)


@login_required
@require_POST
def add_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.add_meeting(enrolment, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.CREATE, obj=meeting)
            messages.success(request, _("Trepartssamtalet är sparat."))
            return redirect(f"{enrolment.get_absolute_url()}#trepartssamtal")
    context = _detail_context(request, enrolment, meeting_form=form)
    return render(request, "enrolments/detail.html", context, status=400)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Ändra inskrivning (konsulent, behovskategori, försörjning), optimistically locked."""
    enrolment = _enrolment(request, pk)
    if not access.can_work_on_enrolment(request.user, enrolment):
        raise PermissionDenied
    form = EnrolmentForm(request.POST or None, enrolment=enrolment, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.update_enrolment(enrolment, by=request.user, expected_version=version, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.UPDATE, enrolment=enrolment)
            messages.success(request, _("Inskrivningen är sparad."))
            return redirect(enrolment.get_absolute_url())
    return render(request, "enrolments/edit.html", {"enrolment": enrolment, "form": form})


@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """Avsluta inskrivning: one avslutsorsak, each shown with its definition."""
    enrolment = _enrolment(request, pk)
    if not access.can_work_on_enrolment(request.user, enrolment):
        raise PermissionDenied
    if enrolment.end_date is not None:
        messages.info(request, _("Inskrivningen är redan avslutad."))
        return redirect(enrolment.get_absolute_url())
    form = CloseForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.close_enrolment(
                enrolment,
                by=request.user,
                expected_version=data["version"],
                end_date=data["end_date"],
                closure_reason=data["closure_reason"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.UPDATE, enrolment=enrolment)
            messages.success(request, _("Inskrivningen är avslutad."))
            return redirect(enrolment.get_absolute_url())
    open_placements = enrolment.placements.filter(end_date__isnull=True).select_related("measure")
    return render(
        request,
        "enrolments/close.html",
        {"enrolment": enrolment, "form": form, "open_placements": open_placements},
    )


@login_required
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Återöppna en avslutad inskrivning (enhetschef), with the reason on record."""
    enrolment = _enrolment(request, pk)
    if not access.can_reopen_enrolment(request.user, enrolment):
        raise PermissionDenied
    if enrolment.end_date is None:
        messages.info(request, _("Inskrivningen är inte avslutad."))
        return redirect(enrolment.get_absolute_url())
    form = ReopenForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_enrolment(
                enrolment,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.UPDATE, enrolment=enrolment)
            messages.success(request, _("Inskrivningen är återöppnad."))
            return redirect(enrolment.get_absolute_url())
    return render(request, "enrolments/reopen.html", {"enrolment": enrolment, "form": form})


@login_required
def followup(request: HttpRequest, pk: int) -> HttpResponse:
    """Efteruppföljning 3, 6 and 12 months after closure: what is due and what is recorded."""
    enrolment = _enrolment(request, pk)
    can_work = access.can_work_on_enrolment(request.user, enrolment)
    slots = services.followup_slots(enrolment)
    next_slot = next((s for s in slots if s.recorded is None), None)
    form = FollowupForm(
        request.POST or None,
        initial={"months_after": next_slot.months} if next_slot else None,
    )
    if request.method == "POST":
        if not can_work:
            raise PermissionDenied
        if form.is_valid():
            try:
                recorded = services.record_followup(enrolment, by=request.user,
                                                    **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                audit.log_access(request, audit.Action.CREATE, obj=recorded)
                messages.success(request, _("Efteruppföljningen är sparad."))
                return redirect("enrolments:followup", pk=enrolment.pk)
    return render(
        request,
        "enrolments/followup.html",
        {"enrolment": enrolment, "slots": slots, "form": form, "can_work": can_work},
    )
