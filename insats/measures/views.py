"""Pages of the measures app: the catalogue (insatsmatris), placements and attendance.

Personal data (placements, attendance) is always reached through the user's visible
enrolments (404 otherwise); changes need `can_work_on_enrolment` (403 otherwise).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from insats.audit import services as audit
from insats.codes.models import MeasureCategory
from insats.core import access
from insats.core.forms import add_service_errors
from insats.core.security.params import id_param

from . import services
from .forms import AttendanceForm, PlacementEndForm, PlacementForm
from .models import Attendance, Measure, Placement


def _visible_placements(request: HttpRequest):
    return Placement.objects.filter(enrolment__in=access.visible_enrolments(request.user))


def _person_shown(user, enrolment):
    """The enrolment's person as `user` may see them: unit staff see the person record; a
    referrer only the person as they entered them in their referral (`referral_person`)."""
    if enrolment.referral_id is not None and not access.sees_person_records(user):
        return access.referral_person(user, enrolment.referral)
    return enrolment.person


def _placement(request: HttpRequest, pk: int, *, work: bool) -> Placement:
    placement = get_object_or_404(
        _visible_placements(request).select_related(
            "enrolment__person", "enrolment__referral", "measure"
        ),
        pk=pk,
    )
    if work and not access.can_work_on_enrolment(request.user, placement.enrolment):
        raise PermissionDenied
    audit.log_access(request, audit.Action.READ, obj=placement)
    return placement


def _enrolment_url(enrolment_id: int) -> str:
    return reverse("enrolments:detail", args=[enrolment_id]) + "#insatser"


# --- Catalogue ------------------------------------------------------------------------------


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """Insatsmatris: every measure with its category, provider, places and free places today."""
    today = timezone.localdate()
    categories = list(MeasureCategory.objects.all())
    category = request.GET.get("category", "")
    show_inactive = request.GET.get("inactive") == "1"
    measures = (
        Measure.objects.select_related("category", "provider", "unit")
        .with_free_places(today)
        .order_by("category__sort_order", "name")
    )
    if category:
        measures = measures.filter(category_id=category)
    if not show_inactive:
        measures = measures.filter(active=True)
    return render(request, "measures/catalogue.html", {
        "measures": measures, "categories": categories, "category": category,
        "show_inactive": show_inactive, "today": today,
    })


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One measure; unit staff also see the current placements in their visible enrolments."""
    today = timezone.localdate()
    measure = get_object_or_404(
        Measure.objects.select_related("category", "provider", "unit").with_free_places(today),
        pk=pk,
    )
    placements = None
    if access.sees_personal_data(request.user):
        placements = list(
            _visible_placements(request).filter(measure=measure).active_on(today)
            .select_related("enrolment__person", "enrolment__referral").with_total_hours()
            .order_by("enrolment__person__last_name", "enrolment__person__first_name", "pk")
        )
        audit.log_many(request, audit.Action.READ, placements)
        for placement in placements:
            placement.person_shown = _person_shown(request.user, placement.enrolment)
    return render(request, "measures/detail.html", {
        "measure": measure, "placements": placements, "today": today,
        "grid_week": _iso_week(today),
        "opens_enrolments": request.user.role in access.UNIT_ROLES,
    })


# --- Placements -----------------------------------------------------------------------------


@login_required
def placement_create(request: HttpRequest, enrolment_pk: int) -> HttpResponse:
    """Placera i insats."""
    enrolment = get_object_or_404(
        access.visible_enrolments(request.user).select_related("person"), pk=enrolment_pk
    )
    if not access.can_work_on_enrolment(request.user, enrolment):
        raise PermissionDenied
    audit.log_access(request, audit.Action.READ, enrolment=enrolment)
    initial = {"start_date": max(timezone.localdate(), enrolment.start_date)}
    measure_pk = id_param(request.GET.get("measure"))
    if measure_pk is not None:
        initial["measure"] = measure_pk
    form = PlacementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            placement = services.place(
                enrolment, data["measure"], data["start_date"], data["end_date"],
                data["workplace"], data["supervisor"], request.user,
                allow_over_capacity=data["allow_over_capacity"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.CREATE, obj=placement)
            messages.success(request, _("Placeringen är registrerad."))
            return redirect(_enrolment_url(enrolment.pk))
    return render(request, "measures/placement_form.html", {"form": form, "enrolment": enrolment})


@login_required
def placement_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Avsluta placering."""
    placement = _placement(request, pk, work=True)
    form = PlacementEndForm(
        request.POST or None,
        initial={"end_date": placement.end_date or timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.end_placement(placement, form.cleaned_data["end_date"], request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit.log_access(request, audit.Action.UPDATE, obj=placement)
            messages.success(request, _("Placeringen är avslutad."))
            return redirect(_enrolment_url(placement.enrolment_id))
    return render(request, "measures/placement_end.html", {
        "form": form, "placement": placement, "person": placement.enrolment.person,
    })


# --- Attendance -----------------------------------------------------------------------------


@login_required
def placement_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Närvaro for one placement: the days recorded, their sum, and a form for one day."""
    placement = _placement(request, pk, work=False)
    can_work = access.can_work_on_enrolment(request.user, placement.enrolment)
    form = None
    if can_work:
        today = timezone.localdate()
        default_day = min(today, placement.end_date) if placement.end_date else today
        form = AttendanceForm(request.POST or None, initial={"date": default_day})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                recorded = services.record_attendance(
                    placement, data["date"], data["hours"], data["absence_reason"], request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                audit.log_access(request, audit.Action.UPDATE, obj=recorded)
                messages.success(request, _("Närvaron för %(date)s är sparad.")
                                 % {"date": data["date"]})
                return redirect("measures:placement_attendance", pk=placement.pk)
    elif request.method == "POST":
        raise PermissionDenied
    rows = placement.attendance.select_related("recorded_by").order_by("-date")
    total = services.total_hours(placement)
    return render(request, "measures/placement_attendance.html", {
        "placement": placement, "rows": rows, "form": form, "can_work": can_work,
        "total": total, "person": _person_shown(request.user, placement.enrolment),
        "opens_enrolments": request.user.role in access.UNIT_ROLES,
    })


@login_required
@require_POST
def attendance_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ta bort en dags närvaro."""
    attendance = get_object_or_404(
        Attendance.objects.select_related("placement__enrolment").filter(
            placement__enrolment__in=access.visible_enrolments(request.user)
        ),
        pk=pk,
    )
    placement = attendance.placement
    if not access.can_work_on_enrolment(request.user, placement.enrolment):
        raise PermissionDenied
    services.clear_attendance(placement, attendance.date, request.user)
    audit.log_access(request, audit.Action.DELETE, obj=attendance)
    messages.success(request, _("Närvaron för %(date)s är borttagen.") % {"date": attendance.date})
    return redirect("measures:placement_attendance", pk=placement.pk)


def _iso_week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _parse_week(value: str) -> dt.date | None:
    """Monday of an ISO week written '2024-W10'; None when it is not one."""
    try:
        year, week = value.upper().split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    except (ValueError, AttributeError):
        return None


def _grid_rows(request, measure, monday, posted=None, errors=None):
    days = services.week_days(monday)
    placements = list(
        _visible_placements(request).filter(measure=measure, start_date__lte=days[-1])
        .exclude(end_date__lt=monday)
        .select_related("enrolment__person", "enrolment__referral")
        .order_by("enrolment__person__last_name", "enrolment__person__first_name", "pk")
    )
    audit.log_many(request, audit.Action.READ, placements)
    existing = {
        services.cell_key(a.placement_id, a.date): a
        for a in Attendance.objects.filter(placement__in=placements, date__range=(monday, days[-1]))
    }
    workable: dict[int, bool] = {}
    rows = []
    for placement in placements:
        if placement.enrolment_id not in workable:
            workable[placement.enrolment_id] = access.can_work_on_enrolment(
                request.user, placement.enrolment
            )
        cells = []
        for day in days:
            key = services.cell_key(placement.pk, day)
            record = existing.get(key)
            if posted is not None and workable[placement.enrolment_id]:
                hours = posted.get(f"h-{key}", "")
                reason = posted.get(f"r-{key}", "")
            else:
                hours = "" if record is None else _format_hours(record.hours)
                reason = "" if record is None else record.absence_reason
            in_period = placement.start_date <= day and (
                placement.end_date is None or day <= placement.end_date
            )
            cells.append({
                "key": key, "date": day, "in_period": in_period, "hours": hours,
                "reason": reason, "error": (errors or {}).get(key),
                "reason_label": dict(Attendance.AbsenceReason.choices).get(reason, ""),
            })
        rows.append({
            "placement": placement, "person": _person_shown(request.user, placement.enrolment),
            "editable": workable[placement.enrolment_id], "cells": cells,
        })
    return days, rows


def _format_hours(hours) -> str:
    text = f"{hours.normalize():f}" if hours else "0"
    return text.replace(".", ",")


@login_required
def attendance_grid(request: HttpRequest) -> HttpResponse:
    """Veckonärvaro for a group: the placements of one measure running in one ISO week, in the
    user's visible enrolments, Monday to Friday. Saving is all-or-nothing."""
    if not access.sees_personal_data(request.user):
        raise PermissionDenied
    params = request.POST if request.method == "POST" else request.GET
    measures = list(Measure.objects.filter(active=True).order_by("name"))
    measure = next((m for m in measures if str(m.pk) == params.get("measure")), None)
    today = timezone.localdate()
    monday = _parse_week(params.get("week", "")) or dt.date.fromisocalendar(
        *today.isocalendar()[:2], 1
    )
    context = {
        "measures": measures, "measure": measure, "week": _iso_week(monday), "monday": monday,
        "previous_week": _iso_week(monday - dt.timedelta(days=7)),
        "next_week": _iso_week(monday + dt.timedelta(days=7)),
        "reasons": Attendance.AbsenceReason.choices, "errors": None,
    }
    if measure is None:
        return render(request, "measures/attendance_grid.html", context)
    if request.method == "POST":
        days, rows = _grid_rows(request, measure, monday)
        cells = [
            services.GridCell(
                row["placement"], cell["date"],
                request.POST.get(f"h-{cell['key']}", ""), request.POST.get(f"r-{cell['key']}", ""),
            )
            for row in rows if row["editable"]
            for cell in row["cells"] if cell["in_period"]
        ]
        try:
            written = services.save_week_grid(measure, monday, cells, request.user)
        except ValidationError as exc:
            errors = {key: " ".join(msgs) for key, msgs in exc.message_dict.items()}
            days, rows = _grid_rows(request, measure, monday, posted=request.POST, errors=errors)
            context["errors"] = errors
        else:
            audit.log_many(request, audit.Action.UPDATE,
                           [row["placement"] for row in rows if row["editable"]])
            message = ngettext(
                "Veckans närvaro är sparad (%(n)s dag).",
                "Veckans närvaro är sparad (%(n)s dagar).",
                written,
            ) % {"n": written}
            messages.success(request, message)
            query = urlencode({"measure": measure.pk, "week": _iso_week(monday)})
            return redirect(f"{reverse('measures:attendance_grid')}?{query}")
    else:
        days, rows = _grid_rows(request, measure, monday)
    context.update({"days": days, "rows": rows,
                    "any_editable": any(row["editable"] for row in rows)})
    return render(request, "measures/attendance_grid.html", context)
